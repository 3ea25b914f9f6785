"""Diffs off the request path: each runs in a worker process with a time and memory limit.

A diff reads and decodes stored data: notebooks of any size, variables in Arrow, numpy,
safetensors, pickles of trusted versions. Run in the Jupyter server, a 20,000-cell
notebook took minutes and gigabytes while every other request waited, and a crafted
Arrow buffer crashed the server. So the server only resolves the two refs (cheap, on its
store thread) and hands the ids to ``python -m nbversion.service.diff_worker``:

- **limits**: the worker caps its own memory (``RLIMIT_DATA``) and CPU time; the server
  kills it after ``timeout`` seconds of wall-clock time, and refuses a result larger
  than ``max_result_bytes`` (what the server holds in memory is bounded by it);
- **isolation**: a crash (SIGSEGV in a decoder) ends the worker, not the server; the
  client gets a JSON error naming the signal, and the server goes on answering;
- **cancellation**: when the awaiting coroutine is cancelled (the client went away, the
  server stops), the worker is killed at once; :meth:`DiffRunner.close` kills them all;
- **concurrency**: at most ``workers`` diffs run at once; more wait their turn;
- **latency**: one warm spare worker (imports done, ~60 MB) waits for the next request,
  so a small diff costs milliseconds rather than nbdime's 2 s import.

Errors are :class:`NbVersionError` subclasses (413, 502, 504), mapped to JSON answers by
the REST layer like every other error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Conflict, Forbidden, InvalidInput, NbVersionError, NotFound, Unprocessable
from .diff_worker import EXIT_MEMORY

WORKER_MODULE = "nbversion.service.diff_worker"
STDERR_TAIL = 4096
log = logging.getLogger(__name__)


class DiffTooLarge(NbVersionError):
    """The diff needed more memory than its limit, or its result is too large to send."""

    http_status = 413


class DiffTimeout(NbVersionError):
    """The diff ran longer than its time limit and was stopped."""

    http_status = 504


class DiffWorkerCrashed(NbVersionError):
    """The diff worker died of a signal (a decoder crashed): the server is unaffected."""

    http_status = 502


class DiffFailed(NbVersionError):
    """The diff worker failed in an unexpected way (its error is in the message)."""

    http_status = 500


_BY_STATUS: dict[int, type[NbVersionError]] = {
    400: InvalidInput, 403: Forbidden, 404: NotFound, 409: Conflict, 413: DiffTooLarge,
    422: Unprocessable,
}  # fmt: skip


@dataclass(frozen=True)
class WorkerLimits:
    """How far one diff may go (set from ``NbVersionApp.diff_*`` traits)."""

    #: Wall-clock seconds before the worker is killed (504).
    timeout: float = 60.0
    #: Bytes of heap and anonymous memory the worker may map (413 beyond); 0: no limit.
    memory_bytes: int = 2 << 30
    #: Largest JSON result accepted from the worker (413 beyond).
    max_result_bytes: int = 32 << 20
    #: Diffs running at once; more wait.
    workers: int = 2


def _mb(n: int) -> str:
    return f"{n / (1 << 20):,.0f} MB" if n < 1 << 30 else f"{n / (1 << 30):g} GiB"


def _signal_name(number: int) -> str:
    try:
        sig = signal.Signals(number)
    except ValueError:
        return f"signal {number}"
    text = signal.strsignal(sig) or ""
    return f"signal {number} ({sig.name}{': ' + text.lower() if text else ''})"


def _worker_env() -> dict[str, str]:
    """The server's environment, with this package importable and one thread per library."""
    env = dict(os.environ)
    package_parent = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_parent, env.get("PYTHONPATH")) if p)
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    return env


async def _spawn() -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", WORKER_MODULE,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=_worker_env(), start_new_session=True,
    )  # fmt: skip


