"""Lock files (``<path>.lock`` created with O_EXCL) that a killed process cannot wedge.

The lock holds ``pid host time``. A waiter breaks it when the pid is dead on this host,
or when the lock is older than :data:`STALE_AFTER` (pid reuse, other hosts).
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path
from types import TracebackType

from ..errors import Conflict
from .fsutil import write_all

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
