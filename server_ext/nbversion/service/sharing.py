"""Push and pull as service jobs, so the sidebar and scripts can share versions over REST.

Transfers run on a worker thread with a Repository of their own (the store's SQLite index
connection belongs to one thread), so listing and saving stay responsive during a push.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import NotFound
from ..remote import (
    ProgressEvent,
    RemoteSpec,
    add_remote,
    get_remote,
    list_remotes,
    pull,
    push,
    remote_kind,
)
from ..store import Repository
from ..store.refs import HEADS
from .jobs import Job, JobRegistry

#: Run on the event loop when a transfer has finished (e.g. refresh the service's index).
After = Callable[[], Awaitable[None]] | None


def describe(spec: RemoteSpec) -> dict[str, str]:
    """A remote as the REST API shows it: name, URL, kind, endpoint, profile name."""
    return {**asdict(spec), "kind": remote_kind(spec.url)}


def remotes(root: Path) -> list[dict[str, str]]:
    """Configured remotes (name, URL, kind, endpoint, profile name); never credentials."""
    store = root / ".nbversion"
    if not (store / "FORMAT").is_file():
        return []
    return [describe(spec) for spec in list_remotes(store).values()]


def add(repo: Repository, name: str, url: str, kind: str | None, endpoint_url: str,
        profile: str) -> dict[str, str]:  # fmt: skip
    """What ``nbversion remote add`` does; a relative folder is taken from the project."""
    spec = add_remote(repo.store_dir, name, url, endpoint_url, profile, kind=kind, base=repo.root)
    return describe(spec)


def _progress(job: Job) -> Any:
    def report(event: ProgressEvent) -> None:
        job.progress(event.done, event.total, event.phase)

    return report


async def start_push(
    jobs: JobRegistry,
    root: Path,
    remote: str,
    notebook_id: str | None,
    branches: list[str] | None,
    tags: list[str] | None,
    after: After = None,
) -> Job:
    """Push to a remote: every branch and tag (of one notebook, or of all), or only the
    named ``branches`` and ``tags`` (see :func:`nbversion.remote.push`).

    Like ``git push``, a successful push also moves the local remote-tracking refs of what
    it pushed (``origin/main``), so "ahead" drops to 0 without a pull (remote.push does).
    """
    job = Job(kind="push")

    def work() -> dict[str, Any]:
        with _open(root) as repo:
            spec = get_remote(repo.store_dir, remote)
            result = push(repo, spec, notebook=notebook_id, branches=branches, tags=tags,
                          progress=_progress(job))  # fmt: skip
            return {"remote": spec.name, **asdict(result)}

    return jobs.start(job, _runner(work, after))


async def start_pull(jobs: JobRegistry, root: Path, remote: str, after: After = None) -> Job:
    """Fetch a remote's branches as ``REMOTE/branch`` refs (local branches never move)."""
    job = Job(kind="pull")

    def work() -> dict[str, Any]:
        with _open(root) as repo:
            spec = get_remote(repo.store_dir, remote)
            result = pull(repo, spec, progress=_progress(job))
            return {"remote": spec.name, **asdict(result)}

    return jobs.start(job, _runner(work, after))


def _runner(
    work: Callable[[], dict[str, Any]], after: After
) -> Callable[[Job], Awaitable[dict[str, Any]]]:
    async def run(job: Job) -> dict[str, Any]:
        job.state = "running"
        result = await asyncio.to_thread(work)
        if after is not None:
            await after()
        return result

    return run


def _open(root: Path) -> Repository:
    try:
        return Repository.open(root)
    except NotFound:
        raise NotFound("no versions yet: save one before sharing") from None


def join_tracking(repo: Repository, notebook_id: str, remote: str, branch: str) -> dict[str, Any]:
    """After "fetch first": make ``REMOTE/branch`` an ancestor of ``branch`` (see
    :func:`nbversion.versioning.join`).

    The joining version keeps the branch head's state, so it is signed when that head is
    trusted (as a save would be); it never launders trust in a version nobody trusted.
    """
    from ..versioning import join

    tracking = f"{get_remote(repo.store_dir, remote).name}/{branch}"
    if repo.refs.get(notebook_id, HEADS, tracking) is None:
        raise NotFound(f"no {tracking} yet: pull {remote} first")
    joined = join(repo, notebook_id, tracking, branch=branch)
    return {
        "branch": branch,
        "tracking": tracking,
        "joined": joined.id if joined is not None else None,
        "head": repo.refs.get(notebook_id, HEADS, branch),
    }


def git_state(root: Path) -> dict[str, bool]:
    """Whether the project is in a git work tree, auto-commit is on, the store is set up."""
    from .. import gitsync

    store = root / ".nbversion"
    exists = (store / "FORMAT").is_file()
    return {
        "work_tree": gitsync.in_work_tree(root),
        "autocommit": exists and gitsync.autocommit_enabled(store),
        "setup": exists and (store / ".gitignore").is_file(),
    }


def set_git_autocommit(root: Path, on: bool) -> dict[str, bool]:
    """Turn auto-commit on (like ``nbversion git-setup --autocommit on``) or off.

    On writes the store's ``.gitignore`` too, so manifests and refs are committed with the
    notebook and the data is not. The caller has checked that the project is in a git work
    tree and created the store (the service does both, in that order, so nothing is
    created outside git).
    """
    from .. import gitsync
    from ..remote import write_gitignore

    store = root / ".nbversion"
    if on:
        write_gitignore(store)
    if (store / "FORMAT").is_file():
        gitsync.set_autocommit(store, on)
    return git_state(root)
