"""Small JSON-safe builtins as JSON text: readable, diffable, and safe to load.

Exact types only (``int`` not ``IntEnum``), ``str`` dict keys, no shared or cyclic
containers, nor containers holding another variable's list or dict (``alias = {"s":
shared}``: pickle then refers to ``shared`` by name, so the two stay one object after a
restore); tuples are tagged ``{"__tuple__": [...]}`` so they come back as tuples.
Anything else declines and falls through to pickle.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .base import Buffers, Encoded, Serializer, qualified_name
from .pickle_kind import _SHARED, basic_stats, summarize

_TUPLE = "__tuple__"
_SCALARS = (int, float, bool, str, type(None))
MAX_NODES = 10_000
MAX_DEPTH = 50


class _Decline(Exception):
    pass


def _to_json(
    value: Any, seen: set[int], budget: list[int], depth: int, shared: Mapping[int, Any]
) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise _Decline
    tp = type(value)
    if tp in _SCALARS:
        return value
    if tp not in (list, tuple, dict) or id(value) in seen:
        raise _Decline  # other types, or aliasing/cycles that JSON would not keep
    if depth and id(value) in shared:
        raise _Decline  # holds another variable: pickle keeps it one object, by name
    seen.add(id(value))
    if tp is dict:
        if any(type(k) is not str for k in value) or _TUPLE in value:
            raise _Decline
        return {k: _to_json(v, seen, budget, depth + 1, shared) for k, v in value.items()}
    items = [_to_json(v, seen, budget, depth + 1, shared) for v in value]
    return {_TUPLE: items} if tp is tuple else items


def _from_json(value: Any) -> Any:
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    if isinstance(value, dict):
        if len(value) == 1 and _TUPLE in value:
            return tuple(_from_json(v) for v in value[_TUPLE])
        return {k: _from_json(v) for k, v in value.items()}
    return value


class JsonSerializer(Serializer):
    """``json`` kind: plain data without pickle, so loading it needs no trust."""

    kind = "json"

    def matches(self, obj: Any) -> bool:
        return type(obj) in _SCALARS or type(obj) in (list, tuple, dict)

    def encode(self, obj: Any) -> Encoded | None:
        try:
            doc = _to_json(obj, set(), [MAX_NODES], 0, _SHARED.get() or {})
            text = json.dumps(doc, ensure_ascii=False, allow_nan=True)
        except (_Decline, ValueError, RecursionError):
            return None
        return Encoded(
            kind=self.kind,
            meta={"encoding": "utf-8"},
            buffers=[memoryview(text.encode("utf-8"))],
            type_name=qualified_name(type(obj)),
            summary=summarize(obj),
            stats=basic_stats(obj),
            needs_trust=False,
        )

    def decode(
        self, kind: str, meta: dict[str, Any], buffers: Buffers, *, allow_untrusted: bool
    ) -> Any:
        text = b"".join(bytes(b) for b in buffers).decode("utf-8")
        return _from_json(json.loads(text))
