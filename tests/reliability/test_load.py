"""Load: 4 kernels (4 notebooks, one store) each save once a second while a reader lists and
diffs in a loop. No save is lost or duplicated, nothing fails; latency figures recorded."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from nbversion.diff import diff_versions
from nbversion.store import Repository

from .conftest import (
    Kernel,
    assert_fsck_clean,
    assert_versions_intact,
    make_project,
    notebook_id,
    percentile,
    record,
    start_kernel,
)

KERNELS = 4


def _saver(k: Kernel, nb: Path, seconds: float, out: dict[str, Any]) -> None:
    """Mutate a little state and save, once a second, until ``seconds`` have passed."""
    k.check("import numpy as np\nx = np.zeros(1 << 20)\nlog = []\nstep = 0")
    acked: list[str] = []
    latencies: list[float] = []
    errors: list[str] = []
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < seconds:
        tick = start + i
        k.check(f"x[{(i * 4099) % (1 << 20)}] += 1\nlog.append({i})\nstep = {i}")
        t0 = time.monotonic()
        status, stdout, err = k.run(
            "print(__import__('nbversion.kernel.remote', fromlist=['r'])"
            f".save({str(nb)!r}, 'load {nb.stem} {i}'))"
        )
        latencies.append(time.monotonic() - t0)
        answer = json.loads(stdout.strip().splitlines()[-1]) if status == "ok" else {}
        if answer.get("ok"):
            acked.append(answer["result"]["id"])
        else:
            errors.append(err or stdout)
        i += 1
        time.sleep(max(0.0, tick + 1 - time.monotonic()))
    out.update(acked=acked, latencies=latencies, errors=errors)


def _reader(root: Path, ids: list[str], stop: threading.Event, out: dict[str, Any]) -> None:
    """List every notebook's versions and diff its two newest, in a loop."""
    lists: list[float] = []
    diffs: list[float] = []
    errors: list[str] = []
    with Repository.open(root) as repo:
        while not stop.is_set():
            for nid in ids:
                try:
                    t0 = time.monotonic()
                    history = repo.log(nid) if repo.refs.list_refs(nid, "heads") else []
                    repo.search(notebook_id=nid, limit=1000)
                    lists.append(time.monotonic() - t0)
                    if len(history) >= 2:
                        t0 = time.monotonic()
                        diff_versions(repo, history[1].id, history[0].id)
                        diffs.append(time.monotonic() - t0)
                except Exception as err:  # every error is a finding
                    errors.append(f"{type(err).__name__}: {err}")
            time.sleep(0.05)
    out.update(lists=lists, diffs=diffs, errors=errors)


def run_load(root: Path, secret: Path, seconds: float) -> dict[str, Any]:
    notebooks = make_project(root, [f"nb{i}.ipynb" for i in range(KERNELS)])
    ids = [notebook_id(p) for p in notebooks]
    with ThreadPoolExecutor(KERNELS) as pool:
        kernels = list(pool.map(lambda p: start_kernel(root, p, secret), notebooks))
    try:
        results: list[dict[str, Any]] = [{} for _ in kernels]
        reader: dict[str, Any] = {}
        stop = threading.Event()
        rt = threading.Thread(target=_reader, args=(root, ids, stop, reader))
        rt.start()
        threads = [
            threading.Thread(target=_saver, args=(k, nb, seconds, res))
            for k, nb, res in zip(kernels, notebooks, results, strict=True)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stop.set()
        rt.join()
    finally:
        for k in kernels:
            k.close()

    saved = 0
    with Repository.open(root) as repo:
        for nid, res in zip(ids, results, strict=True):
            assert res["errors"] == [], res["errors"]
            history = [m.id for m in repo.log(nid)][::-1]
            assert history == res["acked"], "lost, duplicated or reordered versions"
            assert len(set(history)) == len(history)
            saved += len(history)
    assert reader["errors"] == []
    assert_fsck_clean(root)
    assert_versions_intact(root, [vid for r in results for vid in r["acked"]])
    lat = [x for r in results for x in r["latencies"]]
    ms = lambda v: round(v * 1000, 1)  # noqa: E731
    return {
        "kernels": KERNELS, "seconds": seconds, "saves_acknowledged": saved,
        "versions_on_branches": saved, "errors": 0,
        "save_p50_ms": ms(percentile(lat, 50)), "save_p95_ms": ms(percentile(lat, 95)),
        "save_max_ms": ms(max(lat)), "lists": len(reader["lists"]),
        "list_p50_ms": ms(percentile(reader["lists"], 50)),
        "list_p95_ms": ms(percentile(reader["lists"], 95)), "diffs": len(reader["diffs"]),
        "diff_p50_ms": ms(percentile(reader["diffs"], 50)) if reader["diffs"] else None,
        "diff_p95_ms": ms(percentile(reader["diffs"], 95)) if reader["diffs"] else None,
    }  # fmt: skip


def test_load_fast(tmp_path: Path) -> None:
    stats = run_load(tmp_path / "p", tmp_path / "secret", seconds=10)
    record("load (fast)", **stats)
    assert stats["saves_acknowledged"] >= KERNELS * 5


@pytest.mark.slow
def test_load(tmp_path: Path) -> None:
    stats = run_load(tmp_path / "p", tmp_path / "secret", seconds=60)
    record("load", **stats)
    assert stats["saves_acknowledged"] >= KERNELS * 40
