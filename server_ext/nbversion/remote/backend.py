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

Refs move by compare-and-swap (:meth:`RemoteStore.swap_ref`). How atomic that is depends
on the remote, and :attr:`RemoteStore.cas` says which way it is done (a git repository,
:mod:`.gitremote`, uses ``git-push``):

- ``lock``: a folder remote takes an O_EXCL lock file beside the ref, as the local store
  does, then compares and renames: atomic for every writer that shares the folder.
- ``conditional-put``: an S3 server that honours ``If-Match`` / ``If-None-Match`` on PUT
  (AWS S3 since 2024, SeaweedFS) gets the ref's ETag, compares, and writes only if the ETag
  is still the same: the server refuses the loser of a race (412).
- ``best-effort``: any other store (or an S3 server that ignores the headers, found by a
  probe): read, compare, write, read back. Two writes within milliseconds can still both
  pass; the unique push records under ``logs/`` keep the overwritten head findable.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
from pathlib import Path
from typing import Any

import fsspec

from ..errors import Conflict, InvalidInput, NotFound, StoreError
from ..store.fsutil import atomic_write
from ..store.locks import FileLock
from ..store.manifest import utc_now
from ..store.refs import HEADS, TAGS, check_notebook_id, check_ref_name
from .config import RemoteSpec

