"""Saving off the critical path: ``fork()`` and save from the copy-on-write image.

Like Redis' BGSAVE, the kernel forks; the child sees the namespace exactly as it was at
the fork, encodes, hashes and writes it into the store, writes its result to a file and
leaves with ``os._exit`` (no atexit handlers, no flushing of the kernel's ZMQ streams).
The parent is blocked only for the fork and goes on running cells; it reaps the child
before its next save (or store access) and learns the result from the file and the exit
status. The store is atomic and multi-process safe, so a child killed half-way leaves
only unreferenced objects behind.

Forking is refused (the caller saves synchronously instead) where the copy would not be
safe to run Python in: off Linux, with CUDA initialized (a forked CUDA context is
unusable), or when threads other than the kernel's own are running (one could hold a
lock the child inherits locked). In the child, libraries whose thread pools do not
survive a fork are kept single-threaded (BLAKE3's pool, torch's intra-op threads).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_BACKGROUND = "NBVERSION_BACKGROUND_SAVE"
ENV_DEPTH = "NBVERSION_BACKGROUND_DEPTH"
#: Background saves that may be in flight at once (beyond that, saves are merged: .coalesce).
DEFAULT_DEPTH = 1


def max_in_flight() -> int:
    """How many background saves may run at once (``NBVERSION_BACKGROUND_DEPTH``, >= 1)."""
    raw = os.environ.get(ENV_DEPTH, "").strip()
    return max(1, int(raw)) if raw.isdigit() else DEFAULT_DEPTH


#: Modules whose threads belong to the kernel itself and never touch user objects.
_KERNEL_THREAD_MODULES = ("ipykernel", "IPython", "jupyter_client", "zmq", "tornado")
_KERNEL_THREAD_NAMES = ("IOPub", "_watch_pipe_fd", "nbv-")


def fork_unsafe_reason() -> str | None:
    """Why a background (forked) save is not safe here, or None when it is."""
    if os.environ.get(ENV_BACKGROUND, "").strip().lower() in ("0", "off", "false", "no"):
        return f"background saving is off ({ENV_BACKGROUND})"
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return "background saving needs fork() on Linux"
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            if torch.cuda.is_initialized():
                return "CUDA is initialized (a forked CUDA context is unusable)"
        except Exception:
            return "cannot tell whether CUDA is initialized"
    for thread in threading.enumerate():
        if thread is threading.main_thread() or _is_kernel_thread(thread):
            continue
        return f"thread {thread.name!r} is running (it could hold a lock the copy inherits)"
    return None


def _is_kernel_thread(thread: threading.Thread) -> bool:
    module = type(thread).__module__.partition(".")[0]
    target = getattr(thread, "_target", None)
    target_module = (getattr(target, "__module__", None) or "").partition(".")[0]
    return (
        module in _KERNEL_THREAD_MODULES
        or target_module in _KERNEL_THREAD_MODULES
        or any(part in thread.name for part in _KERNEL_THREAD_NAMES)
    )


@dataclass
class Job:
    """A running background save: the child's pid and where it leaves its result.

    ``exit_fd`` is the read end of a pipe whose write end only the child holds: it reads
    end-of-file once the child has exited, which a *sibling* (a later child, which cannot
    ``waitpid`` it) uses to wait for it (:func:`wait_sibling`).
    """

    pid: int
    result_path: Path
    started: float
    context: Any = None
    exit_fd: int | None = None
    _status: int | None = None

    def done(self) -> bool:
        """Whether the child has finished (never blocks)."""
        return self._reap(os.WNOHANG) is not None

    def wait(self, *, keep_result: bool = False) -> tuple[str, Any]:
        """Block until the child exits; ("ok", value) or ("error", message).

        ``keep_result`` leaves the result file for later children that may still read it
        (:func:`wait_sibling`); the caller removes it when none is left.
        """
        status = self._reap(0)
        assert status is not None
        try:
            payload = read_result(self.result_path, status)
        finally:
            if not keep_result:
                self.result_path.unlink(missing_ok=True)
            if self.exit_fd is not None:
                os.close(self.exit_fd)
                self.exit_fd = None
        return payload

    def _reap(self, flags: int) -> int | None:
        if self._status is not None:
            return self._status
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:  # reaped elsewhere (e.g. a SIGCHLD handler)
            pid, status = self.pid, 0
        if pid == 0:
            return None
        self._status = os.waitstatus_to_exitcode(status)
        return self._status


def read_result(path: Path, status: int | None = None) -> tuple[str, Any]:
    """What a finished child left: ("ok", value) or ("error", why)."""
    try:
        payload: tuple[str, Any] = pickle.loads(path.read_bytes())
    except (OSError, EOFError, pickle.UnpicklingError) as err:
        payload = ("error", f"background save exited with status {status} ({err})")
    return payload


def wait_sibling(job: Job) -> tuple[str, Any]:
    """In a later child: block until the earlier child ``job`` has exited; its result.

    Never reaps it (only the kernel can) and never removes its result file.
    """
    if job.exit_fd is not None:
        while True:
            try:
                if not os.read(job.exit_fd, 4096):
                    break  # end of file: the child has exited
            except InterruptedError:
                continue
    return read_result(job.result_path)


def start(work: Callable[[], Any], tmp_dir: Path, context: Any = None) -> Job:
    """Fork; the child runs ``work()`` and pickles ("ok", result) or ("error", why)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="bgsave-", suffix=".pickle", dir=tmp_dir)
    os.close(fd)
    path = Path(name)
    exit_r, exit_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the kernel's code
        code = 70
        try:
            os.close(exit_r)  # keeps exit_w open until os._exit: its end of file says "done"
            _child_setup()
            try:
                payload: tuple[str, Any] = ("ok", work())
                code = 0
            except BaseException as err:
                payload = ("error", f"{type(err).__name__}: {err}")
                code = 1
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        finally:
            os._exit(code)
    os.close(exit_w)
    return Job(pid, path, time.perf_counter(), context, exit_r)


