"""Eviction: move objects that are safely on a remote off the local disk.

Safe means the remote has the object and its stored size matches (one listing of the
remote's ``objects/``); with ``verify`` the remote copy is also downloaded and rehashed.
An object the remote lacks is never evicted: it would be the only copy. Manifests,
refs, the index, notebooks and chunk lists always stay, so history, metadata diffs and
search work offline and a restore knows exactly which chunks to fetch.

Each eviction first rewrites ``.nbversion/evicted`` (where every evicted object lives),
then deletes the files, all under the record's lock; objects a save wrote or reused
within ``tiering.min_age`` are left alone (that save may be about to reference them).

It follows the store's concurrency protocol (docs/store.md, nbversion.store.sweep): a
mark taken under the store lock, selection without it, then record-and-delete in short
batches under the lock held EXCLUSIVE, each after a recheck that keeps local anything a
writer freshened since the mark or a manifest written since names.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import NbVersionError
from ..remote.config import RemoteSpec, get_remote
from ..remote.remotes import Remote, open_remote
from ..remote.transfer import verify_object
from ..store import Manifest, Repository
from ..store.config import parse_duration
from ..store.manifest import parse_time
from ..store.refs import HEADS
from ..store.sweep import Recheck, in_batches, take_mark
from . import records
from .records import Evicted
from .usage import Catalog, scan_local

_OID = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class EvictReport:
    """What an eviction did (or, with ``dry_run``, would do) and what it refused."""

    remote: str = ""
    url: str = ""
    dry_run: bool = False
    evicted: list[str] = field(default_factory=list)
    bytes_freed: int = 0
    not_on_remote: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    recent: int = 0
    pinned: int = 0
    local_before: int = 0
    local_after: int = 0
    budget: int | None = None
    examples: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def refusal(self) -> str | None:
        """The message for objects refused because the remote lacks them (or differs)."""
        parts = []
        if self.not_on_remote:
            oid = self.not_on_remote[0]
            parts.append(
                f"refused {len(self.not_on_remote)} object(s) that are not on remote "
                f"{self.remote!r} ({self.url}): evicting them would delete the only copy; "
                f"e.g. {oid} ({self.examples.get(oid, 'unreferenced')}). "
                f"Push first: nbversion push {self.remote}"
            )
        if self.mismatched:
            oid = self.mismatched[0]
            parts.append(
                f"refused {len(self.mismatched)} object(s) whose copy on {self.remote!r} "
                f"differs (size or hash), e.g. {oid} ({self.examples.get(oid, '')})"
            )
        return "\n".join(parts) or None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for ``--json`` and the REST API)."""
        return asdict(self)


def remote_sizes(remote: Remote) -> dict[str, int]:
    """``{oid: stored size}`` of every object on the remote (one recursive listing)."""
    return remote.object_sizes()


def _describe(cat: Catalog, wanted: set[str]) -> dict[str, str]:
    """A human name for each wanted oid: 'variable arr of version 3f2a9c1b0d4e'."""
    out: dict[str, str] = {}
    for vid, m in cat.manifests.items():
        for kind, name, oids in cat.items(m):
            for o in oids & wanted:
                out.setdefault(o, f"{kind} {name} of version {vid[:12]}")
    return out


def _select(
    repo: Repository,
    cat: Catalog,
    candidates: list[str],
    remote: Remote,
    report: EvictReport,
    *,
    verify: bool,
    min_age: float,
    now: float,
    enough: Callable[[int], bool] | None = None,
) -> list[Evicted]:
    """Candidates (in order) that are safely on the remote, until ``enough(freed)``."""
    inventory = remote_sizes(remote)
    chosen: list[Evicted] = []
    freed = 0
    for oid in candidates:
        if enough is not None and enough(freed):
            break
        local = cat.local[oid]
        if now - local.mtime < min_age:
            report.recent += 1
        elif oid not in inventory:
            report.not_on_remote.append(oid)
        elif inventory[oid] != local.size or (verify and not _verified(remote, oid, local.size)):
            report.mismatched.append(oid)
        else:
            spec = remote.spec
            chosen.append(Evicted(oid, local.size, spec.name, spec.url, spec.endpoint_url))
            freed += local.size
    report.examples = _describe(cat, set(report.not_on_remote[:1] + report.mismatched[:1]))
    return chosen


def _verified(remote: Remote, oid: str, size: int) -> bool:
    """Download the remote copy and rehash it (``--verify``)."""
    try:
        raw = remote.get_object(oid)
        verify_object(oid, raw)
    except NbVersionError:
        return False
    return len(raw) == size


#: Objects recorded and deleted per batch under the store lock.
BATCH = 32


