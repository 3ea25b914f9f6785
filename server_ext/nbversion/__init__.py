"""nbversion: notebook-native versioning for JupyterLab.

This package is at once a Jupyter server extension (REST API for the sidebar),
an IPython extension (the ``%version`` magic) and the home of the store and
service API that both front ends, and the ``nbversion`` CLI, are built on.
"""

from __future__ import annotations

from typing import Any

from . import wiring  # noqa: F401  (connects tiering and git to the store's hooks)
from .meta import __version__

__all__ = [
    "__version__",
    "log_metric",
    "log_metrics",
    "log_params",
    "restore",
    "save",
    "set_notebook",
    "track",
]


_API = {"log_metric", "log_metrics", "log_params", "restore", "save", "set_notebook", "track"}


def __getattr__(name: str) -> Any:
    """``nbversion.save()`` and friends, imported lazily so the server never loads IPython."""
    if name in _API:
        from .kernel import api

        return getattr(api, name)
    raise AttributeError(f"module 'nbversion' has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the built labextension lives (top-level ``labextension/``)."""
    return [{"src": "../../labextension", "dest": "nbversion"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Entry point used by jupyter_server to load the nbversion server extension."""
    from .app import NbVersionApp

    return [{"module": "nbversion", "app": NbVersionApp}]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext nbversion``: register the ``%version`` magic in this kernel."""
    from .kernel.magic import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext nbversion``: remove what :func:`load_ipython_extension` added."""
    from .kernel.magic import unload_ipython_extension as _unload

    _unload(ipython)
