"""Per-kernel versioning state and the use cases the magic and the Python API call.

One :class:`KernelSession` per IPython shell knows which notebook the kernel runs, opens
the project's store, keeps params/metrics/tracked files until the next save, and turns
``save``/``restore``/``status`` into calls on the store and on :mod:`.snapshot`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import trust
from ..capture import probe_environment
from ..errors import Conflict, NotFound, Unprocessable
from ..notebook_snapshot import notebook_snapshot
from ..store import Repository
from ..store.fsutil import atomic_write
from ..store.manifest import Manifest
from . import autolog, datafiles, snapshot
from .datafiles import capture_data_files, tracked_roots

ENV_ROOT = "NBVERSION_ROOT"
UNDO_BRANCH = "nbversion-undo"
ENV_MAX_SIZE = "NBVERSION_MAX_VARIABLE_SIZE"


def _env_size(var: str) -> int | None:
    """A byte count from the environment (set by the server extension's config), or None."""
    raw = os.environ.get(var, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


ENV_NOTEBOOK = "NBVERSION_NOTEBOOK"
ENV_SESSION = "JPY_SESSION_NAME"


@dataclass
class SaveResult:
    """A saved version and what saving it cost."""

    manifest: Manifest
    capture: snapshot.CaptureResult
    seconds: float


@dataclass
class KernelSession:
    """Versioning state of one kernel."""

    shell: Any
    notebook_path: Path | None = None
    root: Path | None = None
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    tracked: set[str] = field(default_factory=set)
    metric_patterns: tuple[str, ...] = autolog.DEFAULT_METRIC_PATTERNS
    autodetect: bool = True
    autosave: bool = False
    max_variable_size: int | None = field(default_factory=lambda: _env_size(ENV_MAX_SIZE))
    _repo: Repository | None = None

    # -- where am I ----------------------------------------------------------------------
    def notebook(self) -> Path:
        """The notebook this kernel runs: set explicitly, by JupyterLab, or by env."""
        if self.notebook_path is not None:
            return self.notebook_path
        for var in (ENV_NOTEBOOK, ENV_SESSION):
            value = os.environ.get(var)
            if value and value.endswith(".ipynb"):
                return Path(value).expanduser().resolve()
        raise Unprocessable(
            "cannot tell which notebook this kernel runs; "
            "call nbversion.set_notebook('path/to/notebook.ipynb') first"
        )

    def set_notebook(self, path: str | os.PathLike[str]) -> Path:
        p = Path(path).expanduser().resolve()
        if not p.is_file():
            raise NotFound(f"notebook {p} not found")
        self.notebook_path = p
        return p

    def repo(self) -> Repository:
        """The project's store: NBVERSION_ROOT (set by the server), else found upward, else new."""
        if self._repo is not None:
            return self._repo
        root = self.root or (Path(os.environ[ENV_ROOT]) if os.environ.get(ENV_ROOT) else None)
        if root is None:
            start = self.notebook().parent
            try:
                root = Repository.discover(start)
            except NotFound:
                root = start
        try:
            self._repo = Repository.open(root)
        except NotFound:
            self._repo = Repository.init(root)
        return self._repo

    def close(self) -> None:
        if self._repo is not None:
            self._repo.close()
            self._repo = None

    # -- reading the notebook -----------------------------------------------------------
    def _notebook_bytes(self) -> tuple[bytes, str, str]:
        """(bytes, notebook_id, relative path) of the notebook as saved on disk."""
        return notebook_snapshot(self.repo(), self.notebook())

    def notebook_id(self) -> str:
        return self._notebook_bytes()[1]

    def head(self) -> Manifest | None:
        """The version the checked-out branch points at, if any."""
        repo = self.repo()
        try:
            return repo.get("HEAD", self.notebook_id())
        except NotFound:
            return None

    # -- use cases ----------------------------------------------------------------------
    def save(
        self,
        message: str = "",
        *,
        names: Iterable[str] | None = None,
        verify: bool = False,
        progress: snapshot.Progress | None = None,
        branch: str | None = None,
        notebook_source: Path | None = None,
    ) -> SaveResult:
        """Save the notebook, the kernel's variables, tracked files, params and metrics.

        ``branch`` saves onto another branch without switching (used for undo points);
        ``notebook_source`` takes the notebook bytes from another file (an executed copy).
        """
        started = time.perf_counter()
        repo = self.repo()
        raw, nid, rel = self._notebook_bytes()
        if notebook_source is not None:
            raw = notebook_source.read_bytes()
        notebook_oid = repo.objects.put_bytes(raw)
        head = self.head()
        if head is not None:
            self.tracked |= tracked_roots(head.data_files)
        ns = self.shell.user_ns
        params, metrics = dict(self.params), dict(self.metrics)
        if self.autodetect:
            params = {**autolog.detect_params(ns), **params}
            metrics = {**autolog.detect_metrics(ns, self.metric_patterns), **metrics}
        previous = head.variables if head is not None else {}
        captured = snapshot.capture(
            self.shell.user_ns, repo.objects, previous, names=names, verify=verify,
            progress=progress, max_size=self.max_variable_size,
        )  # fmt: skip
        prev_files = head.data_files if head is not None else {}
        data_files = capture_data_files(repo, sorted(self.tracked), prev_files)
        manifest = repo.save(
            nid,
            rel,
            notebook_oid,
            message,
            branch=branch,
            variables=captured.variables,
            data_files=data_files,
            params=params,
            metrics=metrics,
            environment=probe_environment(str(repo.root)),
            skipped=captured.skipped,
        )
        trust.sign(repo.store_dir, manifest.id)
        if branch is None:
            self.metrics.clear()
        return SaveResult(manifest, captured, time.perf_counter() - started)

    def get(self, ref: str = "HEAD") -> Manifest:
        return self.repo().get(ref, self.notebook_id())

    def log(self, limit: int | None = None, branch: str | None = None) -> list[Manifest]:
        try:
            return self.repo().log(self.notebook_id(), branch=branch, limit=limit)
        except NotFound:
            return []

    def status(self) -> dict[str, Any]:
        """What changed since the checked-out version: variables, notebook, pending logs."""
        head = self.head()
        saved = head.variables if head is not None else {}
        ns = self.shell.user_ns
        plan = snapshot.plan_restore(ns, saved)
        raw, _, _ = self._notebook_bytes()
        notebook_changed = True
        if head is not None:
            from ..store.objects import hash_bytes

            notebook_changed = hash_bytes(raw) != head.notebook
        return {
            "head": head.id if head is not None else None,
            "branch": self.repo().current_branch(self.notebook_id()),
            "changed": [n for n in plan["restore"] if n in ns],
            "removed": [n for n in plan["restore"] if n not in ns],
            "added": plan["remove"],
            "unchanged": plan["unchanged"],
            "notebook_changed": notebook_changed,
            "pending_params": dict(self.params),
            "pending_metrics": dict(self.metrics),
            "tracked": sorted(self.tracked),
        }

    def restore(
        self,
        ref: str,
        names: Iterable[str] | None = None,
        *,
        trust_it: bool = False,
        notebook: bool = False,
        progress: snapshot.Progress | None = None,
        undo_point: bool = True,
        keep: bool = False,
        files: bool = False,
        force: bool = False,
    ) -> tuple[Manifest, snapshot.RestoreResult, Path | None]:
        """Restore variables (all, or ``names``) in place; optionally write the notebook copy.

        With ``undo_point`` the live state is first saved on the ``nbversion-undo`` branch
        (only what changed is written), so ``%version restore --undo`` can return to it.
        ``keep`` leaves variables the version lacks in place; ``files`` also restores the
        tracked data files, refusing files changed since the last version unless ``force``.
        """
        repo = self.repo()
        manifest = self.get(ref)
        head = self.head()
        if files:
            refused = datafiles.check_restore(repo, manifest.data_files,
                                              head.data_files if head else {})  # fmt: skip
            if refused and not force:
                raise Conflict(
                    "these tracked files changed since the last version and would be "
                    f"overwritten: {', '.join(refused)} (save first, or use --force)"
                )
        if undo_point:
            self.save(f"before restore of {manifest.id[:10]}", branch=UNDO_BRANCH)
        if trust_it:
            trust.sign(repo.store_dir, manifest.id)
        allowed = trust.is_trusted(repo.store_dir, manifest.id)
        result = snapshot.restore(
            self.shell.user_ns,
            manifest.variables,
            repo.objects,
            names=list(names) if names else None,
            allow_untrusted=allowed,
            skipped_names=[s["name"] for s in manifest.skipped],
            progress=progress,
            keep_extra=keep,
        )
        if files:
            result.files = datafiles.restore_files(repo, manifest.data_files)
        written = self.write_restored_notebook(manifest) if notebook else None
        return manifest, result, written

    def write_restored_notebook(self, manifest: Manifest) -> Path:
        """Write the version's notebook next to the open one, never over it."""
        nb_path = self.notebook()
        target = nb_path.with_name(f"{nb_path.stem}.restored-{manifest.id[:8]}.ipynb")
        atomic_write(target, self.repo().objects.get_bytes(manifest.notebook))
        return target

    def checkout(self, ref: str) -> tuple[str | None, Manifest, snapshot.RestoreResult]:
        """Switch to a branch (restoring its head) or restore a version (detached: no move)."""
        repo = self.repo()
        nid = self.notebook_id()
        branch = ref if ref in repo.branches(nid) else None
        if branch is not None:
            repo.checkout(nid, branch)
        manifest, result, _ = self.restore(ref if branch is None else "HEAD", undo_point=False)
        return branch, manifest, result

    def undo_restore(self) -> tuple[Manifest, snapshot.RestoreResult]:
        """Return to the state saved just before the last restore."""
        try:
            self.get(UNDO_BRANCH)
        except NotFound:
            raise NotFound("nothing to undo: no restore was made from this notebook") from None
        manifest, result, _ = self.restore(UNDO_BRANCH, undo_point=False)
        return manifest, result

    def post_run_cell(self, result: Any) -> None:
        """IPython hook: with autosave on, save a version after every successful cell, silently."""
        if not self.autosave or getattr(result, "error_in_exec", None) is not None:
            return
        info = getattr(result, "info", None)
        cell = getattr(result, "execution_count", None)
        if info is not None and getattr(info, "silent", False):
            return
        try:
            self.save(f"auto: after cell [{cell}]")
        except Exception as err:  # never break the user's run over a failed auto-save
            import sys

            print(f"nbversion: auto-save failed: {err}", file=sys.stderr)

    def track(self, paths: Iterable[str]) -> list[str]:
        """Add data files or folders to every following version (stored by content)."""
        repo = self.repo()
        added = []
        for p in paths:
            full = Path(p).expanduser()
            if not full.is_absolute():
                full = Path.cwd() / full
            if not full.exists():
                raise NotFound(f"cannot track {p}: no such file or folder")
            rel = repo.relpath(full)
            self.tracked.add(rel)
            added.append(rel)
        return added
