"""The variable record: what a manifest says about one saved kernel variable.

``Manifest.variables`` maps names to :class:`VariableRecord`, so strict mypy checks every
read and write of a record (a typo such as ``rec["fingerprnt"]`` fails ``make lint``).
A TypedDict checks nothing at run time, and manifests arrive from shared folders, buckets,
bundles and git, so :func:`variable_problem` is the run-time half: a manifest validates
each record with it before any code sees the record as typed (``Manifest.validate``).

The keys are those the capture writes (``kernel/snapshot.py``, ``kernel/imports.py``,
``store/packs.py``); ``docs/manifest.schema.json`` documents them. Unknown keys are
allowed (the schema lets serializers add metadata) and are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

if TYPE_CHECKING:  # at run time the annotations stay strings (Python 3.10 lacks NotRequired)
    from typing import NotRequired

_ID_RE = re.compile(r"^[0-9a-f]{64}$")
_EMPTY: dict[str, Any] = {}


class VariableRecord(TypedDict):
    """One saved variable of a manifest (see docs/manifest.schema.json)."""

    #: the ``{kind, meta}`` header object, or the pack holding header and buffers
    oid: str
    #: serializer kind (``ndarray``, ``arrow``, ``pickle``, ``import``, ...)
    kind: str
    #: qualified Python type name of the value
    type: str
    #: short human-readable description
    summary: str
    #: encoded size in bytes (buffers; 0 for an import reference)
    size: int
    #: chunk-list objects of the value's buffers, in order (``[]`` when packed)
    buffers: NotRequired[list[str]]
    #: slices ``[offset, length]`` of the pack ``oid``: the header, then each buffer
    pack: NotRequired[list[list[int]]]
    #: xxh3-128 of kind, meta and buffers: finds unchanged values without BLAKE3
    fingerprint: NotRequired[str]
    #: same object as this other variable (restored as one object)
    alias_of: NotRequired[str]
    #: decoding runs code (pickle): loads only from trusted versions
    needs_trust: NotRequired[bool]
    #: facts for diffs and the UI (shape, dtype, columns, hyperparameters, ``import``...)
    stats: NotRequired[dict[str, Any]]
    #: variables this value refers to by name (an Axes' figure): restored with it
    refs: NotRequired[list[str]]


def _is_id(value: object) -> bool:
    return isinstance(value, str) and bool(_ID_RE.match(value))


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_slices(value: object) -> bool:
    """A list of ``[offset, length]`` pairs of plain non-negative ints (a hot path)."""
    if not isinstance(value, list):
        return False
    for pair in value:
        if type(pair) is not list or len(pair) != 2:
            return False
        off, n = pair
        if type(off) is not int or type(n) is not int or off < 0 or n < 0:
            return False
    return True


def _is_str(value: object) -> bool:
    return isinstance(value, str)


#: The keys every record has, in the order they are checked.
REQUIRED = ("oid", "kind", "type", "summary", "size")
#: What each key's value must be (all keys, required and optional), and its check.
CHECKS: dict[str, tuple[str, Callable[[object], bool]]] = {
    "oid": ("an object id", _is_id),
    "kind": ("a string", _is_str),
    "type": ("a string", _is_str),
    "summary": ("a string", _is_str),
    "size": ("a non-negative integer", _is_count),
    "buffers": ("a list of object ids", lambda v: isinstance(v, list) and all(map(_is_id, v))),
    "pack": ("a list of [offset, length]", _is_slices),
    "fingerprint": ("a string", _is_str),
    "alias_of": ("a string", _is_str),
    "needs_trust": ("a boolean", lambda v: isinstance(v, bool)),
    "stats": ("an object", lambda v: isinstance(v, dict)),
    "refs": ("a list of strings", lambda v: isinstance(v, list) and all(map(_is_str, v))),
}


def variable_problem(record: object) -> str | None:
    """Why ``record`` is not a valid variable record, or None.

    The answer follows the record's path: ``" lacks ['oid']"``, ``".size must be a
    non-negative integer"`` (a manifest says ``variables.x.size must be ...``).

    Runs for every variable of every manifest read (100,000 of them in a big one), so a
    valid record takes one pass of plain checks; only a bad one is examined key by key
    for the message. Unknown keys pass (serializer metadata).
    """
    if not isinstance(record, dict):
        return " must be an object"
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        return f" lacks {missing}"
    if _valid(record):
        return None
    for key, value in record.items():
        check = CHECKS.get(key)
        if check is not None and not check[1](value):
            return f".{key} must be {check[0]}"
    return None  # pragma: no cover  (_valid and CHECKS say the same)


def _valid(r: dict[str, Any]) -> bool:
    """:data:`CHECKS` on every key of ``r``, unrolled: the path every valid record takes."""
    oid, size = r["oid"], r["size"]
    if not (
        isinstance(oid, str)
        and _ID_RE.match(oid) is not None
        and isinstance(r["kind"], str)
        and isinstance(r["type"], str)
        and isinstance(r["summary"], str)
        and isinstance(size, int)
        and not isinstance(size, bool)
        and size >= 0
    ):
        return False
    if len(r) == len(REQUIRED):
        return True
    v = r.get("buffers", [])
    if not (isinstance(v, list) and all(map(_is_id, v))):
        return False
    if "pack" in r and not _is_slices(r["pack"]):
        return False
    return (
        isinstance(r.get("fingerprint", ""), str)
        and isinstance(r.get("alias_of", ""), str)
        and isinstance(r.get("needs_trust", False), bool)
        and isinstance(r.get("stats", _EMPTY), dict)
        and isinstance(v := r.get("refs", []), list)
        and all(map(_is_str, v))
    )
