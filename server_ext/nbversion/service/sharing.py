"""Push and pull as service jobs, so the sidebar and scripts can share versions over REST.

Transfers run on a worker thread with a Repository of their own (the store's SQLite index
connection belongs to one thread), so listing and saving stay responsive during a push.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..errors import NotFound
from ..remote import ProgressEvent, get_remote, list_remotes, pull, push
from ..store import Repository
from .jobs import Job, JobRegistry


def remotes(root: Path) -> list[dict[str, str]]:
    """Configured remotes (name, URL, endpoint); never credentials."""
    store = root / ".nbversion"
    if not (store / "FORMAT").is_file():
        return []
    return [asdict(spec) for spec in list_remotes(store).values()]


def _progress(job: Job) -> Any:
    def report(event: ProgressEvent) -> None:
        job.progress(event.done, event.total, event.phase)

    return report


async def start_push(
    jobs: JobRegistry, root: Path, remote: str, notebook_id: str | None, branch: str | None
) -> Job:
    """Push (one notebook's branches, or one branch, or everything) to a remote."""
    job = Job(kind="push")

    def work() -> dict[str, Any]:
        with _open(root) as repo:
            spec = get_remote(repo.store_dir, remote)
            result = push(repo, spec, notebook=notebook_id, branch=branch, progress=_progress(job))
            return {"remote": spec.name, **asdict(result)}

    async def run(job: Job) -> dict[str, Any]:
        job.state = "running"
        return await asyncio.to_thread(work)

    return jobs.start(job, run)


async def start_pull(jobs: JobRegistry, root: Path, remote: str) -> Job:
    """Fetch a remote's branches as ``REMOTE/branch`` refs (local branches never move)."""
    job = Job(kind="pull")

    def work() -> dict[str, Any]:
        with _open(root) as repo:
            spec = get_remote(repo.store_dir, remote)
            result = pull(repo, spec, progress=_progress(job))
            return {"remote": spec.name, **asdict(result)}

    async def run(job: Job) -> dict[str, Any]:
        job.state = "running"
        return await asyncio.to_thread(work)

    return jobs.start(job, run)


def _open(root: Path) -> Repository:
    try:
        return Repository.open(root)
    except NotFound:
        raise NotFound("no versions yet: save one before sharing") from None
