"""A git repository as a remote (``git+`` URLs): a real bare repository on disk.

Versions, branches and tags round-trip through a branch ``nbversion`` of the repository;
``git push`` without force is the compare-and-swap, so a teammate moving the same branch
means "fetch first" and one moving another branch does not.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from nbversion import remote
from nbversion.errors import Conflict, InvalidInput
from nbversion.remote.gitremote import GitError, GitRemote
from nbversion.store import Repository
from nbversion.store.refs import HEADS, TAGS

from .conftest import save_state

NB = "analysis.ipynb"
A, B = "a" * 64, "b" * 64


@pytest.fixture
def bare(tmp_path: Path) -> str:
    path = tmp_path / "team.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(path)], check=True)
    return f"git+{path}"


def _branches(url: str) -> str:
    path = url.removeprefix("git+")
    out = subprocess.run(["git", "-C", path, "branch", "--list"], capture_output=True,
                         text=True, check=True)  # fmt: skip
    return out.stdout.strip()


def test_round_trip_every_branch_and_tag_then_fetch_first(
    project: Repository, bare: str, tmp_path: Path
) -> None:
    nb = project.notebook_id(NB)
    first = project.refs.get(nb, HEADS, "main")
    assert first is not None
    project.refs.set_if_equals(nb, HEADS, "exp", None, first)
    project.refs.set_if_equals(nb, TAGS, "v1", None, first)
    spec = remote.add_remote(project.store_dir, "origin", bare)
    assert spec.url == bare
    pushed = remote.push(project, spec)
    assert {label.split("/", 1)[1] for label in pushed.refs_updated} == {
        "heads/main", "heads/exp", "tags/v1"
    }  # fmt: skip
    assert _branches(bare) == "nbversion"  # the project's own branches are not touched
    assert remote.push(project, spec).refs_updated == {}  # nothing new: nothing pushed

    bob, result = remote.clone(bare, tmp_path / "bob")
    with bob:
        assert result.versions_fetched == 2
        assert bob.refs.get(nb, TAGS, "v1") == first
        for vid in (first, bob.refs.get(nb, HEADS, "main")):  # the data came too
            assert vid is not None
            assert all(bob.objects.has(oid) for oid in bob.versions.read(vid).object_ids())
        theirs = save_state(bob, NB, {"b": 1}, "bob's")
        remote.push(bob, remote.get_remote(bob.store_dir, "origin"))

    save_state(project, NB, {"a": 1}, "alice's")
    with pytest.raises(Conflict, match="fetch first") as refused:
        remote.push(project, spec)
    assert refused.value.details["reason"] == "fetch-first"
    assert refused.value.details["theirs"] == theirs
    remote.pull(project, spec)
    assert project.refs.get(nb, HEADS, "origin/main") == theirs


def test_another_branch_moved_meanwhile_is_no_conflict_the_same_branch_is(bare: str) -> None:
    spec = remote.RemoteSpec("origin", bare)
    nb = "nb-1"
    alice, bob = GitRemote(spec), GitRemote(spec)  # both read the (empty) branch
    alice.ensure_initialized()
    bob.ensure_initialized()
    bob.swap_ref(nb, HEADS, "bobs", None, B, "push")
    alice.swap_ref(nb, HEADS, "alices", None, A, "push")  # refused once, redone on top
    check = GitRemote(spec)
    assert check.refs() == {(nb, HEADS, "bobs"): B, (nb, HEADS, "alices"): A}
    assert check.cas == "git-push"

    late = GitRemote(spec)
    check.swap_ref(nb, HEADS, "alices", A, B, "push")
    with pytest.raises(Conflict, match="changed while we pushed"):
        late.swap_ref(nb, HEADS, "alices", A, A[:-1] + "c", "push")
    assert GitRemote(spec).get_ref(nb, HEADS, "alices") == B


def test_an_unreachable_repository_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match=r"git ls-remote failed: .*does not appear to be a git"):
        GitRemote(remote.RemoteSpec("origin", f"git+{tmp_path / 'missing.git'}"))
    with pytest.raises(InvalidInput, match="git repository"):
        remote.check_remote("ext::sh -c touch% /tmp/x", kind="git")
