"""Checks every "safe" decoder runs on stored bytes before handing them to a C library.

numpy, scipy and Arrow trust the shapes, dtypes and offsets they are given: a buffer
shorter than its shape claims, an object dtype over raw bytes, or an index past the end
reads or writes memory it does not own. A version may come from anyone, so each decoder
states what it expects here and fails with :class:`MalformedValue` instead.
"""

from __future__ import annotations

import math
from typing import Any

from .errors import MalformedValue

#: Dimensions accepted for a stored array (numpy allows 64).
MAX_NDIM = 64
#: Length of a structured dtype description accepted (the ``.npy`` header allows 64 KiB).
MAX_DESCR = 65_536


def dtype(kind: str, spec: Any, *, descr: bool = False) -> Any:
    """A numpy dtype from a stored ``dtype.str`` (or ``descr`` literal) with no objects in it."""
    import ast

    import numpy as np

    try:
        if descr:
            if not isinstance(spec, str) or len(spec) > MAX_DESCR:
                raise ValueError("description too long or not a string")
            dt = np.lib.format.descr_to_dtype(ast.literal_eval(spec))
        else:
            if not isinstance(spec, str) or len(spec) > 64:
                raise ValueError("not a dtype string")
            dt = np.dtype(spec)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as err:
        raise MalformedValue(kind, f"bad dtype {str(spec)[:80]!r} ({err})") from None
    if dt.hasobject:
        raise MalformedValue(kind, "an object dtype cannot be read from raw bytes")
    if dt.itemsize == 0:
        raise MalformedValue(kind, "a zero-size dtype")
    return dt


def shape(kind: str, value: Any) -> tuple[int, ...]:
    """A stored shape: a list of at most :data:`MAX_NDIM` non-negative integers."""
    if not isinstance(value, list) or len(value) > MAX_NDIM:
        raise MalformedValue(kind, "shape must be a list of at most 64 integers")
    if not all(type(d) is int and d >= 0 for d in value):
        raise MalformedValue(kind, "shape must hold non-negative integers")
    return tuple(value)


def nbytes(kind: str, dims: tuple[int, ...], itemsize: int, have: int, what: str) -> None:
    """Raise unless ``have`` bytes are exactly ``prod(dims) * itemsize``."""
    want = math.prod(dims) * itemsize
    if want != have:
        raise MalformedValue(kind, f"{what} holds {have} bytes, its shape needs {want}")


def one_of(kind: str, value: Any, allowed: tuple[str, ...], what: str) -> str:
    """``value`` when it is one of ``allowed`` strings."""
    if value not in allowed:
        raise MalformedValue(kind, f"{what} must be one of {', '.join(allowed)}")
    return str(value)


def buffer_count(kind: str, buffers: Any, want: int) -> None:
    """Raise unless there are exactly ``want`` buffers."""
    if len(buffers) != want:
        raise MalformedValue(kind, f"expected {want} buffers, found {len(buffers)}")
