"""Per-kind detail for arrays, scalars, containers and other objects.

Each category has a ``*_stats`` function (from the manifest's recorded stats only, so it
works without loading anything) and a ``*_values`` function (from both loaded values).
"""

from __future__ import annotations

import math
from typing import Any

from ..capture.base import short_repr
from .common import json_safe, pair

MAX_KEYS = 50
_STAT_KEYS = ("min", "max", "mean")


def _changed_pairs(sa: dict[str, Any], sb: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: pair(sa.get(k), sb.get(k)) for k in keys if k in sa or k in sb}


# -- arrays (numpy, torch tensors) -------------------------------------------------------
def array_stats(sa: dict[str, Any], sb: dict[str, Any]) -> dict[str, Any]:
    """Shape, dtype and summary stats before/after, as recorded at save time."""
    return {
        "shape": pair(sa.get("shape"), sb.get("shape")),
        "dtype": pair(sa.get("dtype"), sb.get("dtype")),
        "summary": _changed_pairs(sa, sb, _STAT_KEYS),
    }


def as_numpy(value: Any) -> Any:
    """A numpy array from an ndarray, numpy scalar or torch tensor (bf16 etc. as float32)."""
    import numpy as np

    if type(value).__module__.startswith("torch"):
        t = value.detach().cpu()
        try:
            return t.numpy()
        except (TypeError, RuntimeError):
            return t.float().numpy()
    return np.asarray(value)


def array_values(a: Any, b: Any) -> dict[str, Any]:
    """Changed element count and max absolute difference when the shapes match."""
    import numpy as np

    x, y = as_numpy(a), as_numpy(b)
    out: dict[str, Any] = {"total_elements": int(y.size)}
    if x.shape != y.shape:
        out.update(
            changed_elements=None,
            max_abs_diff=None,
            note="shapes differ: elements were not compared",
        )
        return out
    try:
        with np.errstate(all="ignore"):
            ne = np.asarray(x != y)
            if x.dtype.kind in "fc" and y.dtype.kind in "fc":
                ne &= ~(np.isnan(x) & np.isnan(y))
    except (TypeError, ValueError):
        out.update(
            changed_elements=None, max_abs_diff=None, note="dtypes cannot be compared element-wise"
        )
        return out
    out["changed_elements"] = int(np.count_nonzero(ne))
    out["max_abs_diff"] = None
    if x.dtype.kind in "iufc" and y.dtype.kind in "iufc":
        if out["changed_elements"] == 0:
            out["max_abs_diff"] = 0.0
        else:
            with np.errstate(all="ignore"):
                d = np.abs(
                    x[ne].astype(
                        np.complex128 if "c" in x.dtype.kind + y.dtype.kind else np.float64
                    )
                    - y[ne]
                )
            finite = d[np.isfinite(d)]
            out["max_abs_diff"] = float(finite.max()) if finite.size else "inf"
    return out


# -- scalars and strings -----------------------------------------------------------------
def _stat_value(stats: dict[str, Any], summary: str) -> Any:
    return stats.get("repr", summary)


def scalar_stats(
    sa: dict[str, Any], sb: dict[str, Any], summary_a: str, summary_b: str
) -> dict[str, Any]:
    """Before → after from the recorded repr (or the summary)."""
    return pair(_stat_value(sa, summary_a), _stat_value(sb, summary_b))


def scalar_values(a: Any, b: Any) -> dict[str, Any]:
    """Before → after (and the delta of numbers; lengths of strings)."""
    x, y = _plain(a), _plain(b)
    out = pair(json_safe(x), json_safe(y))
    if isinstance(x, str | bytes) and isinstance(y, str | bytes):
        out["length"] = pair(len(x), len(y))
    return out


def _plain(v: Any) -> Any:
    item = getattr(v, "item", None)
    if type(v).__module__ == "numpy" and callable(item):
        return item()
    return v


# -- containers --------------------------------------------------------------------------
def container_stats(sa: dict[str, Any], sb: dict[str, Any]) -> dict[str, Any]:
    """Length before/after; keys added/removed when the recorded stats list the keys."""
    out: dict[str, Any] = {"length": pair(sa.get("len"), sb.get("len"))}
    if "keys" in sa and "keys" in sb:
        ka, kb = list(sa["keys"]), list(sb["keys"])
        out["keys_added"] = [k for k in kb if k not in ka][:MAX_KEYS]
        out["keys_removed"] = [k for k in ka if k not in kb][:MAX_KEYS]
    return out


def same(x: Any, y: Any) -> bool:
    """Value equality that copes with arrays and objects whose ``==`` misbehaves."""
    if x is y:
        return True
    if type(x).__module__ in ("numpy", "pandas") or type(y).__module__ in ("numpy", "pandas"):
        try:
            import numpy as np

            return bool(np.array_equal(x, y, equal_nan=True))
        except (TypeError, ValueError):
            return False
    try:
        return bool(x == y) or (
            isinstance(x, float) and math.isnan(x) and isinstance(y, float) and math.isnan(y)
        )
    except Exception:  # a broken __eq__ just means "cannot tell: changed"
        return False


def container_values(a: Any, b: Any) -> dict[str, Any]:
    """Keys added/removed/changed (dicts), items added/removed (sets), changed items (lists)."""
    out: dict[str, Any] = {"length": pair(len(a), len(b))}
    if isinstance(a, dict) and isinstance(b, dict):
        out["keys_added"] = [short_repr(k, 80) for k in b if k not in a][:MAX_KEYS]
        out["keys_removed"] = [short_repr(k, 80) for k in a if k not in b][:MAX_KEYS]
        changed = [k for k in a if k in b and not same(a[k], b[k])]
        out["keys_changed"] = {
            short_repr(k, 80): pair(json_safe(a[k]), json_safe(b[k])) for k in changed[:MAX_KEYS]
        }
        out["keys_changed_count"] = len(changed)
    elif isinstance(a, set | frozenset) and isinstance(b, set | frozenset):
        out["items_added"] = [short_repr(x, 80) for x in list(b - a)[:MAX_KEYS]]
        out["items_removed"] = [short_repr(x, 80) for x in list(a - b)[:MAX_KEYS]]
    elif isinstance(a, list | tuple) and isinstance(b, list | tuple):
        changed_at = [i for i in range(min(len(a), len(b))) if not same(a[i], b[i])]
        out["items_changed"] = len(changed_at)
        out["first_changed"] = [
            {"index": i, **pair(json_safe(a[i]), json_safe(b[i]))} for i in changed_at[:5]
        ]
    return out


# -- anything else -----------------------------------------------------------------------
def object_stats(
    sa: dict[str, Any], sb: dict[str, Any], summary_a: str, summary_b: str
) -> dict[str, Any]:
    """What the summaries (and reprs, when recorded) say."""
    return pair(sa.get("repr", summary_a), sb.get("repr", summary_b))


def object_values(a: Any, b: Any) -> dict[str, Any]:
    """Bounded reprs before/after."""
    return pair(short_repr(a), short_repr(b))
