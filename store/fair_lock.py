"""The database's inter-process lock, served roughly in arrival order.

filelock polls: a writer that releases the lock and wants it again at once always beats
colleagues who are asleep between two polls (13 waits over 10 s and one of 27 s were seen
among 8 busy writers). Here each waiter leaves a small ticket file named with its arrival
time beside the lock, and tries the lock only while no older live ticket exists. A ticket
whose process is gone, or that is older than any wait can last, is ignored and removed, so a
killed waiter never blocks the queue.
"""

from __future__ import annotations

import contextlib
import os
import time
from typing import Any

POLL_SECONDS = 0.005


class FairLock:
    def __init__(self, path: str, *, timeout: float, mode: int = 0o664) -> None:
        from filelock import FileLock

        self.path = path
        self.timeout = timeout
        self.lock: Any = FileLock(path, timeout=timeout, mode=mode)
        self.directory = os.path.dirname(path) or "."
        self.prefix = f".{os.path.basename(path)}.wait."

    def acquire(self, timeout: float | None = None) -> None:
        """Raises filelock.Timeout after `timeout` seconds (the lock's own when None; 0: one
        try, for work that may as well be left to the holder), PermissionError as filelock
        does."""
        from filelock import Timeout

        if self.lock.is_locked:  # held by this thread already: filelock counts it
            self.lock.acquire()
            return
        ticket = self._take_ticket()
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        try:
            while True:
                if ticket is None or self._first(ticket):
                    with contextlib.suppress(Timeout):
                        self.lock.acquire(timeout=0)
                        return
                if time.monotonic() > deadline:
                    raise Timeout(self.path)
                time.sleep(POLL_SECONDS)
        finally:
            if ticket is not None:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.directory, ticket))

    def release(self) -> None:
        self.lock.release()

    def _take_ticket(self) -> str | None:
        """None where no ticket can be written (a read-only folder): plain polling then."""
        name = f"{self.prefix}{time.time_ns():020d}.{os.getpid()}"
        try:
            fd = os.open(os.path.join(self.directory, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except OSError:
            return None
        os.close(fd)
        return name

    def _first(self, ticket: str) -> bool:
        """Whether no live waiter arrived before `ticket`."""
        stale_ns = int((self.timeout + 60) * 1e9)
        now = time.time_ns()
        try:
            names = [n for n in os.listdir(self.directory) if n.startswith(self.prefix)]
        except OSError:
            return True
        for name in names:
            if name >= ticket:
                continue
            arrived, _, pid = name[len(self.prefix) :].partition(".")
            if not (arrived.isdigit() and pid.isdigit()):
                continue
            if now - int(arrived) < stale_ns and _alive(int(pid)):
                return False
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(self.directory, name))
        return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True
