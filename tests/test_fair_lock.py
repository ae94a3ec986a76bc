"""The database lock (store/fair_lock.py): flock taken directly, re-entrant per thread,
exclusive between threads and processes, and free of ticket files while nobody waits."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest

from soptrack.store import Repository, fair_lock
from soptrack.store.errors import StoreError
from soptrack.store.fair_lock import FairLock, LockTimeout


def test_an_uncontended_acquire_takes_no_ticket(tmp_path: Path, monkeypatch) -> None:
    lock = FairLock(str(tmp_path / "db.json.lock"), timeout=5)

    def no_ticket() -> str | None:
        raise AssertionError("a ticket while nobody waits")

    monkeypatch.setattr(lock, "_take_ticket", no_ticket)
    lock.acquire()
    assert lock.is_locked
    lock.release()
    assert not lock.is_locked
    assert [p.name for p in tmp_path.iterdir()] == ["db.json.lock"]


def test_the_lock_is_reentrant_in_a_thread_and_exclusive_between_threads(
    tmp_path: Path,
) -> None:
    lock = FairLock(str(tmp_path / "db.json.lock"), timeout=5)
    lock.acquire()
    lock.acquire()  # a transaction inside a transaction of the same thread
    lock.release()
    assert lock.is_locked
    seen: list[BaseException | None] = []

    def other() -> None:
        try:
            lock.acquire(timeout=0)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            seen.append(exc)
        else:
            seen.append(None)
            lock.release()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert len(seen) == 1 and isinstance(seen[0], LockTimeout)
    lock.release()
    assert not lock.is_locked
    seen.clear()
    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert seen == [None]  # free again once the owner let go
    with pytest.raises(RuntimeError):
        lock.release()  # not held: a bug, never silently ignored


def test_another_program_holding_the_lock_file_is_respected(tmp_path: Path) -> None:
    """filelock (older soptrack releases, scripts) and this lock exclude each other."""
    from filelock import FileLock, Timeout

    path = str(tmp_path / "db.json.lock")
    holder = FileLock(path)
    holder.acquire()
    try:
        with pytest.raises(LockTimeout):
            FairLock(path, timeout=0.05).acquire()
    finally:
        holder.release()
    mine = FairLock(path, timeout=5)
    mine.acquire()
    try:
        with pytest.raises(Timeout):
            FileLock(path, timeout=0).acquire()
    finally:
        mine.release()


def test_a_new_lock_file_is_group_writable_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        lock = FairLock(str(tmp_path / "db.json.lock"), timeout=5, mode=0o664)
        lock.acquire()
        lock.release()
    finally:
        os.umask(old)
    assert (tmp_path / "db.json.lock").stat().st_mode & 0o777 == 0o664


def test_a_symlink_planted_as_the_lock_is_not_followed(tmp_path: Path) -> None:
    """In a shared folder a colleague could point the lock name at another user's file:
    the lock never opens it (nor creates the target); the write stops with one line."""
    target = tmp_path / "elsewhere"
    (tmp_path / "soptrack.json.lock").symlink_to(target)
    repo = Repository(tmp_path / "soptrack.json")
    with pytest.raises(StoreError) as caught:
        repo.initialize()
    assert str(tmp_path / "soptrack.json") in str(caught.value)
    assert not target.exists()


def test_first_lock_made_by_two_threads_at_once_is_never_leaked(tmp_path, monkeypatch) -> None:
    """Two worker threads of one TUI take the repository's lock for the first time at
    once: one FairLock is made and shared. (Each making its own once left the first one's
    flock held after both were done: every writer in every process 'busy' until exit.)"""
    repo = Repository(tmp_path / "db.json", lock_timeout=5)
    real = fair_lock.FairLock
    made: list[object] = []
    b_inside_init = threading.Event()
    a_made_one = threading.Event()

    class Slow(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs) -> None:
            if threading.current_thread().name == "B":
                b_inside_init.set()
                # B saw no lock yet and makes one; A comes in meanwhile. The wait only
                # gives a wrong implementation time to show itself (A making its own)
                a_made_one.wait(1)
            else:
                a_made_one.set()
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(fair_lock, "FairLock", Slow)
    errors: dict[str, BaseException] = {}

    def take(name: str) -> None:
        if name == "A":
            b_inside_init.wait(10)
        try:
            with repo.transaction_lock():
                pass
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors[name] = exc

    threads = [threading.Thread(target=take, args=(n,), name=n) for n in ("B", "A")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert len(made) == 1
    fd = os.open(str(repo.path) + ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again: BlockingIOError if not
    finally:
        os.close(fd)


def test_a_planted_ticket_with_other_digits_never_stops_a_writer(tmp_path: Path) -> None:
    """Anyone of the group can plant a ticket in the shared folder whose arrival time
    str.isdigit() takes and int() refuses (²); it sorts before every real ticket. It is
    not a live waiter's: the lock is taken as if it were not there."""
    path = tmp_path / "db.json.lock"
    (tmp_path / ".db.json.lock.wait.000\u00b2.1").write_text("")
    lock = FairLock(str(path), timeout=10)
    lock.acquire()
    assert lock.is_locked
    lock.release()
