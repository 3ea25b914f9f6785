"""The package version, importable without loading the server or kernel parts."""

from __future__ import annotations

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a source tree that was never built
    import warnings

    warnings.warn(
        "nbversion was not installed (no _version.py): run `pip install -e .`",
        stacklevel=2,
    )
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
