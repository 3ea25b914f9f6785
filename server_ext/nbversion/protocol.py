"""The server ↔ kernel seam: typed requests and replies, one wire format, shared constants.

The Jupyter server asks the user's kernel to save, restore or report through a silent
execute request whose user expression calls :func:`nbversion.kernel.remote.handle` with
one JSON document. Both sides import this module, so a request is a dataclass checked by
mypy on the server and rebuilt (and validated) in the kernel; no function name or
positional list is spelled out in strings on either side.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, TypedDict

#: Progress lines the kernel prints on the silent request's stdout (never shown).
PROGRESS_PREFIX = "NBVERSION-PROGRESS "
#: Format of the request document; the kernel refuses others.
WIRE_FORMAT = 1


@dataclass(frozen=True)
class SaveRequest:
    """Save the notebook and the kernel's state (``source``: a file to store instead)."""

    notebook: str
    message: str
    source: str | None = None
    job_id: str | None = None


@dataclass(frozen=True)
class StatusRequest:
    """Auto-save, saves in flight, the last failed save; never loads the extension."""

    notebook: str


@dataclass(frozen=True)
class PreviewRestoreRequest:
    """What restoring ``ref`` (all variables, or ``names``) would change; changes nothing."""

    notebook: str
    ref: str
    names: list[str] | None = None


@dataclass(frozen=True)
class RestoreRequest:
    """Restore ``ref`` in place, first keeping the live state as an undo point."""

    notebook: str
    ref: str
    names: list[str] | None = None
    trust_it: bool = False
    job_id: str | None = None
    undo_message: str | None = None


Request = SaveRequest | StatusRequest | PreviewRestoreRequest | RestoreRequest
_OPS: dict[str, type[Any]] = {
    "save": SaveRequest,
    "status": StatusRequest,
    "preview_restore": PreviewRestoreRequest,
    "restore": RestoreRequest,
}
_NAMES = {cls: op for op, cls in _OPS.items()}


class Reply(TypedDict, total=False):
    """The kernel's answer: ``ok`` with ``result``, or the error's HTTP status and text."""

    ok: bool
    result: Any
    error: str
    status: int
    message: str


class ProtocolError(ValueError):
    """A request or reply that does not follow this module's format."""


def encode_request(request: Request) -> str:
    """The JSON document a request travels as."""
    return json.dumps({"format": WIRE_FORMAT, "op": _NAMES[type(request)],
                       "args": asdict(request)})  # fmt: skip


def decode_request(text: str) -> Request:
    """Rebuild a request from its document, refusing unknown operations and fields."""
    try:
        doc = json.loads(text)
        op, args = doc["op"], doc["args"]
    except (ValueError, KeyError, TypeError) as err:
        raise ProtocolError(f"malformed request ({err})") from None
    if doc.get("format") != WIRE_FORMAT:
        raise ProtocolError(f"request format {doc.get('format')!r}, expected {WIRE_FORMAT}")
    cls = _OPS.get(op) if isinstance(op, str) else None
    if cls is None or not isinstance(args, dict):
        raise ProtocolError(f"unknown operation {op!r}")
    known = {f.name for f in fields(cls)}
    if set(args) - known:
        raise ProtocolError(f"unknown fields {sorted(set(args) - known)} for {op}")
    try:
        request: Request = cls(**args)
    except TypeError as err:
        raise ProtocolError(f"bad arguments for {op}: {err}") from None
    return request


def expression(request: Request) -> str:
    """The user expression that hands ``request`` to the kernel side."""
    return (
        "__import__('nbversion.kernel.remote', fromlist=['remote'])"
        f".handle({encode_request(request)!r})"
    )


def encode_reply(reply: Reply) -> str:
    """The JSON text a reply travels as (read back from ``user_expressions``)."""
    return json.dumps(reply)


def decode_reply(text: str) -> Reply:
    """Parse a reply; raises :class:`ProtocolError` when it is not one."""
    try:
        data = json.loads(text)
    except ValueError as err:
        raise ProtocolError(f"malformed reply ({err})") from None
    if not isinstance(data, dict) or not isinstance(data.get("ok"), bool):
        raise ProtocolError("a reply must be an object with a boolean 'ok'")
    reply: Reply = data  # type: ignore[assignment]
    return reply


def progress_line(done: int, total: int, item: str) -> str:
    """One progress line as the kernel prints it."""
    return PROGRESS_PREFIX + json.dumps({"done": done, "total": total, "item": item}) + "\n"


def parse_progress(line: str) -> tuple[int, int, str] | None:
    """(done, total, item) of a progress line, or None for any other line."""
    if not line.startswith(PROGRESS_PREFIX):
        return None
    try:
        p = json.loads(line[len(PROGRESS_PREFIX) :])
        return int(p["done"]), int(p["total"]), str(p["item"])
    except (ValueError, KeyError, TypeError):
        return None


def cancel_marker(store_dir: Path, job_id: str) -> Path:
    """File the server creates when a job is cancelled or timed out before the kernel ran
    it; the kernel checks it first and answers "cancelled" instead of running late."""
    return store_dir / "tmp" / f"cancelled-{job_id}"
