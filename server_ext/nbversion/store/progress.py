"""Progress of long store-wide work (push, pull, fetch, fsck, gc) as one event type.

Defined at the bottom layer so the store's own maintenance (fsck, gc) and the remotes
above it report the same way, and a front end (the CLI's progress line, a job's status)
shows any of them without knowing which produced it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressEvent:
    """A long operation's state: ``phase`` (objects, versions, refs…), counts and bytes."""

    phase: str
    done: int
    total: int
    bytes: int


Progress = Callable[[ProgressEvent], None]


class Ticker:
    """Calls ``progress`` for one phase at most every ``interval`` seconds, and at its end.

    A store-wide scan touches every file; calling back for each of 100,000 would cost
    more than the scan's own bookkeeping, so events are thinned out here, not by callers.
    """

    def __init__(self, progress: Progress | None, phase: str, total: int, interval: float = 0.2):
        self.progress, self.phase, self.total, self.interval = progress, phase, total, interval
        self.done, self.bytes, self.last = 0, 0, 0.0

    def step(self, nbytes: int = 0) -> None:
        """One item done (``nbytes`` of it read or written)."""
        self.done += 1
        self.bytes += nbytes
        if self.progress is None:
            return
        now = time.monotonic()
        if self.done == self.total or now - self.last >= self.interval:
            self.last = now
            self.progress(ProgressEvent(self.phase, self.done, self.total, self.bytes))
