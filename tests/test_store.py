"""The store: lock, atomic writes, schema version, corrupt files, backups."""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from filelock import FileLock

from soptrack.sop.run import Actor
from soptrack.store import Repository, StoreBusy, StoreCorrupt, backups, schema, storage
from soptrack.store.errors import StoreTooNew

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


def test_write_is_atomic_replace_and_keeps_mode(db_path: Path) -> None:
    repo = Repository(db_path)
    make_run(repo)
    os.chmod(db_path, 0o664)
    inode = db_path.stat().st_ino
    make_run(repo)
    assert db_path.stat().st_ino != inode  # a new file replaced the old one
    assert db_path.stat().st_mode & 0o777 == 0o664
    temps = f".{db_path.name}.*.tmp"  # the names storage.py gives its temporary files
    assert not list(db_path.parent.glob(temps))
    # a writer killed mid-write leaves its temporary file: the very next write removes it
    # (not only the next one that rotates a backup)
    (db_path.parent / f".{db_path.name}.killed.tmp").write_text("{half")
    make_run(repo)
    assert not list(db_path.parent.glob(temps))


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


def test_migration_hook_runs_and_backs_up_first(db_path: Path, monkeypatch) -> None:
    repo = Repository(db_path)
    make_run(repo)
    old = json.loads(db_path.read_text())
    old["meta"]["1"]["schema"] = 0
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
            db.table("runs").all()
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
