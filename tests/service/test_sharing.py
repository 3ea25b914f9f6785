"""Sharing through the service; a push moves the local remote-tracking refs (git-like)."""

from __future__ import annotations

from pathlib import Path

from nbversion.remote import PushResult, add_remote, get_remote, push
from nbversion.remote.push import track_pushed
from nbversion.service import divergence
from nbversion.service.sharing import remotes
from nbversion.store import Repository
from nbversion.store.refs import HEADS, TAGS

NB = "0b7d7e44-1a63-4d4e-9d1c-1f0c8f0a7a11"


def _save(repo: Repository, message: str) -> str:
    oid = repo.objects.put_bytes(b'{"cells": [], "m": "' + message.encode() + b'"}')
    return repo.save(NB, "a.ipynb", oid, message).id


def test_track_pushed_sets_remote_tracking_refs(repo: Repository, tmp_path: Path) -> None:
    a = _save(repo, "a")
    repo.create_tag(NB, "v1", a)
    add_remote(repo.store_dir, "origin", str(tmp_path / "remote"))
    spec = get_remote(repo.store_dir, "origin")
    result = push(repo, spec, notebook=NB)
    moved = result.tracking_updated
    assert moved == {f"{NB}/heads/origin/main": a, f"{NB}/tags/origin/v1": a}
    assert repo.refs.get(NB, HEADS, "origin/main") == a
    assert repo.refs.get(NB, TAGS, "origin/v1") == a
    b = _save(repo, "b")
    assert divergence.branch_status(repo, repo.branches(NB), "main", "origin")["ahead"] == 1
    result = push(repo, spec, notebook=NB, branch="main")
    assert result.tracking_updated == {f"{NB}/heads/origin/main": b}
    repo.refs.set_if_equals(NB, HEADS, "origin/main", b, a)  # as if a pull had not seen b
    assert push(repo, spec, notebook=NB, branch="main").tracking_updated == {
        f"{NB}/heads/origin/main": b  # nothing new to send, yet it records what the remote has
    }
    assert push(repo, spec, notebook=NB, branch="main").tracking_updated == {}
    assert divergence.branch_status(repo, repo.branches(NB), "main", "origin")["ahead"] == 0


def test_track_pushed_reads_unchanged_refs_locally(repo: Repository) -> None:
    a = _save(repo, "a")
    result = PushResult(refs_unchanged=[f"{NB}/heads/main"])
    assert track_pushed(repo, "lake", result) == {f"{NB}/heads/lake/main": a}


def test_remotes_lists_nothing_without_a_store(tmp_path: Path, repo: Repository) -> None:
    assert remotes(tmp_path / "nowhere") == []
    add_remote(repo.store_dir, "origin", str(tmp_path / "r"))
    assert [r["name"] for r in remotes(repo.root)] == ["origin"]


def test_join_signs_only_a_trusted_state(repo: Repository, tmp_path: Path) -> None:
    import pytest

    from nbversion import trust
    from nbversion.errors import NotFound
    from nbversion.service.sharing import join_tracking

    add_remote(repo.store_dir, "origin", str(tmp_path / "remote"))
    with pytest.raises(NotFound, match="pull origin first"):
        join_tracking(repo, NB, "origin", "main")
    base = _save(repo, "base")
    theirs = repo.save(NB, "a.ipynb", repo.objects.put_bytes(b"{}"), "theirs", branch="x",
                       parents=[base]).id  # fmt: skip
    repo.refs.set_if_equals(NB, HEADS, "origin/main", None, theirs)
    mine = _save(repo, "mine")  # diverged from theirs; never signed (not saved by a kernel)
    out = join_tracking(repo, NB, "origin", "main")
    assert repo.versions.read(out["joined"]).parents == [mine, theirs]
    assert not trust.is_trusted(repo.store_dir, out["joined"])
    trust.sign(repo.store_dir, out["joined"])
    mine2 = _save(repo, "mine again")
    repo.refs.set_if_equals(NB, HEADS, "origin/main", theirs, _other(repo, base))
    trust.sign(repo.store_dir, mine2)
    out = join_tracking(repo, NB, "origin", "main")
    assert trust.is_trusted(repo.store_dir, out["joined"])


def _other(repo: Repository, parent: str) -> str:
    oid = repo.objects.put_bytes(b'{"other": 1}')
    return repo.save(NB, "a.ipynb", oid, "other", branch="y", parents=[parent]).id
