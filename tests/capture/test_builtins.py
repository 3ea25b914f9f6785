"""JSON-safe builtins, the pickle/cloudpickle catch-all, trust gating, and what cannot be saved."""

from __future__ import annotations

import collections
import enum
import io
import json
import socket
import subprocess
import sys
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nbversion.capture import Unserializable, UntrustedPickle, decode, encode

from .conftest import as_stored, roundtrip


class Color(enum.IntEnum):
    RED = 1


JSON_VALUES = [
    0,
    -(10**30),
    1.0,
    float("nan"),
    True,
    None,
    "héllo",
    [1, 2.0, "x", None],
    (1, (2, 3), [4]),
    {"a": [1, {"b": (True, None)}], "c": 1.5},
    {},
    (),
]


@pytest.mark.parametrize("value", JSON_VALUES, ids=repr)
def test_json_kind_keeps_exact_types(value: Any) -> None:
    enc, out = roundtrip(value)
    assert enc.kind == "json"
    assert not enc.needs_trust
    assert repr(out) == repr(value)  # tuple vs list, int vs float, nan
    assert _types(out) == _types(value)


def _types(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _types(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return (type(v), [_types(x) for x in v])
    return type(v)


@pytest.mark.parametrize(
    "value",
    [
        {1: "int key"},
        {"__tuple__": 1},
        Color.RED,
        [{1, 2}],
        b"bytes",
    ],
    ids=repr,
)
def test_what_json_cannot_keep_goes_to_pickle(value: Any) -> None:
    enc, out = roundtrip(value, allow_untrusted=True)
    assert enc.kind == "pickle"
    assert out == value
    assert type(out) is type(value)


def test_shared_and_cyclic_containers_keep_identity() -> None:
    inner = [1, 2]
    shared = {"a": inner, "b": inner}
    enc, out = roundtrip(shared, allow_untrusted=True)
    assert enc.kind == "pickle"
    assert out["a"] is out["b"]
    cyclic: list[Any] = [1]
    cyclic.append(cyclic)
    _, out = roundtrip(cyclic, allow_untrusted=True)
    assert out[1] is out


def test_pickle_moves_large_buffers_out_of_band_without_copy() -> None:
    arr = np.arange(100_000, dtype=np.float64)
    value = {"data": arr, "note": Fraction(1, 3)}  # not JSON, so pickled
    enc = encode(value)
    assert enc.kind == "pickle"
    assert enc.meta["out_of_band"] == 1
    assert len(enc.buffers[0]) < 1000  # the in-band stream stays small
    assert np.shares_memory(np.frombuffer(enc.buffers[1], dtype=np.uint8), arr)
    out = decode(enc.kind, enc.meta, as_stored(enc), allow_untrusted=True)
    assert np.array_equal(out["data"], arr)
    out["data"][0] = 1.0  # restored arrays are writable even from immutable bytes


def test_pickle_kinds_need_trust() -> None:
    enc = encode(collections.Counter("hello"))
    assert enc.kind == "pickle"
    assert enc.needs_trust
    with pytest.raises(UntrustedPickle) as info:
        decode(enc.kind, enc.meta, as_stored(enc))
    assert info.value.http_status == 403
    out = decode(enc.kind, enc.meta, as_stored(enc), allow_untrusted=True)
    assert out == collections.Counter("hello")


def test_lambdas_go_through_cloudpickle() -> None:
    offset = 10
    fn = lambda x: x + offset  # noqa: E731
    enc, out = roundtrip(fn, allow_untrusted=True)
    assert enc.kind == "cloudpickle"
    assert enc.summary == "function test_lambdas_go_through_cloudpickle.<locals>.<lambda>"
    assert out(1) == 11


NOTEBOOK_CELL = """
import math

class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def norm(self):
        return math.hypot(self.x, self.y)

def scale(p, k):
    return Point(p.x * k, p.y * k)

p = Point(3, 4)
"""


def _user_namespace() -> dict[str, Any]:
    ns: dict[str, Any] = {"__name__": "__main__"}
    exec(NOTEBOOK_CELL, ns)
    return ns


def test_main_functions_and_classes_restore_in_a_fresh_process(tmp_path: Path) -> None:
    """Values referring to __main__ are pickled by value: they load where they never existed."""
    ns = _user_namespace()
    for name in ("Point", "scale", "p"):
        enc = encode(ns[name])
        assert enc.kind == "cloudpickle", name
        payload = {"kind": enc.kind, "meta": enc.meta, "hex": [b.hex() for b in as_stored(enc)]}
        (tmp_path / f"{name}.json").write_text(json.dumps(payload))
    script = (
        "import json, sys\n"
        "from nbversion.capture import decode\n"
        "def load(n):\n"
        "    d = json.load(open(sys.argv[1] + '/' + n + '.json'))\n"
        "    bufs = [bytes.fromhex(h) for h in d['hex']]\n"
        "    return decode(d['kind'], d['meta'], bufs, allow_untrusted=True)\n"
        "Point, scale, p = load('Point'), load('scale'), load('p')\n"
        "print(scale(Point(1, 1), 2).x, p.norm())\n"
    )
    env = {"PYTHONPATH": str(Path(__file__).parents[2] / "server_ext")}
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    assert out.stdout.split() == ["2", "5.0"]


def _gen() -> Any:
    yield 1


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: open(tmp / "f.txt", "w"), "open file objects cannot be saved"),  # noqa: SIM115
        (lambda tmp: socket.socket(), "sockets cannot be saved"),
        (lambda tmp: _gen(), "generators cannot be saved: their frame state is not picklable"),
        (lambda tmp: threading.Lock(), "locks and other threading primitives cannot be saved"),
        (lambda tmp: threading.RLock(), "locks and other threading primitives"),
        (lambda tmp: sys, "modules are not saved"),
        (lambda tmp: {"log": open(tmp / "g.txt", "w")}, "open file objects"),  # noqa: SIM115
        (lambda tmp: [threading.Event()], "locks and other threading primitives"),
    ],
    ids=["file", "socket", "generator", "lock", "rlock", "module", "nested-file", "nested-lock"],
)
def test_unserializable_values_say_why(make: Any, reason: str, tmp_path: Path) -> None:
    value = make(tmp_path)
    try:
        with pytest.raises(Unserializable) as info:
            encode(value)
        assert reason in info.value.reason
    finally:
        for v in value.values() if isinstance(value, dict) else [value]:
            if hasattr(v, "close"):
                v.close()


def test_in_memory_streams_are_saved() -> None:
    _, out = roundtrip(io.BytesIO(b"abc"), allow_untrusted=True)
    assert out.getvalue() == b"abc"


def test_stats_for_containers_and_scalars() -> None:
    enc = encode({"alpha": 1, "beta": [1, 2]})
    assert enc.summary == "dict (2 keys)"
    assert enc.stats["len"] == 2
    assert enc.stats["keys"] == ["'alpha'", "'beta'"]
    long = encode("x" * 10_000)
    assert long.stats["len"] == 10_000
    assert len(long.stats["repr"]) <= 200
    assert encode(3.5).stats["repr"] == "3.5"
    assert encode([1, 2, 3]).summary == "list of 3"
