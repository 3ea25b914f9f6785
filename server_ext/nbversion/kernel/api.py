"""The Python API inside a kernel: ``nbversion.save()``, ``log_metric()``, ``restore()``...

It mirrors the magic for code that prefers functions (training loops, scripts run with
``%run``). All calls act on the session of the current IPython shell.
"""

from __future__ import annotations

import os
from typing import Any

from ..errors import Unprocessable
from ..store.manifest import Manifest
from .session import KernelSession

_session: KernelSession | None = None


def _bind(session: KernelSession) -> None:
    global _session
    _session = session


def session() -> KernelSession:
    """The current kernel's session (``%load_ext nbversion`` creates it)."""
    if _session is None:
        from IPython import get_ipython

        ip = get_ipython()
        if ip is None:
            raise Unprocessable("nbversion's Python API needs an IPython kernel")
        ip.extension_manager.load_extension("nbversion")
    assert _session is not None
    return _session


def set_notebook(path: str | os.PathLike[str]) -> None:
    """Say which notebook this kernel runs (only needed outside JupyterLab)."""
    session().set_notebook(path)


def save(message: str = "", *, verify: bool = False) -> Manifest:
    """Save the notebook and kernel state; returns the new version's manifest."""
    return session().save(message, verify=verify).manifest


def log_metric(name: str, value: Any) -> None:
    """Record one metric for the next version."""
    session().metrics[name] = value


def log_metrics(**metrics: Any) -> None:
    """Record metrics for the next version."""
    session().metrics.update(metrics)


def log_params(**params: Any) -> None:
    """Record params for this and later versions."""
    session().params.update(params)


def track(*paths: str) -> list[str]:
    """Store these data files or folders with every version from now on."""
    return session().track(paths)


def restore(ref: str, *names: str, trust: bool = False) -> list[str]:
    """Restore variables (all, or ``names``) from a version in place; returns what changed."""
    _, result, _ = session().restore(ref, names or None, trust_it=trust)
    return result.restored
