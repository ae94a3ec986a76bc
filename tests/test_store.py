"""The store: lock, atomic writes, schema version, corrupt files, backups."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from filelock import FileLock

from soptrack.sop.run import Actor
from soptrack.store import Repository, StoreBusy, StoreCorrupt, backups, schema, storage
from soptrack.store.errors import StoreTooNew
from soptrack.store.storage import AtomicJSONStorage

WITA = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=WITA)
ME = Actor("tester", "sekretaris")


def make_run(repo: Repository, title: str = "PK 2026"):
    return repo.create_run("pengukuran-kinerja", "pk", list(range(1, 14)), title, 2026, ME, NOW)


def test_create_read_and_ids(db_path: Path) -> None:
    repo = Repository(db_path)
    assert repo.list_runs() == [] and not db_path.exists()  # reading creates nothing
    first, second = make_run(repo), make_run(repo, "PK 2027")
    assert (first.id, second.id) == ("pk-1", "pk-2")
    assert repo.get_run("pk-2").title == "PK 2027"
    assert repo.get_run("2").id == "pk-2"  # the bare number works too
    data = json.loads(db_path.read_text())
    assert data["meta"]["1"] == {"app": "soptrack", "schema": schema.SCHEMA_VERSION}


def test_two_handles_never_reuse_an_id(db_path: Path) -> None:
    """The TinyDB trap: a stale next-id in one process would overwrite another's run."""
    a, b = Repository(db_path), Repository(db_path)
    ids = [make_run(a).id, make_run(b).id, make_run(a).id]
    assert ids == ["pk-1", "pk-2", "pk-3"]
    assert len(Repository(db_path).list_runs()) == 3


def test_write_is_atomic_replace_and_keeps_mode(db_path: Path, whole_writes: None) -> None:
    repo = Repository(db_path)
    make_run(repo)
    year = db_path.with_name("soptrack.2026.json")
    written = (db_path, year, repo.index_path)
    for path in written:
        os.chmod(path, 0o664)
    inodes = [path.stat().st_ino for path in written]
    make_run(repo)  # the year file and the index
    repo.update_office(lambda office: office)  # the main file
    for path, inode in zip(written, inodes, strict=True):
        assert path.stat().st_ino != inode, path  # a new file replaced the old one
        assert path.stat().st_mode & 0o777 == 0o664, path
    temps = [f".{path.name}.*.tmp" for path in written]  # storage.py's temporary files
    storage.released()  # the replaced files are freed by a thread once the write returned
    assert not [p for pattern in temps for p in db_path.parent.glob(pattern)]
    # a writer killed mid-write leaves its temporary file: the very next write removes it
    # (not only the next one that rotates a backup, nor only the next write of that file)
    for path in written:
        (db_path.parent / f".{path.name}.killed.tmp").write_text("{half")
    make_run(repo)
    storage.released()
    assert not [p for pattern in temps for p in db_path.parent.glob(pattern)]


def test_the_replaced_file_is_freed_after_the_write_returns(
    db_path: Path, whole_writes: None, monkeypatch
) -> None:
    """A transition does not wait for the file system to free the year file it replaced:
    the old version keeps a second name until a thread removes it; a killed process's
    leftover is removed by the next write like any temporary file."""
    repo = Repository(db_path)
    make_run(repo)
    year = db_path.with_name("soptrack.2026.json")
    old_inode = year.stat().st_ino
    gate = threading.Event()
    real = storage._unlink_quietly

    def slow(held: str) -> None:
        gate.wait(10)
        real(held)

    monkeypatch.setattr(storage, "_unlink_quietly", slow)
    make_run(repo)  # returns while the old year file is still held
    held = [p for p in db_path.parent.glob(".soptrack.2026.json.*.old.tmp")]
    assert [p.stat().st_ino for p in held] == [old_inode]
    assert [r.id for r in Repository(db_path).list_runs()] == ["pk-1", "pk-2"]
    # the next write leaves this process's held files to its thread (freeing them is what
    # the hold keeps off the write path), in a tight loop of writes too
    make_run(repo)
    held = sorted(db_path.parent.glob(".soptrack.2026.json.*.old.tmp"))
    assert len(held) == 2 and old_inode in [p.stat().st_ino for p in held]
    gate.set()
    storage.released()
    assert not list(db_path.parent.glob("*.old.tmp"))
    # as a SIGKILL would leave it: the next write removes it
    (db_path.parent / ".soptrack.2026.json.123-456.old.tmp").write_text("{}")
    monkeypatch.setattr(storage, "_unlink_quietly", real)
    make_run(repo)
    storage.released()
    assert not list(db_path.parent.glob("*.old.tmp"))


