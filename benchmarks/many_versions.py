"""A store with many versions: how listing, ahead/behind, push/pull and gc/fsck scale.

``python benchmarks/many_versions.py --versions 100000`` writes a synthetic store of
``--versions`` versions over ``--notebooks`` notebooks with ``--branches`` branches each
(manifests written directly, as a store that grew over months would hold them), pushes
it once to a folder remote, then measures:

- ``log``: ``Repository.log(notebook, limit=50)`` over every notebook (p50/p95), and the
  ``nbversion log`` command as a process;
- ``listing``: the service's first page of a notebook's versions (what the sidebar's
  first paint waits for), in process;
- ``ahead_behind``: a branch against its remote-tracking ref, from the index;
- ``noop_push`` / ``noop_pull``: with nothing to send or fetch;
- ``reindex``, ``fsck`` and ``gc --dry-run`` over the whole store;
- with ``--browser``: the sidebar's first paint in Chromium when the user switches to a
  notebook of the store (:mod:`sidebar_paint`), what the user really waits for.

Results go to stdout and ``benchmarks/results/many-versions.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import blake3

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server_ext"))

from nbversion import remote  # noqa: E402
from nbversion.store import Repository  # noqa: E402
from nbversion.store.manifest import canonical_json  # noqa: E402


def generate(root: Path, versions: int, notebooks: int, branches: int) -> dict[str, str]:
    """Write the synthetic store; returns {notebook_id: notebook path}."""
    repo = Repository.init(root)
    per_nb = max(1, versions // notebooks)
    out: dict[str, str] = {}
    vdir, rdir = repo.store_dir / "versions", repo.store_dir / "refs"
    for n in range(notebooks):
        nid, path = str(uuid.uuid4()), f"nb{n:03d}.ipynb"
        out[nid] = path
        kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb = {"cells": [], "metadata": {"nbversion": {"notebook_id": nid},
              "kernelspec": kernelspec}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
        (root / path).write_text(json.dumps(nb))
        notebook_oid = repo.objects.put_bytes(json.dumps(nb).encode())
        value_oid = repo.objects.put_json({"kind": "json", "meta": {"encoding": "utf-8"}})
        heads: dict[str, str] = {}
        parent: str | None = None
        for i in range(per_nb):
            branch = "main" if i < per_nb // 2 else f"exp{i % branches}"
            base = heads.get(branch, parent)
            manifest = {
                "format": 1, "notebook_id": nid, "notebook_path": path,
                "notebook": notebook_oid, "branch": branch, "message": f"run {i}",
                "author": {"name": "Bench", "email": "bench@example.com"},
                "created": f"2026-{1 + i // 40000 % 12:02d}-01T00:00:{i % 60:02d}.{i:06d}Z",
                "parents": [base] if base else [], "data_files": {}, "skipped": [],
                "variables": {"x": {"oid": value_oid, "kind": "json", "type": "builtins.int",
                                    "summary": str(i), "size": 1, "buffers": []}},
                "params": {"lr": 0.001 * (i % 7)}, "metrics": {"acc": (i % 100) / 100},
                "environment": {}, "tags": [],
            }  # fmt: skip
            raw = canonical_json(manifest)
            vid = blake3.blake3(raw).hexdigest()
            (vdir / f"{vid}.json").write_bytes(raw)
            heads[branch] = vid
            parent = vid if branch == "main" else parent
        for branch, vid in heads.items():
            ref = rdir / nid / "heads" / branch
            ref.parent.mkdir(parents=True, exist_ok=True)
            ref.write_text(vid + "\n")
        (rdir / nid / "HEAD").write_text("main\n")
    repo.close()
    return out


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def measure(root: Path, notebooks: dict[str, str], work: Path) -> dict[str, Any]:
    """Every figure of the module docstring, in seconds."""
    out: dict[str, Any] = {}
    with Repository.open(root) as repo:
        out["reindex"] = _timed(repo.index.rebuild)
        logs = [_timed(lambda nid=nid: repo.log(nid, limit=50)) for nid in notebooks]
        out["log_p50"], out["log_p95"] = statistics.median(logs), _pct(logs, 0.95)
        spec = remote.add_remote(repo.store_dir, "origin", str(work / "remote"))
        out["first_push"] = _timed(lambda: remote.push(repo, spec))
        out["noop_push"] = _timed(lambda: remote.push(repo, spec))
        out["first_pull"] = _timed(lambda: remote.pull(repo, spec))  # checks every version once
        out["noop_pull"] = _timed(lambda: remote.pull(repo, spec))
        from nbversion.service.divergence import ahead_behind

        nid = next(iter(notebooks))
        main_head = repo.refs.get(nid, "heads", "main")
        tracking = repo.refs.get(nid, "heads", "origin/main")
        times = [_timed(lambda: ahead_behind(repo, main_head, tracking)) for _ in range(20)]
        out["ahead_behind_p95"] = _pct(times, 0.95)
        out["fsck"] = _timed(repo.fsck)
    out["listing_first_page"] = _listing(root, next(iter(notebooks.values())))
    cli = [sys.executable, "-m", "nbversion"]
    path = next(iter(notebooks.values()))
    runs = [_timed(lambda: subprocess.run([*cli, "log", path, "-n", "50", "--root", str(root)],
                                          check=True, capture_output=True))
            for _ in range(5)]  # fmt: skip
    out["cli_log_p50"] = statistics.median(runs)
    gc = [*cli, "gc", "--dry-run", "--root", str(root)]
    out["gc_dry_run"] = _timed(lambda: subprocess.run(gc, check=True, capture_output=True))
    return out


def _listing(root: Path, path: str) -> float:
    """The service's first page of a notebook's versions, as the sidebar asks for it."""
    from nbversion.service import VersionService

    service = VersionService(root)

    async def run() -> float:
        await service.list_versions(path, None, None, 0, 50)  # warm the store thread
        start = time.perf_counter()
        await service.list_versions(path, None, None, 0, 50)
        return time.perf_counter() - start

    try:
        return asyncio.run(run())
    finally:
        service.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--notebooks", type=int, default=50)
    parser.add_argument("--branches", type=int, default=20)
    parser.add_argument("--json", default=str(HERE / "results" / "many-versions.json"))
    parser.add_argument("--browser", action="store_true", help="also time the sidebar in Chromium")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="nbv-many-"))
    try:
        start = time.perf_counter()
        notebooks = generate(work / "project", args.versions, args.notebooks, args.branches)
        made = time.perf_counter() - start
        figures = measure(work / "project", notebooks, work)
        if args.browser:
            from sidebar_paint import first_paint

            paths = list(notebooks.values())
            figures["sidebar_first_paint"] = first_paint(work / "project", paths[0], paths[1])
        figures = {"versions": args.versions, "notebooks": args.notebooks,
                   "branches": args.branches, "generate": made, **figures}  # fmt: skip
        for key, value in figures.items():
            shown = f"{value * 1000:9.1f} ms" if isinstance(value, float) else f"{value!s:>9}"
            print(f"{key:20s} {shown}")
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        os.sync()


if __name__ == "__main__":
    main()
