"""The fidelity corpus: real-world-style notebooks run cell by cell, saved after every cell,
restored live and in a fresh kernel, and compared by semantic fingerprints.

``make test-fidelity`` runs every notebook (``NBVERSION_FIDELITY=all``) and prints a table
of the results (:mod:`.report`); the normal suite runs the fast subset. Each notebook in
``notebooks/`` is a ``.py`` file whose cells are separated by ``# %%`` lines.

A check is one saved variable of one sampled version compared after a restore: equal
fingerprints mean the user has back what they had. Variables the version lists as not
saved (with a reason) are not checks; they are reported.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.manager import start_new_kernel

from .fingerprint import KERNEL_CODE
from .report import RESULTS, NotebookResult
from tests.kernel.conftest import Kernel, head_manifest

NOTEBOOKS = sorted((Path(__file__).parent / "notebooks").glob("*.py"))
#: run by ``make test`` (keep it well under 3 minutes on 2 shared cores)
FAST = {"python_idioms", "figures_basic", "collections_text"}
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


def sample(n: int) -> list[int]:
    """Versions restored live, newest first: the last, the one before, the middle, the first."""
    return sorted({n - 1, max(n - 2, 0), n // 2, 0}, reverse=True)


def timed(k: Kernel, code: str) -> tuple[float, Any]:
    started = time.perf_counter()
    res = k.run(code, timeout=300)
    return time.perf_counter() - started, res


@pytest.mark.parametrize("path", SELECTED, ids=[p.stem for p in SELECTED])
def test_notebook_restores_exactly(
    path: Path, nbk: Kernel, project: Path, kernel_env: dict[str, str]
) -> None:
    out = NotebookResult(path.stem)
    RESULTS.append(out)
    versions: list[tuple[dict[str, str], set[str]]] = []
    problems: list[str] = []
    for i, code in enumerate(cells(path)):
        nbk.check(code, timeout=300)
        seconds, res = timed(nbk, f"%version save -m 'cell {i}'")
        out.save_times.append(seconds)
        assert res.status == "ok", res.stdout + res.stderr + res.error  # no failed save
        m: dict[str, Any] = head_manifest(project)
        for s in m["skipped"]:
            assert s["reason"], s  # every unsaveable one has a reason
            out.unsaveable[s["name"]] = s["reason"]
        versions.append((fingerprints(nbk), {s["name"] for s in m["skipped"]}))
    out.cells = len(versions)
    # live: sampled versions, newest first, in the same kernel
    n = len(versions)
    for index in sample(n):
        want, skipped = versions[index]
        seconds, res = timed(nbk, f"%version restore HEAD~{n - 1 - index} --keep")
        out.restore_times.append(seconds)
        assert res.status == "ok", res.error
        diff = compare(want, fingerprints(nbk), skipped)
        out.count(want, skipped, diff)
        problems += [f"{path.stem} cell {index} (live): {d}" for d in diff]
    # fresh: the last version in a new kernel, as after a crash
    want, skipped = versions[-1]
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(project), env=kernel_env)
    fresh = Kernel(km, kc)
    try:
        fresh.check("%load_ext nbversion")
        fresh.check(
            f"import nbversion; nbversion.set_notebook({str(project / 'analysis.ipynb')!r})"
        )
        fresh.check("del nbversion")
        seconds, res = timed(fresh, "%version restore HEAD")
        out.fresh_restore = seconds
        assert res.status == "ok", res.error
        diff = compare(want, fingerprints(fresh), skipped)
        out.count(want, skipped, diff, fresh=True)
        problems += [f"{path.stem} (fresh kernel): {d}" for d in diff]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    out.problems = problems
    assert not problems, "\n".join(problems)


def _outputs(k: Kernel, path: Path) -> list[str]:
    """What each cell printed and displayed (text), in order."""
    shown = []
    for code in cells(path):
        res = k.check(code, timeout=300)
        shown.append(res.stdout + "".join(d.get("text/plain", "") for d in res.data))
    return shown


def _kernel(cwd: Path, env: dict[str, str], autosave: bool) -> Kernel:
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(cwd), env=env)
    k = Kernel(km, kc)
    if autosave:
        k.check("%load_ext nbversion")
        k.check(f"import nbversion; nbversion.set_notebook({str(cwd / 'analysis.ipynb')!r})")
        k.check("del nbversion")
        k.check("%version autosave on")
    return k


def _close(k: Kernel) -> None:
    k.kc.stop_channels()
    k.km.shutdown_kernel(now=True)


OUTPUT_CHECK = SELECTED if ALL else [p for p in SELECTED if p.stem == "python_idioms"]


@pytest.mark.parametrize("path", OUTPUT_CHECK, ids=[p.stem for p in OUTPUT_CHECK])
def test_outputs_are_the_same_with_autosave(
    path: Path, project: Path, kernel_env: dict[str, str]
) -> None:
    """Saving never perturbs results: every cell whose output is the same in two plain runs
    (no nbversion) prints the same with a version saved after every cell."""
    runs = []
    for autosave in (False, False, True):
        k = _kernel(project, kernel_env, autosave)
        try:
            runs.append(_outputs(k, path))
        finally:
            _close(k)
    plain, again, saved = runs
    changed = [
        f"cell {i}: {plain[i][:80]!r} -> {saved[i][:80]!r}"
        for i in range(len(plain))
        if plain[i] == again[i] and saved[i] != plain[i]
    ]
    assert not changed, "\n".join(changed)
