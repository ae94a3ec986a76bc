"""The run index in its own file (schema 4): derived data, written without fsync.

A transition writes its year file durably and then the index without waiting for the disk.
Whatever state a crash leaves the index in (the previous file, empty, cut short, gone), the
database reads the runs as the year files hold them, silently; a schema-3 database moves its
index out of the main file once, after a backup.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from soptrack.services.core import Services
from soptrack.sop.errors import BadInput
from soptrack.store import Repository, backups, schema, storage
from soptrack.store.errors import StoreError, StoreTooNew
from soptrack.store.storage import AtomicJSONStorage, forget, released

CLI = [sys.executable, "-m", "soptrack"]
SOP_ID = "pengukuran-kinerja"


def make_db(db: Path) -> Services:
    services = Services(db=db, user="budi", sop_dirs=[])
    services.new_run(SOP_ID, "PK 2026", 2026)
    services.new_run(SOP_ID, "PK 2025", 2025)
    services.act("pk-1", 1, "start")
    services.fold_journals()  # at rest, as when the TUI closes: each file says all
    released()  # at rest: the replaced files' background freeing done (tests list the folder)
    return services


def stored(path: Path) -> dict:
    """A file of the database as a new reader has it: with its journal."""
    return AtomicJSONStorage(str(path)).read_afresh() or {}


def fresh_runs(db: Path, history: bool = True) -> dict[str, tuple[str, int]]:
    """What a new process reads: run id -> (current state of step 1, history length)."""
    for path in db.parent.iterdir():
        forget(str(path))
    runs = Repository(db).list_runs(history=history)
    return {r.id: (r.steps[0].state.value, len(r.history)) for r in runs}


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args, "--db", str(db)], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("journals", [False, True], ids=["whole", "journal"])
def test_a_crash_between_the_year_write_and_the_index_write_reads_the_new_state(
    tmp_path, monkeypatch, journals
):
    """Killed after its year file (or the year's journal) reached the disk: the index is
    the one from before, and every reader sees the new state."""
    db = tmp_path / "kantor.json"
    monkeypatch.setattr(storage, "JOURNALS", journals)
    make_db(db)
    index = db.with_name("kantor.index.json")
    old_index = index.read_bytes()
    pid = os.fork()
    if pid == 0:  # the writer, killed right after its year file reached the disk
        code = 1
        try:
            real = AtomicJSONStorage.flush

            def flush(self, **kw):
                if self.path == str(index):
                    os._exit(0)
                real(self, **kw)

            AtomicJSONStorage.flush = flush  # type: ignore[method-assign]
            Services(db=db, user="budi", sop_dirs=[]).act("pk-1", 1, "done")
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert index.read_bytes() == old_index  # the index is the one from before the write
    assert not Path(storage.journal_of(str(index))).exists()  # nor has it a journal
    year = stored(db.with_name("kantor.2026.json"))["runs"]["1"]
    assert year["steps"][0]["state"] == "selesai"  # the write itself is durable
    # list views (index only) and whole runs both read the new state
    assert fresh_runs(db, history=False)["pk-1"][0] == "selesai"
    assert fresh_runs(db) == {"pk-1": ("selesai", 2), "pk-2": ("belum", 0)}
    # the reader stored the repaired index (the lock was free)
    assert index.read_bytes() != old_index
    entry = stored(index)["index"]["1"]
    assert json.loads(entry["steps"])[0][1] == "selesai"


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: good[: len(good) // 2], id="cut short"),
        pytest.param(lambda good: b"", id="empty"),
        pytest.param(lambda good: b"\0" * len(good), id="zeros"),
        pytest.param(lambda good: b"[1, 2]", id="not a table"),
        pytest.param(lambda good: b'{"index": {"1": 5}}', id="wrong shape"),
        pytest.param(None, id="missing"),
    ],
)
def test_a_lost_index_is_rebuilt_silently(tmp_path, damage):
    db = tmp_path / "kantor.json"
    make_db(db)
    expected = fresh_runs(db)
    index = db.with_name("kantor.index.json")
    if damage is None:
        index.unlink()
    else:
        index.write_bytes(damage(index.read_bytes()))
    forget(str(index))
    for args in (["status", "--all"], ["runs"], ["status", "pk-1"]):
        proc = cli(db, *args)
        assert proc.returncode == 0 and proc.stderr == "", (args, proc.stderr)
    assert fresh_runs(db) == expected and fresh_runs(db, history=False).keys() == expected.keys()
    stored = json.loads(index.read_text())  # rebuilt and stored by the first reader
    assert set(stored["index"]) == {"1", "2"} and set(stored["years"]) == {"2025", "2026"}
    step = cli(db, "step", "pk-1", "1", "done")
    assert step.returncode == 0, step.stderr
    assert fresh_runs(db)["pk-1"] == ("selesai", 2)
    doctor = cli(db, "doctor")
    assert doctor.returncode == 0 and "indeks" in doctor.stdout, doctor.stdout


def test_a_lost_index_is_rebuilt_by_a_writer_too(tmp_path):
    db = tmp_path / "kantor.json"
    services = make_db(db)
    index = db.with_name("kantor.index.json")
    index.write_bytes(b"{")
    forget(str(index))
    services.act("pk-2", 1, "start")
    assert fresh_runs(db) == {"pk-1": ("berjalan", 1), "pk-2": ("berjalan", 1)}
    assert set(json.loads(index.read_text())["index"]) == {"1", "2"}


def test_a_failed_index_write_loses_nothing(tmp_path, monkeypatch):
    """Disk full (or no permission) for the index alone: the transition is on disk and is
    reported as done; the stale index is told by the year file's new identity."""
    db = tmp_path / "kantor.json"
    services = make_db(db)
    real = AtomicJSONStorage._write_atomically

    def full(self, *args, **kw):
        if self.path.endswith(".index.json"):
            raise OSError(28, "No space left on device")
        return real(self, *args, **kw)

    monkeypatch.setattr(AtomicJSONStorage, "_write_atomically", full)
    run = services.act("pk-1", 1, "done")
    assert run.steps[0].state.value == "selesai"
    monkeypatch.undo()
    assert fresh_runs(db, history=False)["pk-1"][0] == "selesai"


def test_a_transition_fsyncs_its_year_file_and_never_the_index(tmp_path, monkeypatch, whole_writes):
    db = tmp_path / "kantor.json"
    services = make_db(db)
    synced: list[str] = []
    real = os.fsync

    def fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    services.act("pk-1", 1, "done")
    names = [Path(p).name for p in synced]
    assert len(names) == 2, names
    assert names[0].startswith(".kantor.2026.json.") and names[0].endswith(".tmp")
    assert synced[1] == str(tmp_path)  # the folder, once: both renames durable
    before = db.read_bytes(), db.stat().st_ino
    assert (db.read_bytes(), db.stat().st_ino) == before  # the main file is not rewritten
    # an admin change rewrites the main file durably, and not the index
    synced.clear()
    index_inode = db.with_name("kantor.index.json").stat().st_ino
    services.repo.update_office(lambda office: office)
    assert [Path(p).name for p in synced][0].startswith(".kantor.json.")
    assert db.with_name("kantor.index.json").stat().st_ino == index_inode


def test_another_process_transition_changes_the_signature(tmp_path):
    db = tmp_path / "kantor.json"
    make_db(db)
    repo = Repository(db)
    before = repo.signature()
    proc = cli(db, "step", "pk-1", "1", "done")
    assert proc.returncode == 0, proc.stderr
    after = repo.signature()
    assert after != before
    proc = cli(db, "office", "set", "kota", "Palu")  # an admin change: the main file
    assert proc.returncode == 0, proc.stderr
    assert repo.signature() != after


def schema_3(db: Path) -> bytes:
    """The database as soptrack with schema 3 kept it: the index inside the main file."""
    index = db.with_name(f"{db.stem}.index.json")
    main = json.loads(db.read_text())
    moved = json.loads(index.read_text())
    main["index"], main["years"] = moved["index"], moved["years"]
    main["meta"]["1"]["schema"] = 3
    index.unlink()
    for path in backups.list_backups(db):
        path.unlink()
    db.write_text(json.dumps(main))
    forget(str(db))
    forget(str(index))
    return db.read_bytes()


def test_a_schema_3_database_moves_its_index_out_once_with_a_backup(tmp_path):
    db = tmp_path / "kantor.json"
    make_db(db)
    expected = fresh_runs(db)
    v3 = schema_3(db)
    proc = cli(db, "status", "--all", "--json")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert sorted(r["id"] for r in json.loads(proc.stdout)) == ["pk-1", "pk-2"]
    main = json.loads(db.read_text())
    assert "index" not in main and "years" not in main
    assert main["meta"]["1"]["schema"] == schema.SCHEMA_VERSION == 5
    assert backups.latest(db).read_bytes() == v3  # the old file, kept before the move
    index = json.loads(db.with_name("kantor.index.json").read_text())
    assert set(index["index"]) == {"1", "2"} and index["meta"]["1"]["kind"] == "index"
    migrated = db.read_bytes()
    for args in (["runs"], ["history", "pk-1"], ["step", "pk-1", "1", "done"], ["doctor"]):
        proc = cli(db, *args)
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
    assert db.read_bytes() == migrated and len(backups.list_backups(db)) == 1  # once
    assert fresh_runs(db) == {**expected, "pk-1": ("selesai", 2)}


def test_a_schema_3_database_read_only_is_read_in_memory(tmp_path, monkeypatch):
    db = tmp_path / "kantor.json"
    make_db(db)
    expected = fresh_runs(db)
    v3 = schema_3(db)

    def refused(self, timeout=None):
        raise StoreError("no write access")

    monkeypatch.setattr(Repository, "transaction_lock", refused)
    assert fresh_runs(db) == expected and fresh_runs(db, history=False).keys() == expected.keys()
    assert db.read_bytes() == v3 and not db.with_name("kantor.index.json").exists()


@pytest.mark.parametrize("older", [3, 4])
def test_a_schema_5_database_is_refused_by_an_older_soptrack(tmp_path, monkeypatch, older):
    """4: a soptrack that reads no journal would miss the steps in them, and drop them
    with its next write of the file."""
    db = tmp_path / "kantor.json"
    services = make_db(db)
    services.act("pk-1", 1, "done")  # in the year's journal
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    for path in tmp_path.iterdir():
        forget(str(path))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", older)
    with pytest.raises(StoreTooNew, match=f"skema versi 5.*sampai versi {older}"):
        Repository(db).list_runs()
    with pytest.raises(StoreTooNew):
        Repository(db).update_run("pk-1", lambda run: run)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()} == before