def test_a_transaction_frees_its_replaced_files_only_once_all_are_written(
    db_path: Path, monkeypatch, whole_writes: None
) -> None:
    """Freeing a file is journal work: done while the transaction still syncs the folder,
    it would delay that commit. The year file and the index a step replaces are both still
    held when the index is written, and freed after the transaction."""
    repo = Repository(db_path)
    make_run(repo)
    storage.released()
    seen: list[list[str]] = []
    real = storage.AtomicJSONStorage.flush

    def flush(self, **kw):  # what is held when each file of the set is written
        seen.append(sorted(p.name for p in db_path.parent.glob(".*.old.tmp")))
        real(self, **kw)

    monkeypatch.setattr(storage.AtomicJSONStorage, "flush", flush)
    repo.update_run("pk-1", lambda run: replace(run, title="baru"))
    assert len(seen[-1]) == 1 and seen[-1][0].startswith(".soptrack.2026.json.")  # index last
    storage.released()
    assert not list(db_path.parent.glob(".*.old.tmp"))
    with storage.deferred_release():  # nested: the outer one frees them
        with storage.deferred_release():
            repo.update_run("pk-1", lambda run: replace(run, title="lagi"))
        assert len(list(db_path.parent.glob(".*.old.tmp"))) == 2
    storage.released()
    assert not list(db_path.parent.glob(".*.old.tmp"))


def test_a_killed_writer_s_temporary_files_go_even_with_this_process_s_pid(
    db_path: Path,
) -> None:
    """A temporary file is named with its writer's pid, and pids are reused (in a container
    every command may even run as the same one). A writer that holds the lock has no
    temporary file of its own yet, so one with its own pid is a killed writer's all the
    same: the next write removes it, of the year files, the index and the main file."""
    repo = Repository(db_path)
    make_run(repo)
    storage.released()
    pid = os.getpid()
    left = [
        db_path.with_name(f".{name}.{pid}-n999999.tmp")
        for name in ("soptrack.2026.json", "soptrack.index.json", "soptrack.json")
    ]
    for path in left:
        path.write_text("{")  # cut short by a SIGKILL
    repo.update_run("pk-1", lambda run: replace(run, title="baru"))
    storage.released()
    assert [p.name for p in left if p.exists()] == []
    left[2].write_text("{")
    repo.update_office(lambda office: office)  # the main file alone
    assert not left[2].exists()
    # a replaced file a killed writer with this pid held (named before this process began)
    held = db_path.with_name(f".soptrack.2026.json.{pid}-{storage._STARTED_NS - 1}.old.tmp")
    held.write_text("{}")
    repo.update_run("pk-1", lambda run: replace(run, title="lagi"))
    assert not held.exists()


def test_failed_change_writes_nothing(db_path: Path) -> None:
    repo = Repository(db_path)
    make_run(repo)
    before = db_path.read_bytes()

    def boom(run):
        raise ValueError("rule said no")

    with pytest.raises(ValueError):
        repo.update_run("pk-1", boom)
    assert db_path.read_bytes() == before
    assert repo.get_run("pk-1").history == ()


def test_busy_lock_gives_a_clear_error(db_path: Path) -> None:
    repo = Repository(db_path, lock_timeout=0.2)
    holder = FileLock(str(db_path) + ".lock")
    holder.acquire()
    try:
        result: list[BaseException] = []
        thread = threading.Thread(target=lambda: _capture(result, lambda: make_run(repo)))
        thread.start()
        thread.join()
    finally:
        holder.release()
    assert isinstance(result[0], StoreBusy)
    assert "database busy" in str(result[0]) and str(db_path) in str(result[0])
    assert result[0].exit_code == 3


def _capture(into: list[BaseException], fn) -> None:
    try:
        fn()
    except BaseException as exc:  # noqa: BLE001 - handed to the test
        into.append(exc)