MARKER = "NBVERSION-REMOTE"
FORMAT = "1"
_OID = re.compile(r"^[0-9a-f]{64}$")
#: Protocols whose single PUT is atomic (no temp + rename needed).
_OBJECT_STORES = {"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "memory"}


def open_filesystem(url: str, endpoint_url: str = "", profile: str = "") -> tuple[Any, str]:
    """(fsspec filesystem, root path) for a URL; listings are never cached (refs change).

    S3 keys come from the environment, or from the named ``profile`` of ``~/.aws``."""
    options: dict[str, Any] = {"skip_instance_cache": True}
    protocol = url.split("://", 1)[0] if "://" in url else "file"
    if protocol in ("s3", "s3a"):
        options["use_listings_cache"] = False
        if endpoint_url:
            options["client_kwargs"] = {"endpoint_url": endpoint_url}
        if profile:
            options["profile"] = profile
    elif endpoint_url or profile:
        raise InvalidInput("an endpoint or a profile applies to s3:// remotes only")
    fs, root = fsspec.core.url_to_fs(url, **options)
    return fs, str(root).rstrip("/")


class RemoteStore:
    """Objects, manifests and refs of one remote; every method is one or few requests."""

    def __init__(self, spec: RemoteSpec) -> None:
        self.spec = spec
        self.fs, self.root = open_filesystem(spec.url, spec.endpoint_url, spec.profile)
        protocols = self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        self.local = "file" in protocols or "local" in protocols
        self.atomic_put = self.local is False and bool(set(protocols) & _OBJECT_STORES)
        self.s3 = bool(set(protocols) & {"s3", "s3a"})
        self._cas: str | None = None

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

    def _flat_names(self, key: str) -> list[str]:
        """Names directly under ``key`` (a flat folder such as ``versions``).

        One listing, no per-file ``stat``: fsspec's ``find`` asks for details, which on a
        folder remote stats each of 100,000 manifests on every push and pull. ``refresh``:
        never an s3fs listing cached from before a teammate's push.
        """
        base = self._p(key)
        try:
            listed = self.fs.ls(base, detail=False, refresh=True)
        except FileNotFoundError:
            return []
        return [str(p).rstrip("/").rsplit("/", 1)[-1] for p in listed]

    # -- small files beside the versions (team keys and signatures) ---------------------
    def find(self, prefix: str) -> list[str]:
        """Paths under ``prefix`` on the remote, relative to it."""
        return self._find(prefix)

    def get(self, key: str) -> bytes | None:
        """A small file's bytes (None when absent)."""
        return self._get(key)

    def put(self, key: str, data: bytes) -> None:
        """Write a small file (atomically where the remote allows)."""
        self._put(key, data)

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

    def object_sizes(self) -> dict[str, int]:
        """``{oid: stored size}`` of every object here (one recursive listing)."""
        try:
            found = self.fs.find(self._p("objects"), detail=True)
        except FileNotFoundError:
            return {}
        out: dict[str, int] = {}
        for path, info in found.items():
            oid = "".join(str(path).rstrip("/").split("/")[-2:])
            if _OID.match(oid) and info.get("type", "file") == "file":
                out[oid] = int(info.get("size") or 0)
        return out

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
            p[:-5]
            for p in self._flat_names("versions")
            if p.endswith(".json") and _OID.match(p[:-5])
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
        return self._ref_value(self._get(key))

    def set_ref(self, notebook_id: str, kind: str, name: str, value: str, why: str) -> None:
        """Overwrite a remote ref unconditionally (``--force``) and append a push record."""
        key = self._ref_key(notebook_id, kind, name)
        self._put(f"refs/{key}", f"{value}\n".encode())
        self._record(key, None, value, why)

    def swap_ref(
        self, notebook_id: str, kind: str, name: str, expected: str | None, value: str, why: str
    ) -> None:
        """Move a remote ref from ``expected`` (None: absent) to ``value``, or raise Conflict.

        Atomic where the remote allows it (see the module docstring and :attr:`cas`).
        """
        key = self._ref_key(notebook_id, kind, name)
        data = f"{value}\n".encode()
        mode = self.cas
        if mode == "lock":
            ref_path = Path(self._p("refs", key))
            ref_path.parent.mkdir(parents=True, exist_ok=True)
            with FileLock(ref_path):
                self._expect(key, self._ref_value(self._get(f"refs/{key}")), expected)
                self._put(f"refs/{key}", data)
        elif mode == "conditional-put":
            etag, current = self._get_with_etag(f"refs/{key}")
            self._expect(key, self._ref_value(current), expected)
            if not self._conditional_put(f"refs/{key}", data, etag):
                raise Conflict(f"ref {key} changed while we pushed")
        else:
            self._expect(key, self.get_ref(notebook_id, kind, name), expected)
            self._put(f"refs/{key}", data)
            after = self.get_ref(notebook_id, kind, name)
            if after != value:
                raise Conflict(f"ref {key} changed while we pushed (now {(after or '-')[:12]})")
        self._record(key, expected, value, why)

    def flush(self) -> None:
        """Make every write visible (each already is here; a git remote pushes them)."""

    @property
    def cas(self) -> str:
        """How :meth:`swap_ref` is made atomic: lock, conditional-put or best-effort."""
        if self._cas is None:
            if self.local:
                self._cas = "lock"
            elif self.s3 and self._probe_conditional_put():
                self._cas = "conditional-put"
            else:
                self._cas = "best-effort"
        return self._cas

    # -- ref helpers -------------------------------------------------------------------
    @staticmethod
    def _ref_key(notebook_id: str, kind: str, name: str) -> str:
        if kind not in (HEADS, TAGS):
            raise InvalidInput(f"not a ref kind: {kind!r}")
        return f"{check_notebook_id(notebook_id)}/{kind}/{check_ref_name(name)}"

    @staticmethod
    def _ref_value(data: bytes | None) -> str | None:
        value = data.decode(errors="replace").strip() if data else ""
        return value if _OID.match(value) else None

    @staticmethod
    def _expect(key: str, current: str | None, expected: str | None) -> None:
        if current != expected:
            found = current[:12] if current else "nothing"
            raise Conflict(f"ref {key} changed while we pushed (now {found})")

    def _record(self, key: str, old: str | None, new: str, why: str) -> None:
        """Append a uniquely named push record: never overwritten, even by a racing push."""
        self._put(*self._record_file(key, old, new, why))

    @staticmethod
    def _record_file(key: str, old: str | None, new: str, why: str) -> tuple[str, bytes]:
        """(path, bytes) of a push record, named by its time and a random suffix."""
        when = utc_now()
        record = {"old": old, "new": new, "when": when, "why": why}
        stamp = when.replace(":", "").replace(".", "")
        return f"logs/{key}/{stamp}-{secrets.token_hex(4)}.json", json.dumps(record).encode()

    # -- S3 conditional writes ---------------------------------------------------------
    def _bucket_key(self, key: str) -> tuple[str, str]:
        bucket, path, _ = self.fs.split_path(self._p(key))
        return bucket, path

    def _get_with_etag(self, key: str) -> tuple[str | None, bytes | None]:
        """(ETag, bytes) of an object, or (None, None). The ETag is read first, so a
        write between the two reads makes the later conditional PUT fail, never pass."""
        bucket, path = self._bucket_key(key)
        try:
            head = self.fs.call_s3("head_object", Bucket=bucket, Key=path)
        except FileNotFoundError:
            return None, None
        return str(head["ETag"]), self._get(key)

    def _conditional_put(self, key: str, data: bytes, etag: str | None) -> bool:
        """PUT only if the object still has ``etag`` (None: only if absent); False if not."""
        bucket, path = self._bucket_key(key)
        condition = {"IfMatch": etag} if etag is not None else {"IfNoneMatch": "*"}
        try:
            self.fs.call_s3("put_object", Bucket=bucket, Key=path, Body=data, **condition)
        except OSError as err:
            if _precondition_failed(err):
                return False
            raise
        return True

    def _probe_conditional_put(self) -> bool:
        """Does this S3 server honour ``If-None-Match: *``? (Some ignore it silently.)"""
        key = f"tmp/cas-probe-{secrets.token_hex(8)}"
        try:
            if not self._conditional_put(key, b"1", None):
                return False
            return not self._conditional_put(key, b"2", None)
        except OSError:  # 501 NotImplemented and the like: no conditional writes here
            return False
        finally:
            with contextlib.suppress(OSError):
                self.fs.rm_file(self._p(key))


def _precondition_failed(err: BaseException) -> bool:
    """True when an s3fs error is an HTTP 412 (a conditional write lost)."""
    if isinstance(err, FileExistsError):  # s3fs maps If-None-Match failures to this
        return True
    cause = err.__cause__
    response = getattr(cause, "response", None)
    if not isinstance(response, dict):
        return False
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code == "PreconditionFailed" or status == 412
