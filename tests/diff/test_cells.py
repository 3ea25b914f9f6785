"""Cell alignment by content hash: the diff is exact, and its cost follows the change."""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pytest
from nbdime.diff_format import DiffEntry
from nbdime.patching import patch

from nbversion.diff.cells import align, cell_hash
from nbversion.diff.notebook import _nbdime, _rejoin, nbdime_diff, normalize, summarize
from nbversion.diff.options import DiffOptions

from .bignb import big_notebook, edited


def _entries(ops: list[dict[str, Any]]) -> list[DiffEntry]:
    return [DiffEntry(**{k: _entries(v) if k == "diff" else v for k, v in op.items()})
            for op in ops]  # fmt: skip


def _pair(cells: int, seed: int, fraction: float) -> tuple[dict[str, Any], dict[str, Any]]:
    a = big_notebook(cells, seed)
    b = edited(a, fraction=fraction, seed=seed + 100)
    if seed % 3 == 0:  # moved cells too
        random.Random(seed).shuffle(b["cells"][: cells // 3])
    options = DiffOptions()
    return normalize(_rejoin(a), options), normalize(_rejoin(b), options)


@pytest.mark.parametrize("seed", range(30))
def test_the_diff_patches_a_into_b_exactly(seed: int) -> None:
    """nbdime's own patcher turns a into b with our diff: it is a complete, valid diff."""
    rng = random.Random(seed)
    a, b = _pair(rng.randrange(1, 80), seed, rng.choice([0.05, 0.3, 0.9]))
    diff = nbdime_diff(a, b)
    assert json.loads(json.dumps(patch(json.loads(json.dumps(a)), _entries(diff)))) == b


def test_counts_agree_with_nbdime_on_a_whole_notebook() -> None:
    """Few edits: the same cells added, removed and modified as nbdime alone finds."""
    a, b = _pair(120, 1, 0.05)
    assert summarize(a, nbdime_diff(a, b))["cells"] == summarize(a, _nbdime(a, b))["cells"]


def test_identical_cells_are_never_handed_to_nbdime() -> None:
    a, b = _pair(300, 2, 0.02)
    calls: list[int] = []

    def sub(x: list[dict[str, Any]], y: list[dict[str, Any]]) -> list[dict[str, Any]]:
        calls.append(len(x) + len(y))
        hashes = {cell_hash(c) for c in x} & {cell_hash(c) for c in y}
        assert not hashes, "a cell found in both runs reached nbdime"
        return []

    from nbversion.diff.cells import cells_diff

    cells_diff(a["cells"], b["cells"], sub)
    assert sum(calls) < 40  # only the few changed cells


def test_many_duplicate_cells_align_in_linear_time() -> None:
    """20,000 empty cells and one change: no quadratic alignment."""
    ha = ["empty"] * 20_000
    hb = ["empty"] * 10_000 + ["new"] + ["empty"] * 10_000
    start = time.perf_counter()
    assert align(ha, hb) == [(10_000, 10_000, 10_000, 10_001)]
    assert time.perf_counter() - start < 2


def test_a_20000_cell_notebook_diffs_in_seconds() -> None:
    a, b = _pair(20_000, 4, 0.02)
    start = time.perf_counter()
    counts = summarize(a, nbdime_diff(a, b))["cells"]
    assert time.perf_counter() - start < 20  # nbdime alone: over 11 minutes
    assert counts["unchanged"] > 19_000
    assert 0 < counts["modified"] < 1_000


def test_a_rerun_pairs_cells_by_source() -> None:
    """Every output changed, no source did: every code cell is modified, none added."""
    a = big_notebook(200)
    b = json.loads(json.dumps(a))
    for cell in b["cells"]:
        for out in cell.get("outputs", []):
            out["text"] = "again " + out["text"]
    options = DiffOptions()
    base, other = normalize(_rejoin(a), options), normalize(_rejoin(b), options)
    counts = summarize(base, nbdime_diff(base, other))["cells"]
    with_outputs = sum(1 for c in a["cells"] if c.get("outputs"))
    assert counts == {"added": 0, "removed": 0, "modified": with_outputs,
                      "unchanged": 200 - with_outputs}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("cells", [500, 2_000, 20_000])
def test_notebook_part_timing(cells: int) -> None:
    """Prints the notebook part's time (2% of cells edited, and every cell edited)."""
    for fraction in (0.02, 1.0):
        a, b = _pair(cells, 7, fraction)
        start = time.perf_counter()
        counts = summarize(a, nbdime_diff(a, b))["cells"]
        took = time.perf_counter() - start
        print(f"\n{cells} cells, {fraction:.0%} edited: {took:.2f} s {counts}")
        if fraction < 1:
            assert took < cells / 500  # linear: well under 2 ms a cell
