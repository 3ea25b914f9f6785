"""Hand the editor's notebook to a save running in the kernel (see :mod:`..kernel.live`).

The kernel writes ``<store>/tmp/live-<id>.wait`` holding its notebook's absolute path and
asks the front ends for their model over a comm; a front end posts it here. It is written
to ``live-<id>.ipynb`` exactly as the contents API would write the notebook file
(nbformat's JSON writer, lists of lines, trust marks stripped, a final newline), so a
version saved from a cell and one saved from the Versions panel store the same bytes for
the same editor content.

Nothing is written without a waiting request (the ``.wait`` file), nor for another
notebook than the one the kernel saves: a mismatch is answered 409 and written to
``live-<id>.refused``, so the kernel stores the file instead at once, with the reason.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from ..errors import Conflict, InvalidInput, NotFound
from ..store.repository import STORE_DIR
from .paths import confine

_RID = re.compile(r"^[0-9a-f]{32}$")


def _files(root: Path, rid: str) -> tuple[Path, Path, Path]:
    if not isinstance(rid, str) or not _RID.match(rid):
        raise InvalidInput("invalid request id")
    tmp = root / STORE_DIR / "tmp"
    return tmp / f"live-{rid}.wait", tmp / f"live-{rid}.ipynb", tmp / f"live-{rid}.refused"


def file_bytes(content: Any) -> bytes:
    """The notebook file the contents API would write for this model content."""
    import nbformat
    from nbformat.v4 import writes

    if not isinstance(content, dict) or not isinstance(content.get("cells"), list):
        raise InvalidInput("content must be a notebook (an object with a list of cells)")
    if content.get("nbformat") != 4:
        raise InvalidInput("content must be an nbformat 4 notebook")
    try:
        text: str = writes(nbformat.from_dict(content))  # type: ignore[no-untyped-call]
    except (TypeError, ValueError, AttributeError, KeyError) as err:
        raise InvalidInput(f"content is not a notebook: {type(err).__name__}: {err}") from None
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _write(target: Path, data: bytes) -> None:
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def deliver(root: Path, rid: str, path: str, content: Any) -> int:
    """Answer the kernel's request ``rid`` with ``path``'s editor content; returns its size."""
    waiting, answer, refused = _files(root, rid)
    try:
        expected = waiting.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound("no save is waiting for this notebook (it finished or gave up)") from None
    full = confine(root, path, must_exist=False)
    if Path(expected).resolve() != full:
        why = f"the editor's notebook is {path}, not the one this kernel saves"
        _write(refused, why.encode("utf-8"))
        raise Conflict(why)
    data = file_bytes(content)
    if not waiting.exists():  # the kernel gave up while this was converted
        raise NotFound("no save is waiting for this notebook (it finished or gave up)")
    _write(answer, data)
    return len(data)
