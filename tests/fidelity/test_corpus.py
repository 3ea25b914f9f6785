"""The fidelity corpus: real-world-style notebooks run cell by cell, saved after every cell,
restored live and in a fresh kernel, and compared by semantic fingerprints.

``make test-fidelity`` runs every notebook (``NBVERSION_FIDELITY=all``); the normal suite
runs the fast subset. Each notebook in ``notebooks/`` is a ``.py`` file whose cells are
separated by ``# %%`` lines.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import start_new_kernel

from .fingerprint import KERNEL_CODE
from tests.kernel.conftest import Kernel, head_manifest

NOTEBOOKS = sorted((Path(__file__).parent / "notebooks").glob("*.py"))
FAST = {"python_idioms"}
ALL = os.environ.get("NBVERSION_FIDELITY") == "all"
SELECTED = [p for p in NOTEBOOKS if ALL or p.stem in FAST]


def cells(path: Path) -> list[str]:
    return [c.strip() for c in path.read_text().split("# %%") if c.strip()]


def fingerprints(k: Kernel) -> dict[str, str]:
    k.check(KERNEL_CODE)
    res = k.check("import json as _j; print(_j.dumps(_nbv_fps())); del _j")
    k.check("del _nbv_fps")
    fps: dict[str, str] = json.loads(res.stdout.strip().splitlines()[-1])
    return fps


def compare(want: dict[str, str], got: dict[str, str], skipped: set[str]) -> list[str]:
    """Names whose restored fingerprint differs (names not saved, with a reason, excepted)."""
    return [
        f"{n}: {want[n][:60]} != {got.get(n, 'MISSING')[:60]}"
        for n in sorted(want)
        if n not in skipped and got.get(n) != want[n]
    ]


@pytest.mark.parametrize("path", SELECTED, ids=[p.stem for p in SELECTED])
def test_notebook_restores_exactly(
    path: Path, nbk: Kernel, project: Path, kernel_env: dict[str, str]
) -> None:
    versions: list[tuple[str, dict[str, str], set[str]]] = []
    for i, code in enumerate(cells(path)):
        nbk.check(code, timeout=300)
        res = nbk.run(f"%version save -m 'cell {i}'", timeout=300)
        assert res.status == "ok", res.stdout + res.stderr + res.error  # no failed save
        m: dict[str, Any] = head_manifest(project)
        skipped = {s["name"] for s in m["skipped"]}
        assert all(s["reason"] for s in m["skipped"])  # every unsaveable one has a reason
        versions.append((str(m["id"]) if "id" in m else f"HEAD~{0}", fingerprints(nbk), skipped))
    log = nbk.check("%version log --html -n 100").data
    assert log
    # live: every version, newest first, in the same kernel
    n = len(versions)
    for back, (_, want, skipped) in enumerate(reversed(versions)):
        res = nbk.check(f"%version restore HEAD~{back} --keep")
        diff = compare(want, fingerprints(nbk), skipped)
        assert not diff, f"{path.stem} cell {n - 1 - back} (live): {diff}"
    # fresh: the last version in a new kernel, as after a crash
    _, want, skipped = versions[-1]
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(project), env=kernel_env)
    fresh = Kernel(km, kc)
    try:
        fresh.check("%load_ext nbversion")
        fresh.check(
            f"import nbversion; nbversion.set_notebook({str(project / 'analysis.ipynb')!r})"
        )
        fresh.check("del nbversion")
        res = fresh.check("%version restore HEAD", timeout=300)
        diff = compare(want, fingerprints(fresh), skipped)
        assert not diff, f"{path.stem} (fresh kernel): {diff}"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
