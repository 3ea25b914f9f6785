"""One exception hierarchy for every layer; front ends map it to HTTP codes or exit codes."""

from __future__ import annotations

from typing import Any


class NbVersionError(Exception):
    """Base of every error nbversion raises on purpose; its message is shown to users.

    ``details`` are facts a front end can word for itself (which field of a form is wrong,
    which branch a push was refused for); the REST layer sends them beside the message.
    """

    #: HTTP status the REST layer answers with for this error.
    http_status: int = 500
    #: Process exit status the CLI ends with for this error.
    exit_code: int = 1

    def __init__(self, *args: object, details: dict[str, Any] | None = None) -> None:
        super().__init__(*args)
        self.details: dict[str, Any] = dict(details or {})


class InvalidInput(NbVersionError):
    """The request or command line is malformed (bad name, bad ref syntax, bad JSON)."""

    http_status = 400
    exit_code = 2


class Forbidden(NbVersionError):
    """The caller may not do this (e.g. a path outside the server root)."""

    http_status = 403


class NotFound(NbVersionError):
    """A version, ref, notebook or object that was asked for does not exist."""

    http_status = 404


class Conflict(NbVersionError):
    """A compare-and-swap lost a race, or a name is already taken."""

    http_status = 409


class Unprocessable(NbVersionError):
    """Well-formed input that cannot be acted on (e.g. restore into a dead kernel)."""

    http_status = 422


class StoreError(NbVersionError):
    """The store on disk is damaged or cannot be written."""

    http_status = 500


class CorruptObject(StoreError):
    """An object's bytes no longer match the hash it is named by."""

    def __init__(self, oid: str, detail: str = "") -> None:
        self.oid = oid
        msg = f"object {oid} is corrupt"
        if detail:
            msg += f": {detail}"
        super().__init__(msg + " (run `nbversion fsck` to find every damaged version)")
