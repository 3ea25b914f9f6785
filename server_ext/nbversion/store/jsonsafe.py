"""The one JSON form of what goes into a manifest: non-finite floats as strings.

A manifest is strict JSON (its id is the hash of its canonical JSON, which refuses NaN),
yet NaN and ±inf are everywhere in data science: ``SimpleImputer(missing_values=np.nan)``
has a NaN hyperparameter, a diverged training run a NaN loss, a column's max may be inf.
So every value recorded in a manifest (params, metrics, variable stats and summaries, the
environment, skipped reasons) passes through :func:`to_json` when the manifest is built,
and the readers that compute with numbers (diffs, metric plots, the CI gate, A/B) turn
the strings back with :func:`number` / :func:`numbers`.

The documented form (docs/manifest.md): a non-finite float is stored as the string
``"nan"``, ``"inf"`` or ``"-inf"`` -- the spelling ``str(float)`` gives and ``float()``
parses, and the one variable stats have always used. Readers turn those three strings back
only where a number is expected (param and metric values), never in free text.

Other values that JSON cannot hold become JSON too, so one odd value never fails a save:
numpy scalars become Python numbers, tuples and sets lists, non-string keys strings, and
any other object a bounded ``repr``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

#: The strings that stand for non-finite floats in a manifest.
NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_MAX_DEPTH = 64
_MAX_REPR = 200


def float_value(x: float) -> float | str:
    """A float as a manifest stores it: itself when finite, else ``"nan"``/``"inf"``/``"-inf"``."""
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def to_json(value: Any, depth: int = 0) -> Any:
    """A strict-JSON copy of ``value`` (see the module docstring); never raises.

    Plain JSON values are returned as they are, so the cost is one walk over the structure.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float_value(float(value))
    if depth >= _MAX_DEPTH:
        return _repr(value)
    if depth <= 1 and type(value) in (dict, list):  # e.g. 10,000 variable records
        plain = _plain_copy(value)
        if plain is not None:
            return plain
    if isinstance(value, Mapping):
        return {_key(k): to_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return [to_json(v, depth + 1) for v in items]
    item = getattr(value, "item", None)  # numpy / torch scalars, without importing them
    if callable(item) and getattr(value, "ndim", None) == 0:
        try:
            scalar = item()
        except Exception:  # a broken scalar type must not fail a save
            return _repr(value)
        if isinstance(scalar, bool | int | float | str) or scalar is None:
            return to_json(scalar, depth + 1)
    return _repr(value)


def number(value: Any) -> Any:
    """A param or metric value as read from a manifest: ``"nan"``/``"inf"``/``"-inf"`` back
    to floats; anything else unchanged."""
    if isinstance(value, str) and value in NONFINITE:
        return NONFINITE[value]
    return value


def numbers(values: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`number` over every value of a params or metrics mapping."""
    return {k: number(v) for k, v in values.items()}


def is_real(value: Any) -> bool:
    """True for an int or float (finite or not) that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _refuse(value: Any) -> Any:
    raise TypeError("not plain JSON")


def _plain_copy(value: Any) -> Any:
    """A copy made by the C JSON codec when that is exactly what :func:`to_json` returns.

    That holds when the value is already plain JSON: the round trip refuses NaN and
    unknown types, and the comparison refuses tuples and keys that are not strings (which
    :func:`to_json` spells its own way). None when it is not: the caller walks the value.
    """
    try:
        copy = json.loads(json.dumps(value, allow_nan=False, default=_refuse))
        return copy if copy == value else None
    except (TypeError, ValueError, RecursionError):
        return None


def _key(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return str(float_value(key))
    return str(key) if isinstance(key, int | bool) or key is None else _repr(key)


def _repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception as err:  # a broken __repr__ must not fail a save
        text = f"<repr failed: {type(err).__name__}>"
    return text if len(text) <= _MAX_REPR else text[: _MAX_REPR - 3] + "..."
