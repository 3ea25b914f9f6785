"""What cannot be saved, and why: checks before pickling and a readable reason after."""

from __future__ import annotations

import io
import re
import types
from typing import Any

from .base import qualified_name
from .errors import Unserializable

_FILE = "open file objects cannot be saved: reopen the file after restoring"
_GENERATOR = "generators cannot be saved: their frame state is not picklable"
_LOCK = "locks and other threading primitives cannot be saved: they belong to this process"
_SOCKET = "sockets cannot be saved: they are live network connections"

#: Reasons by the type name pickle reports in "cannot pickle 'X' object".
_REASONS: dict[str, str] = {
    "_io.TextIOWrapper": _FILE,
    "_io.BufferedReader": _FILE,
    "_io.BufferedWriter": _FILE,
    "_io.BufferedRandom": _FILE,
    "_io.FileIO": _FILE,
    "TextIOWrapper": _FILE,
    "BufferedReader": _FILE,
    "BufferedWriter": _FILE,
    "generator": _GENERATOR,
    "async_generator": _GENERATOR,
    "coroutine": "coroutines cannot be saved: their frame state is not picklable",
    "frame": "stack frames cannot be saved",
    "traceback": "tracebacks cannot be saved: they hold stack frames",
    "_thread.lock": _LOCK,
    "_thread.RLock": _LOCK,
    "_thread._local": "thread-local storage cannot be saved",
    "socket": _SOCKET,
    "SSLSocket": _SOCKET,
    "sqlite3.Connection": "database connections cannot be saved: reconnect after restoring",
    "sqlite3.Cursor": "database cursors cannot be saved: reconnect after restoring",
    "weakref.ReferenceType": "weak references cannot be saved",
    "weakref": "weak references cannot be saved",
    "mmap.mmap": "memory maps cannot be saved: map the file again after restoring",
    "module": "modules are not saved: re-run the import after restoring",
}


#: ``g = globals()``: the namespace holds every variable (each saved on its own) and modules.
_NAMESPACE = (
    "it is the notebook's namespace itself (globals()): its variables are saved one by one; "
    "bind it again with globals() after restoring into a new kernel"
)


def check_top_level(obj: Any) -> None:
    """Raise ``Unserializable`` for values that are never saved, before any work is done."""
    reason = _reason_for_value(obj)
    if reason:
        raise Unserializable(reason, qualified_name(type(obj)))


def _reason_for_value(obj: Any) -> str | None:
    if isinstance(obj, io.IOBase) and not isinstance(obj, io.BytesIO | io.StringIO):
        return _FILE
    if isinstance(obj, types.GeneratorType | types.AsyncGeneratorType):
        return _GENERATOR
    if isinstance(obj, types.CoroutineType):
        return _REASONS["coroutine"]
    if isinstance(obj, types.ModuleType):
        return _REASONS["module"]
    if isinstance(obj, types.FrameType):
        return _REASONS["frame"]
    if isinstance(obj, types.TracebackType):
        return _REASONS["traceback"]
    if type(obj) is dict and obj.get("__name__") == "__main__" and "__builtins__" in obj:
        return _NAMESPACE
    tp = type(obj)
    name = qualified_name(tp)
    if name in ("_thread.lock", "_thread.RLock", "threading.Condition", "threading.Semaphore"):
        return _LOCK
    if any(
        t.__module__ in ("socket", "ssl") and t.__name__ in ("socket", "SSLSocket")
        for t in tp.__mro__
    ):
        return _SOCKET
    return None


_CANNOT = re.compile(r"cannot pickle '([^']+)' object")


def reason_from_error(err: BaseException) -> str:
    """Turn a pickling exception into a reason a user can act on."""
    if isinstance(err, RecursionError):
        return "the value is nested too deeply to save"
    text = str(err)
    match = _CANNOT.search(text)
    if match:
        name = match.group(1)
        return _REASONS.get(name) or f"it contains a {name} object, which cannot be pickled"
    return f"pickling failed: {type(err).__name__}: {text[:300]}"
