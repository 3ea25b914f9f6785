"""Where a notebook's branches stand against its remotes, from the version graph alone.

Remote-tracking refs (``REMOTE/branch``) record what a remote held at the last pull (or
push from the sidebar). Comparing a local branch head with its tracking ref gives git's
*ahead* (versions to push) and *behind* (versions pulled but not yet built on); no remote
is contacted. The same refs tell which versions the remote has and which ones arrived
from it without being on any local branch yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..store import Repository


def ancestry(repo: Repository, start: str | None) -> set[str]:
    """``start`` and every ancestor whose manifest is here (pruned history ends the walk),
    from the index's graph: no manifest is read, so a sidebar refresh stays cheap with
    100,000 versions."""
    return repo.index.ancestors([start] if start else [])


def ahead_behind(repo: Repository, local: str | None, tracking: str | None) -> tuple[int, int]:
    """(versions only ``local`` reaches, versions only ``tracking`` reaches)."""
    mine, theirs = ancestry(repo, local), ancestry(repo, tracking)
    return len(mine - theirs), len(theirs - mine)


def is_tracking(branch: str, remotes: Iterable[str]) -> str | None:
    """The remote a ``REMOTE/branch`` name tracks, or None for a local branch."""
    for name in remotes:
        if branch.startswith(f"{name}/"):
            return name
    return None


def branch_status(
    repo: Repository, branches: Mapping[str, str], current: str, remote: str
) -> dict[str, Any]:
    """The current branch against ``remote/current``: ahead/behind, or never pushed/pulled."""
    tracking = f"{remote}/{current}"
    local_head, remote_head = branches.get(current), branches.get(tracking)
    ahead, behind = ahead_behind(repo, local_head, remote_head)
    return {
        "branch": current,
        "tracking": tracking,
        "tracking_exists": remote_head is not None,
        "ahead": ahead,
        "behind": behind,
    }


def provenance(
    reached_by: Mapping[str, Iterable[str]], remotes: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Per version: the remotes known to have it, and the remote it came from if any.

    ``reached_by`` maps a version id to the branches whose history holds it. A version
    reached by ``origin/…`` is on origin (as of the last pull or push); one reached *only*
    by remote-tracking branches came from that remote and is on no local branch yet.
    """
    names = list(remotes)
    out: dict[str, dict[str, Any]] = {}
    for vid, branches in reached_by.items():
        on: set[str] = set()
        local = False
        for branch in branches:
            remote = is_tracking(branch, names)
            if remote is None:
                local = True
            else:
                on.add(remote)
        came_from = None if local or not on else sorted(on)[0]
        out[vid] = {"remotes": sorted(on), "from_remote": came_from}
    return out
