"""A polars frame in a live kernel: saved without pickle, restored equal, shared by name."""

from __future__ import annotations

import pytest

from .conftest import Kernel, value

pytest.importorskip("polars")


def test_polars_frame_round_trip_and_identity(nbk: Kernel) -> None:
    nbk.check(
        "import polars as pl\n"
        "df = pl.DataFrame({'a': [1, 2, 3], 'b': ['x', None, 'z']})\n"
        "holder = {'frame': df, 'n': 1}"
    )
    nbk.check("%version save -m 'polars'")
    nbk.check("df = df.with_columns(pl.col('a') * 10); holder = None")
    nbk.check("%version restore HEAD")
    assert value(nbk, "df['a'].to_list()") == [1, 2, 3]
    assert value(nbk, "holder['frame'] is df")
    assert value(nbk, "df['b'].to_list()") == ["x", None, "z"]
