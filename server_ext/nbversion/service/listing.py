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


def all_version_ids(
    repo: Repository, nid: str, reached_by: dict[str, set[str]] | None = None
) -> list[str]:
    """Every version a branch of the notebook reaches (joins' second parents included),
    newest first, from the index's graph: no manifest is read, so the sidebar's first page
    costs the same with 100 versions or 100,000.

    Undo points (the ``nbversion-undo`` branch: the state a restore or a branch switch
    replaced, unsaved edits included) are listed too; the sidebar shows them dimmed.
    ``reached_by`` (if given) is filled with the branches whose history holds each version.
    """
    graph = repo.index.notebook_graph(nid)
    heads = repo.branches(nid)
    if any(h not in graph for h in heads.values()):
        # a version another process saved (a kernel's save or undo point, a pull, git)
        # that this server has not indexed yet: index what is new on disk, then walk
        repo.sync_index()
        graph = repo.index.notebook_graph(nid)
    seen: set[str] = set()
    for branch, head in heads.items():
        mine: set[str] = set()
        stack = [head]
        while stack:
            vid = stack.pop()
            if vid in mine or vid not in graph:
                continue  # pruned, or not indexed: the walk ends there
            mine.add(vid)
            stack.extend(graph[vid][1])
        if reached_by is not None:
            for vid in mine:
                reached_by.setdefault(vid, set()).add(branch)
        seen |= mine
    return sorted(seen, key=lambda v: graph[v][0], reverse=True)


def project_page(repo: Repository, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    """One page of every notebook's versions, newest first, with each row's tags.

    The order comes from the index, so a page reads only its own manifests: the Runs tab's
    "all notebooks" view costs the same per page with 1,000 versions or 100,000.
    """
    ids = repo.index.ids_newest_first()
    page = read_all(repo, ids[offset : offset + limit])
    tags_of: dict[str, dict[str, list[str]]] = {}
    rows = []
    for m in page:
        if m.notebook_id not in tags_of:
            by_version: dict[str, list[str]] = {}
            for tag, vid in repo.tags(m.notebook_id).items():
                by_version.setdefault(vid, []).append(tag)
            tags_of[m.notebook_id] = by_version
        row = summary(m)
        row["tags"] = sorted(tags_of[m.notebook_id].get(m.id, []))
        rows.append(row)
    return len(ids), rows


def read_all(repo: Repository, ids: list[str]) -> list[Manifest]:
    """The manifests of ``ids`` in order; a damaged one is left out (fsck names it)."""
    out = []
    for vid in ids:
        try:
            out.append(repo.versions.read(vid))
        except CorruptManifest:
            continue
    return out


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
