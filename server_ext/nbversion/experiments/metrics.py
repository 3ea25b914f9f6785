"""Predictions and metrics for shadow evaluation: sklearn estimators and torch modules.

Kept deliberately small and explicit. sklearn: ``model.predict(X)``. torch: the module is
called on ``X`` as a float32 tensor in ``eval()`` mode without gradients (on a private
copy, never the live model); a 2-D output with more than one column is read as class
scores and reduced with ``argmax`` for classification metrics, anything else is used raw
(flattened) for regression metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

CLASSIFICATION = ("accuracy", "f1", "precision", "recall", "balanced_accuracy")
REGRESSION = ("rmse", "mae", "mse", "r2")
METRICS = CLASSIFICATION + REGRESSION
#: Metrics where a lower value is better (the rest: higher is better).
LOWER_IS_BETTER = frozenset({"rmse", "mae", "mse"})


def as_array(value: Any) -> np.ndarray:
    """A numpy view of arrays, DataFrames, Series, lists and (CPU) tensors."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    elif hasattr(value, "to_numpy"):
        value = value.to_numpy()
    return np.asarray(value)


def is_torch_module(model: Any) -> bool:
    """True for ``torch.nn.Module`` instances (checked by MRO name; torch stays optional)."""
    return any(
        f"{c.__module__}.{c.__qualname__}" == "torch.nn.modules.module.Module"
        for c in type(model).__mro__
    )


def predict(model: Any, X: Any, *, classify: bool) -> np.ndarray:
    """Predictions of ``model`` on ``X`` as a 1-D (or raw) numpy array."""
    if is_torch_module(model):
        import torch

        model.eval()
        with torch.no_grad():
            out = model(torch.from_numpy(np.array(as_array(X), dtype=np.float32)))  # a copy
        scores = as_array(out)
        if classify and scores.ndim == 2 and scores.shape[1] > 1:
            return np.asarray(scores.argmax(axis=1))
        return np.asarray(scores.reshape(len(scores), -1)[:, 0] if scores.ndim > 1 else scores)
    if not hasattr(model, "predict"):
        raise TypeError(f"{type(model).__name__} has no predict() and is not a torch module")
    return as_array(model.predict(X))


def _sk(name: str) -> Callable[..., Any]:
    import sklearn.metrics as m

    return getattr(m, name)  # type: ignore[no-any-return]


def score(metric: str, y_true: Any, y_pred: Any) -> float:
    """One metric value; multi-class f1/precision/recall are macro-averaged."""
    yt, yp = as_array(y_true), as_array(y_pred)
    if metric == "accuracy":
        return float(_sk("accuracy_score")(yt, yp))
    if metric == "balanced_accuracy":
        return float(_sk("balanced_accuracy_score")(yt, yp))
    if metric in ("f1", "precision", "recall"):
        binary = len(np.unique(np.concatenate([yt.ravel(), yp.ravel()]))) <= 2
        avg = "binary" if binary and set(np.unique(yt)) <= {0, 1} else "macro"
        return float(_sk(f"{metric}_score")(yt, yp, average=avg, zero_division=0))
    if metric == "mse":
        return float(_sk("mean_squared_error")(yt, yp))
    if metric == "rmse":
        return float(np.sqrt(_sk("mean_squared_error")(yt, yp)))
    if metric == "mae":
        return float(_sk("mean_absolute_error")(yt, yp))
    if metric == "r2":
        return float(_sk("r2_score")(yt, yp))
    raise ValueError(f"unknown metric {metric!r}; choose from {', '.join(METRICS)}")


def guess_task(y: Any) -> str:
    """``classification`` when targets look like labels, else ``regression``."""
    arr = as_array(y)
    if arr.dtype.kind in "OUSb" or arr.dtype.kind in "iu":
        return "classification"
    if arr.dtype.kind == "f" and np.all(np.mod(arr, 1) == 0) and len(np.unique(arr)) <= 20:
        return "classification"
    return "regression"


def default_metrics(task: str) -> list[str]:
    """What is shown when no ``--metric`` is given."""
    return ["accuracy", "f1"] if task == "classification" else ["rmse", "mae", "r2"]


def disagree(pa: np.ndarray, pb: np.ndarray, *, classify: bool) -> np.ndarray:
    """Boolean mask of rows where two models' predictions differ."""
    if classify:
        return np.asarray(np.asarray(pa != pb).reshape(len(pa), -1).any(axis=1))
    a, b = pa.astype(float), pb.astype(float)
    return np.asarray(~np.isclose(a, b, rtol=1e-6, atol=1e-9).reshape(len(a), -1).all(axis=1))
