"""Push, pull and clone between two real local stores through a folder remote."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import tomllib

from nbversion import remote, trust, versioning
from nbversion.capture import UntrustedPickle
from nbversion.cli import main
from nbversion.errors import Conflict, NbVersionError, NotFound
from nbversion.store import Repository
from nbversion.store.refs import HEADS

from .conftest import Point, load_state, save_state


def _nb(repo: Repository) -> str:
    return repo.refs.notebooks()[0]


@pytest.mark.parametrize("scheme", ["path", "file"])
def test_push_then_clone_restores_identical_values(
    project: Repository, tmp_path: Path, scheme: str
) -> None:
    url = str(tmp_path / "shared") if scheme == "path" else f"file://{tmp_path}/shared"
    spec = remote.add_remote(project.store_dir, "origin", url)
    events: list[remote.ProgressEvent] = []
    res = remote.push(project, spec, progress=events.append)
    nb = _nb(project)
    head = project.refs.get(nb, HEADS, "main")
    assert res.versions_sent == 2
    assert res.refs_updated == {f"{nb}/heads/main": head}
    assert events
    assert events[-1].phase == "versions"
    assert (tmp_path / "shared" / "objects").is_dir()

    again = remote.push(project, spec)  # nothing new: nothing sent
    assert (again.objects_sent, again.versions_sent, again.refs_updated) == (0, 0, {})

    bob, pulled = remote.clone(url, tmp_path / "bob")
    with bob:
        assert pulled.versions_fetched == 2
        assert bob.refs.get(nb, HEADS, "main") == head
        assert bob.refs.get(nb, HEADS, "origin/main") == head
        assert (bob.root / "analysis.ipynb").read_bytes() == (
            project.root / "analysis.ipynb"
        ).read_bytes()
        mine, theirs = load_state(project, head), load_state(bob, head)
        assert np.array_equal(mine["arr"], theirs["arr"])
        assert theirs["p"] == Point(3, 4)
        assert theirs["n"] == 7
        assert bob.fsck().ok


def test_pull_sets_remote_tracking_refs_and_leaves_local_branches(
    project: Repository, tmp_path: Path
) -> None:
    spec = remote.add_remote(project.store_dir, "origin", str(tmp_path / "shared"))
    remote.push(project, spec)
    bob, _ = remote.clone(str(tmp_path / "shared"), tmp_path / "bob")
    nb = _nb(project)
    before = bob.refs.get(nb, HEADS, "main")
    new = save_state(project, "analysis.ipynb", {"z": np.arange(5)}, "third")
    project.create_tag(nb, "v1", new)
    remote.push(project, spec)

    res = remote.pull(bob, remote.get_remote(bob.store_dir, None))
    assert res.versions_fetched == 1
    assert bob.refs.get(nb, HEADS, "origin/main") == new
    assert bob.refs.get(nb, HEADS, "main") == before  # local branch did not move
    assert bob.resolve("origin/main", nb) == new
    assert bob.resolve("origin/v1", nb) == new
    assert np.array_equal(load_state(bob, new)["z"], np.arange(5))
    bob.close()


@dataclass
class Diverged:
    """Alice and Bob each saved on main after a clone; Alice pushed first."""

    bob: Repository
    nb: str
    alice_new: str
    bob_new: str


@pytest.fixture
def diverged(project: Repository, tmp_path: Path) -> Iterator[Diverged]:
    url = str(tmp_path / "shared")
    remote.push(project, remote.add_remote(project.store_dir, "origin", url))
    bob, _ = remote.clone(url, tmp_path / "bob")
    alice_new = save_state(project, "analysis.ipynb", {"a": 1}, "alice's")
    bob_new = save_state(bob, "analysis.ipynb", {"b": 2}, "bob's")
    remote.push(project, remote.get_remote(project.store_dir, "origin"))
    yield Diverged(bob, _nb(project), alice_new, bob_new)
    bob.close()


def test_concurrent_push_is_refused_with_fetch_first(diverged: Diverged) -> None:
    bob, nb, alice_new, bob_new = diverged.bob, diverged.nb, diverged.alice_new, diverged.bob_new
    with pytest.raises(Conflict, match=r"fetch first \(nbversion pull origin\)"):
        remote.push(bob, remote.get_remote(bob.store_dir, "origin"))
    check = remote.RemoteStore(remote.get_remote(bob.store_dir, "origin"))
    assert check.get_ref(nb, HEADS, "main") == alice_new  # alice's push survived

    # after pulling, bob builds on origin/main and his push goes through
    remote.pull(bob, remote.get_remote(bob.store_dir, None))
    bob.refs.set_if_equals(nb, HEADS, "main", bob_new, alice_new)
    on_top = save_state(bob, "analysis.ipynb", {"b": 2}, "bob's, rebased")
    remote.push(bob, remote.get_remote(bob.store_dir, "origin"))
    assert check.get_ref(nb, HEADS, "main") == on_top


def test_best_effort_remote_reports_a_ref_changed_between_write_and_verify(
    project: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remote with no atomic swap still catches a teammate's write when it reads back."""
    spec = remote.add_remote(project.store_dir, "origin", str(tmp_path / "shared"))
    remote.push(project, spec)
    save_state(project, "analysis.ipynb", {"a": 1}, "next")
    monkeypatch.setattr(remote.RemoteStore, "cas", property(lambda self: "best-effort"))
    original = remote.RemoteStore._put
    other = "f" * 64

    def racing(self: remote.RemoteStore, key: str, data: bytes, **kw: Any) -> None:
        original(self, key, data, **kw)
        if key.startswith("refs/"):  # a teammate writes right after us
            original(self, key, f"{other}\n".encode(), **kw)

    monkeypatch.setattr(remote.RemoteStore, "_put", racing)
    with pytest.raises(Conflict, match="changed while we pushed"):
        remote.push(project, spec)


