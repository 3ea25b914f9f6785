"""Small helpers every part of a diff shares: dict diffs, numeric deltas, JSON-safe values."""

from __future__ import annotations

import math
from typing import Any

from ..capture.base import json_safe

__all__ = ["delta", "dict_diff", "is_number", "json_safe", "pair"]


def is_number(v: Any) -> bool:
    """A real int/float (not bool, not a non-finite float string)."""
    return isinstance(v, int | float) and not isinstance(v, bool)


def delta(before: Any, after: Any) -> float | int | None:
    """``after - before`` for two finite numbers, else None."""
    if not (is_number(before) and is_number(after)):
        return None
    d = after - before
    return d if not isinstance(d, float) or math.isfinite(d) else None


def pair(before: Any, after: Any) -> dict[str, Any]:
    """``{before, after}`` plus ``delta`` when both are numbers."""
    out: dict[str, Any] = {"before": before, "after": after}
    d = delta(before, after)
    if d is not None:
        out["delta"] = d
    return out


def dict_diff(a: dict[str, Any], b: dict[str, Any], numeric_delta: bool = True) -> dict[str, Any]:
    """``{added: {k: v}, removed: {k: v}, changed: {k: {before, after, delta?}}}``."""
    out: dict[str, Any] = {"added": {}, "removed": {}, "changed": {}}
    for k in sorted(set(a) | set(b), key=str):
        if k not in a:
            out["added"][k] = b[k]
        elif k not in b:
            out["removed"][k] = a[k]
        elif a[k] != b[k]:
            out["changed"][k] = (
                pair(a[k], b[k]) if numeric_delta else {"before": a[k], "after": b[k]}
            )
    return out


def flatten(d: dict[str, Any], prefix: str = "", depth: int = 3) -> dict[str, Any]:
    """Nested dicts as dotted keys (``git.commit``), so they diff and display as rows."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v and depth > 0:
            out.update(flatten(v, key + ".", depth - 1))
        else:
            out[key] = v
    return out


def is_empty(d: dict[str, Any]) -> bool:
    """True when a dict diff has nothing added, removed or changed."""
    return not (d.get("added") or d.get("removed") or d.get("changed"))
