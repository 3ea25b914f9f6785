"""numpy arrays and scalars: raw buffers, zero-copy, every dtype family."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nbversion.capture import decode, encode

from .conftest import roundtrip

ARRAYS = [
    np.arange(12, dtype=np.float64).reshape(3, 4),
    np.asfortranarray(np.arange(12, dtype=np.int32).reshape(3, 4)),
    np.array([True, False]),
    np.array(["ab", "cde"]),
    np.array([b"x", b"yz"]),
    np.arange(6, dtype=np.complex128).reshape(2, 3),
    np.array(["2020-01-01", "2021-06-30"], dtype="datetime64[ns]"),
    np.array([1, 2], dtype="timedelta64[s]"),
    np.array([(1, 2.5, b"a"), (3, 4.5, b"b")], dtype=[("i", "<i4"), ("f", ">f8"), ("s", "S2")]),
    np.zeros((2, 2), dtype=[("xy", "<f4", (2,)), ("n", "u1")]),
    np.zeros((0, 3), dtype=np.float32),
    np.array(7.5),
    np.arange(10, dtype=">u2"),
]


@pytest.mark.parametrize("arr", ARRAYS, ids=lambda a: f"{a.dtype}-{a.shape}")
def test_round_trip_keeps_values_dtype_shape(arr: np.ndarray) -> None:
    enc, out = roundtrip(arr)
    assert enc.kind == "numpy"
    assert not enc.needs_trust
    json.dumps(enc.meta), json.dumps(enc.stats)
    assert type(out) is np.ndarray
    assert out.dtype == arr.dtype
    assert out.shape == arr.shape
    assert np.array_equal(out, arr)


def test_fortran_order_is_kept() -> None:
    arr = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    enc, out = roundtrip(arr)
    assert enc.meta["order"] == "F"
    assert out.flags.f_contiguous


def test_non_contiguous_view_is_made_contiguous() -> None:
    base = np.arange(100.0).reshape(10, 10)
    view = base[::2, 1::3]
    _, out = roundtrip(view)
    assert np.array_equal(out, view)


def test_contiguous_encode_is_zero_copy() -> None:
    arr = np.random.default_rng(0).random((1000, 50))
    enc = encode(arr)
    assert len(enc.buffers) == 1
    assert np.shares_memory(np.frombuffer(enc.buffers[0], dtype=np.uint8), arr)
    f_arr = np.asfortranarray(arr)
    assert np.shares_memory(np.frombuffer(encode(f_arr).buffers[0], dtype=np.uint8), f_arr)


def test_decode_from_writable_buffer_is_zero_copy_and_writable() -> None:
    arr = np.arange(1000, dtype=np.int64)
    enc = encode(arr)
    raw = bytearray(enc.buffers[0])
    out = decode(enc.kind, enc.meta, [raw])
    assert np.shares_memory(out, np.frombuffer(raw, dtype=np.uint8))
    out[0] = 42  # restored arrays are mutable, also when the store hands back bytes
    from_bytes = decode(enc.kind, enc.meta, [bytes(raw)])
    from_bytes[1] = 43


@pytest.mark.parametrize(
    "scalar", [np.float32(1.5), np.int64(-3), np.bool_(True), np.datetime64("2020-01-02")]
)
def test_scalars_come_back_as_the_same_scalar_type(scalar: np.generic) -> None:
    enc, out = roundtrip(scalar)
    assert enc.kind == "numpy"
    assert type(out) is type(scalar)
    assert out == scalar


def test_object_dtype_and_subclasses_fall_back_to_pickle() -> None:
    obj_arr = np.array([{"a": 1}, None], dtype=object)
    enc, out = roundtrip(obj_arr, allow_untrusted=True)
    assert enc.kind == "pickle"
    assert enc.needs_trust
    assert out[0] == {"a": 1}
    masked = np.ma.masked_array([1, 2, 3], mask=[0, 1, 0])
    enc, out = roundtrip(masked, allow_untrusted=True)
    assert enc.kind == "pickle"
    assert type(out) is np.ma.MaskedArray
    assert out.mask.tolist() == [False, True, False]


def test_stats_and_summary() -> None:
    arr = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, np.nan]])
    enc = encode(arr)
    assert enc.summary == "ndarray float64 (2, 3)"
    assert enc.type_name == "numpy.ndarray"
    assert enc.stats["shape"] == [2, 3]
    assert enc.stats["dtype"] == "float64"
    assert enc.stats["nbytes"] == 48
    assert enc.stats["max"] == "nan"  # JSON-safe spelling of a non-finite value
    ints = encode(np.arange(10))
    assert (ints.stats["min"], ints.stats["max"], ints.stats["mean"]) == (0, 9, 4.5)
