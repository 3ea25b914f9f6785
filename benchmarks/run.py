"""nbversion vs dill vs Kishu in real kernels: ``python benchmarks/run.py [--quick]``.

For every workload (see ``workloads.py``) and tool, one fresh kernel (jupyter_client)
runs the cells with the tool saving after every cell:

- ``none``: no tool (baseline cell wall times);
- ``nbversion``: ``%version autosave on``;
- ``dill``: ``dill.dump_module`` to a new file after each cell;
- ``kishu``: ``init_kishu`` (it commits after every cell), when Kishu is importable by
  the kernel's Python (``--kishu-python``, default: this Python).

Per cell it records the time the kernel is blocked inside the tool's hooks (timed from
inside the kernel, see ``nbv_bench_probe.py``), the cell's wall time and the store size.
Then it restores the previous version (warm) and an early one (page cache dropped), and
checks the restored variables against digests taken when the versions were made. The
machine's disk and BLAKE3 throughput come from ``store.py`` in the same run. Output: a
table on stdout and ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "server_ext"))
sys.path.insert(0, str(HERE))

import store as store_bench  # noqa: E402
from kernels import BenchKernel, drop_tree_cache, tree_size  # noqa: E402
from workloads import Workload, all_workloads  # noqa: E402

TOOLS = ("none", "nbversion", "dill", "kishu")
NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def store_path(tool: str, project: Path) -> Path:
    """Where each tool keeps its versions, for measuring their size."""
    return {
        "nbversion": project / ".nbversion" / "objects",
        "dill": project / "dill-states",
        "kishu": project / "analysis.kishudb",
        "none": project / "nothing",
    }[tool]


def run_one(tool: str, wl: Workload, python: str, tmp: Path) -> dict[str, Any]:
    """Run one workload under one tool in a fresh kernel; return its measurements."""
    project = tmp / f"{wl.name}-{tool}"
    project.mkdir(parents=True)
    nb = project / "analysis.ipynb"
    nb.write_text(json.dumps(NOTEBOOK))
    env = {
        "NBVERSION_SECRET_FILE": str(tmp / "secret"),
        "KISHU_PATH_ROOT": str(tmp / "kishu-home"),
        "ENV_KISHU_TEST_MODE": "1",
        "TEST_NOTEBOOK_PATH": str(nb),
        "OMP_NUM_THREADS": "2",
    }
    out: dict[str, Any] = {"tool": tool, "workload": wl.name}
    with BenchKernel(python, project, env, extra_path=[str(HERE)]) as k:
        k.silent("import nbv_bench_probe")
        k.silent(
            f"nbv_bench_probe.install({tool!r}, {str(nb)!r}, {str(store_path('dill', project))!r})"
        )
        k.run("pass")  # the tool's first (empty-state) version, not counted
        cells: list[dict[str, Any]] = []
        digests: dict[int, str] = {}
        for i, code in enumerate(wl.cells):
            res = k.run(code)
            if res["status"] != "ok":
                raise RuntimeError(f"{wl.name}/{tool} cell {i} failed: {res['error'][-2000:]}")
            cells.append({"cell": i, "count": res["count"], "wall_s": res["wall"]})
            if tool != "none":
                digests[i] = k.eval(f"nbv_bench_probe.digest({wl.check!r})")
            cells[-1]["store_bytes"] = tree_size(store_path(tool, project))
        rec = json.loads(k.eval("nbv_bench_probe.records()"))
        for c in cells:
            r = rec["cells"].get(str(c["count"]), {})
            c["blocked_s"] = r.get("blocked", 0.0)
            c["version"] = r.get("version")
        out["saves"] = rec["saves"]
        out["after_wait_store_bytes"] = tree_size(store_path(tool, project))
        if tool == "nbversion":
            versions = json.loads(k.eval("nbv_bench_probe.nbversion_versions()"))
            for c in cells:
                v = versions.get(str(c["count"]), {})
                c["version"] = v.get("id")
                c["variables"] = v.get("variables", {})
            out["logical_bytes"] = logical_bytes([c["variables"] for c in cells])
        out["cells"] = cells
        out.update(peak_rss(k, "cells"))
        if tool != "none":
            out.update(measure_restores(k, tool, wl, cells, digests, project))
            out.update(peak_rss(k, "restores"))
    blocked = [c["blocked_s"] for c in cells]
    out["overhead_median_s"] = statistics.median(blocked)
    out["overhead_max_s"] = max(blocked)
    out["store_bytes"] = out["after_wait_store_bytes"]
    shutil.rmtree(project, ignore_errors=True)
    return out


RSS = (
    "(lambda r: [r.getrusage(r.RUSAGE_SELF).ru_maxrss, r.getrusage(r.RUSAGE_CHILDREN).ru_maxrss])"
    "(__import__('resource'))"
)


def peak_rss(k: BenchKernel, after: str) -> dict[str, float]:
    """The kernel's peak resident memory so far, and its largest finished child's (MB).

    Linux reports kilobytes. A forked background save's RSS counts the pages it shares
    copy-on-write with the kernel that it touched, so the child figure bounds its real
    cost from above; the kernel's own peak is what the machine had to hold.
    """
    own, child = k.eval(RSS)
    return {
        f"peak_rss_mb_after_{after}": own / 1024,
        f"child_peak_rss_mb_after_{after}": child / 1024,
    }


def logical_bytes(versions: list[dict[str, dict[str, Any]]]) -> int:
    """The first version's bytes plus the whole size of every later variable that changed.

    An upper bound of the real byte delta: a DataFrame with one new column counts whole.
    """
    total, prev = 0, {}
    for variables in versions:
        for name, rec in variables.items():
            if prev.get(name, {}).get("fingerprint") != rec["fingerprint"]:
                total += int(rec["size"])
        prev = variables
    return total


def measure_restores(
    k: BenchKernel,
    tool: str,
    wl: Workload,
    cells: list[dict[str, Any]],
    digests: dict[int, str],
    project: Path,
) -> dict[str, Any]:
    """Restore the previous version (warm), then the first one with the page cache dropped."""
    out: dict[str, Any] = {}
    prev, early = len(cells) - 2, 0
    for label, index, cold in (("previous", prev, False), ("early", early, True)):
        while index > 0 and cells[index]["version"] is None:  # merged into a later save
            index -= 1
        target = cells[index]["version"]
        if target is None:
            out[f"restore_{label}_s"] = None
            continue
        if cold:
            drop_tree_cache(project)
        seconds = float(k.eval(f"nbv_bench_probe.timed_restore({tool!r}, {target!r})"))
        ok = k.eval(f"nbv_bench_probe.digest({wl.check!r})") == digests[index]
        out[f"restore_{label}_s"] = seconds
        out[f"restore_{label}_ok"] = ok
    return out


def kishu_available(python: str) -> str | None:
    """None when the kernel's Python can import Kishu, else why not."""
    import subprocess

    res = subprocess.run(
        [python, "-c", "import kishu, ipykernel"], capture_output=True, text=True, check=False
    )
    if res.returncode == 0:
        return None
    lines = (res.stderr or res.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit code {res.returncode}"


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else b / a


def summarize(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per workload: nbversion's figures and its ratios to dill and Kishu."""
    rows = []
    by = {(r["workload"], r["tool"]): r for r in results if "error" not in r}
    for wl in sorted({r["workload"] for r in results}):
        nbv = by.get((wl, "nbversion"))
        if nbv is None:
            continue
        row: dict[str, Any] = {"workload": wl}
        for other in ("dill", "kishu"):
            o = by.get((wl, other))
            if o is None:
                continue
            row[f"overhead_x_{other}"] = ratio(nbv["overhead_median_s"], o["overhead_median_s"])
            row[f"store_x_{other}"] = ratio(nbv["store_bytes"], o["store_bytes"])
            row[f"restore_early_x_{other}"] = ratio(
                nbv.get("restore_early_s"), o.get("restore_early_s")
            )
        if nbv.get("logical_bytes"):  # a changed DataFrame counts whole here (see docs)
            row["store_over_changed_variables"] = nbv["store_bytes"] / nbv["logical_bytes"]
        rows.append(row)
    return rows


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:.0f} ms" if x < 10 else f"{x:.1f} s"


def print_table(results: list[dict[str, Any]], ratios: list[dict[str, Any]]) -> None:
    head = (
        f"{'workload':<8} {'tool':<10} {'blocked/cell med':>16} {'max':>9} {'cell wall':>10} "
        f"{'store':>10} {'restore prev':>12} {'restore early':>13} {'peak RSS':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        if "error" in r:
            print(f"{r['workload']:<8} {r['tool']:<10} not available: {r['error']}")
            continue
        wall = sum(c["wall_s"] for c in r["cells"])
        ok = "" if r.get("restore_early_ok", True) and r.get("restore_previous_ok", True) else "!"
        print(
            f"{r['workload']:<8} {r['tool']:<10} {fmt_s(r['overhead_median_s']):>16} "
            f"{fmt_s(r['overhead_max_s']):>9} {fmt_s(wall):>10} "
            f"{r['store_bytes'] / 1e6:>7.0f} MB {fmt_s(r.get('restore_previous_s')):>12} "
            f"{fmt_s(r.get('restore_early_s')):>12}{ok} "
            f"{r.get('peak_rss_mb_after_cells', 0):>6.0f} MB"
        )
    print()
    for row in ratios:
        parts = [f"{k}={v:.1f}" for k, v in row.items() if isinstance(v, float)]
        print(f"{row['workload']}: " + ", ".join(parts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument("--tools", default=",".join(TOOLS))
    parser.add_argument("--workloads", default="W1,W2,W3")
    parser.add_argument("--python", default=sys.executable, help="kernel Python for most tools")
    parser.add_argument(
        "--kishu-python",
        default=os.environ.get("KISHU_PYTHON", sys.executable),
        help="a Python where Kishu is installed (Kishu pins old backports: use its own venv)",
    )
    parser.add_argument("--json", default=str(HERE / "results" / "latest.json"))
    parser.add_argument("--dir", help="where the temporary stores go (default: temp dir)")
    args = parser.parse_args(argv)
    tools = args.tools.split(",")
    wanted = set(args.workloads.split(","))
    workloads = [w for w in all_workloads(args.quick) if w.name in wanted]
    started = time.time()
    load_before = os.getloadavg()
    machine = store_bench.run(64 if args.quick else 512, args.dir)
    print(
        f"machine: disk write {machine['disk_write_mb_s']:.0f} MB/s, cold read "
        f"{machine['disk_read_cold_mb_s']:.0f} MB/s, BLAKE3 {machine['blake3_mb_s']:.0f} MB/s, "
        f"load average {load_before[0]:.2f}",
        flush=True,
    )
    kishu_missing = kishu_available(args.kishu_python) if "kishu" in tools else None
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="nbv-bench-", dir=args.dir) as tmp:
        for wl in workloads:
            for tool in tools:
                if tool == "kishu" and kishu_missing:
                    results.append({"tool": tool, "workload": wl.name, "error": kishu_missing})
                    continue
                python = args.kishu_python if tool == "kishu" else args.python
                t0 = time.perf_counter()
                try:
                    r = run_one(tool, wl, python, Path(tmp))
                except Exception as err:  # report, and go on with the other tools
                    r = {"tool": tool, "workload": wl.name, "error": f"{type(err).__name__}: {err}"}
                r["bench_seconds"] = time.perf_counter() - t0
                results.append(r)
                print(f"  {wl.name} {tool}: done in {r['bench_seconds']:.0f} s", flush=True)
    ratios = summarize(results)
    print()
    print_table(results, ratios)
    report = {
        "quick": args.quick,
        "started": started,
        "seconds": time.time() - started,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "cpus": os.cpu_count(),
        "machine": machine,
        "workloads": {w.name: w.title for w in workloads},
        "results": results,
        "ratios": ratios,
    }
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=1, default=str) + "\n")
    print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
