"""A/B between branches: the best version of each branch on one metric, and the winner.

Every version reachable on a branch's first-parent history is a candidate; versions
without the metric are ignored. ``max`` mode picks the highest value, ``min`` the lowest
(default: ``min`` for error metrics). Ties go to the earlier branch name.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from ..store import Repository
from ..store.jsonsafe import number
from ..store.refs import TAGS
from .ci import default_mode


@dataclass
class BranchBest:
    """The best version of one branch on the metric (None when no version has it)."""

    branch: str
    version: str | None
    value: float | None
    message: str
    versions: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def best_per_branch(
    repo: Repository, notebook: str, metric: str, mode: str | None = None
) -> tuple[list[BranchBest], BranchBest | None]:
    """``(rows sorted best first, winner)`` over every branch of ``notebook``."""
    mode = mode or default_mode(metric)
    sign = 1.0 if mode == "max" else -1.0
    rows = []
    for branch in sorted(repo.branches(notebook)):
        history = repo.log(notebook, branch=branch)
        best: BranchBest = BranchBest(branch, None, None, "", len(history))
        for m in history:
            v = number(m.metrics.get(metric))  # a stored NaN/inf is never the best
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                continue
            if best.value is None or sign * v > sign * best.value:
                best = BranchBest(branch, m.id, float(v), m.message, len(history))
        rows.append(best)
    ranked = sorted(rows, key=lambda r: (r.value is None, -sign * (r.value or 0.0), r.branch))
    winner = ranked[0] if ranked and ranked[0].value is not None else None
    return ranked, winner


def tag_winner(repo: Repository, notebook: str, metric: str, winner: BranchBest) -> str:
    """Point tag ``winner/<metric>`` at the winning version (moved by compare-and-swap)."""
    assert winner.version is not None
    nb = repo.notebook_id(notebook)
    name = f"winner/{metric}"
    current = repo.refs.get(nb, TAGS, name)
    if current != winner.version:
        repo.refs.set_if_equals(
            nb, TAGS, name, current, winner.version,
            who=repo.default_author()["name"], why=f"ab: best {metric} on {winner.branch}",
        )  # fmt: skip
    return name
