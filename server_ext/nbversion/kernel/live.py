"""The notebook as open in the front end, for saves started inside the kernel.

``%version save``, ``nbversion.save()`` and auto-save run while the kernel is busy, so the
kernel cannot read an answer from the front end on its shell channel. The hand-over:

1. The labextension opens a comm (target :data:`TARGET`) to each notebook kernel it
   connects to; the kernel keeps it, so it knows a front end with nbversion is there.
2. To save, the kernel writes ``<store>/tmp/live-<id>.wait`` (holding the notebook's
   path) and sends ``{"request": id}`` on those comms. Comm messages go out on IOPub, which
   the front end reads while the cell runs, after the cell's earlier outputs.
3. The front end posts its notebook model to ``POST /nbversion/api/live/<id>``; the server
   writes it the way the contents API writes a notebook file, to ``live-<id>.ipynb`` (only
   while the ``.wait`` file exists, and only for that notebook).
4. The kernel waits for that file (at most ``NBVERSION_LIVE_TIMEOUT`` seconds, 2 by
   default; auto-save waits in its forked child, not in the kernel) and stores it.

Without a front end, or without an answer in time, the version holds the file as last
written, and says so: ``environment.notebook_source`` is ``"editor"`` or ``"file"`` (with
``notebook_source_note`` giving the reason), see docs/kernel.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGET = "nbversion.live"
ENV_TIMEOUT = "NBVERSION_LIVE_TIMEOUT"
DEFAULT_TIMEOUT = 2.0
#: after a request nobody answered (a closed browser tab), wait at most this long
AFTER_MISS_TIMEOUT = 0.5
NO_FRONT_END = "no JupyterLab front end with nbversion is connected to this kernel"


def wait_path(tmp_dir: Path, rid: str) -> Path:
    return tmp_dir / f"live-{rid}.wait"


def answer_path(tmp_dir: Path, rid: str) -> Path:
    return tmp_dir / f"live-{rid}.ipynb"


def refused_path(tmp_dir: Path, rid: str) -> Path:
    return tmp_dir / f"live-{rid}.refused"


def _timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(ENV_TIMEOUT, DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


@dataclass
class Request:
    """One request for the editor's notebook: wait for it with :meth:`wait`."""

    rid: str | None
    tmp_dir: Path | None
    timeout: float
    #: the notebook source when no front end is asked (``None``: one was asked)
    origin: dict[str, str] | None = None

    def wait(self) -> tuple[bytes | None, dict[str, str]]:
        """(the editor's notebook, or None; what the version records about its source)."""
        if self.rid is None or self.tmp_dir is None:
            return None, self.origin or {"notebook_source": "file"}
        answer, refused = answer_path(self.tmp_dir, self.rid), refused_path(self.tmp_dir, self.rid)
        deadline = time.monotonic() + self.timeout
        pause = 0.002
        try:
            while True:
                with contextlib.suppress(FileNotFoundError):
                    return answer.read_bytes(), {"notebook_source": "editor"}
                with contextlib.suppress(FileNotFoundError):
                    why = refused.read_text(encoding="utf-8")
                    return None, _from_file(why)
                if time.monotonic() >= deadline:
                    return None, _from_file(
                        f"the front end did not send its notebook within {self.timeout:g} s"
                    )
                time.sleep(pause)
                pause = min(pause * 2, 0.02)
        finally:
            for p in (wait_path(self.tmp_dir, self.rid), answer, refused):
                p.unlink(missing_ok=True)


def _from_file(why: str) -> dict[str, str]:
    return {"notebook_source": "file", "notebook_source_note": why}


def with_notebook_id(raw: bytes, nid: str) -> bytes:
    """The editor's notebook with ``metadata.nbversion.notebook_id`` (a stored copy names
    its history even when the editor has not written the id yet)."""
    nb = json.loads(raw)
    meta = nb.setdefault("metadata", {}).setdefault("nbversion", {})
    if meta.get("notebook_id") == nid:
        return raw
    meta.setdefault("notebook_id", nid)
    return (json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()


class LiveLink:
    """The comms front ends opened to this kernel, and requests sent on them."""

    def __init__(self) -> None:
        self.comms: dict[str, Any] = {}
        self.missed = False
        self._file_current: str | None = None
        self._manager: Any = None

    def register(self, shell: Any) -> None:
        """Accept front ends' comms (an ipykernel kernel only; elsewhere nothing to do)."""
        if getattr(shell, "kernel", None) is None:
            return
        try:
            import comm

            manager = comm.get_comm_manager()
            manager.register_target(TARGET, self._opened)
        except Exception as err:  # no comms here: saves read the file
            print(f"nbversion: front-end notebook capture is off: {err}", file=sys.stderr)
            return
        self._manager = manager

    def close(self) -> None:
        if self._manager is not None:
            with contextlib.suppress(Exception):
                self._manager.unregister_target(TARGET, self._opened)
            self._manager = None
        for c in list(self.comms.values()):
            with contextlib.suppress(Exception):
                c.close()
        self.comms.clear()

    def _opened(self, comm: Any, msg: Any) -> None:
        cid = str(comm.comm_id)
        self.comms[cid] = comm
        self.missed = False
        comm.on_close(lambda _msg: self.comms.pop(cid, None))

    @contextlib.contextmanager
    def file_is_current(self, why: str) -> Iterator[None]:
        """Within this block the file on disk is the editor's notebook (the front end saved
        it just before asking for the save): read it, ask no one."""
        before, self._file_current = self._file_current, why
        try:
            yield
        finally:
            self._file_current = before

    def request(self, tmp_dir: Path, notebook: Path) -> Request:
        """Ask the connected front ends for ``notebook``'s content (returns at once)."""
        if self._file_current is not None:
            origin = {"notebook_source": "editor", "notebook_source_note": self._file_current}
            return Request(None, None, 0.0, origin)
        if not self.comms:
            return Request(None, None, 0.0, _from_file(NO_FRONT_END))
        rid = uuid.uuid4().hex
        tmp_dir.mkdir(parents=True, exist_ok=True)
        wait_path(tmp_dir, rid).write_text(str(notebook), encoding="utf-8")
        for stream in (sys.stdout, sys.stderr):  # the cell's outputs so far go out first
            with contextlib.suppress(Exception):
                stream.flush()
        for cid, c in list(self.comms.items()):
            try:
                c.send({"request": rid})
            except Exception:
                self.comms.pop(cid, None)
        timeout = _timeout()
        if self.missed:
            timeout = min(timeout, AFTER_MISS_TIMEOUT)
        return Request(rid, tmp_dir, timeout)

    def settle(self, origin: dict[str, str], asked: bool) -> None:
        """Remember whether the front end answered (a silent one costs less next time)."""
        if asked:
            self.missed = origin.get("notebook_source") != "editor"
