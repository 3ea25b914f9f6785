"""Configuration a deployment (a JupyterHub) gives every user's server once.

A hub sets ``NbVersionApp.remote_url`` (or ``NBVERSION_REMOTE_URL`` in the spawner's
environment): each user's project then starts with that remote as ``origin``, so nobody
types ``nbversion remote add`` in a terminal. A remote the user configured under the same
name is left alone. See docs/deploy.md.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from ..errors import NotFound
from ..remote import add_remote, list_remotes
from ..store import Repository
from .jobs import Job


def ensure_remote(
    root: Path, name: str, url: str, endpoint_url: str = "", log: logging.Logger | None = None
) -> bool:
    """Create the store under ``root`` if missing and add the remote ``name`` unless one
    is configured; True when it was added."""
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


async def fetch_loop(
    pull: Callable[[], Awaitable[Job]], interval: float, log: logging.Logger
) -> None:
    """Pull every ``interval`` seconds, one pull at a time, until cancelled; a failed pull
    is logged and tried again at the next tick."""
    while True:
        await asyncio.sleep(interval)
        try:
            job = await pull()
            if job.task is not None:
                await asyncio.shield(job.task)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # the loop must outlive any one pull
            log.warning("nbversion: background fetch failed: %s", err)
            continue
        if job.error:
            log.warning("nbversion: background fetch failed: %s", job.error.get("message"))
        elif job.result and job.result.get("versions_fetched"):
            log.info("nbversion: background fetch: %s", job.result)
