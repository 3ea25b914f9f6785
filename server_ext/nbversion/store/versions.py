"""``versions/<id>.json``: immutable manifest files whose name is the hash of the content."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import blake3

from ..errors import NotFound, StoreError
from .fsutil import atomic_write
from .manifest import Manifest
from .objects import check_oid


class CorruptManifest(StoreError):
    """A manifest file no longer matches its id, or no longer parses."""

    def __init__(self, version_id: str, detail: str) -> None:
        self.version_id = version_id
        super().__init__(
            f"version {version_id} is corrupt: {detail} (run `nbversion fsck` for details)"
        )


class VersionStore:
    """Reads and writes manifests under ``versions/``."""

    def __init__(self, directory: Path, tmp_dir: Path) -> None:
        self.dir = Path(directory)
        self.tmp_dir = Path(tmp_dir)
        #: the last manifest written or read, with its file's (mtime, size): a kernel
        #: reads back the head it just saved before every save (10,000 variables: 0.1 s)
        self._last: tuple[str, tuple[int, int], Manifest] | None = None

    def _stamp(self, version_id: str) -> tuple[int, int] | None:
        try:
            st = self.path(version_id).stat()
        except FileNotFoundError:
            return None
        return st.st_mtime_ns, st.st_size

    def _remember(self, vid: str, manifest: Manifest) -> None:
        stamp = self._stamp(vid)
        self._last = (vid, stamp, manifest) if stamp is not None else None

    def path(self, version_id: str) -> Path:
        """File of a version."""
        return self.dir / f"{check_oid(version_id)}.json"

    def has(self, version_id: str) -> bool:
        """True if the manifest file exists."""
        return self.path(version_id).is_file()

    def write(self, manifest: Manifest) -> str:
        """Write a manifest (read-only, atomic, durable) unless present; returns its id."""
        raw = manifest.to_json()
        vid = blake3.blake3(raw).hexdigest()
        path = self.path(vid)
        if not path.exists():
            atomic_write(path, raw, tmp_dir=self.tmp_dir, mode=0o444)
        if vid == manifest.id:
            self._remember(vid, manifest)
        return vid

    def read(self, version_id: str) -> Manifest:
        """Load and verify a manifest (its hash must equal its id).

        The last manifest written or read is kept and returned again while its file is
        unchanged (same mtime and size): callers must not change a manifest they read.
        """
        last = self._last
        if last is not None and last[0] == version_id and self._stamp(version_id) == last[1]:
            return last[2]
        try:
            raw = self.path(version_id).read_bytes()
        except FileNotFoundError:
            raise NotFound(f"version {version_id} not found") from None
        actual = blake3.blake3(raw).hexdigest()
        if actual != version_id:
            raise CorruptManifest(version_id, f"content hashes to {actual[:16]}…")
        try:
            manifest = Manifest.from_json(raw)
        except StoreError:
            raise
        except Exception as err:
            raise CorruptManifest(version_id, str(err)) from None
        object.__setattr__(manifest, "_id", version_id)  # its bytes were just hashed
        object.__setattr__(manifest, "_json", raw)  # and they are its canonical JSON
        self._remember(version_id, manifest)
        return manifest

    def ids(self) -> Iterator[str]:
        """Every version id on disk."""
        if not self.dir.is_dir():
            return
        for entry in os.scandir(self.dir):
            name = entry.name
            if name.endswith(".json") and len(name) == 69:
                yield name[:-5]

    def delete(self, version_id: str) -> bool:
        """Remove a manifest file (gc only)."""
        self._last = None
        try:
            self.path(version_id).unlink()
        except FileNotFoundError:
            return False
        return True
