"""One database for a whole office: group permissions that survive every rewrite.

Each write replaces the file with a new one created by whoever writes, so without care the
file would end up owned by that user's private group with a umask-narrowed mode, and the next
colleague could no longer write. The replacement therefore takes over the old file's mode and
group; a new file in a group-writable (setgid) folder is created group-writable.
"""

from __future__ import annotations

import contextlib
import grp
import os
import stat
from pathlib import Path

from soptrack.sop.errors import BadInput


def owner(st: os.stat_result) -> str:
    """`USER:GROUP` of a file, for a message that says whom to ask (the ids where a name is
    unknown: a container, a deleted account)."""
    import pwd  # only for a message

    try:
        user = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        user = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return f"{user}:{group}"


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it (4.7 and later):
    setting it to 0 for a moment, the only other way, gives a file another thread creates
    meanwhile (the TUI writes and exports from worker threads) a mode of 0666."""
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0)
    os.umask(mask)
    return mask


def new_file_mode(directory: str | os.PathLike[str]) -> int:
    """Mode for a file created in `directory`: group-writable when the folder is."""
    mode = 0o666 & ~_umask()
    with contextlib.suppress(OSError):
        if os.stat(directory).st_mode & stat.S_IWGRP:
            mode |= 0o660
    return mode


def match_permissions(new: str, old: str) -> None:
    """Give `new` (about to replace `old`) the old file's mode and group."""
    try:
        st = os.stat(old)
    except FileNotFoundError:
        os.chmod(new, new_file_mode(os.path.dirname(old) or "."))
        return
    os.chmod(new, stat.S_IMODE(st.st_mode))
    if os.stat(new).st_gid != st.st_gid:
        with contextlib.suppress(PermissionError):
            os.chown(new, -1, st.st_gid)


def match_permissions_fd(fd: int, old: os.stat_result | None, directory: str) -> None:
    """match_permissions() for a new file still open, from the stat of the file it will
    replace (None: there is none yet): no path is looked up again."""
    if old is None:
        os.fchmod(fd, new_file_mode(directory or "."))
        return
    os.fchmod(fd, stat.S_IMODE(old.st_mode))
    if os.fstat(fd).st_gid != old.st_gid:
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, old.st_gid)


def make_dir(path: Path) -> None:
    """A folder beside a shared database: setgid and group-writable like its parent."""
    parent = path.parent
    path.mkdir(exist_ok=True)
    with contextlib.suppress(OSError):
        pst = os.stat(parent)
        if pst.st_mode & stat.S_IWGRP:
            os.chmod(path, 0o2770 | (pst.st_mode & 0o005))
            if os.stat(path).st_gid != pst.st_gid:
                os.chown(path, -1, pst.st_gid)


def prepare(directory: Path, group: str) -> list[str]:
    """`soptrack init --shared DIR --group GROUP`: a folder every member can use."""
    try:
        gid = grp.getgrnam(group).gr_gid
    except KeyError:
        raise BadInput(f"grup {group!r} tidak ada; buat dulu: groupadd {group}") from None
    done: list[str] = []
    if directory.exists() and not directory.is_dir():
        raise BadInput(
            f"{directory} sudah ada dan bukan folder; --shared menerima folder, mis. /srv/soptrack"
        )
    if not directory.exists():
        directory.mkdir(parents=True)
        done.append(f"folder dibuat: {directory}")
    try:
        os.chown(directory, -1, gid)
        os.chmod(directory, 0o2770)
    except PermissionError:
        raise BadInput(
            f"tidak ada izin mengubah {directory}; jalankan sebagai root (sudo) atau pemiliknya"
        ) from None
    done.append(f"{directory}: grup {group}, mode drwxrws--- (setgid: file baru ikut grup)")
    return done


def fix_file(path: Path, gid: int, mode: int = 0o660) -> str:
    os.chown(path, -1, gid)
    os.chmod(path, mode)
    return f"{path}: grup {grp.getgrgid(gid).gr_name}, mode {stat.filemode(mode | stat.S_IFREG)}"
