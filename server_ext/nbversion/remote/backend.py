"""A remote store over fsspec, laid out like the local one.

::

    <url>/NBVERSION-REMOTE              format marker ("1")
    <url>/objects/ab/cdef…              object files as stored locally (codec byte + payload)
    <url>/versions/<id>.json            manifests (canonical JSON, named by their hash)
    <url>/refs/<notebook_id>/heads|tags/<name>   version id + newline
    <url>/logs/<notebook_id>/heads|tags/<name>/<time>-<rand>.json   one record per push

Object stores (S3, GCS, Azure) make a PUT visible only when complete; for a local or
mounted folder every write goes to ``tmp/`` and is renamed into place, so an interrupted
transfer never leaves a partial file under a final name.
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path
from typing import Any

import fsspec

from ..errors import InvalidInput, NotFound, StoreError
from ..store.fsutil import atomic_write
from ..store.manifest import utc_now
from ..store.refs import HEADS, TAGS, check_notebook_id, check_ref_name
from .config import RemoteSpec

MARKER = "NBVERSION-REMOTE"
FORMAT = "1"
_OID = re.compile(r"^[0-9a-f]{64}$")
#: Protocols whose single PUT is atomic (no temp + rename needed).
_OBJECT_STORES = {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "memory"}


def open_filesystem(url: str, endpoint_url: str = "") -> tuple[Any, str]:
    """(fsspec filesystem, root path) for a URL; listings are never cached (refs change)."""
    options: dict[str, Any] = {"skip_instance_cache": True}
    protocol = url.split("://", 1)[0] if "://" in url else "file"
    if protocol in ("s3", "s3a"):
        options["use_listings_cache"] = False
        if endpoint_url:
            options["client_kwargs"] = {"endpoint_url": endpoint_url}
    elif endpoint_url:
        raise InvalidInput("--endpoint-url applies to s3:// remotes only")
    fs, root = fsspec.core.url_to_fs(url, **options)
    return fs, str(root).rstrip("/")


class RemoteStore:
    """Objects, manifests and refs of one remote; every method is one or few requests."""

    def __init__(self, spec: RemoteSpec) -> None:
        self.spec = spec
        self.fs, self.root = open_filesystem(spec.url, spec.endpoint_url)
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        self.local = "file" in protocols or "local" in protocols
        self.atomic_put = self.local is False and bool(set(protocols) & _OBJECT_STORES)

    # -- raw access --------------------------------------------------------------------
    def _p(self, *parts: str) -> str:
        return "/".join((self.root, *parts))

    def _put(self, key: str, data: bytes, *, mode: int = 0o644) -> None:
        path = self._p(key)
        if self.local:  # durable temp + fsync + rename, as in the local store
            target = Path(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(self._p("tmp"))
            tmp.mkdir(exist_ok=True)
            atomic_write(target, data, tmp_dir=tmp, mode=mode)
        elif self.atomic_put:
            self.fs.pipe_file(path, data)
        else:
            temp = self._p("tmp", f"{key.replace('/', '_')}.{secrets.token_hex(6)}")
            self.fs.pipe_file(temp, data)
            self.fs.mv(temp, path)

    def _get(self, key: str) -> bytes | None:
        try:
            data: bytes = self.fs.cat_file(self._p(key))
        except FileNotFoundError:
            return None
        return data

    def _find(self, key: str) -> list[str]:
        base = self._p(key)
        try:
            if not self.fs.exists(base):
                return []
            found = self.fs.find(base)
        except FileNotFoundError:
            return []
        return [p[len(base) + 1 :] for p in found]

    # -- format marker -----------------------------------------------------------------
    def ensure_initialized(self) -> None:
        """Write the format marker of a new remote; refuse a remote of another format."""
        found = self._get(MARKER)
        if found is None:
            if self.atomic_put and not self.local:
                self.fs.makedirs(self.root, exist_ok=True)
            self._put(MARKER, f"{FORMAT}\n".encode())
        elif found.strip() != FORMAT.encode():
            raise StoreError(f"remote {self.spec.url} has format {found!r}; expected {FORMAT}")

    def check_initialized(self) -> None:
        """NotFound unless the URL holds an nbversion remote."""
        found = self._get(MARKER)
        if found is None:
            raise NotFound(f"no nbversion remote at {self.spec.url} (push to it first)")
        if found.strip() != FORMAT.encode():
            raise StoreError(f"remote {self.spec.url} has format {found!r}; expected {FORMAT}")

    # -- objects -----------------------------------------------------------------------
    def object_ids(self) -> set[str]:
        """Every object id on the remote (one listing)."""
        return {p.replace("/", "") for p in self._find("objects") if _OID.match(p.replace("/", ""))}

    def has_object(self, oid: str) -> bool:
        """True when the object exists on the remote (one request)."""
        return bool(self.fs.exists(self._p("objects", oid[:2], oid[2:])))

    def put_object(self, oid: str, raw: bytes) -> None:
        """Upload an object file's bytes (codec byte + payload) under its id."""
        self._put(f"objects/{oid[:2]}/{oid[2:]}", raw, mode=0o444)

    def get_object(self, oid: str) -> bytes:
        """An object file's bytes (unverified: the caller rehashes)."""
        data = self._get(f"objects/{oid[:2]}/{oid[2:]}")
        if data is None:
            raise NotFound(f"object {oid} is missing on remote {self.spec.name}")
        return data

    # -- manifests ---------------------------------------------------------------------
    def version_ids(self) -> set[str]:
        """Every manifest id on the remote."""
        return {
            p[:-5] for p in self._find("versions") if p.endswith(".json") and _OID.match(p[:-5])
        }

    def put_version(self, vid: str, raw: bytes) -> None:
        """Upload a manifest's canonical bytes."""
        self._put(f"versions/{vid}.json", raw, mode=0o444)

    def get_version(self, vid: str) -> bytes | None:
        """A manifest's bytes (unverified), or None when the remote lacks it."""
        return self._get(f"versions/{vid}.json")

    # -- refs --------------------------------------------------------------------------
    def refs(self) -> dict[tuple[str, str, str], str]:
        """``{(notebook_id, kind, name): version id}`` of every valid ref on the remote."""
        out: dict[tuple[str, str, str], str] = {}
        for rel in self._find("refs"):
            parts = rel.split("/")
            if len(parts) < 3 or parts[1] not in (HEADS, TAGS):
                continue
            nb, kind, name = parts[0], parts[1], "/".join(parts[2:])
            value = self.get_ref(nb, kind, name)
            if value is not None:
                out[(nb, kind, name)] = value
        return out

    def get_ref(self, notebook_id: str, kind: str, name: str) -> str | None:
        """A remote ref's version id (None if absent or malformed)."""
        try:
            key = f"refs/{check_notebook_id(notebook_id)}/{kind}/{check_ref_name(name)}"
        except InvalidInput:
            return None
        data = self._get(key)
        value = data.decode(errors="replace").strip() if data else ""
        return value if _OID.match(value) else None

    def set_ref(self, notebook_id: str, kind: str, name: str, value: str, why: str) -> None:
        """Overwrite a remote ref and append a push record (see push.py for the CAS)."""
        check_notebook_id(notebook_id)
        check_ref_name(name)
        key = f"{notebook_id}/{kind}/{name}"
        self._put(f"refs/{key}", f"{value}\n".encode())
        record = {"new": value, "when": utc_now(), "why": why}
        stamp = record["when"].replace(":", "").replace(".", "")
        self._put(f"logs/{key}/{stamp}-{secrets.token_hex(4)}.json", json.dumps(record).encode())