def test_corrupt_file_is_reported_and_never_overwritten(db_path: Path) -> None:
    repo = Repository(db_path)
    make_run(repo)
    backups.rotate(str(db_path), force=True)
    db_path.write_text('{"runs": {"1": {"id": "pk-1"')  # truncated
    storage.forget(str(db_path))
    broken = db_path.read_bytes()
    with pytest.raises(StoreCorrupt) as info:
        make_run(repo)
    message = str(info.value)
    assert str(db_path) in message and "soptrack restore" in message
    assert str(backups.latest(db_path)) in message
    assert db_path.read_bytes() == broken


@pytest.mark.parametrize(
    ("content", "expected"),
    [("", "kosong"), ("[1, 2]", "bukan database"), ('{"_default": {}}', "bukan database")],
)
def test_empty_and_foreign_files(db_path: Path, content: str, expected: str) -> None:
    db_path.write_text(content)
    with pytest.raises(StoreCorrupt, match=expected):
        Repository(db_path).list_runs()
    assert db_path.read_text() == content


def test_newer_schema_is_refused(db_path: Path) -> None:
    db_path.write_text(json.dumps({"meta": {"1": {"app": "soptrack", "schema": 99}}}))
    with pytest.raises(StoreTooNew, match="versi 99"):
        Repository(db_path).list_runs()


def single_file(db_path: Path, schema_version: int = 1) -> dict:
    """The database as soptrack 0.2 wrote it: every run, with its history, in one file."""
    main = json.loads(db_path.read_text())
    runs: dict = {}
    for year_file in sorted(db_path.parent.glob(f"{db_path.stem}.[0-9]*.json")):
        runs.update(json.loads(year_file.read_text())["runs"])
        year_file.unlink()
    db_path.with_name(f"{db_path.stem}.index.json").unlink(missing_ok=True)
    old = {k: v for k, v in main.items() if k not in ("index", "years")}
    old["runs"] = runs
    old["meta"]["1"]["schema"] = schema_version
    db_path.write_text(json.dumps(old))
    storage.forget(str(db_path))
    return old


def test_migration_hook_runs_and_backs_up_first(db_path: Path, monkeypatch) -> None:
    repo = Repository(db_path)
    make_run(repo)
    old = single_file(db_path, schema_version=0)
    for doc in old["runs"].values():
        doc["title"] = doc.pop("title").upper()
    db_path.write_text(json.dumps(old))
    storage.forget(str(db_path))

    def v0_to_v1(data):
        for doc in data["runs"].values():
            doc["title"] = doc["title"] + " (migrated)"
        return data

    monkeypatch.setitem(schema.MIGRATIONS, 0, v0_to_v1)
    assert repo.get_run("pk-1").title == "PK 2026 (migrated)"
    make_run(repo, "after")
    saved = backups.latest(db_path)
    assert saved is not None and json.loads(saved.read_text())["meta"]["1"]["schema"] == 0
    assert json.loads(db_path.read_text())["meta"]["1"]["schema"] == schema.SCHEMA_VERSION


def test_single_file_database_is_split_once_with_a_backup(db_path: Path) -> None:
    repo = Repository(db_path)
    make_run(repo)
    repo.create_run("pengukuran-kinerja", "pk", list(range(1, 14)), "PK 2025", 2025, ME, NOW)
    repo.update_run("pk-2", lambda run: run)
    single_file(db_path)
    v1 = db_path.read_bytes()
    fresh = Repository(db_path)
    assert [r.id for r in fresh.list_runs(history=False)] == ["pk-1", "pk-2"]  # a read splits
    assert backups.latest(db_path).read_bytes() == v1  # the old file, kept before the split
    main = json.loads(db_path.read_text())
    assert "runs" not in main and "index" not in main
    assert set(json.loads(fresh.index_path.read_text())["index"]) == {"1", "2"}
    assert main["meta"]["1"]["schema"] == schema.SCHEMA_VERSION
    assert set(json.loads(db_path.with_name("soptrack.2026.json").read_text())["runs"]) == {"1"}
    assert set(json.loads(db_path.with_name("soptrack.2025.json").read_text())["runs"]) == {"2"}
    split = db_path.read_bytes()
    assert fresh.get_run("pk-2").title == "PK 2025"
    assert db_path.read_bytes() == split  # once: reading again changes nothing
    assert make_run(fresh, "next").id == "pk-3"