def test_restore_of_a_year_file_drops_the_index_and_reads_the_backup(tmp_path):
    db = tmp_path / "kantor.json"
    services = make_db(db)
    year = db.with_name("kantor.2026.json")
    services.act("pk-1", 1, "done")  # (not the first write of the file: it has a backup)
    backup = backups.latest(year)
    assert backup is not None
    in_backup = json.loads(backup.read_text())["runs"]["1"]
    proc = cli(db, "restore", "--from", str(backup), "--yes")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    runs = fresh_runs(db, history=False)
    assert runs["pk-1"][0] == in_backup["steps"][0]["state"] != "selesai"
    assert fresh_runs(db)["pk-1"][1] == len(in_backup["history"])
    doctor = cli(db, "doctor")
    assert doctor.returncode == 0, doctor.stdout


def test_doctor_lists_the_index_and_cleans_its_temporary_files(tmp_path):
    db = tmp_path / "kantor.json"
    make_db(db)
    left = tmp_path / ".kantor.index.json.killed1.tmp"
    left.write_text("{half")
    proc = cli(db, "doctor")
    assert proc.returncode == 0, proc.stdout
    assert "OK: indeks kantor.index.json" in proc.stdout
    assert "Dibersihkan: 1 file sementara" in proc.stdout and not left.exists()


