"""Reviewer's proofs (review of 8aec2e1..0e25a1d). Each test shows a bug of the reviewed code
and is marked xfail(strict=True): it turns into an XPASS failure once the bug is fixed, so
remove the mark together with the fix."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from soptrack.store import fair_lock
from soptrack.store.repository import Repository

BUG = pytest.mark.xfail(strict=True, reason="review finding, not fixed yet")


@BUG
def test_first_lock_made_by_two_threads_at_once_is_never_leaked(tmp_path, monkeypatch) -> None:
    """Repository.transaction_lock creates its FairLock lazily without a lock: a thread that
    acquired through the first FairLock releases through the second (RuntimeError) and the
    first one's flock is never released (no __del__ as filelock had): every other writer,
    in every process, is then 'busy' until this process exits."""
    repo = Repository(tmp_path / "db.json", lock_timeout=0.3)
    real = fair_lock.FairLock
    b_inside_init = threading.Event()
    a_holds = threading.Event()
    made = []

    class Slow(real):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs) -> None:
            if threading.current_thread().name == "B":
                b_inside_init.set()
                a_holds.wait(5)  # B saw `_lock is None`, builds its own meanwhile
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(fair_lock, "FairLock", Slow)
    errors: dict[str, BaseException] = {}

    def a() -> None:
        b_inside_init.wait(5)
        try:
            with repo.transaction_lock():
                a_holds.set()
                # wait until B has replaced repo._lock
                for _ in range(500):
                    if len(made) == 2:
                        break
                    threading.Event().wait(0.01)
        except BaseException as exc:  # noqa: BLE001
            errors["A"] = exc

    def b() -> None:
        try:
            with repo.transaction_lock():
                pass
        except BaseException as exc:  # noqa: BLE001
            errors["B"] = exc

    tb = threading.Thread(target=b, name="B")
    ta = threading.Thread(target=a, name="A")
    tb.start()
    ta.start()
    ta.join(10)
    tb.join(10)
    # another process must be able to take the lock now that both threads are done
    fd = os.open(str(repo.path) + ".lock", os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            free = True
        except BlockingIOError:
            free = False
    finally:
        os.close(fd)
    assert free, f"the lock stays held after both transactions ended ({errors})"
    assert not errors, errors


@BUG
def test_a_command_with_stderr_closed_exits_0(tmp_path) -> None:
    """`soptrack ... 2>&-` (cron, a daemon's closed fds): sys.stderr is None and the quick
    exit's _flushed raises AttributeError: exit 1 for a command that succeeded."""
    db = tmp_path / "db.json"
    result = subprocess.run(
        [sys.executable, "-m", "soptrack", "--db", str(db), "sops"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(),
        preexec_fn=lambda: os.close(2),
        timeout=60,
    )
    assert result.returncode == 0


@BUG
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
def test_output_lost_is_said_once(tmp_path) -> None:
    """rich flushes after each print: the guard reports OutputLost (exit 120) and then the
    quick exit's flush meets the same full disk and says it again: two lines."""
    db = tmp_path / "db.json"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "soptrack", "--db", str(db), "sops"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=60,
        )
    assert result.returncode == 120
    assert result.stderr.count("\n") == 1, result.stderr


@BUG
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


@BUG
def test_reading_twice_does_not_rewrite_the_index_with_a_dangling_year_file(tmp_path) -> None:
    """_repaired_index: `or found is None` makes a year file that cannot be stat'ed (a
    dangling symlink to an unmounted archive disk) stale on every read, even once the index
    recorded it as None: every read takes the lock and rewrites the index, so signature()
    changes on every read and every open TUI's poll reloads (and rewrites it) again."""
    from datetime import datetime

    from soptrack.sop.run import Actor

    repo = Repository(tmp_path / "db.json")
    repo.initialize()
    repo.create_run("pk", "PK", [1, 2], "A", 2026, Actor("budi", "r"), datetime(2026, 1, 2))
    (tmp_path / "db.2019.json").symlink_to(tmp_path / "unmounted" / "db.2019.json")
    repo.list_runs(history=False)  # the first read may rebuild: the folder changed
    before = repo.signature()
    repo.list_runs(history=False)
    assert repo.signature() == before
