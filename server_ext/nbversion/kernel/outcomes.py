"""What the kernel reports about saves and restores: a save's result and log entry, a
failed save's record, and the variables a restore holds back until the user trusts the
version."""

from __future__ import annotations

import builtins
import os
from dataclasses import dataclass
from typing import Any

from .. import trust
from ..errors import NbVersionError
from ..store.manifest import Manifest, utc_now
from . import snapshot, tracking


def failure(kind: str, err: BaseException | str, before: dict[str, Any] | None) -> dict[str, Any]:
    """A failed save as ``last_error`` records it: one line, when, and how many in a row."""
    text = err if isinstance(err, str) else (str(err) or type(err).__name__)
    if isinstance(err, BaseException) and not isinstance(err, NbVersionError):
        text = f"{type(err).__name__}: {text}"
    line = " ".join(text.split())[:500]
    return {"kind": kind, "message": line, "at": utc_now(),
            "failures": (before or {}).get("failures", 0) + 1}  # fmt: skip


def held_back(manifest: Manifest, names: list[str] | None, trusted: bool) -> dict[str, str]:
    """Variables a restore must not load yet, each with why: those whose loading runs code
    (pickles) in a version this user has not trusted. Everything else loads at once."""
    if trusted:
        return {}
    wanted = names if names else list(manifest.variables)
    held = {
        n: f"held back: loading this {rec['type']} unpickles it, which can run "
        f"code, and version {manifest.id[:10]} is not trusted here (%version trust "
        f"{manifest.id[:10]}, or restore with --trust)"
        for n in wanted
        if (rec := manifest.variables.get(n)) is not None
        and trust.runs_code(rec, manifest.variables)
    }
    for n in wanted:  # an untrusted version must not rebind print, len, ...
        if n in manifest.variables and n not in held and n in vars(builtins):
            held[n] = (
                f"held back: {n!r} would hide Python's builtin of that name, and version "
                f"{manifest.id[:10]} is not trusted here"
            )
    return held


def env_size(var: str) -> int | None:
    """A byte count from the environment (set by the server extension's config), or None."""
    raw = os.environ.get(var, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


@dataclass
class SaveResult:
    """A saved version and what saving it cost."""

    manifest: Manifest
    capture: snapshot.CaptureResult
    seconds: float
    outcome: tracking.Outcome | None = None


def save_summary(result: SaveResult) -> dict[str, Any]:
    """A save's entry in ``save_log``: version id, seconds, names encoded, what was written."""
    c = result.capture
    return {
        "version": result.manifest.id, "seconds": result.seconds, "encoded": list(c.encoded),
        "written": list(c.written), "bytes_written": c.bytes_written,
    }  # fmt: skip
