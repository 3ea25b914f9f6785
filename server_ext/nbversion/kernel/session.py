"""Per-kernel versioning state and the use cases the magic and the Python API call.

One :class:`KernelSession` per IPython shell knows which notebook the kernel runs, opens
the project's store, keeps params/metrics/tracked files until the next save, and turns
``save``/``restore``/``status`` into calls on the store and on :mod:`.snapshot`.

Saving is incremental and, for auto-save, off the critical path: a :class:`.tracking.Tracker`
learns after every cell which names it mentioned, so a save encodes only what may have
changed; :meth:`KernelSession.save_in_background` forks and saves in the child
(:mod:`.background`), falling back to a synchronous save where forking is unsafe. Any
access to the store first waits for a running background save, so what follows always
sees its version. See docs/performance.md.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import versioning
from ..capture import probe_environment
from ..errors import NotFound, Unprocessable
from ..notebook_snapshot import notebook_snapshot
from ..store import Repository
from ..store.manifest import Manifest, utc_now
from . import autolog, background, datafiles, snapshot, tracking
from .coalesce import Coalescer, follow_earlier
from .datafiles import capture_data_files, tracked_roots
from .idle_imports import IdleImports
from .imports import ImportScanner
from .live import LiveLink, Request, with_notebook_id
from .outcomes import SaveResult, env_size, failure, save_summary
from .restoring import Restoring

ENV_ROOT = "NBVERSION_ROOT"
ENV_MAX_SIZE = "NBVERSION_MAX_VARIABLE_SIZE"


ENV_NOTEBOOK = "NBVERSION_NOTEBOOK"
ENV_SESSION = "JPY_SESSION_NAME"


@dataclass
class KernelSession(Restoring):
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
    max_variable_size: int | None = field(default_factory=lambda: env_size(ENV_MAX_SIZE))
    tracker: tracking.Tracker = field(default_factory=tracking.Tracker)
    #: names the cells' import statements bound (saved as import references)
    imports: ImportScanner = field(default_factory=ImportScanner)
    #: why the last auto-save ran synchronously instead of in the background (None: it forked)
    background_fallback: str | None = None
    #: one entry per save: seconds, blocked seconds, background, names encoded, bytes written
    save_log: list[dict[str, Any]] = field(default_factory=list)
    #: the last save that failed since the last one that worked (None: all good), for
    #: ``%version status`` and the REST status: {kind, message, at, failures}
    last_error: dict[str, Any] | None = None
    #: comms to front ends, which send the notebook as open in the editor (see .live)
    live: LiveLink = field(default_factory=LiveLink)
    _repo: Repository | None = None
    #: background saves in flight, oldest first (each later child waits for the earlier)
    _jobs: list[background.Job] = field(default_factory=list)
    #: result files of reaped saves that a child still in flight may read
    _spent: list[Path] = field(default_factory=list)
    _warm: bool = False
    _idle_imports: IdleImports = field(default_factory=IdleImports)  # a child's imports
    #: cells whose auto-save was merged into the next one (see .coalesce)
    coalesce: Coalescer = field(default_factory=Coalescer)
    #: the version this kernel was last saved as or restored from (see :meth:`holds`)
    _held: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        events = getattr(self.shell, "events", None)
        if events is not None:  # note a cell's names before it runs (a %version save inside)
            events.register("pre_run_cell", self.pre_run_cell)
        self.live.register(self.shell)

    # -- where am I ----------------------------------------------------------------------
    def hold(self, vid: str, how: str) -> None:
        """Note that the kernel now holds version ``vid`` (``saved`` or ``restored``)."""
        t = self.tracker
        self._held = {"id": vid, "how": how, "at": utc_now(),
                      "pending": frozenset(t.pending), "unknown": t.unknown}  # fmt: skip

    def holds(self) -> dict[str, Any] | None:
        """Which version the kernel was last saved as or restored from, and whether a cell
        has touched its variables since (names noted by change tracking)."""
        if self._held is None:
            return None
        h, t = self._held, self.tracker
        changed = bool(t.pending - h["pending"]) or (t.unknown and not h["unknown"])
        return {"id": h["id"], "how": h["how"], "at": h["at"], "changed": changed}

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
        """The project's store: NBVERSION_ROOT (set by the server), else found upward, else new.

        Waits for running background saves first, so callers see their versions.
        """
        self.wait_background()
        return self._open_repo()

    def _open_repo(self) -> Repository:
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
        self.wait_background()
        events = getattr(self.shell, "events", None)
        if events is not None:
            with contextlib.suppress(ValueError):
                events.unregister("pre_run_cell", self.pre_run_cell)
        self.live.close()
        if self._repo is not None:
            self._repo.close()
            self._repo = None

    # -- reading the notebook -----------------------------------------------------------
    def _tmp(self) -> Path:
        return self._open_repo().tmp_dir

    def _notebook_bytes(self) -> tuple[bytes, str, str]:
        """(bytes, notebook_id, relative path) of the notebook as saved on disk."""
        return notebook_snapshot(self.repo(), self.notebook())

    def notebook_id(self) -> str:
        return self._notebook_bytes()[1]

    def head(self, notebook_id: str | None = None) -> Manifest | None:
        """The version the checked-out branch points at, if any.

        Pass ``notebook_id`` when it is already known, to spare reading the notebook again.
        """
        repo = self.repo()
        try:
            return repo.get("HEAD", notebook_id or self.notebook_id())
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
        A full save (no ``names``) encodes only what change tracking cannot rule out;
        ``verify`` re-encodes everything.
        """
        started = time.perf_counter()
        self.wait_background()
        if names is None:  # this save holds the state that deferred auto-saves left
            self.coalesce.clear()
        consume = names is None and branch is None
        pending = self.tracker.take(consume=consume, full=verify or names is not None)
        ids = self._binding_ids()
        try:
            asked = None if notebook_source else self.live.request(self._tmp(), self.notebook())
            result = self._save_now(
                message, names=names, verify=verify, progress=progress, branch=branch,
                notebook_source=notebook_source, pending=pending, asked=asked,
            )  # fmt: skip
        except BaseException as err:
            if consume:
                self.tracker.give_back(pending)
            if isinstance(err, Exception):
                self.failed("save", err)
            raise
        if consume and result.outcome is not None:
            self.tracker.commit(result.manifest.id, ids, result.outcome)
        result.seconds = time.perf_counter() - started
        self._log_save(result, result.seconds, background=False)
        if branch is None:
            self.last_error = None
            self.hold(result.manifest.id, "saved")
        return result

    def failed(self, kind: str, err: BaseException | str) -> None:
        """Remember a failed save (``kind``: "save" or "autosave") until one succeeds."""
        self.last_error = failure(kind, err, self.last_error)

    def _binding_ids(self) -> dict[str, int]:
        return {n: id(v) for n, v in self.shell.user_ns.items()}

    def _log_save(self, result: SaveResult, blocked: float, *, background: bool) -> None:
        self._log(save_summary(result), blocked, background=background)

    def _log(self, summary: dict[str, Any], blocked: float, *, background: bool) -> None:
        self.save_log.append({**summary, "blocked": blocked, "background": background})
        del self.save_log[:-1000]

    def _save_now(
        self,
        message: str,
        *,
        names: Iterable[str] | None,
        verify: bool,
        progress: snapshot.Progress | None,
        branch: str | None,
        notebook_source: Path | None,
        pending: tracking.Pending,
        asked: Request | None = None,
    ) -> SaveResult:
        """The save itself (in the kernel, or in a forked child): same code, same manifest."""
        started = time.perf_counter()
        repo = self.repo()
        raw, nid, rel = self._notebook_bytes()
        origin = {"notebook_source": "file", "notebook_source_note": "an executed copy"}
        if notebook_source is not None:
            raw = notebook_source.read_bytes()
        # one shared hold of the store lock from the first object written to the commit:
        # a gc, evict or fsck --repair sweep can then never delete what this save reuses
        with repo.writing():
            head = self.head(nid)
            if head is not None:
                self.tracked |= tracked_roots(head.data_files)
            ns = self.shell.user_ns
            params, metrics = dict(self.params), dict(self.metrics)
            if self.autodetect:
                params = {**autolog.detect_params(ns), **params}
                metrics = {**autolog.detect_metrics(ns, self.metric_patterns), **metrics}
            previous = pending.previous(head.variables if head is not None else {})
            only = None
            fresh: dict[str, tracking.Footprint] = {}
            if names is None and not verify:
                head_id = head.id if head else None
                only = tracking.plan(ns, list(ns), previous, pending, head_id, fresh)
            captured = snapshot.capture(
                self.shell.user_ns, repo.objects, previous, names=names, verify=verify,
                progress=progress, max_size=self.max_variable_size, only=only,
                hints=self.imports.scan(ns),
            )  # fmt: skip
            outcome = None
            if names is None:
                encoded = set(captured.encoded) if only is not None else set(captured.variables)
                prints = {
                    n: fresh.get(n) or tracking.footprint(ns[n], id(ns)) for n in encoded if n in ns
                }
                outcome = tracking.Outcome(full=only is None, encoded=encoded, footprints=prints)
            prev_files = head.data_files if head is not None else {}
            data_files = capture_data_files(repo, sorted(self.tracked), prev_files)
            if asked is not None:  # the front end answered while the variables were captured
                edited, origin = asked.wait()
                self.live.settle(origin, asked.rid is not None)
                raw = with_notebook_id(edited, nid) if edited is not None else raw
            notebook_oid = repo.objects.put_bytes(raw)
            manifest = versioning.commit(
                repo,
                nid,
                rel,
                notebook_oid,
                message,
                branch=branch,
                variables=captured.variables,
                data_files=data_files,
                params=params,
                metrics=metrics,
                environment={**probe_environment(str(repo.root)), **origin},
                skipped=captured.skipped,
            )
        if branch is None:
            self.metrics.clear()
        versioning.keep_storage_budget(repo)  # after the write lock: eviction sweeps
        return SaveResult(manifest, captured, time.perf_counter() - started, outcome)

    # -- saving in the background -----------------------------------------------------
    def save_in_background(self, message: str = "", cell: int | None = None) -> bool:
        """Save like :meth:`save`, but in a forked child; False when it saved synchronously.

        The kernel is blocked only for the fork. Saves are pipelined: a save still running
        does not hold the kernel up; the new child first waits for the earlier ones (each
        save needs the previous version's records, and the versions form a chain), takes
        in their results as the kernel will, and only then saves. The kernel waits only
        when :func:`.background.max_in_flight` saves are already running. The manifest is
        the one :meth:`save` would write: the child runs the same code on a copy-on-write
        image of the kernel taken at the fork. When :func:`.background.max_in_flight`
        saves already run, the kernel does not wait: the save is merged into the next one
        (:mod:`.coalesce`), which starts when they end.
        """
        started = time.perf_counter()
        self.poll_background()
        if len(self._jobs) >= background.max_in_flight():
            loop = getattr(getattr(self.shell, "kernel", None), "io_loop", None)
            self.coalesce.defer(cell, self._jobs[-1], self._kick, loop)
            return True
        message = self.coalesce.take(cell, message)
        reason = background.fork_unsafe_reason()
        self.background_fallback = reason
        if reason is not None:
            self.save(message)
            return False
        repo = self._open_repo()  # open (and discover) it before forking, not in every child
        self.notebook()
        if not self._warm:  # fill per-process caches once here, or every child redoes them
            probe_environment(str(repo.root))
            self._warm = True
        pending = self.tracker.take(consume=True, full=False)
        ids = self._binding_ids()
        metrics = dict(self.metrics)
        asked = self.live.request(repo.tmp_dir, self.notebook())  # the child waits for it
        before_me = list(self._jobs)
        background.track_notebook_classes(self.shell.user_ns)

        def work() -> dict[str, Any]:
            # Never use the parent's SQLite connection here, and never let it be freed (and
            # closed) either: closing it in the child could drop the parent's file locks.
            background.inherited.append(self._repo)
            self._repo = Repository.open(repo.root)
            mine = follow_earlier(self.tracker, before_me, pending)
            # those are the kernel's to reap (and their result files its to remove)
            self._jobs, self._spent = [], []
            before = set(sys.modules)
            res = self._save_now(
                message, names=None, verify=False, progress=None, branch=None,
                notebook_source=None, pending=mine, asked=asked,
            )  # fmt: skip
            imported = sorted(set(sys.modules) - before)
            # only what the kernel needs: a whole manifest (its environment listing every
            # installed package) would cost the kernel milliseconds to unpickle
            return {"summary": save_summary(res), "outcome": res.outcome, "imported": imported}

        job = background.start(work, repo.tmp_dir)
        self._jobs.append(job)
        self.metrics.clear()
        job.context = (pending, ids, metrics, time.perf_counter() - started)
        return True

    def _kick(self) -> None:
        """On the kernel's event loop, between cells: start the merged save once room is free."""
        if self.coalesce.in_cell or not self.coalesce.cells or not self.autosave:
            return
        # the watched child has closed its end of the pipe: it is exiting (or gone), so
        # this waits at most for its exit (waitpid may not see it quite yet)
        self.wait_background()
        try:
            self.save_in_background()
        except Exception as err:  # never raise into the event loop
            self.failed("autosave", err)
            print(f"nbversion: auto-save failed: {err}", file=sys.stderr)

    def wait_background(self) -> None:
        """Wait for running background saves and take in their results, oldest first."""
        while self._jobs:
            self._wait_oldest()

    def _wait_oldest(self) -> None:
        job = self._jobs[0]
        pending, ids, metrics, blocked = job.context
        status, value = job.wait(keep_result=True)  # an interrupt here keeps the job queued
        self._jobs.pop(0)
        self._spent.append(job.result_path)
        if not self._jobs:  # no child left that could still read them
            for path in self._spent:
                path.unlink(missing_ok=True)
            self._spent.clear()
        if status != "ok":
            self.tracker.give_back(pending)
            self.metrics = {**metrics, **self.metrics}
            self.failed("autosave", str(value))
            print(f"nbversion: background auto-save failed: {value}", file=sys.stderr)
            return
        summary, outcome = value["summary"], value["outcome"]
        self._idle_imports.add(value.get("imported", []), self.shell)
        if outcome is not None:
            self.tracker.commit(summary["version"], ids, outcome)
        self._log(summary, blocked, background=True)
        self.last_error = None
        self.hold(summary["version"], "saved")

    def poll_background(self) -> None:
        """Take in finished background saves' results without blocking (oldest first)."""
        while self._jobs and self._jobs[0].done():
            self._wait_oldest()

    def get(self, ref: str = "HEAD") -> Manifest:
        return self.repo().get(ref, self.notebook_id())

    def log(self, limit: int | None = None, branch: str | None = None) -> list[Manifest]:
        try:
            return self.repo().log(self.notebook_id(), branch=branch, limit=limit)
        except NotFound:
            return []

    def status(self) -> dict[str, Any]:
        """What changed since the checked-out version: variables, notebook, pending logs."""
        raw, nid, _ = self._notebook_bytes()
        head = self.head(nid)
        saved = head.variables if head is not None else {}
        ns = self.shell.user_ns
        plan = snapshot.plan_restore(ns, saved, known=self._known_fingerprints(head))
        notebook_changed = True
        if head is not None:
            from ..store.objects import hash_bytes

            notebook_changed = hash_bytes(raw) != head.notebook
        return {
            "head": head.id if head is not None else None,
            "branch": self.repo().refs.head_branch(nid),  # (no version yet: the default)
            "changed": [n for n in plan["restore"] if n in ns],
            "removed": [n for n in plan["restore"] if n not in ns],
            "added": plan["remove"],
            "unchanged": plan["unchanged"],
            "notebook_changed": notebook_changed,
            "pending_params": dict(self.params),
            "pending_metrics": dict(self.metrics),
            "tracked": sorted(self.tracked),
            "last_error": self.last_error,
        }

    def pre_run_cell(self, info: Any) -> None:
        """IPython hook: note the names a cell mentions before it runs."""
        self.coalesce.in_cell = True
        self._note(info)

    def _note(self, info: Any) -> None:
        if info is not None and getattr(info, "silent", False):
            return
        raw = getattr(info, "raw_cell", None)
        if not isinstance(raw, str):
            self.tracker.invalidate()
            return
        self.tracker.note_cell(raw, getattr(self.shell, "transform_cell", None))

    def post_run_cell(self, result: Any) -> None:
        """IPython hook: note the cell's names; with autosave on, save in the background."""
        info = getattr(result, "info", None)
        self.coalesce.in_cell = False
        self._note(info)  # again: a save inside the cell took the first note
        self.poll_background()
        if not self.autosave or getattr(result, "error_in_exec", None) is not None:
            return
        cell = getattr(result, "execution_count", None)
        if info is not None and getattr(info, "silent", False):
            return
        before = self.last_error
        try:
            self.save_in_background(f"auto: after cell [{cell}]", cell=cell)
        except Exception as err:  # never break the user's run over a failed auto-save
            self.last_error = failure("autosave", err, before)  # (not twice with the fallback)
            print(f"nbversion: auto-save failed: {err}", file=sys.stderr)

    def track(self, paths: Iterable[str]) -> list[str]:
        """Add data files or folders to every following version (stored by content)."""
        added = datafiles.tracked_paths(self.repo(), paths)
        self.tracked.update(added)
        return added
