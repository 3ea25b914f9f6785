"""The history graph's lane layout (src/graph.ts): the module the sidebar and the Runs
tab draw with, compiled and run by node (see conftest.py)."""

from __future__ import annotations

from typing import Any

from .conftest import RunTs


def layout(run_ts: RunTs, nodes: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
    """``layoutGraph(nodes, options)`` (``hidden`` given as a dict of id → parents)."""
    if "hidden" in options:
        options["hidden"] = {"__map__": options["hidden"]}
    rows: list[dict[str, Any]] = run_ts("graph", "layoutGraph", [nodes, options])
    return rows


def node(vid: str, *parents: str, branch: str = "main") -> dict[str, Any]:
    return {"id": vid, "parents": list(parents), "branch": branch}


def test_a_straight_line_uses_one_lane(run_ts: RunTs) -> None:
    rows = layout(run_ts, [node("c", "b"), node("b", "a"), node("a")], complete=True)
    assert [r["lane"] for r in rows] == [0, 0, 0]
    assert [r["width"] for r in rows] == [1, 1, 1]
    assert rows[0]["into"] == []
    assert rows[2]["out"] == []
    assert rows[1]["into"] == [{"lane": 0, "branch": "main"}]
    assert rows[1]["out"] == [{"lane": 0, "branch": "main", "join": False, "parent": "a"}]


def test_a_join_draws_an_edge_to_its_second_parents_lane(run_ts: RunTs) -> None:
    # pull → join: J joins our "m2" and the teammate's "t"; both grew from "m1"
    nodes = [node("J", "m2", "t"), node("m2", "m1"),
             node("t", "m1", branch="origin/main"), node("m1")]  # fmt: skip
    rows = {r["id"]: r for r in layout(run_ts, nodes, complete=True)}
    join = rows["J"]
    assert [(e["parent"], e["lane"], e["join"]) for e in join["out"]] == [
        ("m2", 0, False), ("t", 1, True),
    ]  # fmt: skip
    assert rows["t"]["lane"] == 1  # the teammate's version sits in the join's second lane
    assert rows["m2"]["through"] == [{"lane": 1, "branch": "main"}]
    # the teammate's lane bends back into ours, which already waits for their common parent
    assert rows["t"]["out"] == [{"lane": 0, "branch": "origin/main", "join": False,
                                 "parent": "m1"}]  # fmt: skip
    assert rows["m1"]["lane"] == 0
    assert rows["m1"]["out"] == []
    assert max(r["width"] for r in rows.values()) == 2


def test_branches_fork_into_their_own_lanes_and_freed_lanes_are_reused(run_ts: RunTs) -> None:
    nodes = [node("x2", "x1", branch="exp"), node("m2", "m1"), node("x1", "m1", branch="exp"),
             node("m1", "m0"), node("y1", "m0", branch="other"), node("m0")]  # fmt: skip
    rows = {r["id"]: r for r in layout(run_ts, nodes, complete=True)}
    assert rows["x2"]["lane"] == 0
    assert rows["m2"]["lane"] == 1
    # the fork point: exp's lane bends into main's, which already waits for m1
    assert rows["x1"]["lane"] == 0
    assert [(e["lane"], e["parent"]) for e in rows["x1"]["out"]] == [(1, "m1")]
    assert rows["m1"]["lane"] == 1
    assert rows["y1"]["lane"] == 0  # lane 0 was freed at x1 and is reused
    assert [(e["lane"], e["parent"]) for e in rows["y1"]["out"]] == [(1, "m0")]
    assert rows["m0"]["into"] == [{"lane": 1, "branch": "main"}]
    assert max(r["width"] for r in rows.values()) == 2


def test_parents_not_listed_end_lanes_only_when_the_list_is_complete(run_ts: RunTs) -> None:
    page = [node("c", "b"), node("b", "a")]  # "a" is on a later page
    open_rows = layout(run_ts, page, complete=False)
    assert open_rows[1]["out"] == [{"lane": 0, "branch": "main", "join": False, "parent": "a"}]
    done = layout(run_ts, page, complete=True)
    assert done[1]["out"] == []


def test_hidden_undo_points_link_through_to_their_parents(run_ts: RunTs) -> None:
    # "r" was saved on top of the undo point "u" (hidden), which came from "a"
    rows = layout(run_ts, [node("r", "u"), node("a")], complete=True, hidden={"u": ["a"]})
    assert rows[0]["out"][0]["parent"] == "a"
    assert rows[1]["into"] == [{"lane": 0, "branch": "main"}]
