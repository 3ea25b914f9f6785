"""The Repository: the one API every front end (REST, magic, CLI) uses on a store."""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..errors import Conflict, InvalidInput, NotFound, StoreError
from . import hooks
from .config import Config, default_config_text, load_config
from .fsutil import atomic_write, fsync_dir
from .history import history
from .index import Index
from .jsonsafe import to_json
from .locks import StoreLock
from .manifest import Manifest
from .notebook_file import default_author, notebook_id_of, read_notebook
from .objects import ObjectStore
from .records import VariableRecord
from .refs import HEADS, TAGS, ReflogEntry, RefStore, check_notebook_id, check_ref_name
from .versions import VersionStore

if TYPE_CHECKING:
    from .fsck import FsckReport
    from .gc import GcReport
    from .progress import Progress

STORE_DIR = ".nbversion"
STORE_FORMAT = "1"
_REV = re.compile(r"^(?P<base>.+?)(?:~(?P<n>\d*))?$")
_HEX = re.compile(r"^[0-9a-f]{4,64}$")


#: Directories every store has.
LAYOUT = ("objects", "versions", "refs", "logs", "tmp")


class Repository:
    """A project's ``.nbversion`` store: objects, versions, refs, index and config."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.store_dir = self.root / STORE_DIR
        try:
            found = (self.store_dir / "FORMAT").read_text().strip()
        except FileNotFoundError:
            raise NotFound(f"no nbversion store at {self.root} (run `nbversion init`)") from None
        if found != STORE_FORMAT:
            raise StoreError(
                f"{self.store_dir} has store format {found!r}; this nbversion "
                f"reads format {STORE_FORMAT} (upgrade nbversion)"
            )
        self.tmp_dir = self.store_dir / "tmp"
        # a store checked out by git has no objects/ or tmp/ (ignored, so never committed)
        for sub in LAYOUT:
            (self.store_dir / sub).mkdir(exist_ok=True)
        self.lock = StoreLock(self.store_dir)
        self.objects = ObjectStore(self.store_dir / "objects", self.tmp_dir, self.lock)
        self.versions = VersionStore(self.store_dir / "versions", self.tmp_dir)
        self.refs = RefStore(self.store_dir)
        self.index = Index(self.store_dir / "index.sqlite", self._all_manifests)
        self.config: Config = load_config(self.store_dir / "config.toml")
        self.sync_index()

    # -- lifecycle ---------------------------------------------------------------------
    @classmethod
    def init(cls, root: str | os.PathLike[str]) -> Repository:
        """Create (or reopen) the store in ``root/.nbversion``."""
        store = Path(root).resolve() / STORE_DIR
        for sub in LAYOUT:
            (store / sub).mkdir(parents=True, exist_ok=True)
        config = store / "config.toml"
        if not config.exists():
            atomic_write(config, default_config_text().encode())
        if not (store / "FORMAT").exists():
            atomic_write(store / "FORMAT", f"{STORE_FORMAT}\n".encode())
            fsync_dir(store.parent)
        return cls(store.parent)

    @classmethod
    def discover(cls, start: str | os.PathLike[str] = ".") -> Path:
        """The nearest directory at or above ``start`` holding a ``.nbversion`` store."""
        here = Path(start).resolve()
        for candidate in (here, *here.parents):
            if (candidate / STORE_DIR / "FORMAT").is_file():
                return candidate
        raise NotFound(f"no nbversion store in {here} or any parent (run `nbversion init`)")

    @classmethod
    def open(cls, path: str | os.PathLike[str] = ".") -> Repository:
        """Open the store at ``path`` or the nearest one above it (like git)."""
        return cls(cls.discover(path))

    def close(self) -> None:
        """Release the index connection."""
        self.index.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- index -------------------------------------------------------------------------
    def _all_manifests(self) -> Iterator[Manifest]:
        for vid in self.versions.ids():
            try:
                yield self.versions.read(vid)
            except Exception:  # noqa: S112 - fsck reports broken manifests, the cache skips them
                continue

    def sync_index(self) -> None:
        """Index manifests this process did not write itself: another process's saves (a
        kernel, a pull, ``git pull``) and those of processes that died before indexing."""
        on_disk, indexed = set(self.versions.ids()), self.index.ids()
        for vid in on_disk - indexed:
            try:
                self.index.add(self.versions.read(vid))
            except Exception:  # noqa: S112 - broken manifests are fsck's business
                continue
        if indexed - on_disk:
            self.index.remove(indexed - on_disk)

    def reindex(self) -> int:
        """Rebuild the index from the manifests; returns how many versions it holds."""
        return self.index.rebuild()

    def search(self, **filters: Any) -> list[dict[str, Any]]:
        """Search versions (see :meth:`Index.search` for the filters)."""
        return self.index.search(**filters)

    # -- notebooks ---------------------------------------------------------------------
    def relpath(self, path: str | os.PathLike[str]) -> str:
        """A notebook path relative to the project root, in POSIX form."""
        p = Path(path)
        if not p.is_absolute():  # relative to the root, else to cwd (CLI), else the root
            p = self.root / p if (self.root / p).exists() or not p.exists() else Path.cwd() / p
        try:
            return p.resolve().relative_to(self.root).as_posix()
        except ValueError:
            raise InvalidInput(f"{path} is outside the project root {self.root}") from None

    def notebook_id(self, notebook: str) -> str:
        """Resolve a notebook given by id or by path to its notebook_id."""
        try:
            if (self.refs.refs_dir / check_notebook_id(notebook)).is_dir():
                return notebook
        except InvalidInput:
            pass
        rel = self.relpath(notebook)
        file = self.root / rel
        if file.is_file():
            import json

            try:
                found = notebook_id_of(json.loads(file.read_bytes()))
            except ValueError:
                found = None
            if found:
                return found
        ids = self.index.notebook_ids_for_path(rel)
        if ids:
            return ids[0]
        raise NotFound(f"no versions of notebook {notebook!r}")

    # -- saving ------------------------------------------------------------------------
    def writing(self) -> AbstractContextManager[None]:
        """Hold the store lock SHARED: the one way a writer joins the concurrency protocol.

        Wrap everything from a writer's first object write (or its check that an object
        is present) to the commit of its manifest and ref: no sweep of gc, evict or
        fsck --repair runs in between, and a sweep that runs later sees the commit.
        Re-entrant, and cheap (one ``flock``); it waits only while a sweep batch runs.
        """
        return self.lock.shared()

    def save(
        self,
        notebook_id: str,
        notebook_path: str,
        notebook_oid: str,
        message: str,
        *,
        branch: str | None = None,
        author: dict[str, str] | None = None,
        parents: list[str] | None = None,
        variables: Mapping[str, VariableRecord] | None = None,
        data_files: dict[str, dict[str, Any]] | None = None,
        params: dict[str, Any] | None = None,
        metrics: dict[str, Any] | None = None,
        environment: dict[str, Any] | None = None,
        skipped: list[dict[str, str]] | None = None,
        tags: list[str] | None = None,
        retries: int = 200,
    ) -> Manifest:
        """Write a version whose objects are already stored and move ``branch`` to it.

        With ``parents=None`` the parent is the branch head, and a concurrent save on the
        same branch just makes this one retry on top of it (nothing is lost). With
        explicit ``parents`` the branch head must be one of them, else Conflict.
        """
        check_notebook_id(notebook_id)
        if branch is None:
            branch = self.refs.head_branch(notebook_id)
        check_ref_name(branch)
        head_file = self.refs.refs_dir / notebook_id / "HEAD"
        if not head_file.exists():
            self.refs.set_head_branch(notebook_id, branch)
        who = author or self.default_author()
        with self.writing():  # objects checked present, manifest and ref: one protocol step
            manifest = self._commit(
                notebook_id, branch, message, who, parents, retries,
                notebook_path=notebook_path, notebook=notebook_oid,
                # NaN/inf and other non-JSON values in a JSON form (see jsonsafe)
                variables=to_json(variables or {}), data_files=dict(data_files or {}),
                params=to_json(params or {}), metrics=to_json(metrics or {}),
                environment=to_json(environment or {}), skipped=to_json(skipped or []),
                tags=list(tags or []),
            )  # fmt: skip
        self.index.add(manifest)
        for hook in hooks.after_save_hooks():  # e.g. git auto-commit (nbversion.wiring)
            hook(self, manifest)
        return manifest

    def _commit(
        self,
        notebook_id: str,
        branch: str,
        message: str,
        who: dict[str, str],
        parents: list[str] | None,
        retries: int,
        **fields: Any,
    ) -> Manifest:
        """Write the manifest and move the branch by CAS (retrying on top of a moved head)."""
        for attempt in range(retries):
            head = self.refs.get(notebook_id, HEADS, branch)
            if parents is not None and head is not None and head not in parents:
                raise Conflict(f"branch {branch!r} is at {head[:12]}, not at a parent of this save")
            manifest = Manifest(
                notebook_id=notebook_id,
                branch=branch,
                message=message,
                author=dict(who),
                parents=list(parents) if parents is not None else ([head] if head else []),
                **fields,
            )
            missing = [
                o
                for o in dict.fromkeys(manifest.object_ids())  # a pack is named by many records
                if not self.objects.has(o) and not self.objects.is_remote_only(o)
            ]
            if missing:
                raise NotFound(f"cannot save: objects not in the store: {missing[:3]}")
            self.versions.write(manifest)
            try:
                self.refs.set_if_equals(
                    notebook_id,
                    HEADS,
                    branch,
                    head,
                    manifest.id,
                    who=who.get("name", ""),
                    why=f"save: {message}"[:200],
                )
            except Conflict:
                # this attempt's manifest is an orphan only this process knows about
                self.versions.delete(manifest.id)
                if parents is not None or attempt == retries - 1:
                    raise
                time.sleep(random.uniform(0, 0.002 * min(attempt + 1, 20)))
                continue
            return manifest
        raise Conflict(f"branch {branch!r} kept moving")  # pragma: no cover

    def save_notebook_file(
        self, path: str | os.PathLike[str], message: str, *, branch: str | None = None
    ) -> Manifest:
        """Save a notebook-only version from the ``.ipynb`` on disk (used by the CLI)."""
        raw, notebook_id, rel = self.read_notebook(path, write_id=True)
        with self.writing():
            oid = self.objects.put_bytes(raw)
            return self.save(notebook_id, rel, oid, message, branch=branch)

    def read_notebook(
        self, path: str | os.PathLike[str], *, write_id: bool = False
    ) -> tuple[bytes, str, str]:
        """(bytes, notebook_id, path relative to the root) of a notebook for a version.

        A notebook that lost its id continues the history last saved at its path
        (:func:`.notebook_file.read_notebook`); ``write_id`` also writes the id into the
        file (the CLI's case; never for a notebook that may be open in an editor).
        """
        rel = self.relpath(path)
        raw, notebook_id = read_notebook(
            self.root / rel,
            lambda: self.index.notebook_ids_for_path(rel),
            write_id=write_id,
            shown=rel,
        )
        return raw, notebook_id, rel

    def default_author(self) -> dict[str, str]:
        """The author recorded when none is given (git config, else login name)."""
        name, email = default_author(str(self.root))
        return {"name": name, "email": email}

    # -- reading -----------------------------------------------------------------------
    def get(self, ref: str, notebook: str | None = None) -> Manifest:
        """The manifest a ref (id, prefix, branch, tag, HEAD~N) resolves to."""
        return self.versions.read(self.resolve(ref, notebook))

    def resolve(self, ref: str, notebook: str | None = None) -> str:
        """A version id from an id or unique prefix (>= 4 hex digits), or, for a notebook,
        ``HEAD``, a branch or tag name (``heads/x``, ``tags/x`` to disambiguate), each
        optionally followed by ``~N`` (N first parents back)."""
        m = _REV.match(ref.strip()) if isinstance(ref, str) else None
        if not m:
            raise InvalidInput(f"invalid revision {ref!r}")
        base, steps = m.group("base"), int(m.group("n") or (1 if "~" in ref else 0))
        nb = self.notebook_id(notebook) if notebook is not None else None
        vid = self._resolve_base(base, nb)
        for _ in range(steps):
            parents = self.index.parents(vid)
            if parents is None:
                parents = self.versions.read(vid).parents
            if not parents:
                raise NotFound(f"{ref}: history ends before {steps} steps back")
            vid = parents[0]
        return vid

    def _resolve_base(self, base: str, nb: str | None) -> str:
        if nb is not None:
            if base == "HEAD":
                branch = self.refs.head_branch(nb)
                head = self.refs.get(nb, HEADS, branch)
                if head is None:
                    raise NotFound(f"branch {branch!r} has no versions yet")
                return head
            kinds = [(HEADS, base), (TAGS, base)]
            for prefix, kind in (("heads/", HEADS), ("tags/", TAGS)):
                if base.startswith(prefix):
                    kinds.insert(0, (kind, base[len(prefix) :]))
            for kind, name in kinds:
                try:
                    value = self.refs.get(nb, kind, name)
                except InvalidInput:
                    continue
                if value:
                    return value
        elif base == "HEAD" or not _HEX.match(base):
            raise InvalidInput(f"{base!r} names a branch or tag: say which notebook")
        if _HEX.match(base):
            if len(base) == 64 and self.versions.has(base):
                return base
            found = self.index.ids_with_prefix(base)
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                shown = ", ".join(f[:12] for f in found[:5])
                raise InvalidInput(f"version prefix {base!r} is ambiguous: {shown}")
        raise NotFound(f"no version, branch or tag {base!r}")

    def log(
        self, notebook: str, branch: str | None = None, limit: int | None = None
    ) -> list[Manifest]:
        """Versions on a branch (default: checked-out), newest first, joins' second
        parents included (:func:`.history.history`)."""
        nb = self.notebook_id(notebook)
        name = branch or self.refs.head_branch(nb)
        return history(self.versions, self.refs.get(nb, HEADS, check_ref_name(name)), limit)

    # -- branches, tags, HEAD ----------------------------------------------------------
    def branches(self, notebook: str) -> dict[str, str]:
        """``{branch: head version id}`` of a notebook."""
        return self.refs.list_refs(self.notebook_id(notebook), HEADS)

    def current_branch(self, notebook: str) -> str:
        """The checked-out branch of a notebook."""
        return self.refs.head_branch(self.notebook_id(notebook))

    def create_branch(self, notebook: str, name: str, start: str = "HEAD") -> str:
        """Create branch ``name`` at ``start``; Conflict if it exists. Returns the id."""
        nb = self.notebook_id(notebook)
        with self.writing():  # resolve and point at it in one step: no sweep in between
            vid = self.resolve(start, nb)
            self.refs.set_if_equals(
                nb,
                HEADS,
                name,
                None,
                vid,
                who=self.default_author()["name"],
                why=f"branch: created from {start}",
            )
        return vid

    def delete_branch(self, notebook: str, name: str) -> str:
        """Delete a branch (its versions stay until gc); refuses the checked-out one."""
        nb = self.notebook_id(notebook)
        if self.refs.head_branch(nb) == name:
            raise Conflict(f"cannot delete the checked-out branch {name!r}")
        return self._delete_ref(nb, HEADS, name)

    def undo_branch(self, notebook: str, name: str) -> str | None:
        """Move a branch back to where it was before its last move (from the reflog)."""
        nb = self.notebook_id(notebook)
        with self.writing():  # the old head may be unreachable: keep sweeps out meanwhile
            current = self.refs.get(nb, HEADS, name)
            for entry in reversed(self.refs.reflog(nb, HEADS, name)):
                if entry.new == current:
                    self.refs.set_if_equals(
                        nb,
                        HEADS,
                        name,
                        current,
                        entry.old,
                        who=self.default_author()["name"],
                        why="undo",
                    )
                    return entry.old
        raise NotFound(f"nothing to undo on branch {name!r}")

    def reflog(self, notebook: str, name: str) -> list[ReflogEntry]:
        """Moves of a branch, oldest first."""
        return self.refs.reflog(self.notebook_id(notebook), HEADS, name)

    def tags(self, notebook: str) -> dict[str, str]:
        """``{tag: version id}`` of a notebook."""
        return self.refs.list_refs(self.notebook_id(notebook), TAGS)

    def create_tag(self, notebook: str, name: str, ref: str = "HEAD") -> str:
        """Tag a version; Conflict if the tag exists. Returns the id."""
        nb = self.notebook_id(notebook)
        with self.writing():
            vid = self.resolve(ref, nb)
            self.refs.set_if_equals(
                nb, TAGS, name, None, vid, who=self.default_author()["name"], why=f"tag: {ref}"
            )
        return vid

    def delete_tag(self, notebook: str, name: str) -> str:
        """Delete a tag; returns the id it pointed to."""
        return self._delete_ref(self.notebook_id(notebook), TAGS, name)

    def _delete_ref(self, nb: str, kind: str, name: str) -> str:
        old = self.refs.get(nb, kind, name)
        if old is None:
            raise NotFound(f"no {kind[:-1]} {name!r}")
        self.refs.set_if_equals(
            nb, kind, name, old, None, who=self.default_author()["name"], why="deleted"
        )
        return old

    def checkout(self, notebook: str, branch: str) -> str | None:
        """Make ``branch`` the notebook's HEAD; returns its head version (None if new)."""
        nb = self.notebook_id(notebook)
        check_ref_name(branch)
        head = self.refs.get(nb, HEADS, branch)
        if head is None and self.refs.list_refs(nb, HEADS):
            raise NotFound(f"no branch {branch!r} (create it first)")
        self.refs.set_head_branch(nb, branch)
        return head

    # -- maintenance -------------------------------------------------------------------
    def gc(
        self,
        *,
        dry_run: bool = False,
        grace: float | None = None,
        now: float | None = None,
        progress: Progress | None = None,
    ) -> GcReport:
        """Delete versions and objects the retention policy does not keep (see gc.py)."""
        from .gc import collect

        return collect(self, dry_run=dry_run, grace=grace, now=now, progress=progress)

    def fsck(self, *, repair: bool = False, progress: Progress | None = None) -> FsckReport:
        """Check every object, manifest and ref (see fsck.py)."""
        from .fsck import check

        return check(self, repair=repair, progress=progress)
