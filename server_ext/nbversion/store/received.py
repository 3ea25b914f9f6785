"""Object files and manifests as they travel between stores: verify, write, read, walk.

A push, pull, bundle or fetch moves object files as stored (codec byte + payload), so
nothing is recompressed. What arrives is decoded and rehashed before it is written (a
zstd frame's declared size is checked before decompressing, so a hostile object cannot
make the store allocate more than the limit), then written through the object store's
own atomic write under the store lock, or freshened when already here. The layers above
(remote, tiering) call these; none of them writes a store path itself.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

import blake3
import zstandard

from ..errors import CorruptObject, NotFound, StoreError
from .fsutil import atomic_write
from .manifest import Manifest
from .objects import RAW, ZSTD, ObjectStore, check_oid, hash_bytes
from .repository import Repository
from .versions import CorruptManifest

#: Largest object content accepted from elsewhere (chunks are 4 MiB; notebooks are small).
MAX_OBJECT_BYTES = 4 << 30


def verify_file(oid: str, raw: bytes, max_bytes: int = MAX_OBJECT_BYTES) -> int:
    """Decode an object file's bytes and check they hash to ``oid``; returns content size."""
    check_oid(oid)
    if not raw:
        raise CorruptObject(oid, "empty file (no codec header)")
    codec, payload = raw[0], memoryview(raw)[1:]
    if codec == RAW:
        data: bytes | memoryview = payload
    elif codec == ZSTD:
        try:
            size = zstandard.frame_content_size(payload)
            if size < 0 or size > max_bytes:
                raise CorruptObject(oid, f"zstd frame declares {size} bytes (limit {max_bytes})")
            data = zstandard.ZstdDecompressor().decompress(payload, max_output_size=max_bytes)
        except zstandard.ZstdError as err:
            raise CorruptObject(oid, f"zstd payload does not decompress ({err})") from None
    else:
        raise CorruptObject(oid, f"unknown codec byte {codec}")
    actual = hash_bytes(data)
    if actual != oid:
        raise CorruptObject(oid, f"arrived content hashes to {actual[:16]}…")
    return len(data)


def put_file(objects: ObjectStore, oid: str, raw: bytes) -> None:
    """Verify and write an arrived object file (atomic, read-only), or freshen it when it
    is already here as a local save does; under the store lock held SHARED."""
    verify_file(oid, raw)
    path = objects.path(oid)
    with objects.lock.shared():
        if path.exists():
            with contextlib.suppress(OSError):
                os.utime(path)
            return
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, raw, tmp_dir=objects.tmp_dir, mode=0o444)


def get_file(objects: ObjectStore, oid: str) -> bytes:
    """A local object's file bytes as stored, verified (a corrupt object is never sent)."""
    try:
        raw = objects.path(oid).read_bytes()
    except FileNotFoundError:
        raise NotFound(f"object {oid} is missing locally (run `nbversion fsck`)") from None
    verify_file(oid, raw)
    return raw


def parse_manifest(vid: str, raw: bytes) -> Manifest:
    """Verify that manifest bytes hash to ``vid`` and follow the schema."""
    check_oid(vid)
    actual = blake3.blake3(raw).hexdigest()
    if actual != vid:
        raise CorruptManifest(vid, f"arrived content hashes to {actual[:16]}…")
    return Manifest.from_json(raw)


def put_manifest(repo: Repository, vid: str, raw: bytes, manifest: Manifest) -> None:
    """Write verified manifest bytes (exactly as received) and index them."""
    path = repo.versions.path(vid)
    if not path.exists():
        atomic_write(path, raw, tmp_dir=repo.tmp_dir, mode=0o444)
    repo.index.add(manifest)


def history(
    repo: Repository, starts: Iterable[str], unreadable: list[str] | None = None
) -> dict[str, Manifest]:
    """The local manifests of ``starts`` and all their ancestors, each read once.

    With ``unreadable`` given, a manifest that fails to read or validate (one that arrived
    by ``git pull`` is checked only now) is listed there with the reason and skipped, so a
    single hostile or damaged file does not stop the rest; without it, it raises.
    """
    seen: dict[str, Manifest] = {}
    failed: set[str] = set()
    stack = list(starts)
    while stack:
        vid = stack.pop()
        if vid in seen or vid in failed or not repo.versions.has(vid):
            continue
        try:
            seen[vid] = manifest = repo.versions.read(vid)
        except StoreError as err:
            if unreadable is None:
                raise
            failed.add(vid)
            unreadable.append(str(err))
            continue
        stack.extend(manifest.parents)
    return seen
