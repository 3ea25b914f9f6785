"""Helpers for capture tests: a round trip through bytes, as the store would give them back."""

from __future__ import annotations

from typing import Any

from nbversion.capture import Encoded, decode, encode


def as_stored(enc: Encoded) -> list[bytes]:
    """The buffers as immutable bytes, detached from the live object."""
    return [bytes(b) for b in enc.buffers]


def roundtrip(obj: Any, *, allow_untrusted: bool = False) -> tuple[Encoded, Any]:
    """Encode, copy the buffers out, decode."""
    enc = encode(obj)
    return enc, decode(enc.kind, enc.meta, as_stored(enc), allow_untrusted=allow_untrusted)
