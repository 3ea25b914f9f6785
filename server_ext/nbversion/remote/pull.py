"""Pull and clone: fetch manifests and missing objects, then set remote-tracking refs.

Remote branches appear locally as ``REMOTE/branch`` (and tags as ``REMOTE/tag``); local
branches never move. Every object is rehashed before it becomes visible, and a manifest
is written only once all its objects (and chunks) are local, so an interrupted pull
leaves a consistent store and a re-run fetches only what is still missing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Conflict, InvalidInput, NbVersionError, StoreError
from ..store import Repository
from ..store.fsutil import append_line, atomic_write
from ..store.manifest import Manifest
from ..store.refs import HEADS, TAGS
from .config import RemoteSpec, add_remote, check_remote
from .remotes import Remote, open_remote, refusals
from .team import fetch_team
from .transfer import (
    Progress,
    parse_manifest,
    run_parallel,
    store_manifest,
    store_object,
)


@dataclass
class PullResult:
    """What a pull fetched and the remote-tracking refs it set."""

    objects_fetched: int = 0
    bytes_fetched: int = 0
    versions_fetched: int = 0
    refs: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    #: team keys, revocations and version signatures stored (see nbversion.teamtrust)
    team_files_fetched: int = 0


def _fetch_manifests(
    repo: Repository, remote: Remote, heads: list[str]
) -> dict[str, tuple[bytes, Manifest]]:
    """Verified manifests reachable from ``heads`` that are not local yet."""
    out: dict[str, tuple[bytes, Manifest]] = {}
    stack = list(heads)
    while stack:
        vid = stack.pop()
        if vid in out or repo.versions.has(vid):
            continue
        raw = remote.get_version(vid)
        if raw is None:
            continue  # pruned on the remote; fsck learns of it from the pruned list
        manifest = parse_manifest(vid, raw)
        out[vid] = (raw, manifest)
        stack.extend(manifest.parents)
    return out


def _fetch_objects(
    repo: Repository, remote: Remote, oids: list[str], progress: Progress | None
) -> tuple[int, int]:
    """Fetch the objects (and their chunks) not yet local; returns (count, bytes)."""

    def fetch(oid: str) -> int:
        raw = remote.get_object(oid)
        store_object(repo, oid, raw)
        return len(raw)

    count = total = 0
    todo = [o for o in dict.fromkeys(oids) if not repo.objects.has(o)]
    total += run_parallel(todo, fetch, "objects", progress)
    count += len(todo)
    chunks = [c for o in dict.fromkeys(oids) for c in repo.objects.referenced_oids(o)]
    todo = [c for c in dict.fromkeys(chunks) if not repo.objects.has(c)]
    total += run_parallel(todo, fetch, "chunks", progress)
    return count + len(todo), total


def pull(repo: Repository, spec: RemoteSpec, *, progress: Progress | None = None) -> PullResult:
    """Fetch every remote branch and tag into ``REMOTE/name`` remote-tracking refs."""
    with refusals(spec, "pull"):
        remote = open_remote(spec)
        remote.check_initialized()
        refs = remote.refs()
        # a writer from its first "is it here?" check to its last ref (docs/store.md): a gc
        # must not sweep a local object this pull counted on between the check and the commit
        with repo.writing():
            return _pull_into(repo, remote, spec, refs, progress)


def _pull_into(
    repo: Repository,
    remote: Remote,
    spec: RemoteSpec,
    refs: dict[tuple[str, str, str], str],
    progress: Progress | None,
) -> PullResult:
    """The writing part of :func:`pull` (called with the store lock held SHARED)."""
    result = PullResult()
    fetched = _fetch_manifests(repo, remote, list(refs.values()))
    oids = [o for _, m in fetched.values() for o in m.object_ids()]
    local_heads = [*refs.values(), *(vid for *_, vid in repo.refs.all_refs())]
    missing, checked = _missing_data(repo, local_heads, result.skipped)
    oids += missing
    result.objects_fetched, result.bytes_fetched = _fetch_objects(repo, remote, oids, progress)
    repo.index.mark_complete(checked)  # their data is all here now: later pulls skip them
    missing_parents: set[str] = set()
    for vid, (raw, manifest) in fetched.items():
        store_manifest(repo, vid, raw, manifest)
        missing_parents.update(p for p in manifest.parents if p not in fetched)
    _record_absent_parents(repo, missing_parents)
    result.team_files_fetched = fetch_team(repo, remote, result.skipped)
    result.versions_fetched = len(fetched)
    for (nb, kind, name), vid in sorted(refs.items()):
        local = f"{spec.name}/{name}"
        if not repo.versions.has(vid):
            result.skipped.append(f"{nb}/{kind}/{name}: version {vid[:12]} missing on remote")
            continue
        current = repo.refs.get(nb, kind, local)
        if current == vid:
            continue
        try:
            repo.refs.set_if_equals(nb, kind, local, current, vid, why=f"pull {spec.name}")
        except (Conflict, InvalidInput) as err:
            result.skipped.append(f"{nb}/{kind}/{name}: {err}")
            continue
        result.refs[f"{nb}/{kind}/{local}"] = vid
    return result


def _missing_data(
    repo: Repository, heads: list[str], skipped: list[str]
) -> tuple[list[str], list[str]]:
    """(objects of local versions that are not here and were not evicted on purpose, the
    versions checked).

    Manifests and refs may travel by git (``nbversion git-setup``): after ``git pull`` the
    versions are known but their data is not. A pull brings that data too; objects that
    tiering evicted stay on the remote until a restore needs them. Versions an earlier
    pull found complete are skipped without reading their manifests (the index's
    ``complete`` table), so a no-op pull costs the same with 100 versions or 100,000.
    """
    done = repo.index.complete_ids()
    todo = [v for v in repo.index.ancestors(heads) if v not in done]
    out: list[str] = []
    checked: list[str] = []
    for vid in sorted(todo):
        try:
            manifest = repo.versions.read(vid)
        except StoreError as err:  # arrived by git and refused on reading: named, skipped
            skipped.append(str(err))
            continue
        for oid in manifest.object_ids():
            if not repo.objects.has(oid) and not repo.objects.is_remote_only(oid):
                out.append(oid)
        checked.append(vid)
    return out, checked


def _record_absent_parents(repo: Repository, parents: set[str]) -> None:
    """Parents that exist neither here nor on the remote count as pruned (fsck accepts them)."""
    absent = sorted(p for p in parents if not repo.versions.has(p))
    if absent:
        for vid in absent:
            append_line(repo.store_dir / "pruned", vid)


def clone(
    url: str,
    directory: str | os.PathLike[str],
    *,
    endpoint_url: str = "",
    profile: str = "",
    progress: Progress | None = None,
) -> tuple[Repository, PullResult]:
    """A new project in ``directory`` with remote ``origin``, every branch, and notebooks.

    Each remote branch becomes a local branch too, and the notebook of each notebook's
    ``main`` head (else its first branch) is written to its path unless a file is there.
    """
    target = Path(directory)
    if (target / ".nbversion").exists():
        raise Conflict(f"{target} already holds an nbversion store")
    check_remote(url, endpoint_url, profile)  # before anything is created
    target.mkdir(parents=True, exist_ok=True)
    repo = Repository.init(target)
    try:
        spec = add_remote(repo.store_dir, "origin", url, endpoint_url, profile)
        result = pull(repo, spec, progress=progress)
        for nb in repo.refs.notebooks():
            tracking = repo.refs.list_refs(nb, HEADS)
            for name, vid in tracking.items():
                if name.startswith("origin/"):
                    repo.refs.set_if_equals(nb, HEADS, name[7:], None, vid, why=f"clone {url}")
            for name, vid in repo.refs.list_refs(nb, TAGS).items():
                if name.startswith("origin/") and repo.refs.get(nb, TAGS, name[7:]) is None:
                    repo.refs.set_if_equals(nb, TAGS, name[7:], None, vid, why=f"clone {url}")
            _checkout_notebook(repo, nb)
    except NbVersionError:
        repo.close()
        raise
    return repo, result


def _checkout_notebook(repo: Repository, nb: str) -> None:
    tracking = "origin/"
    branches = {
        k: v for k, v in repo.refs.list_refs(nb, HEADS).items() if not k.startswith(tracking)
    }
    if not branches:
        return
    name = "main" if "main" in branches else next(iter(branches))
    repo.refs.set_head_branch(nb, name)
    manifest = repo.versions.read(branches[name])
    path = (repo.root / manifest.notebook_path).resolve()
    if not path.is_relative_to(repo.root) or path.exists():
        return  # never write outside the project, nor over a file
    if path.relative_to(repo.root).parts[0] == repo.store_dir.name:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, repo.objects.get_bytes(manifest.notebook))
