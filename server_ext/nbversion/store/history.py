"""A branch's history as ``git log`` lists it: the head and every version it reaches,
second parents of joins included, newest first.

Walking first parents only hid what a join brought in: after *pull → join → push* the
teammate's version was missing from ``nbversion log`` and ``%version log`` although
``nbversion show`` found it.
"""

from __future__ import annotations

import heapq
import itertools

from .manifest import Manifest, parse_time
from .versions import VersionStore


def _sort_key(m: Manifest) -> float:
    """Newer first; an unreadable time sorts last."""
    try:
        return -parse_time(m.created).timestamp()
    except ValueError:
        return 0.0


def history(versions: VersionStore, head: str | None, limit: int | None = None) -> list[Manifest]:
    """Versions reachable from ``head``, newest first (a child always before its parents,
    whatever the clocks said); a pruned parent (gc) ends its line."""
    out: list[Manifest] = []
    seen: set[str] = set()
    frontier: list[tuple[float, int, Manifest]] = []
    order = itertools.count()

    def reach(vid: str | None) -> None:
        if vid is None or vid in seen or not versions.has(vid):
            return
        seen.add(vid)
        m = versions.read(vid)
        heapq.heappush(frontier, (_sort_key(m), next(order), m))

    reach(head)
    while frontier and (limit is None or len(out) < limit):
        m = heapq.heappop(frontier)[2]
        out.append(m)
        for parent in m.parents:
            reach(parent)
    return out
