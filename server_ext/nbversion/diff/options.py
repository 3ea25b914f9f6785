"""What a diff computes and how far it may go (size bounds keep a diff cheap)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DiffOptions:
    """Knobs of :func:`nbversion.diff.diff_versions`; the defaults suit an interactive diff."""

    #: Compare execution counts (cells and execute_result outputs); off: re-running is no change.
    include_execution_counts: bool = False
    #: Compare volatile metadata (cell ids, timings, collapsed/scrolled, nbversion ids).
    include_volatile_metadata: bool = False
    #: Load both values of a changed variable for per-kind detail (else stats only).
    load_values: bool = True
    #: Skip loading a value whose stored size exceeds this (bytes); stats still shown.
    max_value_bytes: int = 256 << 20
    #: Skip the cell-level diff of notebooks larger than this (bytes).
    max_notebook_bytes: int = 64 << 20
    #: Changed DataFrame rows shown per variable.
    sample_rows: int = 5
    #: Load pickled values of trusted versions (never of untrusted ones).
    load_pickles: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The options as recorded in a diff's ``options`` field."""
        return asdict(self)
