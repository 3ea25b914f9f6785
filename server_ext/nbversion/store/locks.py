"""Locks that a killed process cannot wedge.

:class:`FileLock`: ``<path>.lock`` created with O_EXCL, holding ``pid host time``. A waiter
breaks it when the pid is dead on this host, or when the lock is older than
:data:`STALE_AFTER` (pid reuse, other hosts).

:class:`StoreLock`: the store-wide reader/writer lock of the concurrency protocol
(``docs/store.md``, "Concurrency protocol"): ``flock`` on ``.nbversion/gc.lock``, held
SHARED by writers and EXCLUSIVE, briefly, by the sweeps of gc, evict and fsck --repair.
The kernel drops a ``flock`` when its holder dies, so it needs no stale-lock breaking.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from ..errors import Conflict
from .fsutil import temp_name, write_all

#: A ref update takes milliseconds; a lock this old is from a dead or hung writer.
STALE_AFTER = 120.0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _owner_is_dead(lock: Path) -> bool:
    """True when ``lock`` is stale: owner pid gone (same host) or too old."""
    try:
        text = lock.read_text()
        age = time.time() - lock.stat().st_mtime
    except FileNotFoundError:
        return False
    if age > STALE_AFTER:
        return True
    parts = text.split()
    if len(parts) < 2:  # killed between create and write: judge by age only
        return age > 2.0
    try:
        pid = int(parts[0])
    except ValueError:
        return True
    return parts[1] == socket.gethostname() and not _pid_alive(pid)


class FileLock:
    """Exclusive lock on ``path`` via ``path.lock``; use as a context manager."""

    def __init__(self, path: Path, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.timeout = timeout
        self._held = False

    def acquire(self) -> None:
        """Take the lock, breaking stale ones; raises Conflict after ``timeout`` seconds."""
        deadline = time.monotonic() + self.timeout
        delay = 0.001
        while True:
            try:
                fd = os.open(self.lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                if _owner_is_dead(self.lock_path):
                    self._break()
                    continue
                if time.monotonic() > deadline:
                    raise Conflict(f"{self.path.name} is locked ({self.lock_path})") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
                continue
            try:
                write_all(fd, f"{os.getpid()} {socket.gethostname()} {time.time():.3f}\n".encode())
            finally:
                os.close(fd)
            self._held = True
            return

    def _break(self) -> None:
        """Remove a stale lock, guarded by a second lock so two breakers cannot race."""
        guard = self.lock_path.with_name(self.lock_path.name + ".break")
        try:
            fd = os.open(guard, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                if time.time() - guard.stat().st_mtime > 5.0:
                    guard.unlink(missing_ok=True)
            except FileNotFoundError:
                pass
            time.sleep(0.005)
            return
        os.close(fd)
        try:
            if _owner_is_dead(self.lock_path):
                self.lock_path.unlink(missing_ok=True)
        finally:
            guard.unlink(missing_ok=True)

    def release(self) -> None:
        """Drop the lock (idempotent)."""
        if self._held:
            self._held = False
            self.lock_path.unlink(missing_ok=True)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


#: The store-wide lock file, inside ``.nbversion/``.
STORE_LOCK = "gc.lock"
#: A writer gives up (Conflict) after waiting this long for sweeps: they hold the lock
#: for one short batch at a time, so reaching this means a hung sweeper.
WRITER_TIMEOUT = 120.0
_held = threading.local()  # per thread: {lock path: _Hold}


class _Hold:
    """This thread's hold on one StoreLock: its mode and nesting depth."""

    def __init__(self, mode: int) -> None:
        self.mode, self.depth = mode, 1


def _holdings() -> dict[str, _Hold]:
    table: dict[str, _Hold] | None = getattr(_held, "table", None)
    if table is None:
        table = _held.table = {}
    return table


class StoreLock:
    """The store-wide reader/writer lock (``flock`` on ``<store_dir>/gc.lock``).

    Re-entrant per thread: a thread that holds it (either mode) enters :meth:`shared`
    again for free, so layered writers (save → put_bytes → ref update) and a sweeper's
    own tag removals never deadlock on themselves. Other threads and processes each take
    their own ``flock``. Waits are polled, never queued in the kernel, so a waiting
    sweeper never holds up new writers; :attr:`max_shared_wait` is the longest time any
    writer in this process waited (the figure docs/reliability.md reports).
    """

    max_shared_wait = 0.0

    def __init__(self, store_dir: Path) -> None:
        self.path = Path(store_dir) / STORE_LOCK

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except PermissionError:  # a read-only share: flock works on a read-only fd too
            return os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)

    def _take(self, mode: int, timeout: float) -> tuple[int, float]:
        """Open the lock file and poll ``flock(mode)``; returns (fd, seconds waited)."""
        fd = self._open()
        start = time.monotonic()
        delay = 0.0005
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                return fd, time.monotonic() - start
            except BlockingIOError:
                if time.monotonic() - start > timeout:
                    os.close(fd)
                    raise Conflict(f"the store is busy ({self.path} held too long)") from None
                time.sleep(delay)
                delay = min(delay * 2, 0.005)
            except BaseException:
                os.close(fd)
                raise

    @contextlib.contextmanager
    def _hold(self, mode: int, timeout: float) -> Iterator[None]:
        key = str(self.path)
        table = _holdings()
        held = table.get(key)
        if held is not None:
            if mode == fcntl.LOCK_EX and held.mode != fcntl.LOCK_EX:
                raise RuntimeError("StoreLock: cannot upgrade a shared hold to exclusive")
            held.depth += 1
            try:
                yield
            finally:
                held.depth -= 1
            return
        fd, waited = self._take(mode, timeout)
        if mode == fcntl.LOCK_SH and waited > StoreLock.max_shared_wait:
            StoreLock.max_shared_wait = waited
        table[key] = _Hold(mode)
        try:
            yield
        finally:
            del table[key]
            os.close(fd)  # closing drops the flock (a forked child's copy keeps it alive)

    def shared(self, timeout: float = WRITER_TIMEOUT) -> contextlib.AbstractContextManager[None]:
        """Hold the lock SHARED: what every write to objects, manifests and refs does."""
        return self._hold(fcntl.LOCK_SH, timeout)

    def exclusive(self, timeout: float) -> contextlib.AbstractContextManager[None]:
        """Hold the lock EXCLUSIVE: a sweeper's recheck-and-delete batch (keep it short)."""
        return self._hold(fcntl.LOCK_EX, timeout)


def store_clock(tmp_dir: Path) -> float:
    """The time as the store's filesystem stamps files (mtime of a fresh temp file).

    A sweep compares object mtimes with its mark time: both must come from the same
    clock (the kernel's coarse clock here, the server's on NFS), not ``time.time()``.
    """
    path = temp_name(Path(tmp_dir), "clock")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        return os.fstat(fd).st_mtime
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
