"""Branches, tags and HEAD per notebook, changed only by compare-and-swap.

Layout (under ``.nbversion/``)::

    refs/<notebook_id>/heads/<branch>   version id + newline
    refs/<notebook_id>/tags/<tag>       version id + newline
    refs/<notebook_id>/HEAD             name of the checked-out branch
    logs/<notebook_id>/heads/<branch>   reflog: JSON lines {old, new, who, when, why}

Each update takes ``<ref>.lock`` (see :mod:`.locks`), compares, writes a temp file,
fsyncs, ``os.replace``\\ s it and appends to the reflog.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import Conflict, InvalidInput
from .fsutil import append_line, atomic_write
from .locks import FileLock, StoreLock
from .manifest import utc_now

HEADS, TAGS = "heads", "tags"
DEFAULT_BRANCH = "main"
#: Where a kernel keeps the state from before each restore (``%version restore --undo``):
#: an implementation detail, so listings leave it out and auto-commit skips it.
UNDO_BRANCH = "nbversion-undo"
_BAD_CHARS = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")
_NOTEBOOK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_ID_RE = re.compile(r"^[0-9a-f]{64}$")
#: A name a version-id prefix could be mistaken for (ids are resolvable from 4 hex digits).
_HEXLIKE = re.compile(r"^[0-9a-fA-F]{4,64}$")


def check_ref_name(name: str) -> str:
    """Validate a branch or tag name like ``git check-ref-format``; returns it.

    Slashes separate components; no component may be empty, start with ``.`` or end
    with ``.lock``; no ``..``, ``@{``, control characters, space or ``~^:?*[\\``;
    ``HEAD`` and ``@`` are reserved.
    """

    def bad(why: str) -> InvalidInput:
        return InvalidInput(f"invalid ref name {name!r}: {why}")

    if not isinstance(name, str) or not name:
        raise bad("empty")
    if len(name) > 200:
        raise bad("longer than 200 characters")
    if name in ("HEAD", "@") or name.startswith("-"):
        raise bad("reserved")
    if _HEXLIKE.match(name):
        raise bad("4 or more hex digits look like a version id, which the name would hide")
    if _BAD_CHARS.search(name):
        raise bad("contains a space, control character or one of ~^:?*[\\")
    if ".." in name or "@{" in name:
        raise bad("contains '..' or '@{'")
    if name.endswith((".", "/")) or name.startswith("/"):
        raise bad("starts with '/' or ends with '.' or '/'")
    for part in name.split("/"):
        if not part:
            raise bad("has an empty component ('//')")
        if part.startswith("."):
            raise bad("a component starts with '.'")
        if part.endswith(".lock"):
            raise bad("a component ends with '.lock'")
    return name


def check_notebook_id(notebook_id: str) -> str:
    """Validate a notebook id (a uuid4 in practice; one safe path component)."""
    if not isinstance(notebook_id, str) or not _NOTEBOOK_ID.match(notebook_id):
        raise InvalidInput(f"invalid notebook id {notebook_id!r}")
    return notebook_id


@dataclass(frozen=True)
class ReflogEntry:
    """One recorded move of a ref (``old``/``new`` are None for create/delete)."""

    old: str | None
    new: str | None
    who: str
    when: str
    why: str


class RefStore:
    """Refs under ``<store>/refs`` with reflogs under ``<store>/logs``."""

    def __init__(self, store_dir: Path) -> None:
        self.refs_dir = Path(store_dir) / "refs"
        self.logs_dir = Path(store_dir) / "logs"
        self.tmp_dir = Path(store_dir) / "tmp"
        self.store_lock = StoreLock(Path(store_dir))

    def _path(self, notebook_id: str, kind: str, name: str) -> Path:
        check_notebook_id(notebook_id)
        if kind not in (HEADS, TAGS):
            raise InvalidInput(f"unknown ref kind {kind!r}")
        return self.refs_dir / notebook_id / kind / check_ref_name(name)

    def get(self, notebook_id: str, kind: str, name: str) -> str | None:
        """The version id a branch or tag points to, or None if it does not exist."""
        path = self._path(notebook_id, kind, name)
        try:
            value = path.read_text().strip()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None
        return value or None

    def list_refs(self, notebook_id: str, kind: str) -> dict[str, str]:
        """``{name: version id}`` of every branch or tag of a notebook."""
        base = os.path.join(self.refs_dir, check_notebook_id(notebook_id), kind)
        out: dict[str, str] = {}
        for name, path in _walk_refs(base):
            with open(path, encoding="utf-8") as fh:
                value = fh.read().strip()
            if value:
                out[name] = value
        return dict(sorted(out.items()))

    def notebooks(self) -> list[str]:
        """Ids of notebooks that have refs."""
        if not self.refs_dir.is_dir():
            return []
        return sorted(p.name for p in self.refs_dir.iterdir() if p.is_dir())

    def set_if_equals(
        self,
        notebook_id: str,
        kind: str,
        name: str,
        old: str | None,
        new: str | None,
        *,
        who: str = "",
        why: str = "",
    ) -> None:
        """Move ref ``name`` from ``old`` to ``new`` atomically (None = absent).

        Raises :class:`Conflict` if the ref no longer holds ``old`` (someone else moved
        it) or if the name clashes with an existing ref directory/file. Runs under the
        store lock held SHARED, so a sweep batch sees the ref either before or after.
        """
        if new is not None and not _ID_RE.match(new):
            raise InvalidInput(f"not a version id: {new!r}")
        path = self._path(notebook_id, kind, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise Conflict(f"{kind[:-1]} {name!r} clashes with an existing name") from None
        if path.is_dir():
            raise Conflict(f"{kind[:-1]} {name!r} clashes with existing names under it")
        with self.store_lock.shared(), FileLock(path):
            current = self.get(notebook_id, kind, name)
            if current != old:
                raise Conflict(
                    f"{kind[:-1]} {name!r} moved: expected {_short(old)}, found {_short(current)}"
                )
            if new is None:
                path.unlink(missing_ok=True)
            else:
                atomic_write(path, f"{new}\n".encode(), tmp_dir=self.tmp_dir)
            self._log(notebook_id, kind, name, ReflogEntry(old, new, who, utc_now(), why))

    def _log(self, notebook_id: str, kind: str, name: str, entry: ReflogEntry) -> None:
        log = self.logs_dir / notebook_id / kind / name
        log.parent.mkdir(parents=True, exist_ok=True)
        append_line(log, json.dumps(entry.__dict__, sort_keys=True))

    def reflog(self, notebook_id: str, kind: str, name: str) -> list[ReflogEntry]:
        """Recorded moves of a ref, oldest first (a torn last line is skipped)."""
        self._path(notebook_id, kind, name)
        log = self.logs_dir / notebook_id / kind / name
        entries = []
        try:
            lines = log.read_text().splitlines()
        except FileNotFoundError:
            return []
        for line in lines:
            try:
                entries.append(ReflogEntry(**json.loads(line)))
            except (ValueError, TypeError):
                continue
        return entries

    # -- HEAD --------------------------------------------------------------------------
    def head_branch(self, notebook_id: str) -> str:
        """The checked-out branch of a notebook (``main`` until one is checked out)."""
        path = self.refs_dir / check_notebook_id(notebook_id) / "HEAD"
        try:
            return check_ref_name(path.read_text().strip())
        except (FileNotFoundError, InvalidInput):
            return DEFAULT_BRANCH

    def set_head_branch(self, notebook_id: str, branch: str) -> None:
        """Check out ``branch`` (the branch need not exist yet: first save creates it)."""
        path = self.refs_dir / check_notebook_id(notebook_id) / "HEAD"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, f"{check_ref_name(branch)}\n".encode(), tmp_dir=self.tmp_dir)

    def all_refs(self) -> Iterator[tuple[str, str, str, str]]:
        """Every ``(notebook_id, kind, name, value)`` in the store."""
        for nb in self.notebooks():
            for kind in (HEADS, TAGS):
                for name, value in self.list_refs(nb, kind).items():
                    yield nb, kind, name, value


def _walk_refs(base: str) -> Iterator[tuple[str, str]]:
    """``(name, file path)`` of every ref file under ``base`` (names use ``/``).

    Plain strings, not ``pathlib``: push, pull and gc list every ref of every notebook
    (2,100 refs for 50 notebooks with 20 branches), and building and relativizing a
    ``Path`` per ref was most of a no-op pull's time.
    """
    if not os.path.isdir(base):
        return
    cut = len(base) + 1
    for dirpath, _dirs, files in os.walk(base):
        for f in files:
            if f.endswith((".lock", ".lock.break")):
                continue
            full = os.path.join(dirpath, f)
            yield full[cut:].replace(os.sep, "/"), full


def _short(value: str | None) -> str:
    return "nothing" if value is None else value[:12]