def _apply(
    repo: Repository, chosen: list[Evicted], report: EvictReport, recheck: Recheck | None
) -> None:
    """Record, then delete, under the record's lock; stale lines are dropped meanwhile.

    Runs in batches under the store lock held EXCLUSIVE; ``recheck`` (None only for a
    dry run) keeps local what a writer reused or committed since the mark.
    """
    if report.dry_run or not chosen or recheck is None:
        report.evicted = [r.oid for r in chosen]
        report.bytes_freed = sum(r.size for r in chosen)
        report.local_after = report.local_before - report.bytes_freed
        return
    store = repo.store_dir
    done: list[Evicted] = []

    def one_batch(batch: list[Evicted]) -> None:
        recheck.refresh()
        ok = [r for r in batch if r.oid not in recheck.live and not recheck.touched(r.oid)]
        report.recent += len(batch) - len(ok)
        if not ok:
            return
        with records.lock(store):
            records.merge(store, ok, keep_old=lambda r: not repo.objects.has(r.oid))
            for rec in ok:
                repo.objects.delete(rec.oid)
        done.extend(ok)

    batches = [chosen[i : i + BATCH] for i in range(0, len(chosen), BATCH)]
    in_batches(repo, batches, one_batch, most=1)
    report.evicted = [r.oid for r in done]
    report.bytes_freed = sum(r.size for r in done)
    report.local_after = report.local_before - report.bytes_freed


def _open_remote(repo: Repository, name: str | None) -> Remote:
    spec: RemoteSpec = get_remote(repo.store_dir, name or repo.config.tiering.remote or None)
    return open_remote(spec)


def evict(
    repo: Repository,
    *,
    remote: str | None = None,
    older_than: float | None = None,
    keep_branch_heads: bool = False,
    dry_run: bool = False,
    verify: bool = False,
    min_age: float | None = None,
    now: float | None = None,
) -> EvictReport:
    """Evict the objects of versions older than ``older_than`` seconds (default: all
    versions) that are on ``remote``; objects other versions still need stay."""
    now = time.time() if now is None else now
    min_age = parse_duration(repo.config.tiering.min_age) if min_age is None else min_age
    store = _open_remote(repo, remote)
    mark = None if dry_run else take_mark(repo)
    cat = Catalog(repo)
    refs = list(repo.refs.all_refs())
    heads = {v for _, kind, _, v in refs if kind == HEADS}
    selected: list[Manifest] = []
    kept: list[Manifest] = []
    for vid, m in cat.manifests.items():
        old = older_than is None or parse_time(m.created).timestamp() < now - older_than
        (selected if old and not (keep_branch_heads and vid in heads) else kept).append(m)
    pinned = set().union(*(cat.oids(m) for m in kept)) if kept else set()
    wanted = set().union(*(cat.evictable(m) for m in selected)) if selected else set()
    wanted &= set(cat.local)
    report = EvictReport(store.spec.name, store.spec.url, dry_run=dry_run)
    report.pinned = len(wanted & pinned)
    report.local_before = sum(o.size for o in cat.local.values())
    report.budget = repo.config.tiering.budget
    candidates = sorted(wanted - pinned, key=lambda o: (cat.local[o].used, o))
    chosen = _select(repo, cat, candidates, store, report, verify=verify, min_age=min_age, now=now)
    recheck = None if mark is None else Recheck(repo, mark, cat.manifests, refs)
    _apply(repo, chosen, report, recheck)
    return report


def enforce_budget(repo: Repository, *, now: float | None = None) -> EvictReport | None:
    """Bring the local store under ``tiering.max_local_size`` by evicting the least
    recently used objects that are on the remote; never the only copy, never what a
    branch head needs. None when there is no budget or it is met (one stat per object).
    Never raises for remote trouble: the report's ``warnings`` say what went wrong."""
    budget = repo.config.tiering.budget
    if budget is None:
        return None
    local = sum(o.size for o in scan_local(repo).values())
    if local <= budget:
        return None
    now = time.time() if now is None else now
    report = EvictReport(local_before=local, local_after=local, budget=budget)
    try:
        store = _open_remote(repo, None)
        report.remote, report.url = store.spec.name, store.spec.url
        mark = take_mark(repo)
        cat = Catalog(repo)
        refs = list(repo.refs.all_refs())
        report.local_before = sum(o.size for o in cat.local.values())
        heads = {v for _, kind, _, v in refs if kind == HEADS}
        pinned = set().union(*(cat.oids(cat.manifests[v]) for v in heads if v in cat.manifests))
        wanted = set().union(*(cat.evictable(m) for m in cat.manifests.values()))
        wanted = (wanted & set(cat.local)) - pinned
        candidates = sorted(wanted, key=lambda o: (cat.local[o].used, o))
        over = report.local_before - budget
        chosen = _select(
            repo, cat, candidates, store, report, verify=False,
            min_age=parse_duration(repo.config.tiering.min_age), now=now,
            enough=lambda freed: freed >= over,
        )  # fmt: skip
        _apply(repo, chosen, report, Recheck(repo, mark, cat.manifests, refs))
    except (NbVersionError, OSError) as err:
        report.warnings.append(f"over budget, eviction failed: {err}")
        return report
    if report.local_after > budget:
        report.warnings.append(
            f"still {report.local_after - budget} bytes over the budget of {budget}: the rest "
            "is needed by branch heads, used recently, or not on the remote (push first)"
        )
    return report