def test_a_write_touches_its_year_and_the_index_only(db_path: Path) -> None:
    repo = Repository(db_path)
    for year in (2024, 2025, 2026):
        repo.create_run("pengukuran-kinerja", "pk", list(range(1, 14)), f"PK {year}", year, ME, NOW)
    untouched = (db_path, db_path.with_name("soptrack.2024.json"))
    before = [(p.stat().st_ino, p.read_bytes()) for p in untouched]
    repo.update_run("pk-3", lambda run: replace(run, title="Ganti"))
    assert [(p.stat().st_ino, p.read_bytes()) for p in untouched] == before
    assert repo.get_run("pk-3").title == "Ganti"
    assert [r.title for r in repo.list_runs(history=False, years=[2026])] == ["Ganti"]
    # every file stays plain JSON
    for path in repo.files():
        json.loads(path.read_text())


def test_index_is_rebuilt_when_a_year_file_changed_behind_it(db_path: Path) -> None:
    """A crash between the year file's replace and the index's, or a restored year."""
    repo = Repository(db_path)
    make_run(repo)
    year = db_path.with_name("soptrack.2026.json")
    data = json.loads(year.read_text())
    data["runs"]["1"]["title"] = "diubah di file tahun"
    year.write_text(json.dumps(data))
    storage.forget(str(year))
    assert repo.list_runs(history=False)[0].title == "diubah di file tahun"
    make_run(repo, "berikut")  # the writer stores the repaired index
    index = json.loads(repo.index_path.read_text())["index"]
    assert index["1"]["title"] == "diubah di file tahun"


def test_rolling_backups_keep_the_newest(db_path: Path) -> None:
    repo = Repository(db_path)
    make_run(repo)
    start = time.time()
    for i in range(backups.KEEP + 3):
        backups.rotate(str(db_path), now=start + i * (backups.INTERVAL_SECONDS + 1))
    assert len(backups.list_backups(db_path)) == backups.KEEP
    # within the interval no new backup is made
    count = len(backups.list_backups(db_path))
    newest_time = backups.latest(db_path).stat().st_mtime
    backups.rotate(str(db_path), now=newest_time + 5)
    assert len(backups.list_backups(db_path)) == count


def test_office_profile_round_trip(db_path: Path) -> None:
    repo = Repository(db_path)
    assert repo.get_office().kota == "Luwuk"
    from dataclasses import replace

    repo.update_office(lambda p: replace(p, alamat="Jl. Jend. Sudirman No. 1"))
    assert Repository(db_path).get_office().alamat == "Jl. Jend. Sudirman No. 1"


def test_a_write_waits_for_a_reader_of_the_shared_parse_in_another_thread(db_path: Path) -> None:
    """The parse cache is one dict per process and a transaction changes it in place: an
    export thread reading it must never see it change under its feet."""
    repo = Repository(db_path)
    make_run(repo)
    inside, release, written = threading.Event(), threading.Event(), threading.Event()

    def reader() -> None:
        with repo.reading() as db:
            db.table("sops").all()
            inside.set()
            release.wait(60)

    def writer() -> None:
        make_run(repo, "while reading")
        written.set()

    threads = [threading.Thread(target=reader), threading.Thread(target=writer)]
    threads[0].start()
    assert inside.wait(60)
    threads[1].start()
    assert not written.wait(0.3)  # held back while the reader is inside
    release.set()
    assert written.wait(60)
    for thread in threads:
        thread.join(60)
    assert len(repo.list_runs()) == 2


