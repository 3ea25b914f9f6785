"""Team trust: each user signs their versions with an Ed25519 key; teammates trust the key.

The per-user HMAC of :mod:`.trust` proves "I made this" to its owner only, so every
teammate's version used to need trusting one by one, or by an author field anyone can
write. Here every version saved on this machine also gets a public-key signature, and
the public keys travel with the versions (push, pull, git), so a teammate can trust a
*person's key* once:

* ``team/keys/<key_id>.json``  a published key: ``{name, email, public_key, created}``;
  ``key_id`` is the first 16 hex digits of SHA-256 of the raw public key.
* ``team/sigs/<version_id>/<key_id>``  hex Ed25519 signature of ``nbversion-version-v1:<id>``
  (the id is the manifest's BLAKE3, so the signature covers all its content).
* ``team/revoked/<key_id>``  a revoked key: its signatures no longer count, anywhere.

A version is trusted through a key when a key this user trusts (an HMAC-signed local
record, never shared) signed it, the key is not revoked, and the key was published
for the same e-mail the manifest gives as its author: a version claiming to be by
someone whose key you trust but not signed by that key stays untrusted. Everything read
from ``team/`` may come from anyone and is validated (sizes, hex, ids) before use.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InvalidInput, NotFound
from .store.fsutil import atomic_write

TEAM_DIR = "team"
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_SIG = re.compile(r"^[0-9a-f]{128}$")
MAX_KEY_FILE = 4096
#: ``(store_dir, key_id, email) -> bool``: whether this user trusts a key for that author.
KeyTrust = Callable[[Path, str, str], bool]
_DOMAIN = b"nbversion-version-v1:"


@dataclass(frozen=True)
class TeamKey:
    """A published public key and whom it was published for."""

    key_id: str
    public_key: str  # 64 hex digits (raw Ed25519 public key)
    name: str
    email: str
    created: str

    def to_json(self) -> bytes:
        return json.dumps(
            {"public_key": self.public_key, "name": self.name, "email": self.email,
             "created": self.created}, sort_keys=True
        ).encode()  # fmt: skip


def key_file_path() -> Path:
    """Where this user's private signing key lives (NBVERSION_SIGNING_KEY_FILE overrides)."""
    override = os.environ.get("NBVERSION_SIGNING_KEY_FILE")
    if override:
        return Path(override)
    secret = os.environ.get("NBVERSION_SECRET_FILE")
    if secret:  # the user's secrets live together (tests point both elsewhere at once)
        return Path(secret + ".ed25519")
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "nbversion" / "ed25519"


def _private_key(create: bool = True) -> Any:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_file_path()
    try:
        return Ed25519PrivateKey.from_private_bytes(path.read_bytes())
    except FileNotFoundError:
        if not create:
            raise NotFound("this user has no signing key yet (made at the first save)") from None
    key = Ed25519PrivateKey.generate()
    from cryptography.hazmat.primitives import serialization as ser

    raw = key.private_bytes(ser.Encoding.Raw, ser.PrivateFormat.Raw, ser.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return Ed25519PrivateKey.from_private_bytes(path.read_bytes())
    try:
        os.write(fd, raw)
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def _public_hex(private: Any) -> str:
    from cryptography.hazmat.primitives import serialization as ser

    raw = private.public_key().public_bytes(ser.Encoding.Raw, ser.PublicFormat.Raw)
    return str(raw.hex())


def key_id_of(public_hex: str) -> str:
    """The id a public key is known by: 16 hex digits of its SHA-256."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]


def own_key_id(create: bool = True) -> str:
    """This user's key id (making the key on first use unless ``create`` is False)."""
    return key_id_of(_public_hex(_private_key(create)))


def _team(store_dir: Path, *parts: str) -> Path:
    return store_dir.joinpath(TEAM_DIR, *parts)


def publish_own_key(store_dir: Path, name: str, email: str, created: str) -> str:
    """Write this user's public key into the store's keyring (once); returns its id."""
    private = _private_key()
    public = _public_hex(private)
    kid = key_id_of(public)
    path = _team(store_dir, "keys", f"{kid}.json")
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, TeamKey(kid, public, name, email, created).to_json())
    return kid


def sign_version(store_dir: Path, version_id: str, author: dict[str, str], created: str) -> str:
    """Sign a version made here with this user's key (publishing the key); returns key id."""
    kid = publish_own_key(store_dir, author.get("name", ""), author.get("email", ""), created)
    sig = _private_key().sign(_DOMAIN + version_id.encode())
    path = _team(store_dir, "sigs", version_id, kid)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, sig.hex().encode())
    return kid


# -- reading what anyone may have written ---------------------------------------------------
def read_key(store_dir: Path, key_id: str) -> TeamKey | None:
    """A published key, or None when absent or malformed (it may come from anyone)."""
    if not _KEY_ID.match(key_id):
        return None
    path = _team(store_dir, "keys", f"{key_id}.json")
    return parse_key(key_id, _read_small(path))