def test_a_database_of_its_own_where_the_index_goes_is_never_overwritten(tmp_path):
    """`kantor.index.json` may be another office's database: refused, not rebuilt over."""
    other = tmp_path / "kantor.index.json"
    make_db(other)
    theirs = other.read_bytes()
    db = tmp_path / "kantor.json"
    for path in tmp_path.iterdir():
        forget(str(path))
    with pytest.raises(StoreError, match="bukan indeks"):
        Services(db=db, user="budi", sop_dirs=[]).new_run(SOP_ID, "PK", 2026)
    assert other.read_bytes() == theirs


def test_the_index_file_is_written_with_line_reuse_and_reads_back(tmp_path, whole_writes):
    """A transition re-serializes its run's index entry only; the file stays plain JSON and
    a fresh reader gets the same entries."""
    db = tmp_path / "kantor.json"
    services = make_db(db)
    index = db.with_name("kantor.index.json")
    line_2 = [ln for ln in index.read_bytes().split(b"\n") if ln.startswith(b'"2":')]
    services.act("pk-1", 1, "done")
    after = index.read_bytes()
    assert [ln for ln in after.split(b"\n") if ln.startswith(b'"2":')] == line_2
    storage.forget(str(index))
    assert json.loads(after)["index"]["1"]["title"] == "PK 2026"


