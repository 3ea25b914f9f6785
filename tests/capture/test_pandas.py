"""pandas frames and series: Arrow buffers, exact dtypes and index, append-friendly layout."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from nbversion.capture import encode

from .conftest import roundtrip


def _mixed(n: int, start: int = 0) -> pd.DataFrame:
    i = np.arange(start, start + n)
    return pd.DataFrame(
        {
            "int": i,
            "float": i * 0.5,
            "str": [f"row-{k}" for k in i],
            "cat": pd.Categorical(np.where(i % 2 == 0, "even", "odd"), categories=["even", "odd"]),
            "when": pd.date_range("2024-01-01", periods=n, freq="h", tz="Europe/Paris")
            + pd.Timedelta(hours=start),
            "nullable": pd.array([None if k % 7 == 0 else int(k) for k in i], dtype="Int64"),
            "flag": i % 3 == 0,
            "text": pd.array([None if k % 5 == 0 else str(k) for k in i], dtype="string"),
            "delta": pd.to_timedelta(i, unit="s"),
        }
    )


def _assert_same(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    assert a.equals(b)
    if isinstance(a, pd.DataFrame):
        assert a.dtypes.equals(b.dtypes)
        assert a.columns.equals(b.columns)
    else:
        assert a.dtype == b.dtype
        assert a.name == b.name
    assert type(a.index) is type(b.index)
    assert a.index.equals(b.index)
    assert list(a.index.names) == list(b.index.names)


FRAMES = {
    "mixed": _mixed(50),
    "named-range-index": _mixed(5).rename_axis("row"),
    "multiindex": _mixed(6).set_index(["str", "int"]),
    "datetime-index": pd.DataFrame({"v": [1.0, 2.0]}, index=pd.date_range("2020", periods=2)),
    "int-labels": pd.DataFrame({1: [1, 2], 2: [3, 4]}, index=[10, 20]),
    "multi-columns": pd.DataFrame(
        np.ones((3, 2)), columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])
    ),
    "stepped-range": pd.DataFrame({"a": [1, 2]}, index=pd.RangeIndex(5, 9, 2, name="r")),
    "categorical-index": pd.DataFrame({"a": [1, 2]}, index=pd.CategoricalIndex(["x", "y"])),
    "period": pd.DataFrame({"p": pd.period_range("2020", periods=3, freq="M")}),
    "sliced": _mixed(20).iloc[3:9],
    "empty": pd.DataFrame(),
}


@pytest.mark.parametrize("name", list(FRAMES))
def test_frame_round_trip_is_exact(name: str) -> None:
    df = FRAMES[name]
    enc, out = roundtrip(df)
    assert enc.kind == "pandas", name
    assert not enc.needs_trust
    json.dumps(enc.meta), json.dumps(enc.stats)
    _assert_same(df, out)


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1.0, 2.0], name="x"),
        pd.Series([1, 2], name=None, index=pd.Index(["a", "b"], name="k")),
        pd.Series(pd.Categorical(["u", "v", "u"]), name=3),
        pd.Series(pd.array([1, None], dtype="Int64"), index=pd.date_range("2020", periods=2)),
    ],
)
def test_series_round_trip_keeps_name_and_dtype(series: pd.Series) -> None:
    enc, out = roundtrip(series)
    assert enc.kind == "pandas"
    _assert_same(series, out)


def test_attrs_survive() -> None:
    df = pd.DataFrame({"a": [1]})
    df.attrs["source"] = "lab.csv"
    _, out = roundtrip(df)
    assert out.attrs == {"source": "lab.csv"}


def test_object_columns_fall_back_to_pickle() -> None:
    df = pd.DataFrame({"o": [1, "x", {"k": 2}]})
    enc, out = roundtrip(df, allow_untrusted=True)
    assert enc.kind == "pickle"
    assert enc.needs_trust
    _assert_same(df, out)
    dup = pd.DataFrame([[1, 2]], columns=["a", "a"])
    enc, out = roundtrip(dup, allow_untrusted=True)
    assert enc.kind == "pickle"
    _assert_same(dup, out)


def test_numeric_columns_are_zero_copy() -> None:
    df = pd.DataFrame({"a": np.arange(100_000, dtype=np.float64)})
    enc = encode(df)
    col = df["a"].to_numpy()
    assert any(np.shares_memory(np.frombuffer(b, dtype=np.uint8), col) for b in enc.buffers)


def test_appended_rows_keep_earlier_column_bytes() -> None:
    """Each Arrow buffer only grows at its end, so a chunking store dedups the old rows."""
    before = _mixed(1000).drop(columns=["when"])  # tz conversion makes a fresh buffer
    after = pd.concat([before, _mixed(200, start=1000).drop(columns=["when"])], ignore_index=True)
    old, new = encode(before), encode(after)

    def per_column(enc: Any) -> list[list[bytes]]:
        # For every column chunk, its data buffers (skip validity bitmaps: their last
        # byte legitimately changes when rows are appended).
        cols = []
        for chunks in enc.meta["columns"]:
            bufs: list[bytes] = []
            for node in chunks:
                todo = [node]
                while todo:
                    n = todo.pop()
                    assert "ipc" not in n, "flat columns must not go through IPC"
                    bufs += [bytes(enc.buffers[i]) for i in n["bufs"][1:] if i >= 0]
                    todo += [n["dict"]] if "dict" in n else []
            cols.append(bufs)
        return cols

    same_prefix = 0
    for col_old, col_new in zip(per_column(old), per_column(new), strict=True):
        for b_old, b_new in zip(col_old, col_new, strict=False):
            assert len(b_new) >= len(b_old)
            if b_new[: len(b_old)] == b_old:
                same_prefix += 1
    total = sum(len(c) for c in per_column(old))
    # Every buffer except the categorical dictionary (unchanged, not a prefix case) matches.
    assert same_prefix == total, (same_prefix, total)


def test_stats() -> None:
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "n": pd.array([1, None, 5], dtype="Int64")})
    enc = encode(df)
    assert enc.summary == "DataFrame 3 × 2"  # noqa: RUF001
    assert enc.stats["shape"] == [3, 2]
    assert enc.stats["rows"] == 3
    assert enc.stats["columns"] == {"x": "float64", "n": "Int64"}
    assert enc.stats["numeric"]["x"] == {"min": 1.0, "max": 3.0, "mean": 2.0, "nulls": 0}
    assert enc.stats["numeric"]["n"]["nulls"] == 1
    assert enc.stats["index"]["type"] == "RangeIndex"
    s = encode(pd.Series([1, 2], name="y"))
    assert s.summary == "Series 'y' int64 (2)"
