"""How long `nbversion diff` takes on big notebooks, process start included.

``python benchmarks/notebook_diff.py`` writes notebooks of 40 to 400 cells (about 1 to
10 MB: code cells with text, HTML-table and PNG outputs, as a long analysis notebook has),
saves each as a version, edits a tenth of the cells (sources and outputs), saves again,
and times ``nbversion diff A B`` as a fresh process (the user's wait from the terminal:
Python start, imports, reading both versions, aligning and diffing the cells), the best of
``--repeat`` runs. The cost should grow about linearly with size; issue 21's goal is 1 s at
5 MB / 200 cells. Results go to stdout and ``benchmarks/results/notebook-diff.json``.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLI = [sys.executable, "-m", "nbversion"]


def _cell(i: int, rng: random.Random, version: int) -> dict[str, Any]:
    """A code cell of ~25 KB: source, a printed log, an HTML table and a small PNG."""
    source = f"# step {i} (v{version})\nresult_{i} = model_{i % 7}.fit(X[{i}:], y)\nresult_{i}"
    rows = "".join(
        f"<tr><td>{r}</td><td>{rng.random():.6f}</td><td>{rng.random():.6f}</td></tr>"
        for r in range(120)
    )
    png = base64.b64encode(rng.randbytes(12000)).decode()
    log = "".join(f"epoch {e}: loss={rng.random():.5f} acc={rng.random():.4f}\n" for e in range(40))
    return {
        "cell_type": "code",
        "execution_count": i + 1,
        "id": f"cell-{i}",
        "metadata": {},
        "source": source,
        "outputs": [
            {"name": "stdout", "output_type": "stream", "text": log},
            {
                "output_type": "execute_result",
                "execution_count": i + 1,
                "metadata": {},
                "data": {"text/html": f"<table>{rows}</table>", "image/png": png,
                         "text/plain": f"<Result {i}>"},
            },
        ],
    }  # fmt: skip


def notebook(cells: int, version: int, seed: int) -> dict[str, Any]:
    """The notebook of ``cells`` cells; version 2 changes every tenth cell."""
    out = []
    for i in range(cells):
        changed = version == 2 and i % 10 == 3
        out.append(_cell(i, random.Random(seed * 100_000 + i + (7 if changed else 0)),
                         version if changed else 1))  # fmt: skip
    return {"cells": out, "metadata": {"kernelspec": {"name": "python3", "language": "python",
            "display_name": "Python 3"}}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip


def run(cli: list[str], root: Path) -> str:
    res = subprocess.run([*cli, "--root", str(root)], capture_output=True, text=True, check=True)
    return res.stdout


def measure(cells: int, repeat: int, work: Path) -> dict[str, Any]:
    root = work / f"p{cells}"
    root.mkdir()
    subprocess.run([*CLI, "init", str(root)], check=True, capture_output=True)
    path = root / "analysis.ipynb"
    ids = []
    for version in (1, 2):
        path.write_text(json.dumps(notebook(cells, version, seed=cells), indent=1))
        run([*CLI, "save", str(path), "-m", f"v{version}"], root)
        log = json.loads(run([*CLI, "log", str(path), "--json"], root))
        ids.append(log[0]["id"])
    size = path.stat().st_size
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = run([*CLI, "diff", ids[0], ids[1], str(path), "--json"], root)
        times.append(time.perf_counter() - start)
    changed = json.loads(out)["notebook"]["cells"]["modified"]
    median = sorted(times)[len(times) // 2]
    return {"cells": cells, "bytes": size, "best": min(times), "median": median,
            "changed_cells": changed}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", default="40,100,200,400")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", default=str(HERE / "results" / "notebook-diff.json"))
    args = parser.parse_args()
    os.environ.setdefault("PYTHONPATH", str(HERE.parent / "server_ext"))
    # the empty command: what any nbversion process pays before it does anything
    start = time.perf_counter()
    subprocess.run([*CLI, "--version"], check=True, capture_output=True)
    figures: dict[str, Any] = {"process_start": time.perf_counter() - start, "runs": []}
    with tempfile.TemporaryDirectory(prefix="nbv-diff-") as tmp:
        for cells in (int(c) for c in args.cells.split(",")):
            row = measure(cells, args.repeat, Path(tmp))
            figures["runs"].append(row)
            print(f"{row['cells']:4d} cells {row['bytes'] / 1e6:5.1f} MB  diff best "
                  f"{row['best'] * 1000:6.0f} ms  median {row['median'] * 1000:6.0f} ms  "
                  f"({row['changed_cells']} cells changed)")  # fmt: skip
    print(f"process start (nbversion --version): {figures['process_start'] * 1000:.0f} ms")
    Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
