"""Params and metrics found without being logged: scalar results and model settings.

Metrics: numeric scalars whose names match a pattern (``acc*``, ``*_score``, ``loss``…).
Params: the hyperparameters of scikit-learn estimators that differ from the class
defaults, as ``<variable>.<param>``. Explicitly logged values always win.
"""

from __future__ import annotations

import fnmatch
import functools
import math
import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

DEFAULT_METRIC_PATTERNS: tuple[str, ...] = (
    "acc", "acc_*", "accuracy*", "*_accuracy", "*_acc", "*_score", "score", "loss", "*_loss",
    "auc", "*_auc", "roc_auc*", "f1", "f1_*", "*_f1", "precision*", "recall*", "rmse", "*_rmse",
    "mse", "*_mse", "mae", "*_mae", "r2", "*_r2", "logloss", "perplexity",
)  # fmt: skip

_JSON_SCALARS = (bool, int, float, str, type(None))


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(as_float):
        return None
    return int(value) if isinstance(value, numbers.Integral) else as_float


@functools.lru_cache(maxsize=16)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """One compiled regex for all the glob ``patterns`` (10,000 names, one match each)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)).match


def detect_metrics(
    namespace: Mapping[str, Any], patterns: Sequence[str] = DEFAULT_METRIC_PATTERNS
) -> dict[str, float | int]:
    """Numeric scalar variables whose lower-cased name matches one of ``patterns``."""
    found: dict[str, float | int] = {}
    match = _matcher(tuple(patterns))
    for name, value in namespace.items():
        if name.startswith("_") or not match(name.lower()):
            continue
        number = _number(value)
        if number is not None:
            found[name] = number
    return found


def _is_estimator(value: Any) -> bool:
    return any(
        c.__module__.startswith("sklearn.") and c.__name__ == "BaseEstimator"
        for c in type(value).__mro__
    ) and not isinstance(value, type)


def detect_params(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Non-default, JSON-scalar hyperparameters of every scikit-learn estimator variable."""
    found: dict[str, Any] = {}
    for name, value in namespace.items():
        if name.startswith("_") or not _is_estimator(value):
            continue
        try:
            params = value.get_params(deep=False)
            defaults = type(value)().get_params(deep=False)
        except Exception:  # noqa: S112 - estimators that need constructor args: skip them
            continue
        for key, v in sorted(params.items()):
            if isinstance(v, _JSON_SCALARS) and not _same(defaults.get(key, _MISSING), v):
                found[f"{name}.{key}"] = v
    return found


_MISSING = object()


def _same(default: Any, value: Any) -> bool:
    """Equal, counting NaN as equal to NaN (``SimpleImputer``'s default ``missing_values``
    is NaN, and ``nan != nan`` made it look like a set hyperparameter on every save)."""
    if default is value or default == value:
        return True
    return (
        isinstance(default, float)
        and isinstance(value, float)
        and math.isnan(default)
        and math.isnan(value)
    )
