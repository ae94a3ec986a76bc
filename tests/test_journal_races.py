"""Races and crashes around the journals (store/storage.py, backups.py, maintenance.py).
Each test proved a bug a review found; each docstring tells the failure it guards against
and where it was (the "Cause" lines name the code as it was before the fix).

Crashes are simulated as tests/test_index_file.py does: a forked process that calls
os._exit at a chosen point. Interleavings of two processes are made deterministic with
pipes or by running the other process to completion at the chosen point, never by sleeps.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from test_corrupt import cli_env, soptrack

from soptrack.store import Repository, backups, maintenance
from soptrack.store.errors import StoreError
from soptrack.store.storage import AtomicJSONStorage, forget, journal_of, released

SOP_ID = "pengukuran-kinerja"


def journal(path: Path) -> Path:
    return Path(journal_of(str(path)))


def forget_all(db: Path) -> None:
    for path in db.parent.iterdir():
        forget(str(path))


def fresh(db: Path) -> tuple[str, ...]:
    """What a new process reads: the states of pk-1's first three steps."""
    forget_all(db)
    run = Repository(db).get_run("pk-1")
    forget_all(db)
    return tuple(s.state.value for s in run.steps[:3])


def steps_of(data: dict) -> tuple[str, ...]:
    return tuple(s["state"] for s in data["runs"]["1"]["steps"][:3])


