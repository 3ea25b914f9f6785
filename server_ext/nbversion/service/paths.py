"""Confine user-supplied notebook paths to the project root."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..errors import Forbidden, InvalidInput, NotFound


def confine(root: Path, path: str, *, must_exist: bool = True, suffix: str = ".ipynb") -> Path:
    """The absolute path of ``path`` (relative to ``root``), refusing anything outside it.

    Absolute paths, ``..`` segments and symlinks that lead out of the root are refused with
    403; a path with the wrong suffix is a 400; a missing file is a 404 when it must exist.
    """
    if not isinstance(path, str) or not path.strip():
        raise InvalidInput("path is required")
    if "\x00" in path:
        raise InvalidInput("path contains a NUL byte")
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800"): no file has that name
        raise InvalidInput("path is not valid Unicode text") from None
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or any(part == ".." for part in pure.parts):
        raise Forbidden(f"path {path!r} is outside the server root")
    if suffix and pure.suffix != suffix:
        raise InvalidInput(f"path {path!r} is not a {suffix} file")
    root = root.resolve()
    full = (root / pure).resolve()
    try:
        full.relative_to(root)
    except ValueError:
        raise Forbidden(f"path {path!r} is outside the server root") from None
    if must_exist and not full.is_file():
        raise NotFound(f"notebook {path!r} not found")
    return full
