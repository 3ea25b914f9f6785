"""Diffs in a worker process: limits, crashes, cancellation, and the service stays free."""

from __future__ import annotations

import asyncio
import ctypes
import os
import time
from pathlib import Path
from typing import Any

import pytest

from nbversion.errors import NotFound
from nbversion.service import VersionService
from nbversion.service.isolated import (
    DiffTimeout,
    DiffTooLarge,
    DiffWorkerCrashed,
    WorkerLimits,
)
from nbversion.service.service import ServiceConfig
from nbversion.store import Repository
from nbversion.store.manifest import Manifest

from tests.diff.bignb import as_bytes, big_notebook, edited
from tests.diff.conftest import save


class Segfault:
    """Unpickles as ``ctypes.string_at(8, n)``: a read of address 8, a real SIGSEGV."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __reduce__(self) -> tuple[Any, ...]:
        return (ctypes.string_at, (8, self.n))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty store."""
    root = tmp_path / "proj"
    Repository.init(root).close()
    return root


def _service(root: Path, **limits: Any) -> VersionService:
    return VersionService(root, config=ServiceConfig(diff=WorkerLimits(**limits)))


def _crashing_versions(
    root: Path, monkeypatch: pytest.MonkeyPatch, signed: bool
) -> tuple[Manifest, Manifest]:
    """Two versions whose changed variable segfaults whoever unpickles it.

    Written as a teammate could with the store API: the capture's own round-trip check
    (which would crash this test) is skipped.
    """
    import nbversion.kernel.snapshot as snapshot

    monkeypatch.setattr(snapshot, "ROUND_TRIP_LIMIT", -1)
    with Repository.open(root) as repo:
        a = save(repo, {"boom": Segfault(1), "x": 1}, signed=signed)
        b = save(repo, {"boom": Segfault(2), "x": 2}, signed=signed, metrics={"acc": 0.9})
    return a, b


async def test_a_diff_in_the_worker_equals_the_in_process_diff(project: Path) -> None:
    from nbversion.diff import diff_versions

    with Repository.open(project) as repo:
        a = save(repo, {"x": 1}, nb=as_bytes(big_notebook(50)))
        b = save(repo, {"x": 2}, nb=as_bytes(edited(big_notebook(50), 0.2)))
        local = diff_versions(repo, a.id, b.id)
    service = _service(project)
    try:
        remote = await service.diff(a.id[:12], b.id[:12])
        assert remote == local
        with pytest.raises(NotFound):
            await service.diff(a.id, "ffffffff")
    finally:
        service.close()


async def test_a_segfaulting_payload_kills_only_the_worker(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trusted, the pickle loads (in the worker) and crashes it; the service answers."""
    a, b = _crashing_versions(project, monkeypatch, signed=True)
    service = _service(project)
    try:
        with pytest.raises(DiffWorkerCrashed, match="SIGSEGV") as err:
            await service.diff(a.id, b.id)
        assert err.value.http_status == 502
        assert "server is unaffected" in str(err.value)
        listing = await service.list_versions(None, None, None, 0, None)
        assert listing["total"] == 2
    finally:
        service.close()


async def test_untrusted_pickles_are_not_loaded_even_in_the_worker(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = _crashing_versions(project, monkeypatch, signed=False)
    service = _service(project)
    try:
        diff = await service.diff(a.id, b.id)
    finally:
        service.close()
    boom = next(v for v in diff["variables"]["changed"] if v["name"] == "boom")
    assert boom["detail"]["level"] == "stats"
    assert "not trusted" in boom["detail"]["reason"]


async def test_over_the_time_limit_the_diff_stops_with_504(project: Path) -> None:
    with Repository.open(project) as repo:
        a, b = save(repo, {"x": 1}), save(repo, {"x": 2})
    service = _service(project, timeout=0.05)  # less than the worker's start-up
    try:
        start = time.monotonic()
        with pytest.raises(DiffTimeout, match=r"stopped after 0.05 s") as err:
            await service.diff(a.id, b.id)
        assert err.value.http_status == 504
        assert time.monotonic() - start < 5
        assert not service.diffs._running
    finally:
        service.close()


async def test_over_the_memory_limit_the_diff_answers_413(project: Path) -> None:
    nb = big_notebook(20_000)
    with Repository.open(project) as repo:
        a = save(repo, {"x": 1}, nb=as_bytes(nb))
        b = save(repo, {"x": 2}, nb=as_bytes(edited(nb)))
    service = _service(project, memory_bytes=96 << 20)
    try:
        with pytest.raises(DiffTooLarge, match="memory limit") as err:
            await service.diff(a.id, b.id)
        assert err.value.http_status == 413
    finally:
        service.close()


async def test_a_result_larger_than_the_server_takes_answers_413(project: Path) -> None:
    with Repository.open(project) as repo:
        a, b = save(repo, {"x": 1}), save(repo, {"x": 2})
    service = _service(project, max_result_bytes=1000)
    try:
        with pytest.raises(DiffTooLarge, match="larger than the server sends"):
            await service.diff(a.id, b.id)
    finally:
        service.close()


async def test_cancelling_the_request_kills_the_worker_and_listing_never_waits(
    project: Path,
) -> None:
    """A long diff (3,000 cells, every one edited) runs; listings answer meanwhile."""
    nb = big_notebook(3_000)
    with Repository.open(project) as repo:
        a = save(repo, {"x": 1}, nb=as_bytes(nb))
        b = save(repo, {"x": 2}, nb=as_bytes(edited(nb, fraction=1.0)))
    service = _service(project)
    try:
        task = asyncio.ensure_future(service.diff(a.id, b.id))
        for _ in range(100):
            await asyncio.sleep(0.1)
            if service.diffs._running:
                break
        (proc,) = service.diffs._running
        await asyncio.sleep(1)  # the worker is diffing now
        start = time.monotonic()
        listing = await service.list_versions(None, None, None, 0, None)
        assert listing["total"] == 2
        assert time.monotonic() - start < 2
        assert not task.done()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert proc.returncode is not None  # killed and reaped
        with pytest.raises(ProcessLookupError):
            os.kill(proc.pid, 0)
    finally:
        service.close()