def in_child(body) -> int:
    """Run `body` in a forked process (it may os._exit itself at its crash point); its
    exit code."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            body()
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_reader_racing_a_fold_reads_again_and_shows_every_acknowledged_step(
    worked, monkeypatch
) -> None:
    """A reader (no lock) parses the year file, then opens its journal. If another
    process folds in between (file replaced with a new token, journal renamed away, maybe
    a new journal begun), the reader finds no journal, or one whose header names the new
    token, and returns the OLD file alone as the state: steps acknowledged long before the
    reader started (here steps 1 done and 2 started) are missing. With whole writes a
    reader saw the old file or the new one, both holding every acknowledged step.
    Cause: read() (storage.py:195) and _replay() (storage.py:221, :235) return the parse
    alone when the journal is missing or does not continue the parsed file, without
    checking whether the file was replaced meanwhile (then: stat again, parse again)."""
    _, db = worked
    year = db.with_name("kantor.2026.json")
    forget_all(db)
    real = AtomicJSONStorage._parse
    raced: list[int] = []

    def parse(self):
        out = real(self)
        if self.path == str(year) and not raced:
            raced.append(1)

            def fold() -> None:  # another process (a TUI closing) folds the journals
                forget_all(db)
                assert Repository(db).fold_journals() >= 1
                released()

            assert in_child(fold) == 0
        return out

    monkeypatch.setattr(AtomicJSONStorage, "_parse", parse)
    run = Repository(db).get_run("pk-1")
    assert raced
    seen = tuple(s.state.value for s in run.steps[:3])
    monkeypatch.undo()
    assert fresh(db) == ("selesai", "berjalan", "belum")  # the fold lost nothing...
    assert seen == ("selesai", "berjalan", "belum")  # ...but the racing reader shows less


def test_a_backups_journal_is_a_copy_that_later_steps_never_change(
    worked,
) -> None:
    """A fold with a backup due hard-links the live journal into the backup folder
    (backups.rotate) before the file is replaced. Killed between the two, the live journal
    stays, and it is the same inode as the backup's journal. The next steps are appended
    to it in place (O_APPEND, and a torn line is cut off with ftruncate): every one of them
    also lands in the backup, which no longer holds the state it was taken of; a restore of
    it brings back steps made after it and its "lost transitions" comparison is wrong.
    Cause: backups.py rotate() links the journal (os.link, backups.py:106) although journals,
    unlike the files, are changed in place (storage.py _append_to). Fix: copy the journal
    into the backup (it is small), or have _append begin a new journal when st_nlink > 1."""
    services, db = worked
    year = db.with_name("kantor.2026.json")
    for backup in backups.list_backups(year):
        os.utime(backup, (1, 1))  # the newest backup is old: the next write makes one
    backups._NEWEST.clear()
    real_replace = os.replace

    def crash_at_fold() -> None:
        def replace(src, dst, *a, **kw):
            if str(dst) == str(year):
                os._exit(0)  # killed after the backup, before the new file
            return real_replace(src, dst, *a, **kw)

        os.replace = replace
        services.act("pk-1", 2, "done")

    assert in_child(crash_at_fold) == 0
    newest = backups.latest(year)
    assert newest is not None and backups.journal_of(newest).exists()
    taken = steps_of(AtomicJSONStorage(str(newest)).read_afresh() or {})
    assert taken == ("selesai", "berjalan", "belum")
    assert fresh(db) == ("selesai", "berjalan", "belum")  # the crash acknowledged nothing
    services.act("pk-1", 2, "done")  # the backup is recent: this step goes to the journal
    services.act("pk-1", 3, "start")
    assert fresh(db) == ("selesai", "selesai", "berjalan")
    after = steps_of(AtomicJSONStorage(str(newest)).read_afresh() or {})
    assert after == taken, "the backup changed after it was taken"


def test_a_crash_during_restore_leaves_the_state_before_it_or_the_backups(worked) -> None:
    """`soptrack restore` puts the backup's journal in place (or removes the live journal
    when the backup has none) BEFORE it replaces the file. Killed between the two, the
    database is the current file without its journal: neither the state before the
    restore nor the backup's, and every step that was in the journal is silently gone from
    what readers show (only a `.rusak-*.journal` copy beside it remembers them).
    Cause: maintenance.py _put_back() calls _put_back_journal() before os.replace(tmp,
    path) (maintenance.py:297). Fix: put the file in place first and then the journal: a backup's
    journal names the backup's token, so with the old file still in place it is ignored,
    and the old journal continues the old file until it is replaced; or keep the live
    journal until the file is replaced."""
    _, db = worked
    year = db.with_name("kantor.2026.json")
    chosen = backups.latest(year)
    assert chosen is not None
    backup_state = steps_of(AtomicJSONStorage(str(chosen)).read_afresh() or {})
    before = fresh(db)
    real_replace = os.replace

    def crash_mid_restore() -> None:
        def replace(src, dst, *a, **kw):
            if str(dst) == str(year):
                os._exit(0)  # killed before the backup's file is in place
            return real_replace(src, dst, *a, **kw)

        os.replace = replace
        maintenance.restore(db, chosen)

    assert in_child(crash_mid_restore) == 0
    assert fresh(db) in (before, backup_state), (fresh(db), before, backup_state)


def test_a_line_cut_off_after_a_failed_sync_makes_readers_read_again(worked) -> None:
    """_append_to writes the whole line, then fdatasync; when the sync fails (ENOSPC or
    EDQUOT reported at sync time, as NFS and delayed allocation do; EIO) the line is cut
    off again (ftruncate) and the step reported as not made. But the complete line was
    visible: a reader that read the journal meanwhile applied it (it shows a step that was
    never made) and recorded the journal as applied up to a byte past the cut. When the
    next steps make the journal longer than that again, the reader replays from the
    middle of a line: the tail of the retried step's line is skipped as 'torn', and the
    one after it makes the reader report the journal as damaged (or show a wrong state),
    while every fresh reader reads the database fine.
    Cause: storage.py:504 (_append_to) ftruncates a line that was written whole,
    under readers that take no lock; read()'s incremental path (storage.py:179) only checks
    that the journal did not shrink below what it applied. Fix: cut off only a line
    written short (no newline: no reader applies it); after a complete write whose sync
    failed, never shrink the journal: fold, or begin a new journal (new inode)."""
    services, db = worked
    reader = Repository(db)
    assert reader.get_run("pk-1").steps[1].state.value == "berjalan"  # cached, applied
    to_parent_r, to_parent_w = os.pipe()
    to_child_r, to_child_w = os.pipe()
    real_sync = os.fdatasync

    def writer() -> None:
        failed = []

        def sync(fd):
            path = os.readlink(f"/proc/self/fd/{fd}")
            if path.endswith("2026.journal.json") and not failed:
                failed.append(1)
                os.write(to_parent_w, b"w")  # the line is written: a reader may read now
                os.read(to_child_r, 1)
                raise OSError(errno.ENOSPC, "No space left on device")
            real_sync(fd)

        os.fdatasync = sync
        try:
            services.act("pk-1", 2, "done")
        except StoreError:  # reported as not made; the user tries again
            services.act("pk-1", 2, "done", note="dicoba lagi " * 20)
            services.act("pk-1", 3, "start")
            released()
            os._exit(0)
        os._exit(3)

    pid = os.fork()
    if pid == 0:
        writer()
    assert os.read(to_parent_r, 1) == b"w"
    during = reader.get_run("pk-1").steps[1].state.value  # a reader, while it writes
    os.write(to_child_w, b"g")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert during == "selesai"  # applied the line that is about to be cut off
    try:
        run = reader.get_run("pk-1")
        seen: object = (tuple(s.state.value for s in run.steps[:3]), len(run.history))
    except StoreError as exc:
        seen = f"error: {exc}"
    forget_all(db)
    run = Repository(db).get_run("pk-1")
    expected = (tuple(s.state.value for s in run.steps[:3]), len(run.history))
    assert expected[0] == ("selesai", "selesai", "berjalan")
    assert seen == expected


def test_a_damaged_complete_last_line_is_one_clear_error(
    worked,
) -> None:
    """A line that ends with its newline was written whole (the writer's newline is the
    last byte it writes; a killed writer leaves a piece without one, which split() already
    drops). Yet _replay treats a complete LAST line that does not read as 'a record cut
    short by a crash': readers silently show the state without it (exit 0), and the next
    writer ftruncates it away, destroying the only copy of an acknowledged step, while
    the same damage one line earlier is refused with a clear error. A damaged step must be
    one clear error (exit 2), never a silent loss.
    Cause: storage.py _replay, `if number == len(lines) - 1: break` (storage.py:253): every line
    in `lines` is newline-terminated, so the torn-write excuse never applies to it. Fix:
    raise _corrupt_journal for any complete line that does not read."""
    _, db = worked
    year_journal = journal(db.with_name("kantor.2026.json"))
    lines = year_journal.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 4
    record = json.loads(lines[2])
    record["tx"][0]["items"] = {"steps": {"1": {"state": "x"}}, "bad": [1]}  # a wrong shape
    lines[2] = json.dumps(record).encode()
    year_journal.write_bytes(b"\n".join(lines))
    proc = soptrack(db, "status", "pk-1", env=cli_env(db.parent / "home"))
    assert proc.returncode == 2 and "jurnal" in proc.stderr, (
        proc.returncode,
        proc.stdout[-300:],
        proc.stderr,
    )
