"""Join a teammate's history into a branch after a "fetch first" refusal.

Versions are immutable snapshots, so there is nothing to merge line by line: a notebook
state is one whole. ``join`` writes a new version on the local branch whose state is the
local head's (your notebook and variables, unchanged) and whose parents are both heads.
Both histories are then reachable from the branch, the remote head is an ancestor, and the
next push moves the remote branch without losing anyone's versions. The joining version
is signed when the head whose state it keeps was trusted here. To continue from the
teammate's state instead, restore ``REMOTE/branch`` (or branch from it) before saving.
"""

from __future__ import annotations

from .. import trust
from ..errors import InvalidInput
from ..store import Repository
from ..store.manifest import Manifest
from ..store.refs import HEADS
from .transfer import ancestry


def join(
    repo: Repository,
    notebook: str,
    theirs: str,
    *,
    branch: str | None = None,
    message: str | None = None,
) -> Manifest | None:
    """Make ``theirs`` an ancestor of ``branch`` (default: the current one).

    Returns the joining version, or None when nothing was needed (``theirs`` is already in
    the branch's history; a branch behind ``theirs`` is fast-forwarded instead).
    """
    with repo.writing():  # a writer: the joined versions must survive until the commit
        return _join(repo, notebook, theirs, branch, message)


def _join(
    repo: Repository, notebook: str, theirs: str, branch: str | None, message: str | None
) -> Manifest | None:
    """:func:`join` with the store lock held SHARED."""
    nb = repo.notebook_id(notebook)
    branch = branch or repo.refs.head_branch(nb)
    head = repo.refs.get(nb, HEADS, branch)
    their_id = repo.resolve(theirs, notebook)
    if head is None:
        raise InvalidInput(f"no branch {branch!r} in this notebook's history")
    if their_id in ancestry(repo, head):
        return None
    if head in ancestry(repo, their_id):  # we are behind: just move forward
        why = f"join: fast-forward to {theirs}"
        repo.refs.set_if_equals(nb, HEADS, branch, head, their_id, why=why)
        return None
    ours = repo.versions.read(head)
    joined = repo.save(
        nb,
        ours.notebook_path,
        ours.notebook,
        message or f"Join {theirs} into {branch} (keeps this branch's state)",
        branch=branch,
        parents=[head, their_id],
        variables=ours.variables,
        data_files=ours.data_files,
        params=ours.params,
        metrics=ours.metrics,
        environment=ours.environment,
        skipped=ours.skipped,
    )
    # it holds the head's state: trusted if and only if that head was (never launders trust)
    if trust.is_trusted(repo.store_dir, head):
        trust.sign(repo.store_dir, joined.id)
    return joined
