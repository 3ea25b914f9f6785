"""Packs: many small encoded variables in one store object.

A notebook with 10,000 small variables used to cost three objects per variable (the
header JSON, a one-chunk buffer and its chunk list), each an fsynced file: seconds per
save. A save now puts every small encoding it writes into one **pack**: an ordinary
object (content-addressed, immutable, verified on read) whose bytes are
``b"nbversion-pack\\n"`` followed by the encodings back to back. A packed variable record
names the pack as its ``oid``, has no ``buffers``, and lists its slices of the pack:

    {"oid": <pack>, "buffers": [], "pack": [[off, len], [off, len], ...], ...}

The first slice is the header JSON (``{kind, meta}``, exactly the bytes ``put_json``
would store), the others the value's buffers in order. A pack is just an object, so
``Manifest.object_ids()`` names it like any other, and gc, fsck, push, pull and evict
keep it while any version needs it. Records never refer to a pack by anything but its
oid, so a pack that several versions share (unchanged variables keep their record) is
kept until the last of them goes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..errors import CorruptObject
from .fsutil import Buffer
from .objects import ObjectStore, byte_view, hash_bytes
from .records import VariableRecord

PACK_MAGIC = b"nbversion-pack\n"
#: An encoding (header + buffers) up to this size goes into a pack, not objects of its own.
PACK_LIMIT = 64 << 10
#: A pack is closed once it reaches this size (a save may write several).
PACK_TARGET = 4 << 20


def is_packed(rec: VariableRecord) -> bool:
    """Whether a variable record points into a pack."""
    return "pack" in rec


def header_bytes(header: Any) -> bytes:
    """The canonical JSON of a header, as :meth:`ObjectStore.put_json` stores it."""
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


class PackWriter:
    """Collects small encodings during a save; :meth:`flush` writes them as packs."""

    def __init__(self, objects: ObjectStore) -> None:
        self.objects = objects
        self._parts: list[bytes | memoryview] = [PACK_MAGIC]
        self._size = len(PACK_MAGIC)
        self._records: list[VariableRecord] = []
        self.packs: list[str] = []

    def add(self, record: VariableRecord, header: bytes, buffers: Sequence[Buffer]) -> None:
        """Queue ``record``'s encoding; its ``oid``, ``buffers`` and ``pack`` are set by flush."""
        slices = []
        parts: list[bytes | memoryview] = [header, *map(byte_view, buffers)]
        for part in parts:
            n = len(part)
            slices.append([self._size, n])
            self._parts.append(part)
            self._size += n
        record["pack"] = slices
        self._records.append(record)
        if self._size >= PACK_TARGET:
            self._write()

    def _write(self) -> None:
        if not self._records:
            return
        oid = self.objects.put_bytes(b"".join(self._parts))
        for record in self._records:
            record["oid"] = oid
            record["buffers"] = []
        self.packs.append(oid)
        self._parts, self._size, self._records = [PACK_MAGIC], len(PACK_MAGIC), []

    def flush(self) -> list[str]:
        """Write what is queued; returns the oids of every pack this writer wrote."""
        self._write()
        return self.packs


def slice_problem(rec: VariableRecord, pack_size: int) -> str | None:
    """Why a packed record's slices do not fit its pack (None: they do)."""
    slices = rec.get("pack")
    if not isinstance(slices, list) or not slices:
        return "pack slices must be a non-empty list of [offset, length]"
    for i, s in enumerate(slices):
        ok = (
            isinstance(s, list)
            and len(s) == 2
            and all(isinstance(x, int) and x >= 0 for x in s)
            and s[0] >= len(PACK_MAGIC)
            and s[0] + s[1] <= pack_size
        )
        if not ok:
            return f"pack slice {i} {s!r} lies outside the pack ({pack_size} bytes)"
    return None


class RecordReader:
    """Reads variable records' headers and buffers, each pack once (a per-call cache)."""

    def __init__(self, objects: ObjectStore) -> None:
        self.objects = objects
        self._packs: dict[str, bytes] = {}

    def forget(self, keep: int = 0) -> None:
        """Drop cached packs once more than ``keep`` are held (bounds a long scan's memory)."""
        if len(self._packs) > keep:
            self._packs.clear()

    def _pack(self, oid: str) -> bytes:
        data = self._packs.get(oid)
        if data is None:
            data = self.objects.get_bytes(oid)
            if not data.startswith(PACK_MAGIC):
                raise CorruptObject(oid, "a record points into it, but it is not a pack")
            self._packs[oid] = data
        return data

    def _slices(self, rec: VariableRecord) -> tuple[bytes, list[list[int]]]:
        oid = rec["oid"]
        data = self._pack(oid)
        problem = slice_problem(rec, len(data))
        if problem is not None:
            raise CorruptObject(oid, problem)
        return data, rec["pack"]

    def header(self, rec: VariableRecord) -> Any:
        """The record's ``{kind, meta}`` header."""
        if not is_packed(rec):
            return self.objects.get_json(rec["oid"])
        data, slices = self._slices(rec)
        off, n = slices[0]
        try:
            return json.loads(data[off : off + n])
        except ValueError as err:
            raise CorruptObject(rec["oid"], f"pack header slice is not JSON ({err})") from None

    def buffers(self, rec: VariableRecord) -> list[bytearray]:
        """The record's buffers (writable copies; packed ones are small)."""
        if not is_packed(rec):
            return [self.objects.get_buffer(b) for b in rec.get("buffers", [])]
        data, slices = self._slices(rec)
        view = memoryview(data)
        return [bytearray(view[off : off + n]) for off, n in slices[1:]]

    def content_ids(self, rec: VariableRecord) -> tuple[str, list[str]]:
        """BLAKE3 of the header and of each buffer: what a record holds, wherever it lives.

        Two records with equal content ids hold the same encoding, whether packed (in
        whichever pack) or stored as objects of their own.
        """
        if not is_packed(rec):
            return rec["oid"], list(rec.get("buffers", []))
        data, slices = self._slices(rec)
        view = memoryview(data)
        ids = [hash_bytes(view[off : off + n]) for off, n in slices]
        return ids[0], ids[1:]