def test_the_office_read_in_another_thread_never_sees_a_write_that_failed(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction changes the parsed main file in place before it writes: a reader of
    the office profile in another thread (the TUI's workers) waits for it, and sees the
    profile as stored when the write fails (a full disk)."""
    from dataclasses import replace

    from soptrack.store import storage
    from soptrack.store.errors import StoreError

    repo = Repository(db_path)
    make_run(repo)
    inside, release = threading.Event(), threading.Event()
    real_write = storage.AtomicJSONStorage._write_atomically

    def full_disk(self, *args, **kwargs) -> None:
        if self.path == str(db_path):
            inside.set()
            release.wait(60)
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, *args, **kwargs)

    monkeypatch.setattr(storage.AtomicJSONStorage, "_write_atomically", full_disk)
    seen: list[object] = []

    def write() -> None:
        with pytest.raises(StoreError):
            repo.update_office(lambda p: replace(p, alamat="belum tersimpan"))

    writer = threading.Thread(target=write)
    reader = threading.Thread(target=lambda: seen.append(repo.get_office().alamat))
    writer.start()
    assert inside.wait(60)
    reader.start()
    release.set()
    writer.join(60)
    reader.join(60)
    assert seen and seen[0] != "belum tersimpan"
    assert "belum tersimpan" not in str(repo.rows("office"))


def test_the_lock_serves_a_waiter_before_a_writer_that_comes_back_at_once(tmp_path: Path) -> None:
    """A writer that releases and re-takes the lock in a tight loop must not keep a colleague
    waiting: the colleague who arrived first goes next (filelock alone let the busy writer
    go round hundreds of times first)."""
    from soptrack.store.fair_lock import FairLock

    lock_path = str(tmp_path / "kantor.json.lock")
    counter, stop = tmp_path / "count", tmp_path / "stop"
    pid = os.fork()
    if pid == 0:  # the busy colleague
        code = 1
        try:
            busy = FairLock(lock_path, timeout=60)
            i = 0
            while not stop.exists():
                busy.acquire()
                i += 1
                counter.write_text(str(i))
                time.sleep(0.001)  # its write takes a moment; the lock is free only briefly
                busy.release()
            code = 0
        finally:
            os._exit(code)

    def rounds() -> int:
        """The busy writer's count (read again while it is half-written)."""
        while True:
            with contextlib.suppress(OSError):
                text = counter.read_text()
                if text.isdigit():
                    return int(text)
            time.sleep(0.001)

    try:
        while rounds() < 50:
            time.sleep(0.001)  # wait until it is busy
        me = FairLock(lock_path, timeout=60)
        before = rounds()
        me.acquire()
        try:
            served_after = rounds() - before
        finally:
            me.release()
    finally:
        stop.touch()
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert served_after <= 5, f"the busy writer went {served_after} times first"


def test_an_old_file_that_cannot_be_split_now_is_read_as_it_is(db_path: Path, monkeypatch) -> None:
    """No write access (or the lock busy): the 0.2 file is split in memory for reading."""
    repo = Repository(db_path)
    make_run(repo)
    single_file(db_path)
    v1 = db_path.read_bytes()

    def refused():
        raise StoreBusy("busy")

    monkeypatch.setattr(Repository, "transaction_lock", lambda self, timeout=None: refused())
    reader = Repository(db_path)
    assert [r.id for r in reader.list_runs(history=False)] == ["pk-1"]
    assert reader.get_run("pk-1").title == "PK 2026" and reader.run_count() == 1
    assert db_path.read_bytes() == v1 and not list(db_path.parent.glob("soptrack.2*.json"))


def test_a_hand_reformatted_file_is_written_whole_and_right(
    db_path: Path, whole_writes: None
) -> None:
    """Lines are reused only from the layout soptrack writes (one document per line)."""
    repo = Repository(db_path)
    make_run(repo)
    make_run(repo, "kedua")
    year = db_path.with_name("soptrack.2026.json")
    year.write_text(json.dumps(json.loads(year.read_text()), indent=1))
    storage.forget(str(year))
    repo.update_run("pk-2", lambda run: replace(run, title="diubah"))
    runs = json.loads(year.read_text())["runs"]
    assert runs["1"]["title"] == "PK 2026" and runs["2"]["title"] == "diubah"
    assert [r.title for r in Repository(db_path).list_runs()] == ["PK 2026", "diubah"]


def test_a_run_read_again_is_the_run_a_fresh_reader_builds(db_path: Path) -> None:
    """The repository reuses what it parsed (and wrote) of a run: whatever it gives must be
    exactly what a process reading the file for the first time builds, and what it writes
    exactly what run_to_dict gives."""
    from soptrack.sop.catalog import Catalog
    from soptrack.sop.chain import seal
    from soptrack.sop.run import run_to_dict
    from soptrack.sop.workflow import transition

    sop = Catalog.load([]).get("pengukuran-kinerja")
    repo = Repository(db_path)
    make_run(repo)
    at = NOW
    for number in (1, 2, 3):
        for action in ("start", "note", "done"):
            at += timedelta(minutes=17, microseconds=1234)  # dropped by the stored form
            repo.update_run(
                "pk-1",
                lambda run, n=number, a=action, t=at: seal(
                    transition(run, sop, a, n, ME, t, note="catatan" if a == "note" else "")
                ),
            )
            mine = repo.get_run("pk-1")
            storage.forget(str(db_path.with_name("soptrack.2026.json")))
            fresh = Repository(db_path).get_run("pk-1")
            assert mine == fresh
            assert [e.at.utcoffset() for e in mine.history] == [
                e.at.utcoffset() for e in fresh.history
            ]
            # the file with its journal, as any new reader has it
            stored = AtomicJSONStorage(str(db_path.with_name("soptrack.2026.json")))
            assert (stored.read_afresh() or {})["runs"]["1"] == run_to_dict(fresh)
    # a history entry edited in the file by hand (soptrack closed) is what the next read shows
    repo.fold_journals()
    year = db_path.with_name("soptrack.2026.json")
    data = json.loads(year.read_text())
    data["runs"]["1"]["history"][0]["note"] = "diubah tangan"
    year.write_text(json.dumps(data))
    assert repo.get_run("pk-1").history[0].note == "diubah tangan"
    assert repo.get_run("pk-1") == Repository(db_path).get_run("pk-1")


def test_an_index_entry_with_its_steps_as_a_list_reads_the_same(db_path: Path) -> None:
    """Entries written before the packed steps became one string still read, unchanged."""
    repo = Repository(db_path)
    make_run(repo)
    repo.update_run("pk-1", lambda run: replace(run, title="baru"))
    expected = repo.list_runs(history=False)
    data = json.loads(repo.index_path.read_text())
    entry = data["index"]["1"]
    assert isinstance(entry["steps"], str)  # what list views parse only for the runs shown
    entry["steps"] = json.loads(entry["steps"])
    repo.index_path.write_text(json.dumps(data))
    assert Repository(db_path).list_runs(history=False) == expected


def test_a_release_thread_that_cannot_start_neither_fails_the_write_nor_hangs_the_exit(
    tmp_path,
) -> None:
    """_Worker.put counts the job before starting its thread: when the thread cannot start
    (RLIMIT_NPROC on a busy shared host: "can't start new thread"), the write that has
    already replaced the file raises RuntimeError (a traceback, 'failed' though it is
    made), and `pending` never drops: released() at exit waits forever."""
    db = tmp_path / "db.json"
    script = f"""
import threading, sys
from soptrack.store.repository import Repository
from soptrack.store import storage
repo = Repository({str(db)!r})
repo.initialize()
real = threading.Thread.start
def refuse(self):
    if self.name == "soptrack-release":
        raise RuntimeError("can't start new thread")
    real(self)
threading.Thread.start = refuse
storage._RELEASER = storage._Worker("soptrack-release")
try:
    repo.update_office(lambda p: p)
    print("write ok", flush=True)
except RuntimeError as exc:
    print("write raised", exc, flush=True)
"""
    try:
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=10
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the process hangs at exit (released() waits forever): {exc.stdout!r}")
    assert "write ok" in result.stdout, result.stdout + result.stderr


def test_a_child_forked_inside_a_transaction_frees_its_own_replaced_files(
    db_path: Path,
) -> None:
    repo = Repository(db_path)
    make_run(repo)
    storage.released()
    with storage.deferred_release():
        pid = os.fork()
        if pid == 0:  # the child writes and exits: its replaced files must not wait for a
            code = 1  # batch that only the parent will ever close
            try:
                child = Repository(db_path)
                child.update_run("pk-1", lambda run: replace(run, title="anak"))
                storage.released()
                code = 0 if not list(db_path.parent.glob(".*.old.tmp")) else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_umask_is_read_without_being_changed(monkeypatch) -> None:
    """A thread that creates a file while another asks for the umask must not get 0666."""
    from soptrack.store import shared

    old = os.umask(0o027)
    try:
        monkeypatch.setattr(os, "umask", lambda mask: pytest.fail("the umask was changed"))
        assert shared._umask() == 0o027
    finally:
        monkeypatch.undo()
        os.umask(old)


def test_a_reader_thread_never_sees_the_index_change_under_it(db_path: Path, monkeypatch) -> None:
    """The TUI reads and writes from worker threads; the parsed index is shared. A list
    read while another thread adds a run waits for that transaction, instead of iterating
    a table that changes under it or counting a run that is never written."""
    repo = Repository(db_path)
    make_run(repo)
    inside, reader_waits = threading.Event(), threading.Event()
    readers: list[threading.Thread] = []

    class SpyLock:  # the cache lock, telling when the reader asks for it
        def __init__(self) -> None:
            self.lock = threading.RLock()

        def __enter__(self) -> None:
            if threading.current_thread() in readers:
                reader_waits.set()
            self.lock.acquire()

        def __exit__(self, *exc: object) -> None:
            self.lock.release()

    monkeypatch.setattr(storage, "CACHE_LOCK", SpyLock())
    real = storage.AtomicJSONStorage.flush

    def failing_flush(self, **kw):  # the new run is in the shared index, then the disk fails
        if self.path.endswith(".2026.json"):
            inside.set()
            assert reader_waits.wait(10)
            raise StoreCorrupt("disk penuh (simulated)")
        real(self, **kw)

    monkeypatch.setattr(storage.AtomicJSONStorage, "flush", failing_flush)
    failed: list[BaseException] = []

    def write() -> None:
        try:
            make_run(repo)
        except StoreCorrupt as exc:
            failed.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    assert inside.wait(10)
    seen: list[int] = []
    readers.append(threading.Thread(target=lambda: seen.append(repo.count_runs())))
    readers[0].start()
    writer.join(10)
    readers[0].join(10)
    assert failed and seen == [1]  # the run that was never written was never counted


def test_building_listed_runs_does_not_hold_other_threads_reads(db_path: Path, monkeypatch) -> None:
    """The monitor lists every run with its history in a worker (2,000 runs: ~3 s, nearly
    all of it building the Runs); the overview asks run_count() on the event loop meanwhile.
    Only gathering the stored documents holds the cache lock: they are never changed in
    place (a write puts new ones), so the Runs are built from them outside it."""
    repo = Repository(db_path)
    make_run(repo)
    building, go_on, counted = threading.Event(), threading.Event(), threading.Event()
    real = Repository._parse_run

    def slow_parse(self, doc, slot):
        if threading.current_thread() is lister:
            building.set()
            assert go_on.wait(10)
        return real(self, doc, slot)

    monkeypatch.setattr(Repository, "_parse_run", slow_parse)
    listed: list[object] = []
    counts: list[int] = []

    def count() -> None:
        counts.append(repo.run_count())
        counted.set()

    lister = threading.Thread(target=lambda: listed.extend(repo.list_runs()))
    lister.start()
    try:
        assert building.wait(10)
        threading.Thread(target=count, daemon=True).start()
        assert counted.wait(10), "run_count() waited for another thread to build its Runs"
    finally:
        go_on.set()
        lister.join(10)
    assert counts == [1] and len(listed) == 1


def test_a_planted_replaced_file_with_other_digits_never_stops_a_write(db_path: Path) -> None:
    """The folder is shared: anyone of the group can plant a file named like this
    process's replaced files with a stamp str.isdigit() takes and int() refuses (²). It is
    not this process's: removed like any stale file, and the write goes on."""
    repo = Repository(db_path)
    make_run(repo)
    planted = db_path.with_name(f".soptrack.2026.json.{os.getpid()}-\u00b2.old.tmp")
    planted.write_text("{}")
    repo.update_run("pk-1", lambda run: replace(run, title="lagi"))
    assert not planted.exists()
    assert repo.get_run("pk-1").title == "lagi"


def test_a_planted_year_file_with_other_digits_is_not_a_year(db_path: Path) -> None:
    """`soptrack.²⁰²⁶.json` (str.isdigit takes superscripts, int() refuses them) planted in
    the shared folder must not stop every read and write of the database."""
    repo = Repository(db_path)
    make_run(repo)
    db_path.with_name("soptrack.\u00b2\u2070\u00b2\u2076.json").write_text("{}")
    make_run(repo, "kedua")
    assert Repository(db_path).run_count() == 2


def test_a_number_json_cannot_hold_is_refused_and_nothing_written(db_path: Path) -> None:
    """json.dumps writes float('inf') as `Infinity`, which no JSON reader but Python's
    accepts: the store refuses it (one StoreError naming the file), the file untouched."""
    from dataclasses import replace

    from soptrack.store.errors import StoreError

    repo = Repository(db_path)
    make_run(repo)
    before = db_path.read_bytes()
    for bad in (float("inf"), float("nan")):
        with pytest.raises(StoreError, match="inf/nan") as raised:
            repo.update_office(lambda p, bad=bad: replace(p, capaian_cap=bad))
        assert str(db_path) in str(raised.value)
        assert db_path.read_bytes() == before
    assert repo.get_office().capaian_cap is None
