"""Long-running saves and restores as jobs with progress, polled by the front end."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import NbVersionError, NotFound

JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


@dataclass
class Job:
    """One save or restore: state, progress in bytes, and its result or error."""

    kind: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    state: str = "queued"
    detail: str = ""
    done: int = 0
    total: int = 0
    item: str = ""
    result: Any = None
    error: dict[str, Any] | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    task: asyncio.Task[None] | None = field(default=None, repr=False)
    on_cancel: Callable[[], Awaitable[None]] | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "detail": self.detail,
            "progress": {"done": self.done, "total": self.total, "item": self.item},
            "result": self.result,
            "error": self.error,
            "created": self.created,
            "finished": self.finished,
        }

    def progress(self, done: int, total: int, item: str) -> None:
        self.state = "running"
        self.done, self.total, self.item = done, total, item


class JobRegistry:
    """Runs jobs as asyncio tasks and keeps the last ``keep`` of them for polling."""

    def __init__(self, keep: int = 200) -> None:
        self._jobs: dict[str, Job] = {}
        self._keep = keep

    def start(self, job: Job, work: Callable[[Job], Awaitable[Any]]) -> Job:
        async def run() -> None:
            try:
                job.result = await work(job)
                job.state = "done"
            except asyncio.CancelledError:
                job.state = "cancelled"
            except NbVersionError as err:
                job.state = "failed"
                job.error = {"status": err.http_status, "reason": type(err).__name__,
                             "message": str(err)}  # fmt: skip
                if err.details:
                    job.error["details"] = err.details
            except Exception as err:  # reported on the job, and logged by the caller
                job.state = "failed"
                job.error = {"status": 500, "reason": type(err).__name__, "message": str(err)}
            finally:
                job.finished = time.time()

        self._jobs[job.id] = job
        job.task = asyncio.ensure_future(run())
        self._trim()
        return job

    def get(self, job_id: str) -> Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise NotFound(f"no job {job_id!r}") from None

    async def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        if job.state in ("queued", "running"):
            if job.on_cancel is not None:
                await job.on_cancel()
            if job.task is not None:
                job.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await job.task
            job.state = "cancelled"
        return job

    async def wait(self, job: Job, timeout: float) -> Job:
        """Wait up to ``timeout`` s for a job to end (so quick jobs answer in one request)."""
        if job.task is not None and not job.task.done():
            await asyncio.wait([job.task], timeout=timeout)
        return job

    def _trim(self) -> None:
        ended = [j for j in self._jobs.values() if j.finished is not None]
        for job in sorted(ended, key=lambda j: j.created)[: max(0, len(self._jobs) - self._keep)]:
            self._jobs.pop(job.id, None)
