"""Rolling backups beside the database: the last good versions of the file.

Just before a write replaces the file, the old file (which this process has just parsed, so
it is known good) is hard-linked into the backup folder: no bytes are copied, so backups cost
the write path almost nothing. At most one backup per interval, the newest KEEP kept.

A backup that cannot be made never stops the write (the write itself is whole and durable;
refusing it would stop the office's work over a safety net), but it is never silent either:
the reason is kept for the caller to say (`take_failures`), and `doctor` asks
`folder_problem` the same question.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import threading
import time
from pathlib import Path

from soptrack.store import layout, shared

KEEP = 10
INTERVAL_SECONDS = 600
# db path -> the time of its newest backup this process has seen or made: a write within
# the interval of it needs no listing of the backup folder (~0.1 ms a write). Backups only
# ever get newer, so the memo can only be too old, never wrongly recent.
_NEWEST: dict[str, float] = {}
# backup folder -> why a backup of it could not be made, since the caller last asked (the
# TUI writes from worker threads: guarded by the lock)
_FAILED: dict[str, str] = {}
_FAILED_LOCK = threading.Lock()


def backup_dir(db_path: str | os.PathLike[str]) -> Path:
    """One folder for the database and its year files (`DB.2025.json` -> `DB.json.backups`)."""
    path = Path(db_path)
    return layout.main_of(path).with_name(layout.main_of(path).name + ".backups")


def list_backups(db_path: str | os.PathLike[str]) -> list[Path]:
    """Newest first, of this one file (the folder holds the whole set's). Names carry a
    sortable timestamp."""
    directory = backup_dir(db_path)
    if not directory.is_dir():
        return []
    prefix = f"{Path(db_path).stem}-"
    found = (
        p
        for p in directory.glob("*.json")
        if p.name.startswith(prefix) and not p.name.endswith(layout.JOURNAL_END)
    )
    return sorted(
        (p for p in found if p.name[len(prefix) : len(prefix) + 1].isdigit()), reverse=True
    )


def latest(db_path: str | os.PathLike[str]) -> Path | None:
    found = list_backups(db_path)
    return found[0] if found else None


def due(db_path: str, now: float | None = None) -> bool:
    """Whether the next write of the file makes a backup (the newest is older than the
    interval); a journal is folded into its file then, so the backup is of the file."""
    now = time.time() if now is None else now
    known = _NEWEST.get(db_path)
    if known is not None and 0 <= now - known < INTERVAL_SECONDS:
        return False
    newest = latest(db_path)
    if newest is not None:
        with contextlib.suppress(OSError):
            made = newest.stat().st_mtime
            _NEWEST[db_path] = made
            if now - made < INTERVAL_SECONDS:
                return False
    return True


def journal_of(backup: Path) -> Path:
    """The journal kept with a backup (its file was read with it), named as any file's
    journal: reading the backup applies it."""
    return Path(layout.journal_of(str(backup)))


def rotate(
    db_path: str, *, force: bool = False, now: float | None = None, journal: str | None = None
) -> Path | None:
    """Keep the file about to be replaced, if the newest backup is older than the interval;
    with `journal`, the journal it is read with (the file's state is both)."""
    now = time.time() if now is None else now
    if not force and not due(db_path, now):
        return None
    directory = backup_dir(db_path)
    try:
        shared.make_dir(directory)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
        target = directory / f"{Path(db_path).stem}-{stamp}-{int(now * 1000) % 1000:03d}.json"
        pairs = [(db_path, target)]
        if journal is not None:
            pairs.insert(0, (journal, journal_of(target)))  # no backup without its journal
        for source, copy in pairs:
            try:
                if source == db_path:
                    os.link(source, copy)  # replaced, never changed in place: a link will do
                else:
                    _copy_shared(source, copy)  # a journal grows in place: copied
                os.utime(copy, (now, now))
            except FileNotFoundError:
                if source == db_path:
                    raise
            except OSError:
                shutil.copy2(source, copy)
                os.utime(copy, (now, now))
    except OSError as exc:
        # a backup must never stop a write, but the user must hear that there was none
        why = folder_problem(db_path) or (
            f"cadangan {Path(db_path).name} tidak dapat dibuat di {directory}: "
            f"{exc.strerror or exc}"
        )
        with _FAILED_LOCK:
            _FAILED[str(directory)] = why
        return None
    _NEWEST[db_path] = now
    for old in list_backups(db_path)[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
        with contextlib.suppress(OSError):
            journal_of(old).unlink()
    return target


def _copy_shared(source: str, copy: Path) -> None:
    """A copy with the mode and group of its source, whatever this user's umask: in a
    shared folder every member must be able to restore it."""
    st = os.stat(source)
    shutil.copyfile(source, copy)
    os.chmod(copy, stat.S_IMODE(st.st_mode))
    if os.stat(copy).st_gid != st.st_gid:
        with contextlib.suppress(PermissionError):
            os.chown(copy, -1, st.st_gid)


def take_failures() -> list[str]:
    """Why backups this process tried since the last call were not made (one line per
    backup folder); the list is emptied."""
    with _FAILED_LOCK:
        found = list(_FAILED.values())
        _FAILED.clear()
    return found


def folder_problem(db_path: str | os.PathLike[str]) -> str | None:
    """Why no backup of this database can be kept, with the fix, or None. A folder not made
    yet is no problem (the first backup makes it; a database folder that forbids that is
    named by the write check already)."""
    directory = backup_dir(db_path)
    try:
        st = os.stat(directory)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return (
            f"folder cadangan {directory} tidak dapat dibuka: {exc.strerror}; cadangan tidak dibuat"
        )
    if not stat.S_ISDIR(st.st_mode):
        return (
            f"{directory} bukan folder ({stat.filemode(st.st_mode)}), cadangan tidak dibuat; "
            f"pindahkan file itu (mv {directory} {directory}.lama), folder cadangan dibuat "
            "lagi pada penulisan berikutnya"
        )
    if not os.access(directory, os.W_OK | os.X_OK):
        return (
            f"folder cadangan {directory} tidak bisa ditulisi pengguna ini (pemilik "
            f"{shared.owner(st)}, mode {stat.filemode(st.st_mode)}), cadangan tidak dibuat; "
            f"minta admin: chmod g+w {directory} (folder bersama: soptrack init --shared)"
        )
    return None
