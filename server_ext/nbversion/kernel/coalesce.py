"""Auto-saves that back up are merged into one, so a cell never waits for a save.

With cells run back to back, a background save can take longer than the cells after it.
Queueing a full save per cell made the kernel wait once the queue was full (8.4 s in one
cell with 10,000 variables). Instead, while :func:`.background.max_in_flight` saves run
(one by default), a cell's auto-save is *deferred*: nothing is forked, its names stay
pending in the tracker, and its cell number is noted here. The next save that starts
covers every deferred cell and says so in its message (``auto: after cells [5]-[8]``), so
no state is silently lost: cells 5 to 7 have no version of their own, and the version
after cell 8 holds what they did.

The merged save starts as soon as the running one ends: at the next cell, or, when the
kernel is idle, from a callback on the kernel's event loop that a watcher thread queues
when the child exits (the fork itself always runs on the kernel's main thread, between
cells). A synchronous save (``%version save``, a restore's undo point) captures the
state the deferred cells left, so it drops them.

Below that limit saves are pipelined (``NBVERSION_BACKGROUND_DEPTH`` > 1): a new child
first waits for the saves still running at its fork (:func:`follow_earlier`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from typing import Any

from . import tracking
from .background import Job, wait_sibling


def merged_message(cells: list[int | None], fallback: str) -> str:
    """``auto: after cells [5]-[8]`` for several cells; ``fallback`` when none is known."""
    known = [c for c in cells if c is not None]
    if not known:
        return fallback
    if len(known) == 1:
        return f"auto: after cell [{known[0]}]"
    return f"auto: after cells [{known[0]}]-[{known[-1]}]"


class Coalescer:
    """Cells whose auto-save was deferred, and the watch that starts the merged save."""

    def __init__(self) -> None:
        self.cells: list[int | None] = []
        #: True while a cell runs (a callback must not fork in the middle of an async cell)
        self.in_cell = False
        self._watched: set[int] = set()

    def defer(self, cell: int | None, running: Job, kick: Callable[[], None], loop: Any) -> None:
        """Note ``cell``; once ``running`` exits, queue ``kick`` on the kernel's ``loop``."""
        self.cells.append(cell)
        if loop is None or running.exit_fd is None or running.pid in self._watched:
            return  # without an event loop, the next cell or store access starts it
        self._watched.add(running.pid)
        fd = os.dup(running.exit_fd)  # the kernel closes its own when it reaps the child

        def watch() -> None:
            try:
                while True:
                    try:
                        if not os.read(fd, 4096):
                            break  # end of file: the child has exited
                    except InterruptedError:
                        continue
            finally:
                os.close(fd)
                self._watched.discard(running.pid)
            with contextlib.suppress(Exception):  # the loop may be closing (shutdown)
                loop.add_callback(kick)

        threading.Thread(target=watch, name="nbv-coalesce", daemon=True).start()

    def take(self, cell: int | None, message: str) -> str:
        """The message of a save starting now after ``cell``, covering deferred cells."""
        if not self.cells:
            return message
        cells, self.cells = [*self.cells, cell], []
        return merged_message(cells, message)

    def clear(self) -> None:
        """A synchronous save captured the state the deferred cells left."""
        self.cells = []


def follow_earlier(
    tracker: tracking.Tracker, earlier: list[Job], pending: tracking.Pending
) -> tracking.Pending:
    """In a child: wait for the saves still running at the fork; take in their results.

    The kernel commits them to its tracker in the same order when it reaps them, so
    this child plans against exactly the state a save started after them would see.
    A failed one makes this save a full pass.
    """
    if not earlier:
        return pending
    unknown = pending.unknown
    for job in earlier:
        status, value = wait_sibling(job)
        if status == "ok" and value.get("outcome") is not None:
            tracker.commit(value["summary"]["version"], job.context[1], value["outcome"])
        elif status != "ok":
            unknown = True
    t = tracker
    return tracking.Pending(
        names=set(pending.names), unknown=unknown, base=t.base, ids=dict(t.ids),
        footprints=t.footprints, restored=dict(t.restored),
    )  # fmt: skip
