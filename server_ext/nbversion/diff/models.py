"""Model detail: class, hyperparameters, parameter counts and how far the weights moved.

sklearn: hyperparameters from ``stats['params']``; the L2 norm of the change of
``coef_``, ``intercept_`` and ``feature_importances_`` from both loaded estimators.
torch: state_dict keys and shapes from the stats; the per-tensor and total L2 norm of the
weight change, read from the safetensors buffers alone (the pickled skeleton is never
loaded, so this is safe for untrusted versions too).
"""

from __future__ import annotations

import math
from typing import Any

from .common import dict_diff, pair

SKLEARN_WEIGHTS = ("coef_", "intercept_", "feature_importances_")
TOP_TENSORS = 5


def model_stats(sa: dict[str, Any], sb: dict[str, Any]) -> dict[str, Any]:
    """Class, hyperparameter changes, parameter count, and state_dict key/shape changes."""
    out: dict[str, Any] = {
        "class": pair(sa.get("class"), sb.get("class")),
        "params": dict_diff(sa.get("params") or {}, sb.get("params") or {}),
        "parameter_count": pair(sa.get("parameter_count"), sb.get("parameter_count")),
    }
    if "fitted" in sa or "fitted" in sb:
        out["fitted"] = pair(sa.get("fitted"), sb.get("fitted"))
    da, db = sa.get("state_dict"), sb.get("state_dict")
    if isinstance(da, dict) and isinstance(db, dict):
        out["tensors_added"] = sorted(set(db) - set(da))
        out["tensors_removed"] = sorted(set(da) - set(db))
        out["shape_changed"] = {
            k: pair(da[k].get("shape"), db[k].get("shape"))
            for k in sorted(set(da) & set(db))
            if da[k].get("shape") != db[k].get("shape")
        }
    return out


def _l2(x: Any, y: Any) -> tuple[float, float] | None:
    """(‖y - x‖₂, ‖x‖₂) of two same-shaped numeric arrays, else None."""
    import numpy as np

    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape or x.dtype.kind not in "biuf" or y.dtype.kind not in "biuf":
        return None
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    return float(np.linalg.norm(y64 - x64)), float(np.linalg.norm(x64))


def _weights(pairs: dict[str, tuple[float, float] | None]) -> dict[str, Any]:
    per: dict[str, dict[str, Any]] = {}
    for k, v in pairs.items():
        if v is not None:
            per[k] = {"l2": v[0], "relative": v[0] / v[1] if v[1] else None}
    total = math.sqrt(sum(float(v["l2"]) ** 2 for v in per.values()))
    top = sorted(per.items(), key=lambda kv: -float(kv[1]["l2"]))[:TOP_TENSORS]
    return {
        "l2": total,
        "compared": len(per),
        "not_comparable": sorted(k for k, v in pairs.items() if v is None),
        "tensors": dict(top),
    }


def sklearn_values(a: Any, b: Any) -> dict[str, Any]:
    """Weight change of the fitted attributes both estimators have."""
    pairs = {
        name: _l2(getattr(a, name), getattr(b, name))
        for name in SKLEARN_WEIGHTS
        if hasattr(a, name) and hasattr(b, name)
    }
    return {"weights": _weights(pairs)}


def torch_values(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Weight change per state_dict tensor (``a``/``b`` map names to tensors)."""
    from .values import as_numpy

    pairs = {k: _l2(as_numpy(a[k]), as_numpy(b[k])) for k in sorted(set(a) & set(b))}
    return {"weights": _weights(pairs)}


def load_torch_weights(buffers: list[Any]) -> dict[str, Any]:
    """The tensors of a ``torch-module`` record, from its safetensors buffers only."""
    from safetensors.torch import load

    return dict(load(b"".join(bytes(x) for x in buffers[1:])))