def test_pulled_pickle_needs_trust(project: Repository, tmp_path: Path) -> None:
    url = str(tmp_path / "shared")
    remote.push(project, remote.add_remote(project.store_dir, "origin", url))
    nb = _nb(project)
    head = project.refs.get(nb, HEADS, "main")
    assert head is not None
    trust.sign(project.store_dir, head)  # made here: alice trusts it
    bob, _ = remote.clone(url, tmp_path / "bob")
    assert not trust.is_trusted(bob.store_dir, head)
    with pytest.raises(UntrustedPickle):
        load_state(bob, head, allow_untrusted=trust.is_trusted(bob.store_dir, head))
    ns: dict[str, object] = {}
    from nbversion.kernel import snapshot

    plain = {k: v for k, v in bob.versions.read(head).variables.items() if k == "arr"}
    snapshot.restore(ns, plain, bob.objects, allow_untrusted=False)  # raw arrays load untrusted
    assert "arr" in ns

    assert main(["trust", "origin/main", nb, "--root", str(bob.root)]) == 0
    assert trust.is_trusted(bob.store_dir, head)
    state = load_state(bob, head, allow_untrusted=trust.is_trusted(bob.store_dir, head))
    assert state["p"] == Point(3, 4)
    bob.close()


def test_trusting_an_author_trusts_their_versions_only(project: Repository, tmp_path: Path) -> None:
    url = str(tmp_path / "shared")
    remote.push(project, remote.add_remote(project.store_dir, "origin", url))
    head = project.refs.get(_nb(project), HEADS, "main")
    assert head is not None
    author = project.versions.read(head).author
    who = author.get("email") or author["name"]
    bob, _ = remote.clone(url, tmp_path / "bob")
    mallory = bob.save(
        _nb(project),
        "analysis.ipynb",
        bob.versions.read(head).notebook,
        "x",
        author={"name": "Mallory", "email": "mallory@example.com"},
    )
    assert not trust.is_trusted(bob.store_dir, head)
    assert main(["trust", "--author", who.upper(), "--root", str(bob.root)]) == 0
    assert trust.is_trusted(bob.store_dir, head)  # e-mails compare case-insensitively
    assert not trust.is_trusted(bob.store_dir, mallory.id)
    with pytest.raises(ValueError):
        trust.trust_author(bob.store_dir, "  ")
    # a signature made under another user's secret is not this user's trust
    authors = bob.store_dir / "signatures" / "authors"
    (next(authors.iterdir())).write_text("0" * 64)
    assert not trust.is_trusted(bob.store_dir, head)
    bob.close()


