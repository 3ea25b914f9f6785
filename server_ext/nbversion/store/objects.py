"""Content-addressed, immutable, verified object storage (``.nbversion/objects/ab/cdef…``).

An object is named by the BLAKE3-256 hex of its *content*; the file holds a 1-byte
codec header (``0`` raw, ``1`` zstd) then the payload. Compression is kept only when
a sample shows it pays (zstd is no faster than the disk; random floats shrink ~6%).
Every read rehashes, so a damaged file raises :class:`CorruptObject`.

Objects evicted to a remote (``nbversion.tiering``, recorded in ``.nbversion/evicted``)
are fetched back on a miss by an optional :class:`Fetcher`, then read as usual. Reads
bump the file's atime (at most once a minute), the access clock of budget eviction.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol

import blake3
import zstandard

from ..errors import CorruptObject, InvalidInput, NotFound
from . import hooks
from .chunking import CHUNK_LIST_MAGIC, CHUNK_SIZE, ChunkList, split
from .fsutil import Buffer, atomic_write, fsync_dir
from .locks import StoreLock

RAW, ZSTD = 0, 1
_OID_RE = re.compile(r"^[0-9a-f]{64}$")
#: Keep zstd only when it saves at least this fraction (below it, writing raw is faster).
MIN_SAVING = 0.15
_SAMPLE = 16 << 10
_ZSTD_LEVEL = 1
_WORKERS = 4  # I/O threads: fsyncs overlap on the device queue, hashing releases the GIL
#: The eviction record (``.nbversion/evicted``); its presence enables fetch on miss.
EVICTED_FILE = "evicted"
#: Reads refresh an object's atime only when it is older than this (seconds).
ACCESS_RESOLUTION = 60.0
_local = threading.local()
_new_bytearray = ctypes.pythonapi.PyByteArray_FromStringAndSize
_new_bytearray.restype = ctypes.py_object
_new_bytearray.argtypes = (ctypes.c_void_p, ctypes.c_ssize_t)


def uninitialized_bytearray(size: int) -> bytearray:
    """A bytearray whose memory is not zeroed first (the caller overwrites every byte).

    ``bytearray(n)`` zero-fills single-threaded, which costs as much as reading the
    data from disk; here the pages are first touched by the parallel reads instead.
    """
    out = _new_bytearray(None, size)
    assert isinstance(out, bytearray)
    return out


def hash_bytes(data: Buffer) -> str:
    """BLAKE3-256 hex of ``data`` (multi-threaded for large inputs)."""
    threads = blake3.blake3.AUTO if len(data) >= (8 << 20) else 1
    return blake3.blake3(data, max_threads=threads).hexdigest()


def check_oid(oid: str) -> str:
    """Return ``oid`` if it is 64 lower-case hex digits, else raise InvalidInput."""
    if not isinstance(oid, str) or not _OID_RE.match(oid):
        raise InvalidInput(f"not an object id: {oid!r}")
    return oid


def byte_view(data: Buffer) -> memoryview:
    """A flat unsigned-byte view of ``data`` without copying (C-contiguous buffers only)."""
    view = memoryview(data)
    if not view.c_contiguous:
        raise InvalidInput("buffer is not C-contiguous: pass a contiguous copy")
    return view.cast("B")


def _compressor() -> zstandard.ZstdCompressor:
    comp: zstandard.ZstdCompressor | None = getattr(_local, "comp", None)
    if comp is None:
        comp = _local.comp = zstandard.ZstdCompressor(level=_ZSTD_LEVEL)
    return comp


def encode(view: memoryview) -> tuple[int, Buffer]:
    """Choose the codec for ``view`` by measurement; returns (codec, payload)."""
    n = len(view)
    if n < 64:
        return RAW, view
    if n > 4 * _SAMPLE:  # compress a sample from start, middle and end first
        mid = n // 2
        sample = b"".join((view[:_SAMPLE], view[mid : mid + _SAMPLE], view[n - _SAMPLE :]))
        if len(_compressor().compress(sample)) > len(sample) * (1 - MIN_SAVING):
            return RAW, view
    packed = _compressor().compress(view)
    if len(packed) > n * (1 - MIN_SAVING):
        return RAW, view
    return ZSTD, packed


def touch_access(fd: int) -> None:
    """Record a read in the file's atime (mtime kept), at most once per ACCESS_RESOLUTION."""
    with contextlib.suppress(OSError):
        st = os.fstat(fd)
        now = time.time()
        if now - st.st_atime > ACCESS_RESOLUTION:
            os.utime(fd, (now, st.st_mtime))


