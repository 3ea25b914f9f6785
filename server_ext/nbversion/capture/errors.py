"""Errors raised while turning kernel variables into bytes and back."""

from __future__ import annotations

from ..errors import Forbidden, InvalidInput, NbVersionError


class Unserializable(NbVersionError):
    """A value cannot be saved; ``reason`` says why in words a user can act on."""

    http_status = 422

    def __init__(self, reason: str, type_name: str = "") -> None:
        self.reason = reason
        self.type_name = type_name
        super().__init__(reason)


class UntrustedPickle(Forbidden):
    """Decoding would run arbitrary code (pickle) and the caller did not allow it."""

    def __init__(self, kind: str, detail: str = "") -> None:
        self.kind = kind
        msg = f"refusing to load a {kind!r} object without trust: it can run arbitrary code"
        if detail:
            msg += f" ({detail})"
        super().__init__(msg)


class UnknownKind(NbVersionError):
    """No registered serializer decodes this kind (a newer nbversion, or a missing plugin)."""

    http_status = 422


class MalformedValue(InvalidInput):
    """A stored value fails validation (sizes, offsets, types): it is damaged or crafted."""

    def __init__(self, kind: str, detail: str) -> None:
        self.kind = kind
        super().__init__(f"the stored {kind!r} value is malformed and was not loaded: {detail}")
