"""Durable file writes: temp file, fsync, ``os.replace``, fsync of the directory.

A crash at any point leaves either the old file or the new one under the final
name, never a half-written file (temp files are swept later by gc).
"""

from __future__ import annotations

import errno
import os
import secrets
import threading
from pathlib import Path

from ..errors import StoreError

Buffer = bytes | bytearray | memoryview
#: errnos that mean "the disk (or quota, or file size limit) is full".
_NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def no_space(err: BaseException, path: Path) -> BaseException:
    """A clear StoreError for a full disk (nothing was kept), else ``err`` itself."""
    if isinstance(err, OSError) and err.errno in _NO_SPACE:
        return StoreError(
            f"no space left on device while writing {path} ({os.strerror(err.errno)}); "
            "the write was abandoned: free disk space (or run `nbversion gc`) and try again"
        )
    return err


def fsync_dir(path: Path) -> None:
    """Make a rename or create inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, *parts: Buffer) -> None:
    """Write every byte of ``parts`` to ``fd`` (``os.write`` may write less than asked)."""
    for part in parts:
        view = memoryview(part).cast("B")
        while view:
            n = os.write(fd, view)
            view = view[n:]


def temp_name(tmp_dir: Path, stem: str) -> Path:
    """A unique temp path in ``tmp_dir`` (pid + thread + random, so no two writers clash)."""
    tag = f"{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(4)}"
    return tmp_dir / f"{stem}.{tag}.tmp"


def atomic_write(
    path: Path,
    *parts: Buffer,
    tmp_dir: Path | None = None,
    mode: int = 0o644,
    sync_dir: bool = True,
) -> None:
    """Write ``parts`` to ``path`` atomically and durably.

    ``mode`` is applied before the rename, so a read-only object is never visible writable.
    ``sync_dir=False`` lets a caller batch directory fsyncs (it must then call
    :func:`fsync_dir` itself before relying on the file).
    """
    tmp_dir = tmp_dir or path.parent
    tmp = temp_name(tmp_dir, path.name)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as err:
        if err.errno in _NO_SPACE:
            raise no_space(err, path) from None
        raise
    try:
        write_all(fd, *parts)
        os.fsync(fd)
        os.fchmod(fd, mode)
    except BaseException as err:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError) and err.errno in _NO_SPACE:
            raise no_space(err, path) from None
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def append_line(path: Path, line: str) -> None:
    """Append one line durably (O_APPEND; a crash can only truncate the last line)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            write_all(fd, line.encode() + b"\n")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        if err.errno in _NO_SPACE:
            raise no_space(err, path) from None
        raise