def parse_key(key_id: str, raw: bytes | None) -> TeamKey | None:
    """Validate a key file's bytes against the id it is filed under."""
    if raw is None or len(raw) > MAX_KEY_FILE:
        return None
    try:
        data = json.loads(raw)
        public, name, email = data["public_key"], data["name"], data["email"]
        created = str(data.get("created", ""))
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    if not (isinstance(public, str) and _HEX64.match(public)):
        return None
    if not (isinstance(name, str) and isinstance(email, str)) or key_id_of(public) != key_id:
        return None
    return TeamKey(key_id, public, name[:200], email[:200], created[:40])


def _read_small(path: Path, limit: int = MAX_KEY_FILE) -> bytes | None:
    try:
        with path.open("rb") as f:
            return f.read(limit + 1)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def is_revoked(store_dir: Path, key_id: str) -> bool:
    """True when anyone revoked the key (revocation can only take trust away)."""
    return _team(store_dir, "revoked", key_id).exists()


def revoke(store_dir: Path, key_id: str) -> None:
    """Revoke a key in this store (push to tell the team)."""
    if not _KEY_ID.match(key_id):
        raise InvalidInput(f"invalid key id {key_id!r} (16 hex digits)")
    path = _team(store_dir, "revoked", key_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, b"revoked\n")


def keys(store_dir: Path) -> list[TeamKey]:
    """Every well-formed published key in the store's keyring."""
    folder = _team(store_dir, "keys")
    out = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        key = parse_key(path.stem, _read_small(path))
        if key is not None:
            out.append(key)
    return out


def signed_by_trusted_key(
    store_dir: Path, version_id: str, author_email: str, is_trusted_key: KeyTrust
) -> str | None:
    """The id of a trusted, unrevoked key that signed ``version_id`` for ``author_email``.

    ``is_trusted_key(store_dir, key_id, email)`` is this user's choice of keys
    (:func:`nbversion.trust.is_trusted_key`), passed in so this module, below
    :mod:`nbversion.trust`, never imports it.
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    folder = _team(store_dir, "sigs", version_id)
    if not _HEX64.match(version_id) or not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        kid = path.name
        if not _KEY_ID.match(kid) or is_revoked(store_dir, kid):
            continue
        key = read_key(store_dir, kid)
        if key is None or key.email.strip().lower() != author_email.strip().lower():
            continue
        if not is_trusted_key(store_dir, kid, key.email):
            continue
        sig = (_read_small(path, 256) or b"").strip().decode("ascii", "replace")
        if not _SIG.match(sig):
            continue
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(key.public_key)).verify(
                bytes.fromhex(sig), _DOMAIN + version_id.encode()
            )
        except InvalidSignature:
            continue
        return kid
    return None


def team_files_for(store_dir: Path, version_ids: list[str]) -> list[str]:
    """Paths under ``team/`` a push sends: every key and revocation, the versions' sigs."""
    base = _team(store_dir)
    out = [p.relative_to(base).as_posix() for p in sorted((base / "keys").glob("*.json"))]
    out += [p.relative_to(base).as_posix() for p in sorted((base / "revoked").glob("*"))]
    for vid in version_ids:
        folder = base / "sigs" / vid
        if folder.is_dir():
            out += [p.relative_to(base).as_posix() for p in sorted(folder.iterdir())]
    return out


def accept_team_file(store_dir: Path, rel: str, data: bytes) -> str | None:
    """Store one file of a teammate's ``team/`` tree after checking it; returns why not."""
    parts = rel.split("/")
    if len(parts) == 2 and parts[0] == "keys" and parts[1].endswith(".json"):
        kid = parts[1][: -len(".json")]
        if parse_key(kid, data) is None:
            return f"key {kid[:16]!r} is malformed or does not match its id"
    elif len(parts) == 2 and parts[0] == "revoked" and _KEY_ID.match(parts[1]):
        data = b"revoked\n"
    elif len(parts) == 3 and parts[0] == "sigs" and _HEX64.match(parts[1]):
        if not _KEY_ID.match(parts[2]) or not _SIG.match(data.strip().decode("ascii", "replace")):
            return f"signature {rel!r} is malformed"
    else:
        return f"{rel!r} is not a key, a revocation or a signature"
    path = _team(store_dir, *parts)
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data)
    return None


def rotate_key(store_dir: Path) -> tuple[str, str, int]:
    """Retire this user's key for a new one: the old key is revoked in this store, and
    every version the old key signed here is signed again with the new key (push to
    publish both). Returns (old id, new id, versions re-signed)."""
    path = key_file_path()
    old = own_key_id(create=False)
    path.rename(path.with_name(f"{path.name}.retired-{old}"))
    resigned = 0
    sigs = _team(store_dir, "sigs")
    for folder in sorted(sigs.iterdir()) if sigs.is_dir() else []:
        if not (folder / old).is_file() or not _HEX64.match(folder.name):
            continue
        try:
            data = json.loads((store_dir / "versions" / f"{folder.name}.json").read_bytes())
        except (OSError, ValueError):
            continue
        sign_version(store_dir, folder.name, data.get("author") or {}, str(data.get("created")))
        resigned += 1
    new = own_key_id()
    if not resigned:  # nothing signed yet: publish the new key anyway
        publish_own_key(store_dir, "", "", "")
    revoke(store_dir, old)
    return old, new, resigned
