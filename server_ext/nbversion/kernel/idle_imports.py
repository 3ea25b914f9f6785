"""Take a background save's library imports into the kernel while it is idle.

A forked child that encodes a scikit-learn model imports skops, which imports every
scikit-learn module (about 2 s). The child's imports die with it, so the kernel imports
the same modules itself and every later child inherits them
(:func:`.background.import_like_the_child`). Done as soon as the child's result is read,
that import lands at the start of the user's next cell or save: a one-time stall of
seconds in a cell that has nothing to do with it.

Instead the modules wait here and are imported from a callback on the kernel's event loop
once no cell has run for :data:`IDLE_SECONDS`; a cell in between postpones them again. A
save that needs them before that imports them itself, as it would anyway. Without an
event loop (a plain IPython shell, tests) they are imported at once, as before.
Imports stay in the kernel's main thread: importing in a second thread while a cell
imports parts of the same package can hand either one a partially initialised module.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from . import background

#: Seconds without a cell before the kernel imports what its children imported.
IDLE_SECONDS = 1.0


class IdleImports:
    """Modules a background child imported, imported in the kernel when it is idle."""

    def __init__(self) -> None:
        self.pending: list[str] = []
        self.scheduled = False

    def add(self, modules: list[str], shell: Any) -> None:
        """Queue ``modules`` (those not loaded yet) for the kernel's next idle moment."""
        for name in modules:
            if name not in sys.modules and name not in self.pending:
                self.pending.append(name)
        if not self.pending:
            return
        loop = getattr(getattr(shell, "kernel", None), "io_loop", None)
        if loop is None or not hasattr(loop, "call_later"):
            self.flush()
            return
        self._schedule(loop, shell)

    def flush(self) -> None:
        """Import every queued module now (what a save about to fork does)."""
        names, self.pending = self.pending, []
        background.import_like_the_child(names)

    def _schedule(self, loop: Any, shell: Any) -> None:
        if self.scheduled:
            return
        self.scheduled = True
        seen = getattr(shell, "execution_count", None)

        def when_idle() -> None:
            self.scheduled = False
            if not self.pending:
                return
            if getattr(shell, "execution_count", None) != seen:  # a cell ran meanwhile
                self._schedule(loop, shell)
                return
            self.flush()

        with contextlib.suppress(Exception):  # the loop may be closing (shutdown)
            loop.call_later(IDLE_SECONDS, when_idle)
            return
        self.scheduled = False
        self.flush()
