"""Team trust between people: Ed25519 keys published with the versions, trusted per key.

Three users with their own secrets and keys share a folder remote: a teammate's versions
load without a prompt once their key is trusted; a version that claims that author but
is unsigned, or signed by another key, stays untrusted; a revoked key stops working; a
rotated key is trusted again only once the new key is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbversion import remote, teamtrust, trust
from nbversion.cli import main
from nbversion.store import Repository
from nbversion.store.refs import HEADS

from .conftest import Point, notebook_file, save_state

ALICE = {"name": "Alice", "email": "alice@example.com"}


class Users:
    """Switches whose secret and signing key the process uses (as separate machines would)."""

    def __init__(self, base: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.base, self.mp = base, monkeypatch

    def be(self, who: str) -> None:
        self.mp.setenv("NBVERSION_SECRET_FILE", str(self.base / who / "secret"))
        self.mp.delenv("NBVERSION_SIGNING_KEY_FILE", raising=False)


@pytest.fixture
def users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Users:
    return Users(tmp_path / "users", monkeypatch)


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0, capsys.readouterr()
    return capsys.readouterr().out


def test_a_trusted_teammates_key_loads_their_versions(
    tmp_path: Path, users: Users, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(tmp_path / "shared")
    users.be("alice")
    alice = Repository.init(tmp_path / "alice")
    notebook_file(alice.root / "analysis.ipynb")
    v1 = save_state(alice, "analysis.ipynb", {"p": Point(1, 2)}, "alice's run", author=ALICE)
    alice_key = teamtrust.own_key_id(create=False)
    remote.push(alice, remote.add_remote(alice.store_dir, "origin", url))
    nb = alice.refs.notebooks()[0]

    users.be("bob")
    bob, _ = remote.clone(url, tmp_path / "bob")
    assert not trust.is_trusted(bob.store_dir, v1)  # a teammate's pickle: foreign
    listing = json.loads(_cli(capsys, "keys", "--json", "--root", str(bob.root)))
    assert [(k["key"], k["email"], k["trusted"]) for k in listing] == [
        (alice_key, ALICE["email"], False)
    ]
    _cli(capsys, "keys", "--trust", alice_key, "--root", str(bob.root))
    assert trust.is_trusted(bob.store_dir, v1)

    # mallory claims to be alice: unsigned, or signed by her own key, it stays untrusted
    users.be("mallory")
    mallory, _ = remote.clone(url, tmp_path / "mallory")
    parent = mallory.refs.get(nb, HEADS, "main")
    forged = save_state(mallory, "analysis.ipynb", {"p": Point(6, 6)}, "as alice",
                        author=ALICE, parents=[parent])  # fmt: skip
    assert teamtrust.own_key_id(create=False) != alice_key
    unsigned = save_state(mallory, "analysis.ipynb", {"p": Point(7, 7)}, "as alice too",
                          author=ALICE, parents=[forged])  # fmt: skip
    for sig in (mallory.store_dir / "team" / "sigs" / unsigned).iterdir():
        sig.unlink()
    remote.push(mallory, remote.get_remote(mallory.store_dir, "origin"), force=True)

    users.be("bob")
    pulled = remote.pull(bob, remote.get_remote(bob.store_dir, "origin"))
    assert pulled.team_files_fetched >= 2
    assert bob.versions.has(forged)
    assert bob.versions.has(unsigned)
    assert not trust.is_trusted(bob.store_dir, forged)
    assert not trust.is_trusted(bob.store_dir, unsigned)
    assert trust.is_trusted(bob.store_dir, v1)

    # alice rotates her key: the old one is revoked, her versions are signed again
    users.be("alice")
    _cli(capsys, "keys", "--rotate", "--root", str(alice.root))
    new_key = teamtrust.own_key_id(create=False)
    assert new_key != alice_key
    remote.push(alice, remote.get_remote(alice.store_dir, "origin"), force=True)

    users.be("bob")
    remote.pull(bob, remote.get_remote(bob.store_dir, "origin"))
    assert teamtrust.is_revoked(bob.store_dir, alice_key)
    assert not trust.is_trusted(bob.store_dir, v1)  # the revoked key no longer counts
    _cli(capsys, "keys", "--trust", new_key, "--root", str(bob.root))
    assert trust.is_trusted(bob.store_dir, v1)  # ... the new one does
    out = _cli(capsys, "keys", "--root", str(bob.root))
    assert f"{alice_key}" in out
    assert "REVOKED" in out
    for repo in (alice, bob, mallory):
        repo.close()


def test_hostile_team_files_are_refused_on_pull(tmp_path: Path, users: Users) -> None:
    url = tmp_path / "shared"
    users.be("alice")
    alice = Repository.init(tmp_path / "alice")
    notebook_file(alice.root / "analysis.ipynb")
    save_state(alice, "analysis.ipynb", {"x": 1}, "one", author=ALICE)
    remote.push(alice, remote.add_remote(alice.store_dir, "origin", str(url)))
    kid = teamtrust.own_key_id(create=False)
    # a key filed under another key's id, junk where a signature goes, a deep JSON key
    (url / "team" / "keys" / "0123456789abcdef.json").write_bytes(
        (url / "team" / "keys" / f"{kid}.json").read_bytes()
    )
    (url / "team" / "keys" / "fedcba9876543210.json").write_bytes(b"[" * 3000 + b"]" * 3000)
    vid = next((url / "team" / "sigs").iterdir()).name
    (url / "team" / "sigs" / vid / "aaaaaaaaaaaaaaaa").write_bytes(b"not a signature")
    (url / "team" / "evil.py").write_text("print('hi')")
    users.be("bob")
    bob, result = remote.clone(str(url), tmp_path / "bob")
    reasons = " | ".join(result.skipped)
    assert "does not match its id" in reasons
    assert "is malformed" in reasons
    assert "is not a key" in reasons
    assert [k.key_id for k in teamtrust.keys(bob.store_dir)] == [kid]
    assert not (bob.store_dir / "team" / "evil.py").exists()
    bob.close()
    alice.close()
