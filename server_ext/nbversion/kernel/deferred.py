"""Per-kind stats computed only for values that are written.

Stats (min, max, mean over every column...) cost more than the fingerprint itself, so while
a namespace is captured the numpy and pandas encoders return placeholders, and only values
actually written get their real stats (:func:`stats_of`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from ..capture import Encoded


class _DeferredStats(dict[str, Any]):
    """Placeholder stats: the real ones are computed only if the value is written."""

    def __init__(self, compute: Callable[[], dict[str, Any]]) -> None:
        super().__init__()
        self.compute = compute


@contextlib.contextmanager
def deferred_stats() -> Iterator[None]:
    """While active, numpy/pandas encoders return placeholder stats (see :func:`stats_of`)."""
    from ..capture import numpy_kind, pandas_kind

    saved = numpy_kind.array_stats, pandas_kind.frame_stats

    def defer(fn: Callable[[Any], dict[str, Any]]) -> Callable[[Any], dict[str, Any]]:
        return lambda obj: _DeferredStats(lambda: fn(obj))

    numpy_kind.array_stats = defer(saved[0])  # type: ignore[assignment]
    pandas_kind.frame_stats = defer(saved[1])  # type: ignore[assignment]
    try:
        yield
    finally:
        numpy_kind.array_stats, pandas_kind.frame_stats = saved


def stats_of(enc: Encoded) -> dict[str, Any]:
    """The real stats of an encoded value (computing deferred ones now)."""
    stats = enc.stats
    return stats.compute() if isinstance(stats, _DeferredStats) else stats