def test_join_after_fetch_first_keeps_both_histories(
    project: Repository, diverged: Diverged
) -> None:
    bob, nb, alice_new, bob_new = diverged.bob, diverged.nb, diverged.alice_new, diverged.bob_new
    spec = remote.get_remote(bob.store_dir, "origin")
    with pytest.raises(Conflict, match="fetch first"):
        remote.push(bob, spec)
    remote.pull(bob, spec)
    assert main(["join", "analysis.ipynb", "origin/main", "--root", str(bob.root)]) == 0
    joined = bob.versions.read(bob.refs.get(nb, HEADS, "main") or "")
    assert joined.parents == [bob_new, alice_new]
    assert joined.variables == bob.versions.read(bob_new).variables  # bob's state kept
    remote.push(bob, spec)
    assert versioning.join(bob, "analysis.ipynb", "origin/main") is None  # nothing left to join
    # alice is behind now: joining fast-forwards her branch, no new version
    remote.pull(project, remote.get_remote(project.store_dir, "origin"))
    assert versioning.join(project, "analysis.ipynb", "origin/main") is None
    assert project.refs.get(nb, HEADS, "main") == joined.id


@pytest.mark.parametrize("where", ["object", "chunk", "manifest"])
def test_tampered_remote_data_is_refused_on_pull(
    project: Repository, tmp_path: Path, where: str
) -> None:
    """Someone edits a file on the shared folder: pull refuses it, names it, shows nothing."""
    url = tmp_path / "shared"
    remote.push(project, remote.add_remote(project.store_dir, "origin", str(url)))
    head = project.refs.get(_nb(project), HEADS, "main") or ""
    manifest = project.versions.read(head)
    arr_oid = manifest.variables["arr"]["buffers"][0]
    if where == "manifest":
        victim, oid = url / "versions" / f"{head}.json", head
        edit = victim.read_bytes().replace(b'"second"', b'"edited"')
    else:
        chunks = list(project.objects.referenced_oids(arr_oid))
        oid = manifest.notebook if where == "object" else chunks[len(chunks) // 2]
        victim = url / "objects" / oid[:2] / oid[2:]
        raw = bytearray(victim.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        edit = bytes(raw)
    victim.chmod(0o644)
    victim.write_bytes(edit)

    bob = Repository.init(tmp_path / "bob")
    spec = remote.add_remote(bob.store_dir, "origin", str(url))
    with pytest.raises(NbVersionError, match=oid[:12]):
        remote.pull(bob, spec)
    assert not bob.versions.has(head)  # no version without its verified data
    if where != "manifest":
        assert not bob.objects.has(oid)  # the bad bytes never got a final name
    assert bob.fsck().ok
    bob.close()


def test_cli_remote_config_and_gitignore(
    project: Repository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = ["--root", str(project.root)]
    assert (
        main(["remote", "add", "team", "s3://bucket/prefix", "--endpoint-url", "http://e", *root])
        == 0
    )
    assert main(["remote", "add", "disk", "shared", *root]) == 0
    config = tomllib.loads((project.store_dir / "config.toml").read_text())
    assert config["remote"]["team"] == {"url": "s3://bucket/prefix", "endpoint_url": "http://e"}
    assert Path(config["remote"]["disk"]["url"]).is_absolute()
    assert "retention" in config  # other tables survive
    assert "objects/" in (project.store_dir / ".gitignore").read_text()
    assert main(["remote", "add", "team", "x", *root]) == 1  # taken
    capsys.readouterr()
    assert main(["remote", "list", "--json", *root]) == 0
    assert set(json.loads(capsys.readouterr().out)) == {"disk", "team"}
    assert main(["remote", "remove", "team", *root]) == 0
    assert list(remote.list_remotes(project.store_dir)) == ["disk"]
    with pytest.raises(NotFound):
        remote.get_remote(project.store_dir, "team")
    (project.store_dir / ".gitignore").unlink()
    assert main(["git-setup", *root]) == 0
    ignore = (project.store_dir / ".gitignore").read_text().split()
    assert {"objects/", "tmp/", "index.sqlite*", "signatures/"} <= set(ignore)


def test_cli_push_pull_clone(
    project: Repository, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = str(tmp_path / "shared")
    root = ["--root", str(project.root)]
    assert main(["remote", "add", "origin", shared, *root]) == 0
    assert main(["push", *root]) == 0
    out = capsys.readouterr()
    assert "pushed to origin" in out.out
    assert "push: " in out.err  # the progress line
    assert main(["clone", shared, str(tmp_path / "carol")]) == 0
    assert main(["pull", "--root", str(tmp_path / "carol")]) == 0
    assert main(["pull", "nowhere", "--root", str(tmp_path / "carol")]) == 1
    assert "no remote 'nowhere'" in capsys.readouterr().err
