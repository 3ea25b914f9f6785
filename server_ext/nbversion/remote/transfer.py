"""Shared pieces of push, pull and bundles: progress, parallel runs, what to send.

Object files travel as stored (codec byte + payload), so nothing is recompressed; on
arrival the store itself verifies and writes them (:mod:`nbversion.store.received`), under
their final names. A re-run after an interruption finds what already arrived with ``has``
and skips it: objects are immutable and content-addressed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

from ..store import Repository, received
from ..store.manifest import Manifest
from ..store.progress import Progress as Progress  # one event type for transfers, fsck, gc
from ..store.progress import ProgressEvent as ProgressEvent

#: Parallel transfers (network latency, not CPU, bounds them).
WORKERS = 8
T = TypeVar("T")

# The store's own functions for what travels (verify, write, read, walk): remotes write
# through them, never to a store path (see nbversion.store.received).
verify_object = received.verify_file
parse_manifest = received.parse_manifest
store_manifest = received.put_manifest
history_of = received.history
MAX_OBJECT_BYTES = received.MAX_OBJECT_BYTES


def store_object(repo: Repository, oid: str, raw: bytes) -> None:
    """Verify and write an arrived object file into the local store (see put_file)."""
    received.put_file(repo.objects, oid, raw)


def read_object_file(repo: Repository, oid: str) -> bytes:
    """A local object's file bytes as stored, verified (see get_file)."""
    return received.get_file(repo.objects, oid)


def ancestry(repo: Repository, start: str) -> set[str]:
    """``start`` and every ancestor whose manifest is local."""
    return ancestry_of(repo, [start])


def ancestry_of(repo: Repository, starts: Iterable[str]) -> set[str]:
    """Every version in ``starts`` or among their ancestors whose manifest is local."""
    return set(history_of(repo, starts))


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
