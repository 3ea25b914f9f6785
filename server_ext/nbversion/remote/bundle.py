"""Bundles: one file (a tar) carrying versions and every object they need.

Members, in order: ``NBVERSION-BUNDLE`` (JSON: format, refs), ``objects/<oid>`` (object
files as stored) and ``versions/<id>.json``. Import never extracts by name: each member
must be a regular file whose name matches one of those patterns, is read into memory
within the limits, verified (hash, schema) and written through the store's atomic writes.
"""

from __future__ import annotations

import io
import json
import os
import re
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..errors import InvalidInput, NbVersionError
from ..store import Repository
from ..store.fsutil import append_line
from ..store.manifest import Manifest
from ..store.refs import TAGS
from .transfer import (
    ancestry,
    parse_manifest,
    read_object_file,
    store_manifest,
    store_object,
    verify_object,
)

HEADER = "NBVERSION-BUNDLE"
FORMAT = 1
_OBJECT = re.compile(r"^objects/([0-9a-f]{64})$")
_VERSION = re.compile(r"^versions/([0-9a-f]{64})\.json$")


class BundleError(InvalidInput):
    """A bundle is malformed, hostile or over a limit (the message says which)."""


@dataclass(frozen=True)
class Limits:
    """Import limits: a decompression-bomb and resource guard."""

    max_total_bytes: int = 64 << 30
    max_members: int = 1_000_000
    max_member_bytes: int = 4 << 30
    #: member bytes per byte of bundle file (only a compressed tar can exceed ~1)
    max_ratio: float = 50.0


@dataclass
class ImportResult:
    """Versions and objects a bundle added, and the tags it created."""

    versions: list[str] = field(default_factory=list)
    objects_added: int = 0
    objects_present: int = 0
    tags: dict[str, str] = field(default_factory=dict)


def export_bundle(
    repo: Repository, version_ids: list[str], out: str | os.PathLike[str], *, history: bool = False
) -> dict[str, int]:
    """Write the versions (with ``history``, every ancestor too) and their objects."""
    vids: dict[str, None] = {}
    for vid in version_ids:
        for v in sorted(ancestry(repo, vid)) if history else [vid]:
            vids[v] = None
    manifests = [repo.versions.read(v) for v in vids]
    oids: dict[str, None] = {}
    for m in manifests:
        for oid in m.object_ids():
            oids[oid] = None
            for chunk in repo.objects.referenced_oids(oid):
                oids[chunk] = None
    header = {"format": FORMAT, "versions": list(vids), "refs": version_ids}
    target = Path(out)
    tmp = target.with_name(target.name + ".part")
    size = 0
    with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
        _add(tar, HEADER, json.dumps(header, indent=1).encode())
        for oid in oids:
            size += _add(tar, f"objects/{oid}", read_object_file(repo, oid))
        for m in manifests:
            size += _add(tar, f"versions/{m.id}.json", repo.versions.path(m.id).read_bytes())
    os.replace(tmp, target)
    return {"versions": len(manifests), "objects": len(oids), "bytes": size}


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> int:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o444, int(time.time())
    tar.addfile(info, io.BytesIO(data))
    return len(data)


def _check_member(member: tarfile.TarInfo) -> None:
    name = member.name
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise BundleError(f"bundle member {name!r} has an absolute path")
    if ".." in name.replace("\\", "/").split("/"):
        raise BundleError(f"bundle member {name!r} escapes with '..'")
    if member.issym() or member.islnk():
        raise BundleError(f"bundle member {name!r} is a link (to {member.linkname!r})")
    if member.isdev() or member.isfifo():
        raise BundleError(f"bundle member {name!r} is a device or fifo")
    if not member.isfile():
        raise BundleError(f"bundle member {name!r} is not a regular file")
    if name != HEADER and not (_OBJECT.match(name) or _VERSION.match(name)):
        raise BundleError(f"unexpected bundle member {name!r}")


def import_bundle(
    repo: Repository, path: str | os.PathLike[str], limits: Limits | None = None
) -> ImportResult:
    """Verify every object and manifest of a bundle, add them, tag each ref ``imported/<id>``.

    Objects are verified and stored as they are read (harmless if the import fails later:
    gc removes unreferenced ones); manifests are written only after every object they
    need is present.
    """
    with repo.writing():  # a writer: objects found present must stay until the commit
        return _import(repo, path, limits or Limits())


