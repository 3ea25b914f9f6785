"""REST diffs in a real Jupyter server: they never stall the API, never crash the server.

pytest-jupyter runs the server in this test process, so "the server survived" is also
"this test process survived", and the server's memory is this process's memory.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from nbversion.store import Repository
from nbversion.store.manifest import Manifest

from tests.diff.bignb import as_bytes, big_notebook, edited
from tests.diff.conftest import save
from tests.server.conftest import Fetch, api
from tests.service.test_isolated import Segfault

#: What one diff may add to the server's peak memory (it holds only the JSON result).
SERVER_MEMORY_BOUND = 200 << 20


@pytest.fixture
def jp_server_config(jp_server_config: dict[str, Any]) -> dict[str, Any]:
    """The test server, with the diff limits set through the extension's traits."""
    return {**jp_server_config, "NbVersionApp": {"diff_timeout": 60.0, "diff_workers": 2}}


def _versions(root: Path, cells: int, fraction: float) -> tuple[Manifest, Manifest]:
    nb = big_notebook(cells)
    with Repository.init(root) as repo:
        a = save(repo, {"x": 1}, nb=as_bytes(nb), metrics={"acc": 0.5})
        b = save(repo, {"x": 2}, nb=as_bytes(edited(nb, fraction)), metrics={"acc": 0.6})
    return a, b


async def _diff(fetch: Fetch, a: str, b: str) -> Any:
    """``GET diff`` with a client timeout longer than the diff's own limit."""
    resp = await fetch("nbversion", "api", "diff", params={"a": a, "b": b}, request_timeout=120)
    return json.loads(resp.body)


def _memory_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS


async def _until_worker_runs(serverapp: Any) -> None:
    service = serverapp.web_app.settings["nbversion_service"]
    for _ in range(200):
        if service.diffs._running:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("no diff worker started")


async def test_listing_answers_within_2_s_while_a_3000_cell_diff_runs(
    jp_fetch: Fetch, jp_root_dir: Path, jp_serverapp: Any
) -> None:
    a, b = _versions(jp_root_dir, 3_000, fraction=1.0)  # every cell edited: a long diff
    diff = asyncio.ensure_future(_diff(jp_fetch, a.id, b.id))
    await _until_worker_runs(jp_serverapp)
    await asyncio.sleep(1)
    for _ in range(3):
        start = time.monotonic()
        _, listing = await api(jp_fetch, "versions")
        took = time.monotonic() - start
        assert listing["total"] == 2
        assert took <= 2, f"listing took {took:.1f} s during a diff"
        assert not diff.done(), "the diff ended before the listing: nothing was proved"
    try:
        body, code = await diff, 200
    except HTTPClientError as err:  # a very slow machine: cut off at its limit, clearly
        body, code = None, err.code
    assert code in (200, 504)
    if body is not None:
        assert body["notebook"]["cells"]["modified"] > 1_000


async def test_a_crashing_payload_is_a_502_and_the_server_keeps_answering(
    jp_fetch: Fetch, jp_root_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbversion.kernel.snapshot as snapshot

    monkeypatch.setattr(snapshot, "ROUND_TRIP_LIMIT", -1)  # write it as a teammate could
    with Repository.init(jp_root_dir) as repo:
        a = save(repo, {"boom": Segfault(1)})
        b = save(repo, {"boom": Segfault(2)})
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "diff", a=a.id, b=b.id)
    assert err.value.code == 502
    assert err.value.response is not None
    body = json.loads(err.value.response.body)
    assert "SIGSEGV" in body["message"]
    assert body["reason"] == "DiffWorkerCrashed"
    resp, listing = await api(jp_fetch, "versions")
    assert resp.code == 200
    assert listing["total"] == 2


@pytest.mark.slow
@pytest.mark.parametrize(("cells", "fraction"), [(20_000, 0.02), (20_000, 1.0)])
async def test_a_20000_cell_diff_ends_within_its_limit_and_server_memory_stays_bounded(
    jp_fetch: Fetch, jp_root_dir: Path, cells: int, fraction: float
) -> None:
    a, b = _versions(jp_root_dir, cells, fraction)
    await api(jp_fetch, "versions")  # the store thread and index are open
    base = _memory_kib("VmRSS")
    _reset_peak()
    start = time.monotonic()
    try:
        body = await _diff(jp_fetch, a.id, b.id)
        outcome = f"done: {body['notebook']['cells']}"
    except HTTPClientError as err:
        outcome = f"cut off ({err.code})"
    assert outcome.startswith(("done", "cut off (504)")), outcome
    took = time.monotonic() - start
    grew = (_memory_kib("VmHWM") - base) * 1024
    print(f"\nREST diff, {cells} cells, {fraction:.0%} edited: {took:.1f} s, {outcome}, "
          f"server peak +{grew / (1 << 20):.0f} MB")  # fmt: skip
    assert took < 60 + 10
    assert grew < SERVER_MEMORY_BOUND


@pytest.mark.slow
@pytest.mark.parametrize("cells", [500, 2_000, 20_000])
async def test_diff_timings_rest_and_cli(jp_fetch: Fetch, jp_root_dir: Path, cells: int) -> None:
    """Prints REST and CLI diff times (2% of cells edited)."""
    a, b = _versions(jp_root_dir, cells, 0.02)
    await api(jp_fetch, "diff", a=a.id, b=a.id)  # a warm spare worker waits from now on
    start = time.monotonic()
    await _diff(jp_fetch, a.id, b.id)
    rest = time.monotonic() - start
    start = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "nbversion", "diff", a.id, b.id, "--root", str(jp_root_dir)],
        check=True, capture_output=True, env={**os.environ},
    )  # fmt: skip
    cli = time.monotonic() - start
    print(f"\n{cells} cells, 2% edited: REST {rest:.2f} s, CLI {cli:.2f} s (with start-up)")
    assert rest < 30
    assert cli < 60
