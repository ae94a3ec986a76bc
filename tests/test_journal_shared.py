"""The journals in a shared folder (`soptrack init --shared`): a third review proved that a
backup's copy of a journal took the writer's umask; the test guards against it."""

from __future__ import annotations

import os
import queue  # noqa: F401 - the release thread's, before the child drops root
import shutil  # noqa: F401
import subprocess
import sys

from privileges import become, preload, readable_shipped_sops
from test_shared import _as, office_users  # noqa: F401 - the fixture of two group members


def _as_worker(user: str, body) -> int:
    """Run `body()` in a forked child that has become `user` (umask 077: a hardened login);
    returns its exit status (0: body returned)."""
    import pwd

    preload()
    shipped = readable_shipped_sops()
    info = pwd.getpwnam(user)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            become(info.pw_uid, info.pw_gid, os.getgrouplist(user, info.pw_gid), shipped)
            os.umask(0o077)
            body()
            code = 0
        except BaseException as exc:  # noqa: BLE001
            sys.stderr.write(f"child failed: {exc!r}\n")
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_backups_journal_made_under_a_private_umask_stays_readable_to_the_group(
    office_users,  # noqa: F811
) -> None:
    """`init --shared` promises one database for the whole group, whatever each member's
    umask: every file of the set and the backup folder are made group-readable and -writable
    (shared.new_file_mode, match_permissions_fd, make_dir). A fold with a backup due keeps
    the live journal with the backup (backups.rotate, journal=...), but copies it with
    shutil.copyfile, which creates the copy with the writer's umask: 0600 for a member whose
    umask is 077. The backup's year file is a hard link (0660, the group's), its journal is
    private. Another member then finds that backup unreadable: `restore --from` it fails
    ("tidak ada cadangan ... yang terbaca"), `doctor` does not list it as a good backup,
    and a plain `restore` skips it for an older one, losing the steps the journal held.

    Cause: store/backups.py:109 (shutil.copyfile(source, copy), and shutil.copy2 at :115),
    with no mode taken over from the file it backs up.
    Fix: give the copy the live journal's mode and group (shared.match_permissions_fd, or
    os.chmod(copy, stat.S_IMODE(os.stat(source).st_mode)) plus chown to its gid)."""
    group, (first, second), base = office_users
    shared = base / "kantor"
    out = subprocess.run(
        [sys.executable, "-m", "soptrack", "init", "--shared", str(shared), "--group", group],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    db = shared / "kantor.json"

    def work() -> None:
        from soptrack.services.core import Services
        from soptrack.store import backups
        from soptrack.store.storage import released

        services = Services(db=db, user=first, sop_dirs=[])
        services.new_run("pengukuran-kinerja", "PK 2026", 2026)
        services.act("pk-1", 1, "start")  # whole, the first backup
        services.act("pk-1", 1, "done")  # the journal
        services.act("pk-1", 2, "start")
        backups.INTERVAL_SECONDS = 0  # ten minutes later: a backup is due, with the journal
        backups._NEWEST.clear()
        services.act("pk-1", 2, "done")
        released()

    assert _as_worker(first, work) == 0
    folder = shared / "kantor.json.backups"
    journals = sorted(folder.glob("kantor.2026-*.journal.json"))
    assert journals, sorted(p.name for p in folder.iterdir())
    backup = journals[-1].with_name(journals[-1].name.replace(".journal.json", ".json"))
    year_mode = backup.stat().st_mode & 0o777
    journal_mode = journals[-1].stat().st_mode & 0o777
    result = _as(second, "--db", str(db), "restore", "--from", str(backup), "--yes")
    assert result.returncode == 0, result.stderr
    assert journal_mode & 0o040 == year_mode & 0o040, (oct(year_mode), oct(journal_mode))
