"""Listing helpers: visible refs, every version of a notebook, search and summary rows.

Plain functions of a :class:`Repository`, run on the service's store thread; kept apart
from :mod:`.service` so the use cases read as use cases.
"""

from __future__ import annotations

from typing import Any

from ..store import CorruptManifest, Repository
from ..store.manifest import Manifest
from ..store.refs import UNDO_BRANCH


def visible_refs(repo: Repository, nid: str) -> dict[str, Any]:
    """Branches (without the internal undo branch), tags and the current branch."""
    branches = {b: v for b, v in repo.branches(nid).items() if b != UNDO_BRANCH}
    return {"branches": branches, "tags": repo.tags(nid),
            "current_branch": repo.current_branch(nid)}  # fmt: skip


def all_versions(
    repo: Repository, nid: str, reached_by: dict[str, set[str]] | None = None
) -> list[Manifest]:
    """Every version of a notebook on any branch, newest first.

    Undo points (the ``nbversion-undo`` branch: the state a restore or a branch switch
    replaced, unsaved edits included) are listed too; the sidebar shows them dimmed.

    ``reached_by`` (if given) is filled with the branches whose history holds each version.
    """
    seen: dict[str, Manifest] = {}
    for branch in repo.branches(nid):
        try:
            history = repo.log(nid, branch=branch)
        except CorruptManifest:
            continue  # one damaged branch must not hide the others (fsck names it)
        for m in history:
            seen.setdefault(m.id, m)
            if reached_by is not None:
                reached_by.setdefault(m.id, set()).add(branch)
    return sorted(seen.values(), key=lambda m: m.created, reverse=True)


def matches(m: Manifest, q: str) -> bool:
    """Whether ``q`` occurs (case-blind) in the message, names, or starts the id."""
    q = q.lower()
    hay = [m.message, m.branch, *m.tags, *m.variables, *m.metrics, *m.params]
    return any(q in str(h).lower() for h in hay) or m.id.startswith(q)


def summary(m: Manifest) -> dict[str, Any]:
    """The listing row of a version."""
    return summary_dict(m.to_dict(), m.id)


def summary_dict(d: dict[str, Any], vid: str) -> dict[str, Any]:
    """The listing row of a version given as its manifest's dict (e.g. from a kernel)."""
    return {
        "id": vid,
        "parents": d.get("parents", []),
        "branch": d.get("branch"),
        "message": d.get("message"),
        "author": d.get("author"),
        "created": d.get("created"),
        "notebook_path": d.get("notebook_path"),
        "variables": len(d.get("variables") or {}),
        "metrics": d.get("metrics") or {},
        "params": d.get("params") or {},
        "tags": d.get("tags") or [],
    }