def _import(repo: Repository, path: str | os.PathLike[str], limits: Limits) -> ImportResult:
    """:func:`import_bundle` with the store lock held SHARED."""
    file_size = max(Path(path).stat().st_size, 1)
    result = ImportResult()
    manifests: dict[str, tuple[bytes, Manifest]] = {}
    header: dict[str, object] | None = None
    count = total = 0
    try:
        tar = tarfile.open(path, "r:*")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as err:
        raise BundleError(f"{path} is not an nbversion bundle ({err})") from None
    with tar:
        try:
            for member in tar:
                count += 1
                if count > limits.max_members:
                    raise BundleError(f"bundle has more than {limits.max_members} members")
                _check_member(member)
                if member.size > limits.max_member_bytes:
                    raise BundleError(f"bundle member {member.name!r} is {member.size} bytes")
                total += member.size
                if total > limits.max_total_bytes:
                    raise BundleError(f"bundle holds more than {limits.max_total_bytes} bytes")
                if total > limits.max_ratio * file_size and total > (1 << 20):
                    raise BundleError(
                        f"bundle expands more than {limits.max_ratio:g}x its size "
                        "(a decompression bomb?)"
                    )
                data = _read(tar.extractfile(member), member.size)
                header = _take(repo, member.name, data, header, manifests, result)
        except (tarfile.TarError, EOFError, OSError) as err:
            raise BundleError(f"bundle {path} is damaged ({err})") from None
    if header is None:
        raise BundleError(f"{path} has no {HEADER} member: not an nbversion bundle")
    _finish(repo, header, manifests, result)
    return result


def _read(stream: IO[bytes] | None, size: int) -> bytes:
    if stream is None:
        raise BundleError("bundle member cannot be read")
    data = stream.read(size + 1)
    if len(data) != size:
        raise BundleError("bundle member is truncated or larger than declared")
    return data


def _take(
    repo: Repository,
    name: str,
    data: bytes,
    header: dict[str, object] | None,
    manifests: dict[str, tuple[bytes, Manifest]],
    result: ImportResult,
) -> dict[str, object] | None:
    """Handle one member; returns the (possibly newly read) header."""
    if name == HEADER:
        try:
            parsed = json.loads(data)
        except ValueError as err:
            raise BundleError(f"bundle header is not JSON ({err})") from None
        except RecursionError:
            raise BundleError("bundle header is JSON nested too deeply") from None
        if not isinstance(parsed, dict) or parsed.get("format") != FORMAT:
            raise BundleError(f"unsupported bundle format (this nbversion reads {FORMAT})")
        return parsed
    if header is None:
        raise BundleError(f"bundle must start with {HEADER}")
    m = _OBJECT.match(name)
    if m:
        oid = m.group(1)
        if repo.objects.has(oid):
            verify_object(oid, data)
            result.objects_present += 1
        else:
            store_object(repo, oid, data)
            result.objects_added += 1
        return header
    vid = name[len("versions/") : -len(".json")]
    manifests[vid] = (data, parse_manifest(vid, data))
    return header


def _finish(
    repo: Repository,
    header: dict[str, object],
    manifests: dict[str, tuple[bytes, Manifest]],
    result: ImportResult,
) -> None:
    for vid, (_raw, manifest) in manifests.items():
        for oid in manifest.object_ids():
            try:
                chunks = repo.objects.referenced_oids(oid)
            except NbVersionError:
                raise BundleError(
                    f"version {vid[:12]} needs object {oid} the bundle lacks"
                ) from None
            missing = [c for c in chunks if not repo.objects.has(c)]
            if missing:
                raise BundleError(f"version {vid[:12]} needs chunk {missing[0]} the bundle lacks")
    for vid, (raw, manifest) in manifests.items():
        store_manifest(repo, vid, raw, manifest)
        result.versions.append(vid)
        for parent in manifest.parents:
            if not repo.versions.has(parent):  # history not shipped: fsck accepts its absence
                append_line(repo.store_dir / "pruned", parent)
    refs = header.get("refs")
    for vid in refs if isinstance(refs, list) else []:
        if not isinstance(vid, str) or vid not in manifests:
            continue
        nb, tag = manifests[vid][1].notebook_id, f"imported/{vid[:12]}"
        if repo.refs.get(nb, TAGS, tag) is None:
            repo.refs.set_if_equals(nb, TAGS, tag, None, vid, why="import")
        result.tags[f"{nb}/{tag}"] = vid
