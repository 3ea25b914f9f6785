"""Garbage collection: mark what refs and the retention policy keep, sweep the rest.

Branch heads are always kept (and tag targets while ``keep_tagged``). Ancestors are
kept per ``keep_last`` (0 = all) and ``keep_newer_than``; unreachable versions go.
``max_store_size`` then drops the oldest unprotected versions. Nothing younger than
``prune_grace`` is deleted.

Concurrent saves, pulls and fetches are safe by the protocol in :mod:`.sweep`: the mark
time is taken under the store lock, the dead list is computed without it, and deletion
runs in short EXCLUSIVE batches that first re-read what writers committed since the mark
and never delete a file written or freshened since (a save that reuses an object
freshens it under the lock held SHARED). Versions go first, then chunk lists, then the
other objects, so a save's "are my objects present" check stays a sound guard.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import NbVersionError, StoreError
from .config import parse_duration, parse_size
from .fsutil import append_line
from .manifest import Manifest, parse_time
from .progress import Progress, Ticker
from .refs import HEADS, TAGS
from .sweep import Recheck, chunk_lists_first, in_batches, take_mark

if TYPE_CHECKING:
    from .repository import Repository

_OID_RE = re.compile(r"[0-9a-f]{64}")


@dataclass
class GcReport:
    """What gc removed (or would remove, with ``dry_run``)."""

    dry_run: bool
    versions_removed: list[str] = field(default_factory=list)
    objects_removed: list[str] = field(default_factory=list)
    tags_removed: list[str] = field(default_factory=list)
    temp_files_removed: int = 0
    bytes_freed: int = 0
    versions_kept: int = 0
    objects_kept: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for ``--json``)."""
        return asdict(self)


def _ancestors(start: str, manifests: dict[str, Manifest]) -> set[str]:
    seen, stack = set(), [start]
    while stack:
        vid = stack.pop()
        if vid in seen or vid not in manifests:
            continue
        seen.add(vid)
        stack.extend(manifests[vid].parents)
    return seen


def _first_parents(start: str, manifests: dict[str, Manifest], count: int) -> set[str]:
    out: set[str] = set()
    vid: str | None = start
    while vid in manifests and len(out) < count:
        out.add(vid)
        parents = manifests[vid].parents
        vid = parents[0] if parents else None
    return out


def _live_objects(repo: Repository, manifests: list[Manifest]) -> set[str]:
    live: set[str] = set()
    for manifest in manifests:
        for oid in manifest.object_ids():
            if oid in live:
                continue
            live.add(oid)
            try:
                live.update(repo.objects.referenced_oids(oid))
            except NbVersionError as err:
                if repo.objects.has(oid):  # unreadable chunk list: its chunks are unknown
                    raise StoreError(f"gc stopped: {err}; run `nbversion fsck --repair`") from None
    return live


def _mtime(path: os.PathLike[str] | str) -> float:
    try:
        return os.stat(path).st_mtime
    except FileNotFoundError:
        return 0.0


