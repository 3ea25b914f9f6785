"""Ahead/behind and provenance from the version graph (no remote is contacted)."""

from __future__ import annotations

from nbversion.service import divergence
from nbversion.store import Repository
from nbversion.store.refs import HEADS

NB = "0b7d7e44-1a63-4d4e-9d1c-1f0c8f0a7a11"


def _save(repo: Repository, message: str, parents: list[str] | None = None,
          branch: str = "main") -> str:  # fmt: skip
    oid = repo.objects.put_bytes(b'{"cells": [], "m": "' + message.encode() + b'"}')
    return repo.save(NB, "a.ipynb", oid, message, branch=branch, parents=parents).id


def test_ahead_behind_counts_versions_only_one_side_reaches(repo: Repository) -> None:
    a = _save(repo, "a")
    b = _save(repo, "b")
    assert divergence.ahead_behind(repo, b, a) == (1, 0)
    assert divergence.ahead_behind(repo, a, b) == (0, 1)
    assert divergence.ahead_behind(repo, b, b) == (0, 0)
    assert divergence.ahead_behind(repo, b, None) == (2, 0)
    assert divergence.ahead_behind(repo, None, None) == (0, 0)
    # diverged: c on top of a elsewhere
    c = _save(repo, "c", parents=[a], branch="other")
    assert divergence.ahead_behind(repo, b, c) == (1, 1)


def test_branch_status_of_the_current_branch(repo: Repository) -> None:
    a = _save(repo, "a")
    never = divergence.branch_status(repo, repo.branches(NB), "main", "origin")
    assert never == {"branch": "main", "tracking": "origin/main", "tracking_exists": False,
                     "ahead": 1, "behind": 0}  # fmt: skip
    repo.refs.set_if_equals(NB, HEADS, "origin/main", None, a)
    b = _save(repo, "b")
    status = divergence.branch_status(repo, repo.branches(NB), "main", "origin")
    assert (status["ahead"], status["behind"], status["tracking_exists"]) == (1, 0, True)
    c = _save(repo, "c from a teammate", parents=[b], branch="scratch")
    repo.refs.set_if_equals(NB, HEADS, "origin/main", a, c)
    status = divergence.branch_status(repo, repo.branches(NB), "main", "origin")
    assert (status["ahead"], status["behind"]) == (0, 1)


def test_a_pruned_parent_ends_the_walk(repo: Repository) -> None:
    missing = "f" * 64
    a = _save(repo, "a", parents=[missing])
    assert divergence.ancestry(repo, a) == {a}


def test_provenance_marks_what_came_from_a_remote() -> None:
    reached_by = {
        "mine": {"main"},
        "pushed": {"main", "origin/main"},
        "pulled": {"origin/main"},
        "both-remotes": {"lake/main", "origin/exp"},
    }
    out = divergence.provenance(reached_by, ["origin", "lake"])
    assert out["mine"] == {"remotes": [], "from_remote": None}
    assert out["pushed"] == {"remotes": ["origin"], "from_remote": None}
    assert out["pulled"] == {"remotes": ["origin"], "from_remote": "origin"}
    assert out["both-remotes"] == {"remotes": ["lake", "origin"], "from_remote": "lake"}
    # a branch named like a remote prefix only counts when that remote exists
    assert divergence.provenance({"x": {"origin/main"}}, [])["x"]["from_remote"] is None
    assert divergence.is_tracking("originals/x", ["origin"]) is None
