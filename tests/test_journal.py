"""The journals beside the year files and the index (store/storage.py).

A process's later writes of a file go to its journal as one line each (a run's new history
entries and changed steps); every reader applies the journal's complete lines; a line cut
short by a crash is left out and cut off by the next writer; a journal of an earlier version
of its file is ignored; a file edited by hand while its journal holds later steps is
refused, naming both; the journal is folded into its file when it outgrows its limit, when
a backup is due (the backup keeps the journal with it) and when the TUI closes.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from test_corrupt import assert_one_line_error, cli_env, soptrack

from soptrack.services.core import Services
from soptrack.store import Repository, backups, storage
from soptrack.store.errors import StoreCorrupt, StoreError
from soptrack.store.storage import AtomicJSONStorage, forget, journal_of, released

SOP_ID = "pengukuran-kinerja"


def journal(path: Path) -> Path:
    return Path(journal_of(str(path)))


def fresh(db: Path) -> dict[str, tuple[str, ...]]:
    """What a new process reads: run id -> the states of its steps."""
    for path in db.parent.iterdir():
        forget(str(path))
    return {r.id: tuple(s.state.value for s in r.steps) for r in Repository(db).list_runs()}


def test_later_steps_go_to_the_journal_and_every_reader_sees_them(worked) -> None:
    services, db = worked
    year = db.with_name("kantor.2026.json")
    assert journal(year).exists() and journal(services.repo.index_path).exists()
    on_file = json.loads(year.read_text())["runs"]["1"]
    assert [s["state"] for s in on_file["steps"][:2]] == ["berjalan", "belum"]  # the file...
    assert fresh(db)["pk-1"][:3] == ("selesai", "berjalan", "belum")  # ...with its journal
    lines = journal(year).read_bytes().split(b"\n")
    assert len(lines) == 4 and lines[-1] == b""  # the header, two steps, nothing torn
    op = json.loads(lines[2])["tx"][0]
    assert set(op["items"]["steps"]) == {"1"} and len(op["add"]["history"]) == 1  # small
    proc = soptrack(db, "status", "pk-1", env=cli_env(db.parent / "home"))
    assert proc.returncode == 0 and "berjalan" in proc.stdout, proc.stderr


def test_a_step_in_the_journal_syncs_the_journal_alone(worked, monkeypatch) -> None:
    services, db = worked
    synced: list[tuple[str, str]] = []
    for name in ("fsync", "fdatasync"):
        real = getattr(os, name)

        def sync(fd, real=real, name=name):
            synced.append((name, Path(os.readlink(f"/proc/self/fd/{fd}")).name))
            real(fd)

        monkeypatch.setattr(os, name, sync)
    before = {p.name: p.stat().st_ino for p in db.parent.glob("kantor*.json")}
    services.act("pk-1", 2, "done")
    assert synced == [("fdatasync", "kantor.2026.journal.json")]  # no folder, no index
    assert {p.name: p.stat().st_ino for p in db.parent.glob("kantor*.json")} == before


def test_a_record_cut_short_is_left_out_and_cut_off_by_the_next_writer(worked) -> None:
    services, db = worked
    year_journal = journal(db.with_name("kantor.2026.json"))
    whole = year_journal.read_bytes()
    with open(year_journal, "ab") as handle:  # a writer killed mid-append
        handle.write(b'{"tx":[{"t":"runs","id":"1","set":{"title":"sete')
    assert fresh(db)["pk-1"][:2] == ("selesai", "berjalan")
    services.act("pk-1", 2, "done")
    after = year_journal.read_bytes()
    assert after.startswith(whole) and b"sete" not in after
    assert all(json.loads(line) for line in after.split(b"\n")[:-1])
    assert fresh(db)["pk-1"][:3] == ("selesai", "selesai", "belum")


def test_a_damaged_record_before_others_is_one_line_naming_the_journal(worked) -> None:
    _, db = worked
    year_journal = journal(db.with_name("kantor.2026.json"))
    lines = year_journal.read_bytes().split(b"\n")
    lines[1] = lines[1][:20] + b"#" + lines[1][21:]
    year_journal.write_bytes(b"\n".join(lines))
    env = cli_env(db.parent / "home")
    before = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    err = assert_one_line_error(soptrack(db, "step", "pk-1", "2", "done", env=env), year_journal)
    assert "jurnal" in err and "rusak" in err
    assert {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == before


def test_a_journal_of_an_earlier_version_of_its_file_is_ignored(worked) -> None:
    """A crash after a fold replaced the file and before the journal went: the journal
    names the file it continued, which is no longer there."""
    services, db = worked
    year = db.with_name("kantor.2026.json")
    kept = journal(year).read_bytes()
    assert services.repo.fold_journals() == 2
    journal(year).write_bytes(kept)  # as the crash left it
    assert fresh(db)["pk-1"][:3] == ("selesai", "berjalan", "belum")  # applied once, not twice
    services.act("pk-1", 2, "done")
    assert fresh(db)["pk-1"][:3] == ("selesai", "selesai", "belum")


def test_a_file_edited_by_hand_while_its_journal_holds_steps_is_refused(worked) -> None:
    _, db = worked
    year = db.with_name("kantor.2026.json")
    data = json.loads(year.read_text())
    data["runs"]["1"]["title"] = "diubah tangan"
    year.write_text(json.dumps(data))
    env = cli_env(db.parent / "home")
    before = {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()}
    err = assert_one_line_error(soptrack(db, "status", "pk-1", env=env), year)
    assert str(journal(year)) in err and "soptrack restore" in err
    assert {p.name: p.read_bytes() for p in db.parent.iterdir() if p.is_file()} == before


def test_a_journal_past_its_limit_is_folded_into_its_file(worked, monkeypatch) -> None:
    services, db = worked
    year = db.with_name("kantor.2026.json")
    monkeypatch.setattr(storage, "JOURNAL_MIN_LIMIT", 0)  # a quarter of the file, then
    sizes = []
    for number in range(2, 8):
        services.act("pk-1", number, "done" if number == 2 else "start")
        if number > 2:
            services.act("pk-1", number, "done")
        sizes.append(journal(year).stat().st_size if journal(year).exists() else 0)
    assert 0 in sizes or min(sizes) < max(sizes)  # folded at least once, and begun again
    assert fresh(db)["pk-1"][:8] == ("selesai",) * 7 + ("belum",)


def test_a_due_backup_folds_the_journal_and_keeps_it_with_the_file(worked) -> None:
    """The backup is the state before the write that made it: the file as it was and the
    journal it was read with. A restore brings both back, the journal replaced kept aside."""
    services, db = worked
    year = db.with_name("kantor.2026.json")
    for backup in backups.list_backups(year):
        os.utime(backup, (1, 1))  # the newest backup is old: the next write makes one
    backups._NEWEST.clear()
    services.act("pk-1", 2, "done")
    assert not journal(year).exists()  # folded
    newest = backups.latest(year)
    assert newest is not None and backups.journal_of(newest).exists()
    read = AtomicJSONStorage(str(newest)).read_afresh() or {}
    assert [s["state"] for s in read["runs"]["1"]["steps"][:2]] == ["selesai", "berjalan"]
    services.act("pk-1", 3, "start")  # in a new journal again
    assert journal(year).exists()
    proc = soptrack(db, "restore", "--from", str(newest), "--yes", env=cli_env(db.parent / "h"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert fresh(db)["pk-1"][:3] == ("selesai", "berjalan", "belum")
    assert list(db.parent.glob("kantor.2026.json.rusak-*.journal"))  # the replaced journal


def test_closing_the_tui_folds_the_journals(worked, monkeypatch) -> None:
    from soptrack.tui import app as app_mod

    services, db = worked
    monkeypatch.setattr(app_mod.SoptrackApp, "run", lambda self: services.act("pk-1", 2, "done"))
    app_mod.run_app(services)
    released()
    assert not list(db.parent.glob("*.journal.json"))
    assert not list(db.parent.glob(".*.tmp"))  # the journals folded went, freed by the thread
    on_file = json.loads(db.with_name("kantor.2026.json").read_text())["runs"]["1"]
    assert [s["state"] for s in on_file["steps"][:3]] == ["selesai", "selesai", "belum"]
    assert fresh(db)["pk-1"][:3] == ("selesai", "selesai", "belum")


def test_another_process_step_is_read_from_its_journal_line(worked, monkeypatch) -> None:
    """Two TUIs: the other's step is one more line in the journal, the only bytes read."""
    services, db = worked
    services.repo.get_run("pk-1")
    pid = os.fork()
    if pid == 0:  # the other process, a writer of these files before (forked)
        code = 1
        try:
            Services(db=db, user="siti", sop_dirs=[]).act("pk-1", 2, "done")
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    parsed: list[str] = []
    real = AtomicJSONStorage._parse

    def parse(self):
        parsed.append(self.path)
        return real(self)

    monkeypatch.setattr(AtomicJSONStorage, "_parse", parse)
    assert services.repo.get_run("pk-1").steps[1].state.value == "selesai"
    assert [r.steps[1].state.value for r in services.repo.list_runs(history=False)] == ["selesai"]
    assert parsed == []  # neither file parsed again: their journals' new lines only


