"""Making versions: the one place a version is committed, and the policy that follows it.

Every front end (the kernel session, the service, the CLI) and the join after "fetch
first" call :func:`commit` instead of ``Repository.save``, so what follows a save is
decided once: this user's signature (so its pickles load unasked here), the local
storage budget (eviction to the remote) for the kernel's saves, and, through the store's
after-save hooks (:mod:`nbversion.wiring`), the team signature and git auto-commit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from . import trust
from .errors import InvalidInput
from .store import Repository
from .store.manifest import Manifest
from .store.refs import HEADS


def commit(
    repo: Repository,
    notebook_id: str,
    notebook_path: str,
    notebook_oid: str,
    message: str,
    *,
    sign: bool = True,
    **fields: Any,
) -> Manifest:
    """Save a version (``fields`` as ``Repository.save`` takes them) and ``sign`` it as this
    user's (False when its state is not known to be trusted: a join of an untrusted head).

    Callers holding ``repo.writing()`` call :func:`keep_storage_budget` after leaving it
    (eviction sweeps under the exclusive lock)."""
    manifest = repo.save(notebook_id, notebook_path, notebook_oid, message, **fields)
    if sign:
        trust.sign(repo.store_dir, manifest.id)
    return manifest


def save_notebook_file(
    repo: Repository, path: str | os.PathLike[str], message: str, *, branch: str | None = None
) -> Manifest:
    """A notebook-only version from the ``.ipynb`` on disk (the CLI writes the notebook's id
    into the file when it had none)."""
    raw, notebook_id, rel = repo.read_notebook(path, write_id=True)
    with repo.writing():
        oid = repo.objects.put_bytes(raw)
        return commit(repo, notebook_id, rel, oid, message, branch=branch)


def save_notebook_snapshot(
    repo: Repository, path: Path, message: str, *, branch: str | None = None
) -> Manifest:
    """A notebook-only version of a notebook that may be open in an editor (never rewritten)."""
    raw, notebook_id, rel = repo.read_notebook(path)
    with repo.writing():
        oid = repo.objects.put_bytes(raw)
        return commit(repo, notebook_id, rel, oid, message, branch=branch)


def keep_storage_budget(repo: Repository) -> None:
    """Evict least-recently-used objects that are on the remote when over the budget.

    Costs nothing without a ``max_local_size``; never fails the save (a warning instead).
    """
    if repo.config.tiering.budget is None:
        return
    from .tiering import enforce_budget

    try:
        report = enforce_budget(repo)
    except Exception as err:  # the version is saved; staying over budget is not fatal
        print(f"nbversion: could not keep the storage budget: {err}", file=sys.stderr)
        return
    for warning in report.warnings if report is not None else []:
        print(f"nbversion: {warning}", file=sys.stderr)


def join(
    repo: Repository,
    notebook: str,
    theirs: str,
    *,
    branch: str | None = None,
    message: str | None = None,
) -> Manifest | None:
    """After "fetch first": make ``theirs`` an ancestor of ``branch`` (default: current).

    Versions are immutable snapshots, so there is nothing to merge line by line: the
    joining version keeps the local head's state (notebook and variables) and has both
    heads as parents; the next push then moves the remote branch without losing anyone's
    versions. It is signed only when that head was trusted here (never launders trust).
    Returns None when nothing was needed (``theirs`` already in the history; a branch
    behind ``theirs`` is fast-forwarded instead).
    """
    from .remote.transfer import ancestry

    with repo.writing():  # a writer: the joined versions must survive until the commit
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
        return commit(
            repo, nb, ours.notebook_path, ours.notebook,
            message or f"Join {theirs} into {branch} (keeps this branch's state)",
            sign=trust.is_trusted(repo.store_dir, head),
            branch=branch, parents=[head, their_id], variables=ours.variables,
            data_files=ours.data_files, params=ours.params, metrics=ours.metrics,
            environment=ours.environment, skipped=ours.skipped,
        )  # fmt: skip