def _kill(proc: asyncio.subprocess.Process) -> None:
    """SIGKILL the worker's process group (it made it the leader of a new session)."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


class DiffRunner:
    """Runs diffs in worker processes within :class:`WorkerLimits`."""

    def __init__(self, limits: WorkerLimits | None = None) -> None:
        self.limits = limits or WorkerLimits()
        self._slots: asyncio.Semaphore | None = None
        self._spare: asyncio.subprocess.Process | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._running: set[asyncio.subprocess.Process] = set()
        self._closed = False

    async def diff(self, root: Path, a: str, b: str, options: dict[str, Any]) -> dict[str, Any]:
        """The diff of versions ``a`` and ``b`` (full ids) of the store at ``root``."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a new event loop (tests): processes of the old one go
            self._kill_all()
            self._loop, self._slots = loop, asyncio.Semaphore(max(1, self.limits.workers))
        assert self._slots is not None
        async with self._slots:
            proc = await self._take_worker()
            self._running.add(proc)
            try:
                return await self._run(proc, root, a, b, options)
            finally:
                _kill(proc)
                self._running.discard(proc)
                with contextlib.suppress(Exception):
                    await asyncio.shield(proc.wait())
                if self._spare is None and not self._closed:
                    with contextlib.suppress(OSError):
                        self._spare = await _spawn()

    async def _take_worker(self) -> asyncio.subprocess.Process:
        spare, self._spare = self._spare, None
        if spare is not None and spare.returncode is None:
            return spare
        return await _spawn()

    async def _run(
        self, proc: asyncio.subprocess.Process, root: Path, a: str, b: str, options: dict[str, Any]
    ) -> dict[str, Any]:
        limits = self.limits
        request = {"root": str(root), "a": a, "b": b, "options": options,
                   "memory_bytes": limits.memory_bytes,
                   "cpu_seconds": int(limits.timeout) + 10}  # fmt: skip
        out, err = bytearray(), bytearray()

        async def talk() -> None:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            with contextlib.suppress(ConnectionError):
                await proc.stdin.drain()
            proc.stdin.close()

            async def read_out() -> None:
                assert proc.stdout is not None
                while chunk := await proc.stdout.read(1 << 16):
                    out.extend(chunk)
                    if len(out) > limits.max_result_bytes:
                        raise DiffTooLarge(
                            f"the diff is larger than the server sends "
                            f"({_mb(limits.max_result_bytes)}, NbVersionApp.diff_max_result_bytes)"
                            ": the versions differ too much to show in full here; "
                            "`nbversion diff A B` in a terminal shows everything"
                        )

            async def read_err() -> None:
                assert proc.stderr is not None
                while chunk := await proc.stderr.read(1 << 16):
                    err.extend(chunk)
                    del err[:-STDERR_TAIL]

            await asyncio.gather(read_out(), read_err())
            await proc.wait()

        try:
            await asyncio.wait_for(talk(), timeout=limits.timeout)
        except TimeoutError:
            raise DiffTimeout(
                f"the diff was stopped after {limits.timeout:g} s: the notebooks are too large "
                "to compare in full here (the limit is NbVersionApp.diff_timeout); "
                "`nbversion diff A B` in a terminal has no time limit"
            ) from None
        return self._answer(proc.returncode, bytes(out), bytes(err), a, b)

    def _answer(self, code: int | None, out: bytes, err: bytes, a: str, b: str) -> dict[str, Any]:
        """The worker's result, or the error its answer or exit status stands for."""
        memory = (
            f"the diff was stopped at its memory limit ({_mb(self.limits.memory_bytes)}, "
            "NbVersionApp.diff_memory_limit): the versions are too large to compare in full "
            "here; `nbversion diff A B` in a terminal has no memory limit"
        )
        answer: Any = None
        with contextlib.suppress(ValueError):
            answer = json.loads(out) if out.strip() else None
        if isinstance(answer, dict) and answer.get("ok") is True:
            result: dict[str, Any] = answer["result"]
            return result
        if isinstance(answer, dict) and answer.get("ok") is False:
            status = int(answer.get("status", 500))
            if status == 413:
                raise DiffTooLarge(memory)
            error = _BY_STATUS.get(status)
            if error is not None:
                raise error(str(answer.get("message")))
            raise DiffFailed(f"the diff failed: {answer.get('reason')}: {answer.get('message')}")
        text = err.decode("utf-8", "replace").strip()
        log.warning("nbversion diff worker: exit status %s; its last output:\n%s", code, text)
        tail = text.splitlines()[-1:] or [""]
        if code == EXIT_MEMORY or "MemoryError" in text:
            raise DiffTooLarge(memory)
        if code is not None and code < 0:
            if -code == signal.SIGXCPU:
                raise DiffTimeout(
                    f"the diff was stopped at its CPU time limit ({self.limits.timeout:g} s)"
                )
            raise DiffWorkerCrashed(
                f"the diff worker was killed by {_signal_name(-code)} while comparing "
                f"{a[:10]} and {b[:10]}: a stored value is probably malformed (or it ran out "
                f"of memory, limit {_mb(self.limits.memory_bytes)}). The Jupyter server is "
                "unaffected; `nbversion diff --stats-only` compares without decoding values"
            )
        raise DiffFailed(f"the diff worker ended with status {code} without an answer: {tail[0]}")

    def close(self) -> None:
        """Kill the spare and every running worker, and keep no spare (the server stops)."""
        self._closed = True
        self._kill_all()

    def _kill_all(self) -> None:
        for proc in [*self._running, *([self._spare] if self._spare else [])]:
            _kill(proc)
        self._running.clear()
        self._spare = None
