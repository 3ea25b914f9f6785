"""Lock files: exclusive, and never wedged by a killed owner."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nbversion.errors import Conflict
from nbversion.store.locks import FileLock


def test_exclusive_until_released(tmp_path: Path) -> None:
    target = tmp_path / "ref"
    with FileLock(target):
        assert (tmp_path / "ref.lock").exists()
        with pytest.raises(Conflict, match="locked"):
            FileLock(target, timeout=0.05).acquire()
    assert not (tmp_path / "ref.lock").exists()
    with FileLock(target, timeout=0.05):
        pass


def _dead_pid() -> int:
    proc = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(proc.stdout)


def test_lock_of_a_dead_process_is_broken(tmp_path: Path) -> None:
    lock = tmp_path / "ref.lock"
    lock.write_text(f"{_dead_pid()} {socket.gethostname()} {time.time()}\n")
    start = time.monotonic()
    with FileLock(tmp_path / "ref", timeout=5):
        assert lock.read_text().split()[0] == str(os.getpid())
    assert time.monotonic() - start < 1


def test_live_owner_is_respected_but_old_locks_expire(tmp_path: Path) -> None:
    lock = tmp_path / "ref.lock"
    lock.write_text(f"{os.getpid()} {socket.gethostname()} {time.time()}\n")
    with pytest.raises(Conflict):
        FileLock(tmp_path / "ref", timeout=0.1).acquire()
    old = time.time() - 3600
    os.utime(lock, (old, old))
    with FileLock(tmp_path / "ref", timeout=1):
        pass


def test_empty_lock_from_a_kill_right_after_create_expires(tmp_path: Path) -> None:
    lock = tmp_path / "ref.lock"
    lock.write_text("")
    old = time.time() - 10
    os.utime(lock, (old, old))
    with FileLock(tmp_path / "ref", timeout=1):
        pass
