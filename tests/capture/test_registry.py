"""The registry: priorities, declining, custom serializers and unknown kinds."""

from __future__ import annotations

from typing import Any

import pytest

from nbversion.capture import (
    Encoded,
    Serializer,
    UnknownKind,
    decode,
    encode,
    register,
    serializers,
)
from nbversion.capture import registry as reg


class Celsius:
    def __init__(self, degrees: float) -> None:
        self.degrees = degrees


class CelsiusSerializer(Serializer):
    kind = "test-celsius"

    def matches(self, obj: Any) -> bool:
        return type(obj).__name__ == "Celsius"

    def encode(self, obj: Any) -> Encoded | None:
        if obj.degrees < -273.15:
            return None  # decline: the pickle fallback takes it
        return Encoded(self.kind, {"d": obj.degrees}, [], "Celsius", f"{obj.degrees} °C")

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Any, *, allow_untrusted: bool
    ) -> Any:
        return Celsius(meta["d"])


@pytest.fixture
def celsius() -> Any:
    saved = list(reg._entries), dict(reg._by_kind)
    register(CelsiusSerializer(), priority=10)
    yield
    reg._entries[:], reg._by_kind = saved[0], saved[1]


@pytest.mark.usefixtures("celsius")
def test_custom_serializer_is_used_and_may_decline() -> None:
    enc = encode(Celsius(21.5))
    assert enc.kind == "test-celsius"
    assert decode(enc.kind, enc.meta, enc.buffers).degrees == 21.5
    assert encode(Celsius(-300)).kind == "pickle"


def test_builtin_order() -> None:
    kinds = [s.kind for s in serializers()]
    assert kinds[-1] == "pickle"
    assert kinds.index("json") > kinds.index("numpy")


def test_unknown_kind() -> None:
    with pytest.raises(UnknownKind):
        decode("no-such-kind", {}, [])


def test_matching_does_not_import_heavy_libraries() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from nbversion.capture import encode\n"
        "for v in (1, [1, 2], {'a': (1,)}, object(), b'x'):\n"
        "    encode(v)\n"
        "heavy = [m for m in ('numpy', 'pandas', 'pyarrow', 'torch', 'sklearn', 'skops')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    from pathlib import Path

    env = {"PYTHONPATH": str(Path(__file__).parents[2] / "server_ext")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