def test_a_full_disk_during_an_append_leaves_the_journal_as_it_was(worked, monkeypatch) -> None:
    services, db = worked
    year_journal = journal(db.with_name("kantor.2026.json"))
    before = year_journal.read_bytes()
    real = os.write

    def full(fd, data):
        if os.readlink(f"/proc/self/fd/{fd}").endswith("2026.journal.json"):
            real(fd, bytes(data)[:10])  # part of the line, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreError, match="disk penuh.*tidak diubah"):
        services.act("pk-1", 2, "done")
    monkeypatch.undo()
    assert year_journal.read_bytes() == before
    assert services.repo.get_run("pk-1").steps[1].state.value == "berjalan"
    services.act("pk-1", 2, "done")
    assert fresh(db)["pk-1"][:2] == ("selesai", "selesai")


def test_a_read_only_year_takes_no_step_in_its_journal(worked, monkeypatch) -> None:
    """A year made read-only (chmod 0444) stays read-only for the journal's steps too."""
    services, db = worked
    year = db.with_name("kantor.2026.json")
    year.chmod(0o444)
    real = os.access  # root may write a 0444 file: ask as any other user would be answered
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if str(p) == str(year) else real(p, mode)
    )
    before = journal(year).read_bytes()
    with pytest.raises(StoreError, match="hanya-baca"):
        services.act("pk-1", 2, "done")
    assert journal(year).read_bytes() == before