def test_every_version_of_a_year_file_is_later_than_the_last(tmp_path, monkeypatch, whole_writes):
    """The index tells a year file by (inode, size, mtime); the kernel's file clock is
    coarse and inodes are reused, so each write stamps an mtime strictly later than the
    file it replaces: an index of any earlier version never matches, even with the clock
    standing still."""
    from soptrack.store.repository import file_identity

    db = tmp_path / "kantor.json"
    services = make_db(db)
    year = db.with_name("kantor.2026.json")
    monkeypatch.setattr(storage.time, "time_ns", lambda: 1_000_000_000)
    seen = [file_identity(year)]
    for i in range(3):
        services.act("pk-1", 1, "note", f"catatan {i}")
        seen.append(file_identity(year))
    mtimes = [identity[2] for identity in seen]
    assert mtimes == sorted(mtimes) and len(set(mtimes)) == len(mtimes), mtimes
    assert fresh_runs(db)["pk-1"] == ("berjalan", 4)


def test_a_refused_write_leaves_nothing_behind_in_memory(tmp_path, monkeypatch):
    """A write refused after the change was made in memory (here: the year file cannot be
    replaced) must not be seen by this process's next read (the TUI reads on)."""
    db = tmp_path / "kantor.json"
    services = make_db(db)
    before = fresh_runs(db)
    real = AtomicJSONStorage._write_atomically

    def refused(self, *args, **kw):
        if self.path.endswith(".2026.json"):
            raise OSError(30, "Read-only file system")
        return real(self, *args, **kw)

    monkeypatch.setattr(AtomicJSONStorage, "_write_atomically", refused)
    monkeypatch.setattr(AtomicJSONStorage, "_append", refused)  # nor its journal
    with pytest.raises(StoreError, match="tidak diubah"):
        services.act("pk-1", 1, "done")
    monkeypatch.undo()
    runs = {r.id: (r.steps[0].state.value, len(r.history)) for r in services.repo.list_runs()}
    assert runs == before
    assert services.repo.list_runs(history=False)[0].steps[0].state.value == "berjalan"


def test_reading_twice_does_not_rewrite_the_index_with_a_dangling_year_file(tmp_path) -> None:
    """_repaired_index: `or found is None` makes a year file that cannot be stat'ed (a
    dangling symlink to an unmounted archive disk) stale on every read, even once the index
    recorded it as None: every read takes the lock and rewrites the index, so signature()
    changes on every read and every open TUI's poll reloads (and rewrites it) again."""
    from datetime import UTC, datetime

    from soptrack.sop.run import Actor

    repo = Repository(tmp_path / "db.json")
    repo.initialize()
    when = datetime(2026, 1, 2, tzinfo=UTC)
    repo.create_run("pk", "PK", [1, 2], "A", 2026, Actor("budi", "r"), when)
    (tmp_path / "db.2019.json").symlink_to(tmp_path / "unmounted" / "db.2019.json")
    repo.list_runs(history=False)  # the first read may rebuild: the folder changed
    before = repo.signature()
    repo.list_runs(history=False)
    assert repo.signature() == before


def _as_a_crash_left_it(db: Path, change) -> None:
    """Run `change`, then put the index back as it was before: what a writer killed after
    its year file reached the disk and before the index did leaves. Then forget every
    parse, as a new process would."""
    index = db.with_name("kantor.index.json")
    journal = Path(storage.journal_of(str(index)))
    before = index.read_bytes(), journal.read_bytes() if journal.exists() else None
    change()
    released()
    index.write_bytes(before[0])
    if before[1] is None:
        journal.unlink(missing_ok=True)
    else:
        journal.write_bytes(before[1])
    for path in db.parent.iterdir():
        forget(str(path))


def _index_is_current(db: Path) -> bool:
    """Whether the stored index was written for every year file as it is now."""
    for path in db.parent.iterdir():
        forget(str(path))
    repo = Repository(db)
    stored = repo.index_tables()
    assert stored is not None
    _, rebuilt = repo._repaired_index(stored, copy_on_change=True)
    return not rebuilt


