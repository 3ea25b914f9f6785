"""The polars kind: round trips without pickle, diffs as a dataframe, refuses crafted streams.

It is also the proof that a new kind of variable is one module plus its registration:
capture/polars_kind.py declares ``shareable`` and ``diff_category``, and saving, sharing
by name, restoring and diffing pick it up from the registry.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from nbversion.capture import decode, encode
from nbversion.capture.errors import MalformedValue
from nbversion.capture.registry import serializer_for, shareable_kinds
from nbversion.diff.variables import category

pl = pytest.importorskip("polars")


def _frame() -> object:
    return pl.DataFrame(
        {
            "id": [1, 2, 3],
            "score": [0.5, float("nan"), 2.5],
            "name": ["a", None, "c"],
            "day": [date(2024, 1, d) for d in (1, 2, 3)],
            "tag": pl.Series(["x", "y", "x"], dtype=pl.Categorical),
        }
    )


def test_frame_and_series_round_trip_without_trust() -> None:
    df = _frame()
    enc = encode(df)
    assert enc.kind == "polars"
    assert not enc.needs_trust
    back = decode(enc.kind, enc.meta, [bytes(b) for b in enc.buffers])
    assert back.equals(df)
    s = df.get_column("score").alias("score")
    enc = encode(s)
    back = decode(enc.kind, enc.meta, [bytes(b) for b in enc.buffers])
    assert back.name == "score"
    assert back.equals(s)


def test_stats_and_capabilities_come_from_the_serializer() -> None:
    enc = encode(_frame())
    assert enc.stats["shape"] == [3, 5]
    assert enc.stats["numeric"]["id"]["max"] == 3
    assert "polars" in shareable_kinds()
    rec = {"kind": "polars", "type": enc.type_name, "stats": enc.stats}
    assert category(rec) == "dataframe"
    serializer = serializer_for("polars")
    assert serializer is not None
    assert serializer.shareable


def test_crafted_offsets_are_refused() -> None:

    df = pl.DataFrame({"b": pl.Series([b"xx", b"y", b"zzz"], dtype=pl.Binary)})
    enc = encode(df)
    stream = bytes(enc.buffers[0])
    offsets = np.array([0, 2, 3, 6], dtype=np.int64).tobytes()
    assert stream.count(offsets) == 1, "the offsets are where Arrow IPC puts them"
    patched = np.array([0, 2, 3, 1 << 40], dtype=np.int64).tobytes()
    crafted = stream.replace(offsets, patched)
    with pytest.raises(MalformedValue, match="validation"):
        decode("polars", {"series": False}, [crafted])


def test_diff_of_two_polars_versions_compares_values() -> None:
    from nbversion.diff.frames import frame_values

    a = _frame()
    b = a.with_columns(pl.col("id") * 10)
    out = frame_values(a, b)
    assert "id" in out["compared_columns"]