def _size(path: os.PathLike[str] | str) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def collect(
    repo: Repository,
    *,
    dry_run: bool = False,
    grace: float | None = None,
    now: float | None = None,
    progress: Progress | None = None,
) -> GcReport:
    """Run gc on ``repo`` (see the module docstring for the policy). ``progress`` hears
    the reading of manifests and the sweep (versions, objects) with counts."""
    policy = repo.config.retention
    mark = None if dry_run else take_mark(repo)
    now = time.time() if now is None else now
    grace = parse_duration(policy.prune_grace) if grace is None else grace
    report = GcReport(dry_run=dry_run)

    manifests: dict[str, Manifest] = {}
    unreadable: set[str] = set()
    vids = list(repo.versions.ids())
    tick = Ticker(progress, "reading versions", len(vids))
    for vid in vids:
        tick.step()
        try:
            manifests[vid] = repo.versions.read(vid)
        except NbVersionError:
            unreadable.add(vid)  # left for fsck; never deleted by gc
    # a damaged manifest's objects are unknown: keep every id its bytes still mention
    salvaged: set[str] = set()
    for vid in unreadable:
        with contextlib.suppress(OSError):
            salvaged.update(_OID_RE.findall(repo.versions.path(vid).read_text(errors="replace")))
    refs = list(repo.refs.all_refs())

    protected = {v for _, kind, _, v in refs if kind == HEADS}
    if policy.keep_tagged:
        protected |= {v for _, kind, _, v in refs if kind == TAGS}
    keep = set(protected)
    reachable: set[str] = set()
    for _, kind, _, head in refs:
        reachable |= _ancestors(head, manifests)
        if kind == HEADS:
            keep |= (
                _ancestors(head, manifests)
                if policy.keep_last == 0
                else _first_parents(head, manifests, policy.keep_last)
            )
    if policy.keep_newer_than:
        cutoff = now - parse_duration(policy.keep_newer_than)
        keep |= {v for v in reachable if parse_time(manifests[v].created).timestamp() >= cutoff}

    if policy.max_store_size:
        limit = parse_size(policy.max_store_size)
        sizes: dict[str, int] = {}

        def size_of(kept: set[str]) -> int:
            total = 0
            for oid in _live_objects(repo, [manifests[v] for v in kept if v in manifests]):
                if oid not in sizes:
                    sizes[oid] = _size(repo.objects.path(oid))  # 0 when swept meanwhile
                total += sizes[oid]
            return total

        droppable = sorted(
            (v for v in keep - protected if v in manifests), key=lambda v: manifests[v].created
        )
        while droppable and size_of(keep) > limit:
            keep.discard(droppable.pop(0))

    for vid in manifests:
        if vid not in keep and now - _mtime(repo.versions.path(vid)) < grace:
            keep.add(vid)  # too young: maybe a save in progress
    drop = sorted(set(manifests) - keep)
    live = _live_objects(repo, [manifests[v] for v in keep if v in manifests])
    for oid in salvaged & set(repo.objects.iter_oids()):
        live.add(oid)
        with contextlib.suppress(NbVersionError):
            live.update(repo.objects.referenced_oids(oid))
    dead = [
        o
        for o in repo.objects.iter_oids()
        if o not in live and now - _mtime(repo.objects.path(o)) >= grace
    ]
    report.versions_removed = drop
    report.objects_removed = sorted(dead)
    report.bytes_freed = sum(_size(repo.versions.path(v)) for v in drop)
    report.bytes_freed += sum(_size(repo.objects.path(o)) for o in dead)  # 0 if gone
    report.tags_removed = sorted(
        f"{nb}/{name}" for nb, kind, name, v in refs if kind == TAGS and v in drop
    )
    report.versions_kept = len(manifests) - len(drop) + len(unreadable)
    report.objects_kept = len(live)
    temps = [p for p in repo.tmp_dir.iterdir() if now - _mtime(p) >= grace]
    report.temp_files_removed = len(temps)
    if dry_run or mark is None:
        return report
    for nb, kind, name, value in refs:
        if kind == TAGS and value in drop:
            try:
                repo.refs.set_if_equals(
                    nb, TAGS, name, value, None, who="gc", why="gc: version pruned"
                )
            except NbVersionError:  # moved meanwhile: it stays (and may rescue a version)
                report.tags_removed.remove(f"{nb}/{name}")
    parents = {vid: list(m.parents) for vid, m in manifests.items()}
    recheck = Recheck(repo, mark, set(manifests) | unreadable, refs, parents)
    _sweep(repo, report, recheck, manifests, live, reachable, progress)
    for tmp in temps:
        with contextlib.suppress(OSError):
            if _mtime(tmp) < mark:  # a temp file touched since the mark is a write in progress
                tmp.unlink()
    return report


def _sweep(
    repo: Repository,
    report: GcReport,
    recheck: Recheck,
    manifests: dict[str, Manifest],
    live: set[str],
    reachable: set[str],
    progress: Progress | None = None,
) -> None:
    """Delete ``report``'s versions and objects in EXCLUSIVE batches, each after a recheck;
    afterwards the report lists what was really deleted (rescued files are left out)."""
    versions: list[str] = []
    objects: list[str] = []
    freed = [0]
    ticks = Ticker(progress, "removing versions", len(report.versions_removed))

    def version(vid: str) -> None:
        ticks.step()
        if vid in recheck.targets and vid not in reachable:  # a ref reaches it since the mark
            recheck.add(manifests[vid].object_ids())
            return
        freed[0] += _size(repo.versions.path(vid))
        append_line(repo.store_dir / "pruned", vid)
        repo.versions.delete(vid)
        versions.append(vid)

    def obj(oid: str) -> None:
        ticks.step()
        if oid in live or oid in recheck.live or recheck.touched(oid):
            return
        size = _size(repo.objects.path(oid))
        if repo.objects.delete(oid):
            freed[0] += size
            objects.append(oid)

    in_batches(repo, report.versions_removed, version, recheck.refresh)
    repo.index.remove(versions)
    dead = chunk_lists_first(repo, report.objects_removed)
    ticks = Ticker(progress, "removing objects", len(dead))
    in_batches(repo, dead, obj, recheck.refresh)
    report.versions_kept += len(report.versions_removed) - len(versions)
    report.objects_kept += len(report.objects_removed) - len(objects)
    report.versions_removed, report.objects_removed = versions, sorted(objects)
    report.bytes_freed = freed[0]