def test_a_new_journal_has_the_mode_and_group_of_its_file(tmp_path) -> None:
    db = tmp_path / "kantor.json"
    services = Services(db=db, user="budi", sop_dirs=[])
    services.new_run(SOP_ID, "PK 2026", 2026)
    year = db.with_name("kantor.2026.json")
    services.act("pk-1", 1, "start")
    year.chmod(0o664)
    services.repo.fold_journals()
    services.act("pk-1", 1, "done")
    services.act("pk-1", 2, "start")
    assert journal(year).stat().st_mode & 0o777 == year.stat().st_mode & 0o777 == 0o664


def test_a_journal_that_is_not_a_journal_is_refused_by_writers_too(worked) -> None:
    services, db = worked
    year_journal = journal(db.with_name("kantor.2026.json"))
    lines = year_journal.read_bytes().split(b"\n")
    lines[1] = b'{"tx":[{"t":"runs","id":"1","set":{},"items":{"steps":{"99":{}}}}]}'
    year_journal.write_bytes(b"\n".join(lines))
    for path in db.parent.iterdir():
        forget(str(path))
    with pytest.raises(StoreCorrupt, match="jurnal"):
        services.act("pk-1", 2, "done")


def test_a_schema_4_database_opens_and_each_file_is_stamped_5_once_with_a_backup(
    tmp_path,
) -> None:
    """A database of the release before the journals (schema 4, no tokens): every command
    reads it; the first write of each file keeps a backup of the old version and stamps
    it 5, once; then steps in one process go to the journals as in a new database."""
    db = tmp_path / "kantor.json"
    services = Services(db=db, user="budi", sop_dirs=[])
    services.new_run(SOP_ID, "PK 2026", 2026)
    services.act("pk-1", 1, "start")
    services.fold_journals()
    released()
    for path in db.parent.glob("kantor*.json"):  # as the release before wrote them
        data = json.loads(path.read_text())
        data["meta"]["1"]["schema"] = 4
        data["meta"]["1"].pop("journal", None)
        path.write_text(json.dumps(data))
    for path in db.parent.iterdir():
        forget(str(path))
    shutil.rmtree(db.with_name("kantor.json.backups"))
    year = db.with_name("kantor.2026.json")
    v4 = year.read_bytes()
    env = cli_env(tmp_path / "home")
    for args in (["status"], ["runs"], ["status", "pk-1"], ["history", "pk-1"]):
        proc = soptrack(db, *args, env=env)
        assert proc.returncode == 0 and proc.stderr == "", (args, proc.stderr)
    proc = soptrack(db, "step", "pk-1", "1", "done", env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(year.read_text())["meta"]["1"]["schema"] == 5
    kept = backups.list_backups(year)
    assert len(kept) == 1 and kept[0].read_bytes() == v4  # the old version, kept first
    for args in (["step", "pk-1", "2", "start"], ["doctor"]):
        proc = soptrack(db, *args, env=env)
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
    assert len(backups.list_backups(year)) == 1  # once
    assert fresh(db)["pk-1"][:3] == ("selesai", "berjalan", "belum")
    steps = Services(db=db, user="budi", sop_dirs=[])
    steps.act("pk-1", 2, "done")
    steps.act("pk-1", 3, "start")
    assert journal(year).exists()
    assert fresh(db)["pk-1"][:4] == ("selesai", "selesai", "berjalan", "belum")
