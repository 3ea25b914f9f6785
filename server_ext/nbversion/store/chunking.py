"""Fixed-size chunking of large buffers and the chunk-list object format.

Array and columnar buffers are edited in place or grow at the end, so fixed-size
chunks keep every unchanged chunk byte-identical (see docs/store.md for the
measurements behind fixed 4 MiB chunks rather than content-defined chunking).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

#: Chunk size for :meth:`ObjectStore.put_buffer` (4 MiB: ~256 objects per GB).
CHUNK_SIZE = 4 << 20
#: Every chunk-list object's content starts with this line.
_OID = re.compile(r"^[0-9a-f]{64}$")
CHUNK_LIST_MAGIC = b"nbversion-chunk-list\n"


@dataclass(frozen=True)
class ChunkList:
    """A buffer as an ordered list of (oid, size) chunks."""

    size: int
    chunks: tuple[tuple[str, int], ...]

    def encode(self) -> bytes:
        """Canonical bytes of the chunk list (same list -> same oid)."""
        body = {"size": self.size, "chunks": [[oid, n] for oid, n in self.chunks]}
        return CHUNK_LIST_MAGIC + json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def decode(cls, data: bytes) -> ChunkList:
        """Parse chunk-list bytes; raises ValueError when they are not one."""
        if not data.startswith(CHUNK_LIST_MAGIC):
            raise ValueError("not a chunk list")
        try:
            body = json.loads(data[len(CHUNK_LIST_MAGIC) :])
            chunks = tuple((str(oid), int(n)) for oid, n in body["chunks"])
            size = int(body["size"])
        except (KeyError, TypeError, RecursionError) as err:
            raise ValueError(f"malformed chunk list ({type(err).__name__})") from None
        if size < 0 or any(n < 0 or not _OID.match(oid) for oid, n in chunks):
            raise ValueError("a chunk list names a bad object id or size")
        if sum(n for _, n in chunks) != size:
            raise ValueError("chunk sizes do not add up to the buffer size")
        return cls(size=size, chunks=chunks)


def is_chunk_list(data: bytes) -> bool:
    """True when ``data`` (or its first bytes) is a chunk list."""
    return data.startswith(CHUNK_LIST_MAGIC)


def split(view: memoryview, chunk_size: int = CHUNK_SIZE) -> Iterator[memoryview]:
    """Zero-copy fixed-size slices of ``view`` (the last may be shorter)."""
    for start in range(0, len(view), chunk_size):
        yield view[start : start + chunk_size]
