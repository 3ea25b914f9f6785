"""What a server does for its remotes on its own: a deployment's remote, background fetch.

A hub sets ``NbVersionApp.remote_url`` (or ``NBVERSION_REMOTE_URL`` in the spawner's
environment): each user's project then starts with that remote as ``origin``, so nobody
types ``nbversion remote add`` in a terminal. A remote the user configured under the same
name is left alone. See docs/deploy.md.

Every server also pulls its project's remotes in the background (``fetch_interval``), so
the sidebar's ahead/behind counts follow teammates' pushes. See docs/sharing.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NotFound
from ..store import Repository
from .jobs import Job


def ensure_remote(
    root: Path, name: str, url: str, endpoint_url: str = "", log: logging.Logger | None = None
) -> bool:
    """Create the store under ``root`` if missing and add the remote ``name`` unless one
    is configured; True when it was added."""
    from ..remote import add_remote, list_remotes  # (fsspec: only where a remote is set)

    try:
        repo = Repository.open(root)
    except NotFound:
        repo = Repository.init(root)
    try:
        existing = list_remotes(repo.store_dir).get(name)
        if existing is not None:
            if log is not None and (existing.url, existing.endpoint_url) != (url, endpoint_url):
                log.warning(
                    "nbversion: remote %r is %s here, not the deployment's %s: kept",
                    name, existing.url, url,
                )  # fmt: skip
            return False
        add_remote(repo.store_dir, name, url, endpoint_url)
        if log is not None:
            log.info("nbversion: remote %r -> %s (from the deployment)", name, url)
        return True
    finally:
        repo.close()


@dataclass
class FetchState:
    """The background fetch as the sidebar sees it (``GET remotes`` answers it as ``fetch``):
    it reloads the counts once ``next`` has passed, and the history when ``versions`` grew."""

    interval: float = 0.0
    #: epoch seconds: when the last round ended, when the next one starts
    last: float | None = None
    next: float | None = None
    rounds: int = 0
    #: versions the background rounds have brought in so far (a change counter)
    versions: int = 0
    #: remote name -> why its last background fetch failed
    errors: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


async def fetch_loop(
    fetch: Callable[[], Awaitable[dict[str, Job]]], state: FetchState, log: logging.Logger
) -> None:
    """Every ``state.interval`` seconds run one round of ``fetch`` (it pulls each remote and
    answers its jobs), until cancelled; a failure is logged and tried again next round."""
    while True:
        state.next = time.time() + state.interval
        await asyncio.sleep(state.interval)
        try:
            jobs = await fetch()
        except asyncio.CancelledError:
            raise
        except Exception as err:  # the loop must outlive any one round
            log.warning("nbversion: background fetch failed: %s", err)
            continue
        for name, job in jobs.items():
            if job.error:
                log.warning("nbversion: background fetch of %s failed: %s", name,
                            job.error.get("message"))  # fmt: skip
            elif job.result and job.result.get("versions_fetched"):
                log.info("nbversion: background fetch of %s: %s", name, job.result)
