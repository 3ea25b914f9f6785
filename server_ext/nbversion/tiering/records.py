"""The eviction record ``.nbversion/evicted``: which objects left the disk, and for where.

One line per object, tab-separated: ``oid  stored-size  remote-name  url  endpoint_url``.
The file is rewritten atomically under a lock (never appended to), so a crash leaves the
old record or the new one. Eviction writes the record *before* deleting the files, so an
object is never gone without a line saying where it lives (a line whose object is still
here is harmless and dropped by the next eviction). Its mere presence turns on fetch on
miss in :class:`nbversion.store.objects.ObjectStore`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..store.fsutil import atomic_write
from ..store.locks import FileLock
from ..store.objects import EVICTED_FILE

HEADER = "# nbversion evicted objects: oid\tsize\tremote\turl\tendpoint_url\n"
_OID = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Evicted:
    """One evicted object: its stored size and the remote (name, URL, endpoint) holding it."""

    oid: str
    size: int
    remote: str
    url: str
    endpoint_url: str = ""

    def line(self) -> str:
        """The record's line in the file."""
        fields = (self.oid, str(self.size), self.remote, self.url, self.endpoint_url)
        return "\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields) + "\n"


def path_of(store_dir: Path) -> Path:
    """Where the record lives."""
    return Path(store_dir) / EVICTED_FILE


def parse(text: str) -> dict[str, Evicted]:
    """Records by oid (malformed lines are skipped: the file is only ever machine-written)."""
    out: dict[str, Evicted] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) != 5 or not _OID.match(parts[0]):
            continue
        try:
            size = int(parts[1])
        except ValueError:
            continue
        out[parts[0]] = Evicted(parts[0], size, parts[2], parts[3], parts[4])
    return out


def load(store_dir: Path) -> dict[str, Evicted]:
    """Every recorded eviction (empty when nothing was ever evicted)."""
    try:
        return parse(path_of(store_dir).read_text())
    except FileNotFoundError:
        return {}


def lock(store_dir: Path) -> FileLock:
    """The lock every writer of the record (and deleter of evicted files) holds."""
    return FileLock(path_of(store_dir))


def write(store_dir: Path, records: Iterable[Evicted]) -> None:
    """Replace the record atomically (call with :func:`lock` held)."""
    body = HEADER + "".join(r.line() for r in sorted(records, key=lambda r: r.oid))
    atomic_write(path_of(store_dir), body.encode(), tmp_dir=Path(store_dir) / "tmp")


def merge(
    store_dir: Path, added: Iterable[Evicted], keep_old: Callable[[Evicted], bool]
) -> dict[str, Evicted]:
    """Old records ``keep_old`` accepts plus ``added``, written back; returns the result."""
    current = {oid: r for oid, r in load(store_dir).items() if keep_old(r)}
    current.update((r.oid, r) for r in added)
    write(store_dir, current.values())
    return current
