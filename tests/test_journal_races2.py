"""More races, crashes and damage around the journals, from a second review (after the
fixes of tests/test_journal_races.py). Each test proved a bug; each docstring says what went
wrong, why it matters, and where (the "Cause" lines name the code before its fix).

Crashes are simulated as tests/test_journal_races.py does: a forked process that calls
os._exit at a chosen point; nothing here waits on a sleep.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from test_corrupt import CLI, cli_env, soptrack
from test_journal_races import fresh, in_child, journal, steps_of

from soptrack.store import backups, maintenance
from soptrack.store.storage import AtomicJSONStorage, released


def test_a_crash_during_restore_of_a_backup_with_a_journal_shows_one_whole_state(
    worked,
) -> None:
    """`soptrack restore` of a backup that was taken with its journal (a fold with a
    backup due keeps the journal it was read with) replaces the live file with the
    backup's file, THEN the live journal with the backup's journal (two renames). Killed
    between them, the database is the backup's file with the OLD live journal, which names
    the replaced file's token and is ignored: readers show the backup's file without its
    journal, i.e. neither the state before the restore nor the backup's state. Every step
    the backup's journal held is silently missing (exit 0), and the next writer replaces
    that stale journal with a new one, so re-running restore is the only way back, and it
    drops the steps made meanwhile. The previous fix only moved the window (journal first
    -> file first); with two files it stays a non-atomic swap.
    Cause: store/maintenance.py:299-308 (_put_back: os.replace(tmp, path), then
    os.replace(journal, live)). Fix: make the restore one rename: put back ONE whole file,
    the backup read with its journal (read_afresh) and serialized with a new token, so the
    live journal (any token but that one) is ignored from the moment the file is in place;
    then remove the live journal. (Also: the `.restore` temporaries a crash leaves are not
    named `*.tmp`, so no writer or doctor ever removes them.)"""
    services, db = worked
    year = db.with_name("kantor.2026.json")
    for backup in backups.list_backups(year):
        os.utime(backup, (1, 1))  # the newest backup is old: the next write makes one
    backups._NEWEST.clear()
    services.act("pk-1", 2, "done")  # whole, with a backup of the file AND its journal
    chosen = backups.latest(year)
    assert chosen is not None and backups.journal_of(chosen).exists()
    backup_state = steps_of(AtomicJSONStorage(str(chosen)).read_afresh() or {})
    assert backup_state == ("selesai", "berjalan", "belum")
    services.act("pk-1", 3, "start")  # the backup is recent: this step goes to a journal
    released()
    assert journal(year).exists()
    before = fresh(db)
    assert before == ("selesai", "selesai", "berjalan")
    real_replace = os.replace

    def crash_mid_restore() -> None:
        def replace(src, dst, *a, **kw):
            if str(dst) == str(journal(year)):
                os._exit(0)  # killed after the file is in place, before its journal
            return real_replace(src, dst, *a, **kw)

        os.replace = replace
        maintenance.restore(db, chosen)

    assert in_child(crash_mid_restore) == 0
    after = fresh(db)
    assert after in (before, backup_state), (after, before, backup_state)


def test_a_journal_line_holding_two_records_is_damage_not_two_steps(
    worked,
) -> None:
    """Since 0e7df90 a cold read parses every journal line at once: b"[" + b",".join(lines)
    + b"]". Lines that are each unreadable can join into a readable list: a line holding
    two records separated by a comma (`{"tx":[..]},{"tx":[..]}`, a newline lost or
    replaced by a hand edit or a damaged sector), or one record broken over two lines at an
    op boundary (`{"tx":[op1` / `op2]}`). Line by line both are "complete lines that do not
    read", which the fix of test_a_damaged_complete_last_line_is_one_clear_error made one
    clear error (exit 2). The batch accepts them: `status` shows the damaged journal as
    good data (exit 0) and the next fold writes it into the year file for good, removing
    the journal that showed the damage.
    Cause: store/storage.py:299-301 (_replay: the batch json.loads is trusted whenever it
    parses; the line by line pass runs only when it fails). Fix: check that the batch gave
    exactly one record per line (len(parsed) == len(lines), which catches the comma case;
    the split case gives fewer records) - or parse line by line whenever the counts differ."""
    _, db = worked
    year_journal = journal(db.with_name("kantor.2026.json"))
    lines = year_journal.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 4  # header, two records, the final newline
    damaged = b"\n".join([lines[0], lines[1] + b"," + lines[2], b""])  # newline -> comma
    year_journal.write_bytes(damaged)
    with pytest.raises(json.JSONDecodeError):
        json.loads(lines[1] + b"," + lines[2])  # the line does not read on its own
    proc = soptrack(db, "status", "pk-1", env=cli_env(db.parent / "home"))
    assert proc.returncode == 2 and "jurnal" in proc.stderr, (
        proc.returncode,
        proc.stdout[-300:],
        proc.stderr,
    )


def test_a_same_size_hand_edit_of_a_year_file_with_a_journal_is_refused(
    worked,
) -> None:
    """A year file edited by hand while its journal holds steps must be refused, naming
    both (the person says which holds the truth). The journal's header records only the
    file's SIZE, so an edit that keeps it (a typo fixed in a title, a digit of a date, a
    step's state `belum` -> `batal`, as any editor saves it) is not seen: the journal's
    patches are applied on top of the edited documents and the mix is shown, and then
    folded for good, without a word. Such edits are the common case of a hand edit.
    Cause: store/storage.py:288 (_replay compares header["size"] with len(raw) only) and
    :516 (_append writes `{"base":token,"size":N}`). Fix: record more of the file in the
    header: its mtime_ns and inode as well (a writer sets them; an editor's save changes
    them), or a cheap checksum (zlib.crc32 of the bytes the reader already holds)."""
    _, db = worked
    year = db.with_name("kantor.2026.json")
    raw = year.read_bytes()
    assert raw.count(b"PK 2026") >= 1
    edited = raw.replace(b"PK 2026", b"PK 2025")  # the title's typo fixed: same size
    assert len(edited) == len(raw)
    year.write_bytes(edited)  # as an editor saves it, in place
    assert journal(year).exists()
    proc = soptrack(db, "status", "pk-1", env=cli_env(db.parent / "home"))
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-400:], proc.stderr)
    assert str(year) in proc.stderr and str(journal(year)) in proc.stderr, proc.stderr


def test_a_fifo_in_a_journals_place_is_refused_without_blocking(
    worked,
) -> None:
    """A FIFO where the database is is refused ("bukan file biasa", test_corrupt.py
    test_fifo_is_refused_without_blocking): a read would block forever. A FIFO where a
    year file's journal is (planted in the shared folder, or a mistake) is opened for
    reading with no check: `status`, `runs`, `doctor`, `restore` and every TUI hang for
    good, with no message; a symlink there to /dev/zero fills the memory likewise.
    Cause: store/storage.py:262 (_replay: open(jpath, "rb") and read() with no
    S_ISREG check; _journal_signature os.stat()s it and calls it a journal). Fix: open the
    journal with O_NOFOLLOW | O_NONBLOCK and fstat it: anything but a regular file is a
    StoreCorrupt naming it (as read() does for the file)."""
    _, db = worked
    year_journal = journal(db.with_name("kantor.2026.json"))
    year_journal.unlink()
    os.mkfifo(year_journal)
    try:
        proc = subprocess.run(
            [*CLI, "status", "pk-1", "--db", str(db)],
            env=cli_env(db.parent / "home"),
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`soptrack status` blocked on the FIFO at {year_journal}")
    assert proc.returncode == 2 and str(year_journal) in proc.stderr, proc.stderr


def test_closing_the_tui_after_leaving_the_sample_folds_the_samples_journals(
    worked,
    monkeypatch,
) -> None:
    """Opening the sample (CONTOH, `x` to leave) writes its run with some twenty steps:
    the first write of each file whole, the rest into `kantor.contoh.2026.journal.json` and
    `kantor.contoh.index.journal.json` (_WHOLE_WRITTEN is per process and path: the
    sample's Services and its scripted Services share it). On closing, run_app folds the
    journals of the real database and of the database the app shows at that moment only:
    a user who opened the sample and went back to the real database leaves the sample's
    journals behind for good (no later TUI folds them unless it closes while showing the
    sample), breaking "the files are whole when no soptrack is open" that the fold on
    closing exists for (a copy of `*.json`, an edit by hand).
    Cause: tui/app.py:378-379 (run_app folds {services, app.state.services} only;
    the sample's Services are dropped by action_leave_demo / _start_run's switch). Fix:
    remember every Services the app opened (AppState.switch can collect them) and fold
    them all; or fold the sample right after _fill_demo writes it (open_demo)."""
    from soptrack.services.state import demo_path, open_demo
    from soptrack.tui import app as app_mod

    services, db = worked

    def run(self, *a, **kw):  # the user opens the sample, then goes back ('x')
        sample, _ = open_demo(self.real_services)
        self.state.switch(sample, demo=True)
        self.state.switch(self.real_services, demo=False)

    monkeypatch.setattr(app_mod.SoptrackApp, "run", run)
    app_mod.run_app(services)
    released()
    sample = demo_path(db)
    left = sorted(p.name for p in sample.parent.iterdir() if p.name.endswith(".journal.json"))
    assert journal(db.with_name("kantor.2026.json")).exists() is False  # the real one: folded
    assert left == [], f"journals left after the TUI closed: {left}"


def test_a_damaged_journal_header_is_one_clear_error_not_a_silent_loss(
    worked,
) -> None:
    """The header line of a journal (`{"base":token,"size":N}`) is a complete line like
    any record, and the fix of test_a_damaged_complete_last_line_is_one_clear_error made
    "a complete line that does not read" damage. But a header that does not parse (a byte
    damaged, an edit by hand) or is not an object is taken for "a journal of an earlier
    version" and ignored: every step in the journal silently disappears from what readers
    show (exit 0), and the next writer replaces the journal with a new one (_append: no
    journal applied -> os.replace), destroying the only copy of acknowledged steps.
    Cause: store/storage.py:281-287 (_replay: `header = None` on a parse error, then
    `return None`, the same answer as for a header naming another file version). Fix:
    only a header that parses and names ANOTHER token means "folded already"; a complete
    first line that does not parse (or lacks base/size) raises _corrupt_journal."""
    _, db = worked
    year_journal = journal(db.with_name("kantor.2026.json"))
    raw = year_journal.read_bytes()
    assert raw.startswith(b'{"base":')
    year_journal.write_bytes(b'{"base";' + raw[len(b'{"base":') :])  # one byte damaged
    proc = soptrack(db, "status", "pk-1", env=cli_env(db.parent / "home"))
    assert proc.returncode == 2 and "jurnal" in proc.stderr, (
        proc.returncode,
        proc.stdout[-300:],
        proc.stderr,
    )