#: True in a background save's child (a disposable copy: user code may run there).
in_child = False


def _child_setup() -> None:
    """Cut the child off the kernel's I/O and signals; keep thread pools single-threaded."""
    global in_child
    in_child = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # an interrupt is for the parent's cell
    devnull = open(os.devnull, "w")  # noqa: SIM115 - lives until os._exit
    sys.stdout = sys.stderr = devnull
    torch = sys.modules.get("torch")
    if torch is not None:
        with contextlib.suppress(Exception):
            torch.set_num_threads(1)
    from ..store import objects

    def hash_one_thread(data: Any) -> str:
        import blake3

        return str(blake3.blake3(data).hexdigest())

    objects.hash_bytes = hash_one_thread


def track_notebook_classes(ns: dict[str, Any]) -> None:
    """Give notebook-defined classes their cloudpickle tracker id here, before a fork.

    cloudpickle names a class pickled by value with a random id, made the first time the
    process pickles it. Made in a forked child, the id dies with it: every background save
    would then pickle the class with a new id, store it again, and never match a
    synchronous save. Made once in the kernel, it is inherited by every child.
    """
    classes = []
    for value in list(ns.values()):
        tp = value if isinstance(value, type) else type(value)
        if getattr(tp, "__module__", None) == "__main__":
            classes.append(tp)
    if not classes:
        return
    try:
        from cloudpickle import cloudpickle as cp

        track = cp._get_or_create_tracker_id
    except (ImportError, AttributeError):
        return
    for tp in classes:
        with contextlib.suppress(Exception):
            track(tp)


#: In a background child: the parent's repository, kept alive until ``os._exit``.
inherited: list[Any] = []


def import_like_the_child(modules: list[str]) -> None:
    """Import what a background save had to import (serializers' libraries, e.g. skops).

    A child's imports die with it: without this every later child pays them again (seconds
    for some libraries). Paid once, here, they are inherited by every later fork.
    """
    for name in modules:
        if name not in sys.modules:
            with contextlib.suppress(Exception):
                importlib.import_module(name)
