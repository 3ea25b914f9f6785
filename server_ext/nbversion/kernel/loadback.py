"""The save-time load-back check, run where it cannot touch the user's objects.

Some classes pickle "successfully" into something that cannot be loaded back; a version
holding one would fail only on restore, when it is too late. So a save decodes each newly
written pickled value once and lists the ones that fail as not saved. But decoding runs
user code (``__setstate__``, ``__reduce__`` reconstructors, ``__init__`` of classes
defined in the notebook): done in the kernel, it could change the user's results (a
counter, a registry, a global cache), and saving must have no side effects.

So the check runs in a forked copy of the kernel: in a background save it is already in
one; a synchronous save forks a child just for it (a few milliseconds, once per save, for
all values at once) which reports the failures through a pipe and exits. Where forking is
unsafe (see :func:`.background.fork_unsafe_reason`) the check is skipped: a value that
cannot load back then fails at restore time, with its reason, instead of at save time.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from ..capture import Encoded, decode
from ..capture.pickle_kind import resolving
from . import background


def problems(
    candidates: Sequence[tuple[str, Encoded]], namespace: Mapping[str, Any]
) -> dict[str, str]:
    """``name -> why`` for the encoded values that cannot be decoded back, checked in a
    forked process (never in the kernel's); ``{}`` when nothing needs checking or forking
    is unsafe here."""
    if not candidates:
        return {}
    if background.in_child:  # already a disposable copy of the kernel
        return _check(candidates, namespace)
    if background.fork_unsafe_reason() is not None:
        return {}
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never return into the kernel's code
        code = 1
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - until os._exit
            data = json.dumps(_check(candidates, namespace)).encode()
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        return {}  # the checker itself died (e.g. a crash in a decoder): save as before
    found: dict[str, str] = json.loads(data)
    return found


def _check(
    candidates: Sequence[tuple[str, Encoded]], namespace: Mapping[str, Any]
) -> dict[str, str]:
    out: dict[str, str] = {}
    with resolving(namespace.__getitem__):
        for name, enc in candidates:
            try:
                decode(enc.kind, enc.meta, [bytes(b) for b in enc.buffers], allow_untrusted=True)
            except Exception as err:
                out[name] = f"saved but could not be loaded back ({type(err).__name__}: {err})"
    return out
