"""The size guard: encoding big values makes no extra copy of their buffers."""

from __future__ import annotations

import tracemalloc
from typing import Any

import numpy as np
import pandas as pd
import pytest

from nbversion.capture import encode

MB = 2**20


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.ones((4096, 1024)),  # 32 MB
        lambda: np.asfortranarray(np.ones((4096, 1024))),
        lambda: {"weights": np.ones((4096, 1024)), "step": 3},  # pickle, out-of-band
        lambda: pd.DataFrame(np.ones((1_000_000, 4)), columns=list("abcd")),
    ],
    ids=["c-array", "f-array", "pickled-dict", "frame"],
)
def test_encode_allocates_far_less_than_the_value(make: Any) -> None:
    value = make()
    tracemalloc.start()
    try:
        enc = encode(value)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert enc.nbytes >= 30 * MB
    assert peak < 4 * MB, f"encode allocated {peak / MB:.1f} MB for {enc.nbytes / MB:.0f} MB"


def test_non_contiguous_array_costs_one_copy() -> None:
    value = np.ones((4096, 2048))[:, ::2]  # 32 MB of data in a strided view
    tracemalloc.start()
    try:
        enc = encode(value)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < enc.nbytes * 1.2