class Fetcher(Protocol):
    """Brings evicted objects back from a remote (see ``nbversion.tiering.fetch``)."""

    def knows(self, oid: str) -> bool:
        """True when ``oid`` is recorded as evicted (so it can be fetched)."""
        ...

    def fetch(self, oids: Sequence[str], context: str) -> None:
        """Fetch, verify and store ``oids`` locally, or raise an error naming them."""
        ...


class ObjectStore:
    """Objects under ``root`` (``.nbversion/objects``); temp files go to ``tmp_dir``.

    ``fetcher`` (optional) is asked for objects that are missing locally; when it is
    None and ``auto_fetch`` is on, one is created the first time ``.nbversion/evicted``
    exists, so every reader (restore, diff, service) fetches evicted objects on demand.

    Every write or freshen happens under ``lock`` held SHARED (the store-wide lock of
    the concurrency protocol, default ``<root>/../gc.lock``), so it is either entirely
    before a sweep batch (which then sees the new mtime) or entirely after it.
    """

    def __init__(self, root: Path, tmp_dir: Path, lock: StoreLock | None = None) -> None:
        self.root = Path(root)
        self.tmp_dir = Path(tmp_dir)
        self.lock = lock if lock is not None else StoreLock(self.root.parent)
        self.fetcher: Fetcher | None = None
        self.auto_fetch = True

    # -- paths -------------------------------------------------------------------------
    def path(self, oid: str) -> Path:
        """Where object ``oid`` lives (sharded by its first two hex digits)."""
        check_oid(oid)
        return self.root / oid[:2] / oid[2:]

    def has(self, oid: str) -> bool:
        """True when the object file exists (not verified: see fsck)."""
        return self.path(oid).is_file()

    def object_size(self, oid: str) -> int:
        """Bytes the object takes on disk (header + possibly compressed payload)."""
        try:
            return self.path(oid).stat().st_size
        except FileNotFoundError:
            raise NotFound(f"object {oid} not found") from None

    def iter_oids(self) -> Iterator[str]:
        """Every object id in the store (unordered, unverified)."""
        if not self.root.is_dir():
            return
        for shard in os.scandir(self.root):
            if not shard.is_dir() or len(shard.name) != 2:
                continue
            for entry in os.scandir(shard.path):
                oid = shard.name + entry.name
                if _OID_RE.match(oid):
                    yield oid

    # -- fetch on miss -----------------------------------------------------------------
    def get_fetcher(self) -> Fetcher | None:
        """The fetcher for evicted objects (created lazily once anything was evicted)."""
        evicted = self.root.parent / EVICTED_FILE
        factory = hooks.fetcher_factory()
        if self.fetcher is None and self.auto_fetch and evicted.is_file() and factory:
            self.fetcher = factory(self.root.parent, self.root, self.tmp_dir)
        return self.fetcher

    def is_remote_only(self, oid: str) -> bool:
        """True when ``oid`` is not here but recorded as evicted to a remote."""
        if self.has(oid):
            return False
        fetcher = self.get_fetcher()
        return fetcher is not None and fetcher.knows(oid)

    def _fetch(self, oids: Sequence[str], context: str) -> bool:
        """Fetch the evicted ones among ``oids``; False when none of them is evicted."""
        fetcher = self.get_fetcher()
        known = [o for o in oids if fetcher is not None and fetcher.knows(o)]
        if fetcher is None or not known:
            return False
        fetcher.fetch(known, context)
        return True

    def delete(self, oid: str) -> bool:
        """Remove an object; returns False if it was not there."""
        try:
            self.path(oid).unlink()
        except FileNotFoundError:
            return False
        return True

    # -- writing -----------------------------------------------------------------------
    def _store(self, oid: str, view: memoryview, *, sync_dir: bool = True) -> Path | None:
        """Write ``view`` as ``oid`` unless present; returns the shard dir written to."""
        path = self.path(oid)
        if path.exists():
            with contextlib.suppress(OSError):  # freshen: sweeps keep what changed after their mark
                os.utime(path)
            return None
        codec, payload = encode(view)
        path.parent.mkdir(exist_ok=True)
        atomic_write(
            path, bytes((codec,)), payload, tmp_dir=self.tmp_dir, mode=0o444, sync_dir=sync_dir
        )
        return path.parent

    def put_bytes(self, data: Buffer) -> str:
        """Store ``data`` as one object; returns its oid."""
        view = byte_view(data)
        oid = hash_bytes(view)
        with self.lock.shared():
            self._store(oid, view)
        return oid

    def put_json(self, obj: Any) -> str:
        """Store ``obj`` as canonical JSON (sorted keys, no whitespace)."""
        return self.put_bytes(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode())

    def put_buffer(self, buf: Buffer, chunk_size: int = CHUNK_SIZE) -> str:
        """Store a large buffer as fixed-size chunks plus a chunk list; returns the list's oid.

        Unchanged chunks are not rewritten, so an in-place edit or an append costs only
        the chunks it touches. Hashing, compression and fsyncs run on a thread pool.
        The store lock is held SHARED across chunks and list, so a sweep's mark time falls
        wholly before or after the call: never between a chunk's freshen and its list's.
        """
        with self.lock.shared():
            return self._put_buffer(buf, chunk_size)

    def _put_buffer(self, buf: Buffer, chunk_size: int) -> str:
        view = byte_view(buf)
        pieces = list(split(view, chunk_size))

        def one(piece: memoryview) -> tuple[str, int, Path | None]:
            oid = blake3.blake3(piece).hexdigest()
            return oid, len(piece), self._store(oid, piece, sync_dir=False)

        if len(pieces) <= 1:
            results = [one(p) for p in pieces]
        else:
            with ThreadPoolExecutor(_WORKERS, thread_name_prefix="nbv-put") as pool:
                results = list(pool.map(one, pieces))
        for shard in {d for _, _, d in results if d is not None}:
            fsync_dir(shard)
        chunk_list = ChunkList(size=len(view), chunks=tuple((o, n) for o, n, _ in results))
        return self.put_bytes(chunk_list.encode())

    # -- reading -----------------------------------------------------------------------
    def _read_raw(self, oid: str) -> bytes:
        for attempt in (0, 1):
            try:
                with open(self.path(oid), "rb") as f:
                    touch_access(f.fileno())
                    return f.read()
            except FileNotFoundError:
                if attempt or not self._fetch([oid], f"object {oid}"):
                    break
        raise NotFound(f"object {oid} not found")

    def _decode(self, oid: str, raw: bytes) -> bytes:
        if not raw:
            raise CorruptObject(oid, "empty file (no codec header)")
        codec, payload = raw[0], raw[1:]
        if codec == RAW:
            data = payload
        elif codec == ZSTD:
            try:
                data = zstandard.ZstdDecompressor().decompress(payload)
            except zstandard.ZstdError as err:
                raise CorruptObject(oid, f"zstd payload does not decompress ({err})") from None
        else:
            raise CorruptObject(oid, f"unknown codec byte {codec}")
        return data

    def get_bytes(self, oid: str) -> bytes:
        """The object's content, verified against its hash."""
        data = self._decode(oid, self._read_raw(oid))
        actual = hash_bytes(data)
        if actual != oid:
            raise CorruptObject(oid, f"content hashes to {actual[:16]}…")
        return data

    def get_json(self, oid: str) -> Any:
        """The JSON value stored by :meth:`put_json`."""
        try:
            return json.loads(self.get_bytes(oid))
        except ValueError as err:
            raise InvalidInput(f"object {oid} is not JSON: {err}") from None
        except RecursionError:
            raise InvalidInput(f"object {oid} is JSON nested too deeply to read") from None

    def chunk_list(self, oid: str) -> ChunkList | None:
        """The chunk list stored as ``oid``, or None if that object is a plain blob."""
        if not self._starts_with_magic(oid):
            return None
        try:
            return ChunkList.decode(self.get_bytes(oid))
        except (ValueError, KeyError, TypeError) as err:
            raise CorruptObject(oid, f"bad chunk list: {err}") from None

    def _starts_with_magic(self, oid: str) -> bool:
        """Peek at the first content bytes without reading a whole large blob."""
        try:
            with open(self.path(oid), "rb") as f:
                head = f.read(1)
                if head == bytes((RAW,)):
                    return f.read(len(CHUNK_LIST_MAGIC)) == CHUNK_LIST_MAGIC
                if head == bytes((ZSTD,)):
                    reader = zstandard.ZstdDecompressor().stream_reader(f)
                    return bool(reader.read(len(CHUNK_LIST_MAGIC)) == CHUNK_LIST_MAGIC)
        except FileNotFoundError:
            fetcher = self.get_fetcher()
            if fetcher is not None and fetcher.knows(oid):
                return False  # only plain blobs are ever evicted (chunk lists stay local)
            raise NotFound(f"object {oid} not found") from None
        except zstandard.ZstdError:
            return False
        return False

    def referenced_oids(self, oid: str) -> list[str]:
        """Objects that ``oid`` refers to (a chunk list's chunks; [] for a blob)."""
        chunks = self.chunk_list(oid)
        return [] if chunks is None else [c for c, _ in chunks.chunks]

    def get_buffer(self, oid: str) -> bytearray:
        """Reassemble a buffer stored by :meth:`put_buffer`, verifying every chunk.

        Chunks are read straight into the result and hashed on a thread pool. A plain
        blob id is accepted too (returned as a bytearray).
        """
        chunks = self.chunk_list(oid)
        if chunks is None:
            return bytearray(self.get_bytes(oid))
        absent = [cid for cid in dict.fromkeys(c for c, _ in chunks.chunks) if not self.has(cid)]
        if absent:  # evicted chunks: fetch just these, in one parallel batch
            self._fetch(absent, f"buffer {oid}")
        out = uninitialized_bytearray(chunks.size)  # every byte is read or we raise
        view = memoryview(out)
        jobs, offset = [], 0
        for index, (cid, n) in enumerate(chunks.chunks):
            jobs.append((index, cid, view[offset : offset + n]))
            offset += n

        def one(job: tuple[int, str, memoryview]) -> None:
            self._read_chunk_into(oid, *job)

        if len(jobs) <= 1:
            for job in jobs:
                one(job)
        else:
            with ThreadPoolExecutor(_WORKERS, thread_name_prefix="nbv-get") as pool:
                list(pool.map(one, jobs))
        return out

    def _read_chunk_into(self, parent: str, index: int, cid: str, dest: memoryview) -> None:
        where = f"chunk {index} of buffer {parent}"
        try:
            fd = os.open(self.path(cid), os.O_RDONLY)
        except FileNotFoundError:
            if not self._fetch([cid], where):  # evicted meanwhile
                raise NotFound(f"object {cid} ({where}) not found") from None
            try:
                fd = os.open(self.path(cid), os.O_RDONLY)
            except FileNotFoundError:
                raise NotFound(f"object {cid} ({where}) not found") from None
        try:
            touch_access(fd)
            size = os.fstat(fd).st_size
            header = os.pread(fd, 1, 0)
            if header == bytes((RAW,)) and size - 1 == len(dest):
                got, pos = 0, 1
                while got < len(dest):
                    n = os.preadv(fd, [dest[got:]], pos + got)
                    if n == 0:
                        raise CorruptObject(cid, f"{where}: file is truncated")
                    got += n
                data: Buffer = dest
            else:
                raw = header + os.pread(fd, size, 1)
                decoded = self._decode(cid, raw)
                if len(decoded) != len(dest):
                    raise CorruptObject(cid, f"{where}: {len(decoded)} bytes, expected {len(dest)}")
                dest[:] = decoded
                data = decoded
        finally:
            os.close(fd)
        actual = blake3.blake3(data).hexdigest()
        if actual != cid:
            raise CorruptObject(cid, f"{where}: content hashes to {actual[:16]}…")
