"""Version signatures: which versions this user made, so their pickles may load unasked.

Loading a pickle runs code. Like Jupyter's notebook trust, every version saved on this
machine is signed with an HMAC under a per-user secret; a version without a valid
signature (a teammate's, a pulled or imported one) loads pickled objects only after the
user trusts it explicitly (``%version trust REF`` / ``nbversion trust REF``), which signs it.
Signing the version id is enough: the id is the BLAKE3 of the manifest, and the manifest
names every object by its hash, so the signature covers all content.

A user may also trust an author (``nbversion trust --author EMAIL``): every version whose
manifest names that author then loads unasked. That is a convenience for a team that
shares one remote it controls, not a proof of origin: the author field is written by
whoever made the version, so trust an author only on a remote only your team can write.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from .store.fsutil import atomic_write
from .store.records import VariableRecord

SIGNATURES_DIR = "signatures"
AUTHORS_DIR = "authors"
KEYS_DIR = "keys"


def secret_path() -> Path:
    """Where the per-user secret lives (overridable for tests with NBVERSION_SECRET_FILE)."""
    override = os.environ.get("NBVERSION_SECRET_FILE")
    if override:
        return Path(override)
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "nbversion" / "secret"


def _secret() -> bytes:
    path = secret_path()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, key)
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
        return key
    except FileExistsError:  # pragma: no cover - lost a race with another process
        return path.read_bytes()


def signature(version_id: str) -> str:
    """HMAC-SHA256 of a version id under this user's secret."""
    return hmac.new(_secret(), version_id.encode(), hashlib.sha256).hexdigest()


def sign(store_dir: Path, version_id: str) -> None:
    """Record that this user trusts ``version_id`` (made it, or chose to trust it)."""
    target = store_dir / SIGNATURES_DIR / version_id
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, signature(version_id).encode())


def is_trusted(store_dir: Path, version_id: str) -> bool:
    """True when the version carries this user's valid signature, the signature of a
    teammate's key this user trusts (:mod:`.teamtrust`), or a trusted author."""
    if _valid(store_dir / SIGNATURES_DIR / version_id, version_id):
        return True
    keys = (store_dir / SIGNATURES_DIR / KEYS_DIR).is_dir()
    authors = (store_dir / SIGNATURES_DIR / AUTHORS_DIR).is_dir()
    if not (keys or authors):
        return False  # no key or author trusted: no need to read the manifest
    who = _manifest_author(store_dir, version_id)
    email, name = who.get("email", "").strip(), who.get("name", "").strip()
    if keys and email:
        from .teamtrust import signed_by_trusted_key

        if signed_by_trusted_key(store_dir, version_id, email, is_trusted_key) is not None:
            return True
    author = email or name
    return authors and bool(author) and is_trusted_author(store_dir, author)


def _valid(path: Path, payload: str) -> bool:
    try:
        recorded = path.read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return False
    return hmac.compare_digest(recorded, signature(payload))


def _manifest_author(store_dir: Path, version_id: str) -> dict[str, str]:
    """The ``{name, email}`` strings a version's manifest gives as its author ({} if none)."""
    try:
        raw = (store_dir / "versions" / f"{version_id}.json").read_bytes()
        who = json.loads(raw).get("author") or {}
    except (OSError, ValueError, AttributeError, RecursionError):
        return {}
    if not isinstance(who, dict):
        return {}
    return {k: v for k in ("name", "email") if isinstance(v := who.get(k), str)}


def trust_key(store_dir: Path, key_id: str, email: str) -> None:
    """Trust a teammate's key for versions whose author is ``email`` (a local record)."""
    target = store_dir / SIGNATURES_DIR / KEYS_DIR / key_id
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, signature(_key_payload(key_id, email)).encode())


def untrust_key(store_dir: Path, key_id: str) -> bool:
    """Stop trusting a key here; True when it was trusted."""
    try:
        (store_dir / SIGNATURES_DIR / KEYS_DIR / key_id).unlink()
    except FileNotFoundError:
        return False
    return True


def is_trusted_key(store_dir: Path, key_id: str, email: str) -> bool:
    """True when this user trusts ``key_id`` as the key of ``email``."""
    path = store_dir / SIGNATURES_DIR / KEYS_DIR / key_id
    return _valid(path, _key_payload(key_id, email))


def _key_payload(key_id: str, email: str) -> str:
    return f"key:{key_id}:{email.strip().lower()}"


def _author_key(author: str) -> str:
    return hashlib.sha256(author.strip().lower().encode()).hexdigest()


def trust_author(store_dir: Path, author: str) -> None:
    """Trust every version whose manifest names ``author`` (an e-mail or a name)."""
    if not author.strip():
        raise ValueError("an author to trust must not be empty")
    target = store_dir / SIGNATURES_DIR / AUTHORS_DIR / _author_key(author)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, signature("author:" + author.strip().lower()).encode())


def is_trusted_author(store_dir: Path, author: str) -> bool:
    """True when this user chose to trust ``author``."""
    key = store_dir / SIGNATURES_DIR / AUTHORS_DIR / _author_key(author)
    return _valid(key, "author:" + author.strip().lower())


def runs_code(
    record: VariableRecord, variables: Mapping[str, VariableRecord] | None = None
) -> bool:
    """Whether loading a saved variable runs code (pickle, cloudpickle, ...), so needs trust.

    A kind that always runs code (pickle) needs trust whatever the record says; others as
    recorded at save time (``needs_trust``: a skops model holding unreviewed types). An
    alias is judged by the variable it aliases. An unknown kind is assumed to run code.
    The record is only a hint for what to hold back: decoders check the bytes themselves.
    """
    target = record.get("alias_of")
    if variables is not None and target is not None and target in variables:
        record = variables[target]
    from .capture.registry import serializers

    kind = record["kind"]
    for serializer in serializers():
        if kind in (serializer.kind, *serializer.extra_kinds):
            return bool(serializer.always_needs_trust) or record.get("needs_trust") is True
    return True
