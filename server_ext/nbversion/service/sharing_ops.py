"""The sharing use cases of the service: remotes, push, pull, join, git, storage status.

A part of :class:`nbversion.service.VersionService` kept in a module of its own (the
service grew past 500 lines); the methods run on the same store thread and job registry
as the rest of the service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import Conflict, NotFound
from ..store import Repository
from ..store.refs import HEADS
from . import divergence
from .paths import confine

if TYPE_CHECKING:
    from .deploy import FetchState
    from .jobs import Job, JobRegistry
    from .service import ServiceConfig

T = TypeVar("T")


class SharingOps:
    """Remotes (list, add, remove), push, pull, background fetch, join, git auto-commit and
    storage status for the service."""

    if TYPE_CHECKING:  # provided by VersionService
        root: Path
        config: ServiceConfig
        jobs: JobRegistry
        fetch_state: FetchState
        _fetcher: asyncio.Future[None] | None

        async def _store(self, fn: Callable[..., T], *args: Any) -> T: ...
        def _open(self, create: bool = False) -> Repository: ...
        def _notebook_id(self, repo: Repository, path: str) -> str: ...
        def notebook_path(self, path: str) -> Path: ...
        def _refresh_index(self) -> None: ...

    async def add_remote(self, name: str, url: str, kind: str | None, endpoint_url: str = "",
                         profile: str = "") -> dict[str, Any]:  # fmt: skip
        """``nbversion remote add`` for the sidebar (the store is created if there is none)."""
        from . import sharing

        return await self._store(
            lambda: sharing.add(self._open(create=True), name, url, kind, endpoint_url, profile)
        )

    async def remove_remote(self, name: str) -> None:
        """``nbversion remote remove``: its ``REMOTE/…`` tracking refs stay until deleted."""
        from ..remote import remove_remote

        def work() -> None:
            try:
                repo = self._open()
            except NotFound:
                raise NotFound(f"no remote {name!r}") from None
            remove_remote(repo.store_dir, name)
            self.fetch_state.errors.pop(name, None)

        await self._store(work)

    async def remotes(self, path: str | None = None) -> list[dict[str, Any]]:
        """Configured remotes; with ``path``, its current branch against ``REMOTE/branch``."""
        from . import sharing

        listed: list[dict[str, Any]] = list(await self._store(sharing.remotes, self.root))
        if path is not None:  # a path no file can have is a 4xx, remotes or not
            confine(self.root, path, must_exist=False)
        if path is None or not listed:
            return listed
        nid = await self._store(lambda: self._notebook_id(self._open(), path))

        def work() -> list[dict[str, Any]]:
            # walks the branch's history: off the store thread, as storage() does
            with Repository.open(self.root) as repo:  # (a notebook with no version yet too)
                branches = repo.refs.list_refs(nid, HEADS)
                current = repo.refs.head_branch(nid)
                return [
                    {**r, **divergence.branch_status(repo, branches, current, r["name"])}
                    for r in listed
                ]

        return await asyncio.to_thread(work)

    async def push(
        self,
        remote: str,
        path: str | None,
        branches: list[str] | None = None,
        tags: list[str] | None = None,
    ) -> Job:
        """Start pushing to a remote every branch and tag (of the notebook at ``path``, or
        of all), or only the named ``branches`` and ``tags``."""
        from . import sharing

        nid = None
        if path is not None:
            nid = await self._store(lambda: self._notebook_id(self._open(), path))
        job = await sharing.start_push(self.jobs, self.root, remote, nid, branches, tags,
                                       after=self._after_transfer)  # fmt: skip
        return await self.jobs.wait(job, self.config.wait_for_job)

    async def fetch_remotes(self) -> dict[str, Job]:
        """One background round: pull each configured remote in turn (none: nothing), and
        note in :attr:`fetch_state` what came in and what failed."""
        from . import sharing

        state = self.fetch_state
        jobs: dict[str, Job] = {}
        for listed in await self._store(sharing.remotes, self.root):
            name = listed["name"]
            job = await self.pull(name)
            if job.task is not None:
                await asyncio.shield(job.task)
            jobs[name] = job
            if job.error and job.error.get("status") != 404:  # 404: nothing pushed there yet
                state.errors[name] = str(job.error.get("message"))
            else:
                state.errors.pop(name, None)
                state.versions += int((job.result or {}).get("versions_fetched") or 0)
        state.last, state.rounds = time.time(), state.rounds + 1
        return jobs

    def start_background_fetch(self, log: logging.Logger) -> None:
        """Fetch every remote each ``config.fetch_interval`` seconds (0: never)."""
        from .deploy import fetch_loop

        if self.config.fetch_interval > 0 and self._fetcher is None:
            self._fetcher = asyncio.ensure_future(
                fetch_loop(self.fetch_remotes, self.fetch_state, log)
            )

    def stop_background_fetch(self) -> None:
        if self._fetcher is not None:
            self._fetcher.cancel()
            self._fetcher = None

    async def pull(self, remote: str) -> Job:
        """Start fetching a remote's versions as remote-tracking refs."""
        from . import sharing

        job = await sharing.start_pull(self.jobs, self.root, remote, after=self._after_transfer)
        return await self.jobs.wait(job, self.config.wait_for_job)

    async def join(self, remote: str, path: str, branch: str | None) -> dict[str, Any]:
        """Join ``REMOTE/branch`` into the notebook's branch (default: its current one)."""
        from . import sharing

        def work() -> dict[str, Any]:
            repo = self._open()
            nid = self._notebook_id(repo, path)
            return sharing.join_tracking(repo, nid, remote, branch or repo.current_branch(nid))

        return await self._store(work)

    async def git(self, path: str | None = None) -> dict[str, bool]:
        """Git auto-commit: ``work_tree`` (project in git), ``autocommit``, ``setup``."""
        from . import sharing

        if path is not None:
            self.notebook_path(path)
        return await asyncio.to_thread(sharing.git_state, self.root)

    async def set_git_autocommit(self, path: str | None, on: bool) -> dict[str, bool]:
        """Turn auto-commit on (needs a git work tree: 409 otherwise) or off.

        Turning it on creates the store when there is none yet and writes its
        ``.gitignore``, as ``nbversion git-setup --autocommit on`` does.
        """
        from .. import gitsync
        from . import sharing

        if path is not None:
            self.notebook_path(path)
        if on:
            if not await asyncio.to_thread(gitsync.in_work_tree, self.root):
                raise Conflict(f"{self.root} is not in a git repository: run git init first")
            await self._store(self._open, True)
        return await asyncio.to_thread(sharing.set_git_autocommit, self.root, on)

    async def _after_transfer(self) -> None:
        """Once a push or pull is over: the service's index learns of pulled versions."""
        with contextlib.suppress(NotFound):
            await self._store(self._refresh_index)

    async def storage(self, path: str | None) -> dict[str, Any]:
        """Local size against the budget, and where each version's objects live.

        It reads every manifest of the store, so it runs on a worker thread with a
        Repository of its own (opened with the current config, so a budget set by
        ``nbversion budget`` shows at once) instead of holding up the store thread that
        listings wait on.
        """
        empty: dict[str, Any] = {
            "local_bytes": 0, "budget": None, "over_budget": False, "versions": {}
        }  # fmt: skip
        if path is not None:  # a path no file can have is a 4xx, store or not
            confine(self.root, path, must_exist=False)

        def notebook() -> tuple[bool, str | None]:
            try:
                repo = self._open()
            except NotFound:
                return False, None
            return True, (self._notebook_id(repo, path) if path else None)  # 404: no such file

        exists, nid = await self._store(notebook)
        if not exists:
            return empty

        def work() -> dict[str, Any]:
            from ..tiering import status

            with Repository.open(self.root) as repo:
                try:
                    return status(repo, nid)
                except NotFound:
                    return empty

        return await asyncio.to_thread(work)
