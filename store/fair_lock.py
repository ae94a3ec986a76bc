"""The database's inter-process lock, served roughly in arrival order.

A plain polling lock lets a writer that releases the lock and wants it again at once beat
colleagues who are asleep between two polls (with filelock, 13 waits over 10 s and one of
27 s were seen among 8 busy writers). Here each waiter leaves a small ticket file named with
its arrival time beside the lock, and tries the lock only while no older live ticket exists.
A ticket whose process is gone, or that is older than any wait can last, is ignored and
removed, so a killed waiter never blocks the queue. When no ticket exists at all, a writer
tries the lock once before taking one: the queue costs nothing while nobody waits.

The lock itself is flock(2) on `DB.json.lock`, the same lock filelock takes (tests and
older soptrack releases interoperate). It is taken directly, not through filelock: filelock
4 spends ~0.13 ms in Python per acquire and release (fork checks, a registry, a realpath and
a mkdir), a tenth of a whole transition of a small database; flock on a descriptor costs
5 us. A process's threads each hold their own descriptor, so they exclude each other too.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import time

from soptrack.sop.numbers import ascii_digits

POLL_SECONDS = 0.005


class LockTimeout(Exception):
    """The lock stayed busy for the whole wait."""


class FairLock:
    def __init__(self, path: str, *, timeout: float, mode: int = 0o664) -> None:
        self.path = path
        self.timeout = timeout
        self.mode = mode
        self.directory = os.path.dirname(path) or "."
        self.prefix = f".{os.path.basename(path)}.wait."
        self._held = threading.local()  # fd, level: this thread's hold (re-entrant)

    @property
    def is_locked(self) -> bool:
        """Whether this thread holds the lock. Not in a forked child: its copy of the hold
        shares the parent's open file, and releasing it would unlock the parent."""
        return getattr(self._held, "level", 0) > 0 and self._held.pid == os.getpid()

    def acquire(self, timeout: float | None = None) -> None:
        """Raises LockTimeout after `timeout` seconds (the lock's own when None; 0: one try,
        for work that may as well be left to the holder), PermissionError or OSError when
        the lock file cannot be opened."""
        if self.is_locked:  # held by this thread already: counted
            self._held.level += 1
            return
        if not self._queued() and self._try():
            # nobody waits: one try before queueing (a ticket costs a create and an unlink
            # in the folder, ~0.3 ms of every uncontended write)
            return
        ticket = self._take_ticket()
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        try:
            while True:
                if (ticket is None or self._first(ticket)) and self._try():
                    return
                if time.monotonic() > deadline:
                    raise LockTimeout(self.path)
                time.sleep(POLL_SECONDS)
        finally:
            if ticket is not None:
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(self.directory, ticket))

    def release(self) -> None:
        level = getattr(self._held, "level", 0) if self.is_locked else 0
        if level <= 0:
            raise RuntimeError(f"lock {self.path} is not held by this thread")
        self._held.level = level - 1
        if level == 1:
            fd, self._held.fd = self._held.fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)

    def _try(self) -> bool:
        """One non-blocking attempt. The file is never removed (waiters share its inode).
        O_NOFOLLOW: a symlink planted in a shared folder is not followed; O_NONBLOCK: a
        file under a lease (Samba, an NFS server) does not block the open past the wait.
        EACCES from flock is contention too on some file systems, as filelock took it."""
        flags = os.O_RDWR | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK
        try:
            fd = os.open(self.path, flags)
        except FileNotFoundError:
            fd = os.open(self.path, flags | os.O_CREAT, self.mode)
            with contextlib.suppress(OSError):  # the umask must not narrow a shared lock
                os.fchmod(fd, self.mode)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise
        except BaseException:
            os.close(fd)
            raise
        self._held.fd = fd
        self._held.level = 1
        self._held.pid = os.getpid()
        return True

    def _take_ticket(self) -> str | None:
        """None where no ticket can be written (a read-only folder): plain polling then."""
        name = f"{self.prefix}{time.time_ns():020d}.{os.getpid()}"
        try:
            fd = os.open(os.path.join(self.directory, name), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except OSError:
            return None
        os.close(fd)
        return name

    def _queued(self) -> bool:
        """Whether any ticket is in the folder (a dead waiter's too: the queue clears it)."""
        try:
            with os.scandir(self.directory) as entries:
                return any(e.name.startswith(self.prefix) for e in entries)
        except OSError:
            return True

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
            # ascii: str.isdigit takes a planted name's superscripts, int() does not
            if not (ascii_digits(arrived) and ascii_digits(pid)):
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
