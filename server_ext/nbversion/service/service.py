"""VersionService: the use cases the REST handlers (and scripts) call.

Store work runs on one dedicated thread (the store's SQLite index connection belongs to
it, and the server's event loop never blocks on disk), and only short work goes there:
diffs run in worker processes (:mod:`.isolated`), long reads on threads of their own;
kernel work goes through :mod:`.kernels` as silent execute requests; long operations
are :mod:`.jobs`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from .. import protocol, trust, versioning
from ..diff import DiffOptions
from ..errors import Conflict, InvalidInput, NotFound
from ..notebook_snapshot import notebook_snapshot
from ..store import Repository
from ..store.manifest import Manifest
from ..store.refs import UNDO_BRANCH
from . import divergence, kernels, listing
from .deploy import FetchState
from .isolated import DiffRunner, WorkerLimits
from .jobs import Job, JobRegistry
from .notebook_view import for_client
from .paths import confine
from .sharing_ops import SharingOps

T = TypeVar("T")


@dataclass
class ServiceConfig:
    """Limits and timeouts (set from NbVersionApp traits)."""

    kernel_timeout: float = 600.0
    wait_for_job: float = 2.0
    page_size: int = 50
    max_page_size: int = 1000
    #: Limits of a REST diff's worker process (see :mod:`.isolated`).
    diff: WorkerLimits = field(default_factory=WorkerLimits)
    #: Seconds between background pulls of every remote (0: none; see :mod:`.deploy`).
    fetch_interval: float = 0.0


class VersionService(SharingOps):
    """Save, list, show, restore, diff and manage refs for notebooks under ``root``."""

    def __init__(
        self,
        root: str | Path,
        kernel_manager: Any = None,
        session_manager: Any = None,
        config: ServiceConfig | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.kernel_manager = kernel_manager
        self.session_manager = session_manager
        self.config = config or ServiceConfig()
        self.jobs = JobRegistry()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nbversion-store")
        self._repo: Repository | None = None
        self.diffs = DiffRunner(self.config.diff)
        self.fetch_state = FetchState(interval=self.config.fetch_interval)
        self._fetcher: asyncio.Future[None] | None = None

    # -- plumbing ------------------------------------------------------------------------
    async def _store(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, fn, *args)

    def _open(self, create: bool = False) -> Repository:
        if self._repo is None:
            try:
                self._repo = Repository.open(self.root)
            except NotFound:
                if not create:
                    raise NotFound(
                        "no versions yet: the store is created on the first save"
                    ) from None
                self._repo = Repository.init(self.root)
        return self._repo

    def close(self) -> None:
        def shut() -> None:
            if self._repo is not None:
                self._repo.close()
                self._repo = None

        self.stop_background_fetch()
        self.diffs.close()
        self._pool.submit(shut).result()
        self._pool.shutdown(wait=True)

    def notebook_path(self, path: str) -> Path:
        return confine(self.root, path)

    def _notebook_id(self, repo: Repository, path: str) -> str:
        return notebook_snapshot(repo, self.notebook_path(path))[1]

    async def kernel_for(self, path: str, kernel_id: str | None) -> str | None:
        """The kernel to use: the one given, else the one of the notebook's session."""
        if kernel_id:
            return kernel_id
        if self.session_manager is None:
            return None
        for s in await self.session_manager.list_sessions():
            if s.get("path") == path and s.get("kernel"):
                return str(s["kernel"]["id"])
        return None

    # -- reading -------------------------------------------------------------------------
    async def status(self, path: str | None = None) -> dict[str, Any]:
        """Package version, store, user; with ``path``, its kernel's state (``last_error``)."""
        from ..meta import __version__
        from ..store.notebook_file import default_author

        store = self.root / ".nbversion"
        name, email = await self._store(default_author, str(self.root))
        out = {
            "version": __version__,
            "root": str(self.root),
            "store": str(store),
            "store_exists": (store / "FORMAT").is_file(),
            "user": {"name": name, "email": email},
        }
        if path is not None:
            nb, kid = str(self.notebook_path(path)), await self.kernel_for(path, None)
            out["kernel"] = await kernels.kernel_status(self.kernel_manager, kid, nb)
        return out

    async def list_versions(
        self, path: str | None, branch: str | None, q: str | None, offset: int, limit: int | None
    ) -> dict[str, Any]:
        limit = self.config.page_size if limit is None else limit
        if not 0 < limit <= self.config.max_page_size or offset < 0:
            raise InvalidInput(f"limit must be 1..{self.config.max_page_size}, offset ≥ 0")
        if path is not None:  # a path no file can have is a 4xx, store or not
            confine(self.root, path, must_exist=False)

        def work() -> dict[str, Any]:
            try:
                repo = self._open()
            except NotFound:
                return {"versions": [], "total": 0, "offset": offset, "limit": limit,
                        "refs": {}, "notebook_id": None}  # fmt: skip
            refs: dict[str, Any] = {}
            nid: str | None = None
            origin: dict[str, dict[str, Any]] = {}
            if path is not None:
                nid = self._notebook_id(repo, path)
                reached_by: dict[str, set[str]] = {}
                try:
                    if branch:
                        ids = [m.id for m in repo.log(nid, branch=branch)]
                    else:
                        ids = listing.all_version_ids(repo, nid, reached_by)
                except NotFound:
                    ids = []
                if reached_by:
                    from .sharing import remotes

                    names = [r["name"] for r in remotes(self.root)]
                    if names:
                        origin = divergence.provenance(reached_by, names)
                refs = listing.visible_refs(repo, nid) if ids else {
                    "branches": {}, "tags": {}, "current_branch": "main"}  # fmt: skip
                tags_of: dict[str, list[str]] = {}
                for tag, vid in refs["tags"].items():
                    tags_of.setdefault(vid, []).append(tag)
                if q:  # a search reads the manifests; a page reads only its own
                    history = [m for m in listing.read_all(repo, ids) if listing.matches(m, q)]
                    total, page = len(history), history[offset : offset + limit]
                else:
                    total = len(ids)
                    page = listing.read_all(repo, ids[offset : offset + limit])
            elif q:
                history = [repo.versions.read(h["id"]) for h in repo.search(text=q)]
                total, page = len(history), history[offset : offset + limit]
            else:  # every notebook's versions: a page reads only its own manifests
                total, rows = listing.project_page(repo, offset, limit)
                return {"notebook_id": None, "versions": rows, "total": total,
                        "offset": offset, "limit": limit, "refs": {}}  # fmt: skip
            summaries = [listing.summary(m) for m in page]
            if path is not None:
                for summary in summaries:
                    summary["tags"] = sorted(tags_of.get(summary["id"], []))
                    summary.update(origin.get(summary["id"], {}))
            return {
                "notebook_id": nid if path is not None and total else None,
                "versions": summaries,
                "total": total,
                "offset": offset,
                "limit": limit,
                "refs": refs,
            }

        return await self._store(work)

    async def get_version(self, ref: str, path: str | None = None) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            repo = self._open()
            nid = self._notebook_id(repo, path) if path else None
            m = repo.get(ref, nid)
            return {**m.to_dict(), "id": m.id, "trusted": trust.is_trusted(repo.store_dir, m.id)}

        return await self._store(work)

    async def notebook_content(self, ref: str) -> Any:
        def work() -> Any:
            repo = self._open()
            m = repo.get(ref)
            return for_client(repo.objects.get_bytes(m.notebook))

        return await self._store(work)

    async def diff(self, a: str, b: str, path: str | None = None) -> dict[str, Any]:
        """What changed from version ``a`` to ``b``, computed in a worker process.

        Only the refs are resolved here (on the store thread: a 404 answers at once);
        decoding and comparing run in :mod:`.isolated`'s worker, within its time and
        memory limits, so a long diff never holds up listings, and a decoder crash or an
        unpickled payload never touches the server process.
        """

        def resolve() -> tuple[str, str]:
            repo = self._open()
            nid = self._notebook_id(repo, path) if path else None
            return repo.get(a, nid).id, repo.get(b, nid).id

        ida, idb = await self._store(resolve)
        # pickles load in the worker only, and only for trusted versions (trust.is_trusted)
        return await self.diffs.diff(self.root, ida, idb, DiffOptions().to_dict())

    # -- saving --------------------------------------------------------------------------
    async def save(self, path: str, message: str, kernel_id: str | None = None) -> Job:
        """Start saving a version of ``path`` (with its kernel's state when it has a kernel)."""
        if not isinstance(message, str) or len(message) > 10_000:
            raise InvalidInput("message must be a string of at most 10,000 characters")
        full = self.notebook_path(path)
        kid = await self.kernel_for(path, kernel_id)
        job = Job(kind="save")

        async def work(job: Job) -> dict[str, Any]:
            state = "dead"
            if kid is not None and self.kernel_manager is not None:
                state = await kernels.kernel_state(self.kernel_manager, kid)
            if state == "dead":
                job.state, job.detail = "running", "no running kernel: saving the notebook only"
                manifest = await self._store(self._save_notebook_only, full, message)
                return {"id": manifest.id, "version": listing.summary(manifest),
                        "variables_captured": False,
                        "reason": "the notebook has no running kernel"}  # fmt: skip
            job.detail = (
                "kernel busy: the save runs after the current cell" if state == "busy" else ""
            )
            await self._store(self._open, True)
            assert kid is not None

            def started() -> None:
                job.state, job.detail = "running", "capturing kernel state"

            request = protocol.SaveRequest(str(full), message, job_id=job.id)
            result = await self._call(job, kid, request, on_started=started)
            await self._store(self._refresh_index)
            row = listing.summary_dict(result["version"], result["id"])
            return {"id": result["id"], "version": row, "variables_captured": True,
                    "written": result["written"], "reused": result["reused"],
                    "bytes_written": result["bytes_written"],
                    "seconds": result["seconds"]}  # fmt: skip

        self.jobs.start(job, work)
        self._set_cancel(job, kid)
        return await self.jobs.wait(job, self.config.wait_for_job)

    def _save_notebook_only(self, full: Path, message: str, branch: str | None = None) -> Manifest:
        repo = self._open(create=True)
        return versioning.save_notebook_snapshot(repo, full, message, branch=branch)

    def _refresh_index(self) -> None:
        self._open().sync_index()

    # -- restoring -----------------------------------------------------------------------
    async def restore(
        self,
        ref: str,
        path: str,
        kernel_id: str | None,
        variables: list[str] | None,
        notebook: bool,
        trust_it: bool = False,
        preview: bool = False,
        undo: str | None = None,
    ) -> Job:
        """Restore a version in place: kernel variables (all or some) and/or notebook content.

        ``undo`` names the version saved first on the undo branch with the state the restore
        replaces (the file, which the front end saved just before, and the kernel's
        variables); its id is the answer's ``undo``. ``""``: none; None: the kernel's
        default undo point only.
        """
        if variables is not None and not all(
            isinstance(v, str) and v.isidentifier() for v in variables
        ):
            raise InvalidInput("variables must be a list of Python identifiers")
        full = self.notebook_path(path)
        version = await self.get_version(ref, path)
        kid = await self.kernel_for(path, kernel_id)
        want_vars = variables is None or len(variables) > 0
        job = Job(kind="preview" if preview else "restore")

        async def work(job: Job) -> dict[str, Any]:
            out: dict[str, Any] = {"id": version["id"]}
            if want_vars and version["variables"]:
                if kid is None or await kernels.kernel_state(self.kernel_manager, kid) == "dead":
                    if not notebook:
                        raise kernels.KernelUnavailable(
                            "the notebook has no running kernel to restore variables into"
                        )
                    out["variables"] = None
                else:
                    request: protocol.Request
                    if preview:
                        request = protocol.PreviewRestoreRequest(
                            str(full), version["id"], variables
                        )
                    else:
                        request = protocol.RestoreRequest(
                            str(full), version["id"], variables, trust_it, job.id, undo
                        )
                    out["variables"] = await self._call(job, kid, request)
                    out["undo"] = (out["variables"] or {}).pop("undo", None)
            if undo and not preview and "undo" not in out:  # no kernel involved: cells only
                before = await self._store(self._save_notebook_only, full, undo, UNDO_BRANCH)
                out["undo"] = before.id
            if notebook:
                out["notebook"] = await self.notebook_content(version["id"])
            return out

        self.jobs.start(job, work)
        self._set_cancel(job, kid)
        return await self.jobs.wait(job, self.config.wait_for_job)

    async def _call(
        self,
        job: Job,
        kid: str,
        request: protocol.Request,
        on_started: Callable[[], None] | None = None,
    ) -> Any:
        """Run a kernel request for a job; a timeout leaves a marker so it never runs late."""
        try:
            return await kernels.call(
                self.kernel_manager, kid, request, timeout=self.config.kernel_timeout,
                on_progress=job.progress, on_started=on_started,
            )  # fmt: skip
        except (kernels.KernelTimeout, asyncio.CancelledError):
            await self._store(self._mark_cancelled, job.id)
            raise

    def _mark_cancelled(self, job_id: str) -> None:
        from ..protocol import cancel_marker

        marker = cancel_marker(self._open(create=True).store_dir, job_id)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()

    def _set_cancel(self, job: Job, kid: str | None) -> None:
        async def cancel() -> None:
            if kid is not None and job.state == "running" and self.kernel_manager is not None:
                # the kernel may be gone already; cancelling still ends the job
                with contextlib.suppress(Exception):
                    await self.kernel_manager.interrupt_kernel(kid)

        job.on_cancel = cancel

    # -- sharing -------------------------------------------------------------------------
    # -- refs ----------------------------------------------------------------------------
    async def refs(self, path: str) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            repo = self._open()
            return listing.visible_refs(repo, self._notebook_id(repo, path))

        return await self._store(work)

    async def create_ref(self, path: str, kind: str, name: str, ref: str) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            repo = self._open()
            nid = self._notebook_id(repo, path)
            if kind == "branches":
                if name in repo.branches(nid):
                    raise Conflict(f"branch {name!r} already exists")
                vid = repo.create_branch(nid, name, ref)
            else:
                if name in repo.tags(nid):
                    raise Conflict(f"tag {name!r} already exists")
                vid = repo.create_tag(nid, name, ref)
            return {"name": name, "kind": kind, "target": vid}

        return await self._store(work)

    async def delete_ref(self, path: str, kind: str, name: str) -> None:
        def work() -> None:
            repo = self._open()
            nid = self._notebook_id(repo, path)
            if kind == "branches":
                repo.delete_branch(nid, name)
            else:
                repo.delete_tag(nid, name)

        await self._store(work)

    async def checkout(self, path: str, branch: str) -> dict[str, Any]:
        def work() -> dict[str, Any]:
            repo = self._open()
            nid = self._notebook_id(repo, path)
            if branch not in repo.branches(nid):
                raise NotFound(f"no branch {branch!r}")
            repo.checkout(nid, branch)
            return {"current_branch": branch, "head": repo.branches(nid)[branch]}

        return await self._store(work)
