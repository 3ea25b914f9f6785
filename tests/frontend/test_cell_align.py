"""Pairing the cells of two versions for the side-by-side Compare view (src/cellalign.ts)."""

from __future__ import annotations

from typing import Any

from .conftest import RunTs


def cell(source: str, cid: str | None = None, outputs: list[Any] | None = None) -> dict[str, Any]:
    c: dict[str, Any] = {"cell_type": "code", "source": source, "outputs": outputs or []}
    if cid is not None:
        c["id"] = cid
    return c


def pairs(run_ts: RunTs, a: list[Any], b: list[Any]) -> list[tuple[Any, Any, str]]:
    rows = run_ts("cellalign", "alignCells", [a, b])
    return [(r["a"], r["b"], r["status"]) for r in rows]


def test_cells_pair_by_id_edited_inserted_and_deleted(run_ts: RunTs) -> None:
    a = [cell("x = 1", "c1"), cell("y = 2", "c2"), cell("z = 3", "c3")]
    b = [cell("x = 1", "c1"), cell("new", "n1"), cell("z = 30", "c3")]
    assert pairs(run_ts, a, b) == [
        (0, 0, "same"), (1, None, "removed"), (None, 1, "added"), (2, 2, "modified"),
    ]  # fmt: skip


def test_without_ids_equal_sources_anchor_and_edits_pair_in_order(run_ts: RunTs) -> None:
    a = [cell("import pandas"), cell("df = load()"), cell("df.plot()")]
    b = [cell("import pandas"), cell("df = load(2)"), cell("extra"), cell("df.plot()")]
    assert pairs(run_ts, a, b) == [
        (0, 0, "same"), (1, 1, "modified"), (None, 2, "added"), (2, 3, "same"),
    ]  # fmt: skip


def test_outputs_count_but_execution_counts_do_not(run_ts: RunTs) -> None:
    out = {"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {}}
    a = [cell("x", "c", [{**out, "execution_count": 1}])]
    same = [cell("x", "c", [{**out, "execution_count": 7}])]
    other = [cell("x", "c", [{**out, "data": {"text/plain": "2"}, "execution_count": 1}])]
    assert pairs(run_ts, a, same) == [(0, 0, "same")]
    rows = run_ts("cellalign", "alignCells", [a, other])
    assert rows == [{"a": 0, "b": 0, "status": "modified", "source": False, "outputs": True}]


def test_changed_lines_marks_only_the_lines_that_differ(run_ts: RunTs) -> None:
    got = run_ts("cellalign", "changedLines", ["a\nb\nc", "a\nB\nc\nd"])
    assert got == {"a": [False, True, False], "b": [False, True, False, True]}
