"""Shared pieces of push, pull and bundles: verification, local writes, parallel runs.

Object files travel as stored (codec byte + payload), so nothing is recompressed; on
arrival the payload is decoded and rehashed before it is written, through the store's
atomic write, under its final name. A re-run after an interruption finds what already
arrived with ``has`` and skips it: objects are immutable and content-addressed.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TypeVar

import blake3
import zstandard

from ..errors import CorruptObject, NotFound, StoreError
from ..store import Repository
from ..store.fsutil import atomic_write
from ..store.manifest import Manifest
from ..store.objects import RAW, ZSTD, check_oid, hash_bytes
from ..store.versions import CorruptManifest

#: Parallel transfers (network latency, not CPU, bounds them).
WORKERS = 8
#: Largest object content accepted from elsewhere (chunks are 4 MiB; notebooks are small).
MAX_OBJECT_BYTES = 4 << 30
T = TypeVar("T")


@dataclass(frozen=True)
class ProgressEvent:
    """A transfer's state: ``phase`` (objects, versions, refs), counts and bytes moved."""

    phase: str
    done: int
    total: int
    bytes: int


Progress = Callable[[ProgressEvent], None]


def verify_object(oid: str, raw: bytes, max_bytes: int = MAX_OBJECT_BYTES) -> int:
    """Decode an object file's bytes and check they hash to ``oid``; returns content size.

    A zstd frame's declared size is checked before decompressing, so a hostile object
    cannot make us allocate more than ``max_bytes``.
    """
    check_oid(oid)
    if not raw:
        raise CorruptObject(oid, "empty file (no codec header)")
    codec, payload = raw[0], memoryview(raw)[1:]
    if codec == RAW:
        data: bytes | memoryview = payload
    elif codec == ZSTD:
        try:
            size = zstandard.frame_content_size(payload)
            if size < 0 or size > max_bytes:
                raise CorruptObject(oid, f"zstd frame declares {size} bytes (limit {max_bytes})")
            data = zstandard.ZstdDecompressor().decompress(payload, max_output_size=max_bytes)
        except zstandard.ZstdError as err:
            raise CorruptObject(oid, f"zstd payload does not decompress ({err})") from None
    else:
        raise CorruptObject(oid, f"unknown codec byte {codec}")
    actual = hash_bytes(data)
    if actual != oid:
        raise CorruptObject(oid, f"arrived content hashes to {actual[:16]}…")
    return len(data)


def store_object(repo: Repository, oid: str, raw: bytes) -> None:
    """Verify and write an arrived object file into the local store (atomic, read-only).

    An object already here is freshened instead, as a local save does, and both happen
    under the store lock held SHARED (the writer side of docs/store.md's protocol).
    """
    verify_object(oid, raw)
    path = repo.objects.path(oid)
    with repo.writing():
        if path.exists():
            with contextlib.suppress(OSError):
                os.utime(path)
            return
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, raw, tmp_dir=repo.tmp_dir, mode=0o444)


def read_object_file(repo: Repository, oid: str) -> bytes:
    """A local object's file bytes as stored, verified (a corrupt object is never sent)."""
    try:
        raw = repo.objects.path(oid).read_bytes()
    except FileNotFoundError:
        raise NotFound(f"object {oid} is missing locally (run `nbversion fsck`)") from None
    verify_object(oid, raw)
    return raw


def parse_manifest(vid: str, raw: bytes) -> Manifest:
    """Verify that manifest bytes hash to ``vid`` and follow the schema."""
    check_oid(vid)
    actual = blake3.blake3(raw).hexdigest()
    if actual != vid:
        raise CorruptManifest(vid, f"arrived content hashes to {actual[:16]}…")
    return Manifest.from_json(raw)


def store_manifest(repo: Repository, vid: str, raw: bytes, manifest: Manifest) -> None:
    """Write verified manifest bytes (exactly as received) and index them."""
    path = repo.versions.path(vid)
    if not path.exists():
        atomic_write(path, raw, tmp_dir=repo.tmp_dir, mode=0o444)
    repo.index.add(manifest)


def ancestry(repo: Repository, start: str) -> set[str]:
    """``start`` and every ancestor whose manifest is local."""
    return ancestry_of(repo, [start])


def ancestry_of(repo: Repository, starts: Iterable[str]) -> set[str]:
    """Every version in ``starts`` or among their ancestors whose manifest is local."""
    return set(history_of(repo, starts))


def history_of(
    repo: Repository, starts: Iterable[str], unreadable: list[str] | None = None
) -> dict[str, Manifest]:
    """The local manifests of ``starts`` and all their ancestors, each read once.

    With ``unreadable`` given, a manifest that fails to read or validate (one that arrived
    by ``git pull`` is checked only now) is listed there with the reason and skipped, so a
    single hostile or damaged file does not stop the rest; without it, it raises.
    """
    seen: dict[str, Manifest] = {}
    failed: set[str] = set()
    stack = list(starts)
    while stack:
        vid = stack.pop()
        if vid in seen or vid in failed or not repo.versions.has(vid):
            continue
        try:
            seen[vid] = manifest = repo.versions.read(vid)
        except StoreError as err:
            if unreadable is None:
                raise
            failed.add(vid)
            unreadable.append(str(err))
            continue
        stack.extend(manifest.parents)
    return seen


def needed_objects(repo: Repository, manifests: Iterable[Manifest]) -> list[str]:
    """Objects the manifests name directly, in first-seen order."""
    seen: dict[str, None] = {}
    for m in manifests:
        for oid in m.object_ids():
            seen.setdefault(oid, None)
    return list(seen)


def run_parallel(
    items: list[T],
    work: Callable[[T], int],
    phase: str,
    progress: Progress | None,
    workers: int = WORKERS,
) -> int:
    """Run ``work`` (returns bytes moved) over items on a thread pool; returns total bytes.

    The first failure cancels what has not started and is re-raised.
    """
    lock = threading.Lock()
    state = {"done": 0, "bytes": 0}

    def report(moved: int) -> None:
        with lock:
            state["done"] += 1
            state["bytes"] += moved
            event = ProgressEvent(phase, state["done"], len(items), state["bytes"])
        if progress is not None:
            progress(event)

    if not items:
        return 0
    with ThreadPoolExecutor(min(workers, len(items)), thread_name_prefix="nbv-xfer") as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            for future in as_completed(futures):
                report(future.result())
        except BaseException:
            for f in futures:
                f.cancel()
            raise
    return state["bytes"]
