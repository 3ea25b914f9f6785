"""The diff worker: ``python -m nbversion.service.diff_worker``, one process per diff.

The Jupyter server never decodes stored values itself: a crafted payload can crash a
decoder (a segfault in Arrow or scipy) and a huge notebook can take minutes and
gigabytes. The server starts this module instead (see :mod:`.isolated`); it

1. imports the diff engine and nbdime up front, then waits for one request on stdin
   (so the server can keep one warm spare ready and a diff does not wait for imports);
2. applies its limits to itself before touching the store: ``RLIMIT_DATA`` (heap and
   anonymous mappings: what a runaway diff grows), ``RLIMIT_CPU`` (a backstop should
   the server die without killing it) and no core dumps;
3. diffs the two versions (pickles only for trusted versions, by the usual trust rules)
   and writes one JSON line to its result pipe: ``{"ok": true, "result": …}`` or
   ``{"ok": false, "status", "reason", "message"}``.

Anything a library prints goes to stderr: fd 1 is pointed at stderr before any work,
and the result travels on a private duplicate of the original stdout.
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import resource
import sys
from typing import IO, Any

#: Exit status after a MemoryError whose report could not be written.
EXIT_MEMORY = 75


def _result_pipe() -> IO[str]:
    """The original stdout, private to this module; fd 1 becomes a copy of stderr."""
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, "w", encoding="utf-8")


def apply_limits(memory_bytes: int, cpu_seconds: int) -> None:
    """Cap this process's memory and CPU time, and turn core dumps off."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    if cpu_seconds > 0:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Diff versions ``a`` and ``b`` (full ids) of the store at ``root``."""
    from ..diff import DiffOptions, diff_manifests
    from ..store import Repository

    options = DiffOptions(**request.get("options", {}))
    with Repository.open(request["root"]) as repo:
        a, b = repo.get(request["a"]), repo.get(request["b"])
        return diff_manifests(a, b, repo, options)


def _warm_up() -> None:
    """Import what every diff needs before the request comes (a spare waits warm)."""
    from .. import diff, store  # noqa: F401

    with contextlib.suppress(ImportError):  # without nbdime, cells are not compared
        import nbdime  # noqa: F401


def main() -> int:
    """Read one request from stdin, answer on the result pipe; see the module doc."""
    from ..errors import NbVersionError

    out = _result_pipe()
    faulthandler.enable()  # a crash leaves a Python traceback on stderr for the log
    _warm_up()
    request = json.loads(sys.stdin.readline() or "null")
    if not isinstance(request, dict):
        return 0  # the server closed the pipe: this spare is not needed
    apply_limits(int(request.get("memory_bytes", 0)), int(request.get("cpu_seconds", 0)))
    answer: dict[str, Any]
    try:
        answer = {"ok": True, "result": run(request)}
    except MemoryError:
        answer = {"ok": False, "status": 413, "reason": "DiffTooLarge", "message": "memory"}
    except NbVersionError as err:
        answer = {"ok": False, "status": err.http_status, "reason": type(err).__name__,
                  "message": str(err)}  # fmt: skip
    except Exception as err:  # reported to the server, which logs it and answers 500
        answer = {"ok": False, "status": 500, "reason": type(err).__name__, "message": str(err)}
    try:
        out.write(json.dumps(answer) + "\n")
        out.flush()
    except MemoryError:
        return EXIT_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(main())
