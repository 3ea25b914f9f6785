"""Whether pyarrow imports here, and if not, a sentence naming the cause and the fix.

DataFrames are stored as Arrow buffers. pyarrow declares no numpy requirement, yet
pyarrow 26 imports only with numpy >= 2 (and pyarrow 14-15 break with numpy 2), so
``pip install nbversion`` beside numpy 1.26 can leave a pyarrow that raises on import.
The pandas serializer then falls back to pickle (see docs/serializers.md) and the save and
``%version status`` say why, with this module's message.
"""

from __future__ import annotations

import importlib
from importlib import metadata
from typing import Any

from ..errors import NbVersionError

#: pyarrow's first release that imports only with numpy >= 2, and the range that works
#: with numpy 1.x (pyarrow >= 16 is what nbversion supports).
NEEDS_NUMPY2_FROM = 26
NUMPY1_SPEC = "pyarrow>=16,<26"

_checked = False
_problem: str | None = None


class ArrowUnavailable(NbVersionError):
    """pyarrow cannot be imported here, so Arrow-stored DataFrames cannot be loaded."""

    http_status = 500


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _major(version: str | None) -> int | None:
    head = (version or "").split(".", 1)[0]
    return int(head) if head.isdigit() else None


def explain(err: BaseException | None, pyarrow: str | None, numpy: str | None) -> str:
    """The message for a pyarrow that failed to import (``err``), given installed versions."""
    why = f" ({type(err).__name__}: {err})" if err is not None else ""
    then = ", then restart the kernel"
    old_numpy = (_major(numpy) or 2) < 2
    if pyarrow is None:
        spec = NUMPY1_SPEC if old_numpy else "pyarrow>=16"
        return f"pyarrow is not installed{why}: pip install '{spec}'{then}"
    pa_major = _major(pyarrow)
    if pa_major is not None and pa_major >= NEEDS_NUMPY2_FROM and old_numpy:
        return (
            f"pyarrow {pyarrow} needs numpy >= 2 but numpy {numpy} is installed{why}: "
            f"pip install '{NUMPY1_SPEC}', or upgrade numpy (pip install 'numpy>=2'){then}"
        )
    if pa_major is not None and pa_major < 16:
        spec = NUMPY1_SPEC if old_numpy else "pyarrow>=16"
        return (
            f"pyarrow {pyarrow} is older than nbversion supports{why}: pip install '{spec}'{then}"
        )
    spec = NUMPY1_SPEC if old_numpy else "pyarrow>=16"
    return (
        f"pyarrow {pyarrow} cannot be imported with numpy {numpy or '(not installed)'}{why}: "
        f"pip install --force-reinstall '{spec}'{then}"
    )


def problem() -> str | None:
    """None when pyarrow imports; else why not and how to fix it (checked once per process)."""
    global _checked, _problem
    if not _checked:
        try:
            importlib.import_module("pyarrow")
        except Exception as err:  # ImportError mostly; a broken build may raise anything
            _problem = explain(err, _version("pyarrow"), _version("numpy"))
        _checked = True
    return _problem


def require() -> Any:
    """The pyarrow module, or :class:`ArrowUnavailable` with :func:`problem`'s message."""
    found = problem()
    if found is not None:
        raise ArrowUnavailable(f"Arrow-stored DataFrames cannot be loaded: {found}")
    return importlib.import_module("pyarrow")


def reset() -> None:
    """Forget the cached check (tests; after the user installs another pyarrow)."""
    global _checked, _problem
    _checked, _problem = False, None