def test_a_step_after_a_crash_in_its_own_year_repairs_the_index_first(tmp_path):
    db = tmp_path / "kantor.json"
    services = make_db(db)
    services.new_run(SOP_ID, "PK 2026 b", 2026)  # pk-3, in the year of pk-1
    _as_a_crash_left_it(db, lambda: services.act("pk-1", 1, "done"))
    # a new process reads the run as its file holds it (step 1 done)...
    assert Repository(db).get_run("pk-1").steps[0].state.value == "selesai"
    assert not _index_is_current(db)  # (reading one run repaired nothing)
    # ...and a writer alone (a reader would repair and store the index first) changes
    # another run of that year: pk-1's stale entry is rebuilt before the year's new
    # identity is recorded
    Repository(db).update_run("pk-3", lambda run: dataclasses.replace(run, title="PK 26"))
    entries = stored(db.with_name("kantor.index.json"))["index"]
    assert json.loads(entries["1"]["steps"])[0][1] == "selesai"
    assert entries["3"]["title"] == "PK 26"
    assert _index_is_current(db)
    Services(db=db, user="budi", sop_dirs=[]).act("pk-1", 2, "start")
    assert fresh_runs(db, history=False)["pk-1"] == ("selesai", 0)
    assert fresh_runs(db)["pk-1"] == ("selesai", 3)


def test_a_step_in_another_year_leaves_a_stale_year_seen_as_stale(tmp_path):
    db = tmp_path / "kantor.json"
    services = make_db(db)
    _as_a_crash_left_it(db, lambda: services.act("pk-1", 1, "done"))  # 2026 is stale
    # a writer alone (a reader would repair and store the index first): a 2025 run
    Repository(db).update_run("pk-2", lambda run: dataclasses.replace(run, title="PK 25"))
    index = stored(db.with_name("kantor.index.json"))
    assert index["index"]["2"]["title"] == "PK 25"
    assert json.loads(index["index"]["1"]["steps"])[0][1] == "berjalan"  # still stale...
    assert not _index_is_current(db)  # ...and known to be: readers rebuild it
    assert fresh_runs(db, history=False) == {"pk-1": ("selesai", 0), "pk-2": ("belum", 0)}


def test_a_run_the_index_never_listed_can_be_read_and_stepped(tmp_path):
    db = tmp_path / "kantor.json"
    services = make_db(db)
    _as_a_crash_left_it(db, lambda: services.new_run(SOP_ID, "PK 2026 b", 2026))
    assert "3" not in stored(db.with_name("kantor.index.json"))["index"]
    # a writer alone finds it
    Repository(db).update_run("pk-3", lambda run: dataclasses.replace(run, title="PK 26 b"))
    assert _index_is_current(db)
    # a reader too
    _as_a_crash_left_it(db, lambda: services.new_run(SOP_ID, "PK 2026 c", 2026))
    assert Repository(db).get_run("pk-4").title == "PK 2026 c"
    Services(db=db, user="budi", sop_dirs=[]).act("pk-3", 1, "start")
    assert fresh_runs(db)["pk-3"] == ("berjalan", 1) and fresh_runs(db)["pk-4"] == ("belum", 0)


def test_a_step_on_a_run_its_year_file_no_longer_holds_says_so_as_a_reader_does(tmp_path):
    """A year file put back by hand from an older copy: the index still lists a run made
    after it. A step finds that year stale and repairs the index before it reads the file;
    the run is then looked up again in the repaired index, so the step says what a reader
    says (no such run), not that the file is damaged and should be restored."""
    db = tmp_path / "kantor.json"
    services = make_db(db)
    year = db.with_name("kantor.2026.json")
    older = year.read_bytes()
    services.new_run(SOP_ID, "PK 2026 b", 2026)  # pk-3
    services.fold_journals()  # closed: then the file is put back by hand
    released()
    year.write_bytes(older)
    for path in db.parent.iterdir():
        forget(str(path))
    with pytest.raises(BadInput, match="tidak ada di"):
        Repository(db).update_run("pk-3", lambda run: dataclasses.replace(run, title="x"))
    with pytest.raises(BadInput, match="tidak ada di"):
        Repository(db).get_run("pk-3")
    Repository(db).update_run("pk-1", lambda run: dataclasses.replace(run, title="PK 26"))
    assert _index_is_current(db)
    assert fresh_runs(db) == {"pk-1": ("berjalan", 1), "pk-2": ("belum", 0)}
