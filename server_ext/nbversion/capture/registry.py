"""The serializer registry: ``encode`` picks the first serializer that matches and accepts."""

from __future__ import annotations

import itertools
from typing import Any

from ..errors import NbVersionError
from .base import Buffers, Encoded, Serializer, qualified_name
from .errors import MalformedValue, UnknownKind, Unserializable, UntrustedPickle
from .unsupported import check_top_level

_order = itertools.count()
#: (-priority, registration order, serializer); sorted so the highest priority comes first.
_entries: list[tuple[int, int, Serializer]] = []
_by_kind: dict[str, Serializer] = {}
_shareable: list[frozenset[str]] = []  # cache of shareable_kinds(), reset by register()


def register(serializer: Serializer, *, priority: int = 0) -> None:
    """Add a serializer; higher priority is tried first, ties in registration order.

    A later registration of the same kind replaces the earlier one for decoding.
    """
    if not serializer.kind:
        raise ValueError("a serializer needs a non-empty kind")
    _entries.append((-priority, next(_order), serializer))
    _entries.sort(key=lambda e: (e[0], e[1]))
    for kind in (serializer.kind, *serializer.extra_kinds):
        _by_kind[kind] = serializer
    _shareable.clear()


def serializers() -> list[Serializer]:
    """Registered serializers in the order ``encode`` tries them."""
    return [s for _, _, s in _entries]


def serializer_for(kind: object) -> Serializer | None:
    """The serializer that decodes ``kind`` (None for an unknown kind)."""
    return _by_kind.get(kind) if isinstance(kind, str) else None


def shareable_kinds() -> frozenset[str]:
    """Kinds whose values other variables may reference by name (``Serializer.shareable``)."""
    if not _shareable:
        _shareable.append(frozenset(k for k, s in _by_kind.items() if s.shareable))
    return _shareable[0]


def encode(obj: Any) -> Encoded:
    """Encode one value; raise ``Unserializable`` with the reason when nothing can."""
    check_top_level(obj)
    for _, _, serializer in _entries:
        if serializer.matches(obj):
            encoded = serializer.encode(obj)
            if encoded is not None:
                return encoded
    raise Unserializable(
        f"no serializer accepts {qualified_name(type(obj))}", qualified_name(type(obj))
    )


def decode(
    kind: str,
    meta: dict[str, Any],
    buffers: Buffers,
    *,
    allow_untrusted: bool = False,
) -> Any:
    """Rebuild a value from ``encode``'s output; pickle kinds need ``allow_untrusted``.

    Pass ``bytearray`` (or writable memoryview) buffers to get mutable arrays without a copy.
    """
    serializer = _by_kind.get(kind) if isinstance(kind, str) else None
    if serializer is None:
        raise UnknownKind(f"no serializer for kind {kind!r} (is a plugin missing?)")
    if serializer.always_needs_trust and not allow_untrusted:
        raise UntrustedPickle(kind)
    if not isinstance(meta, dict):
        raise MalformedValue(kind, "its header is not an object")
    try:
        return serializer.decode(kind, meta, buffers, allow_untrusted=allow_untrusted)
    except (NbVersionError, ImportError, MemoryError):
        raise
    except Exception as err:  # crafted meta: a clear error, never a traceback
        if allow_untrusted and serializer.always_needs_trust:
            raise  # the user's own pickle failing: its own error says most
        raise MalformedValue(kind, f"{type(err).__name__}: {err}") from None
