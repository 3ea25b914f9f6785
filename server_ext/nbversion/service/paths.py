"""Confine user-supplied notebook paths to the project root."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..errors import Forbidden, InvalidInput, NotFound
from ..store.names import MAX_COMPONENT, MAX_PATH


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
    if len(path.encode("utf-8")) > MAX_PATH or any(
        len(part.encode("utf-8")) > MAX_COMPONENT for part in path.replace("\\", "/").split("/")
    ):
        raise InvalidInput(f"path is longer than this file system allows ({MAX_PATH} bytes)")
    pure = PurePosixPath(path.replace("\\", "/"))
    if pure.is_absolute() or any(part == ".." for part in pure.parts):
        raise Forbidden(f"path {path!r} is outside the server root")
    if suffix and pure.suffix != suffix:
        raise InvalidInput(f"path {path!r} is not a {suffix} file")
    try:
        root = root.resolve()
        full = (root / pure).resolve()
        try:
            full.relative_to(root)
        except ValueError:
            raise Forbidden(f"path {path!r} is outside the server root") from None
        if must_exist and not full.is_file():
            raise NotFound(f"notebook {path!r} not found")
    except OSError as err:  # a name the file system refuses (too long, a loop of links)
        raise InvalidInput(f"path {path!r} cannot be used here: {err.strerror}") from None
    return full
