"""fsck: rehash every object, check every manifest and ref, optionally drop corrupt objects.

Every problem names the version and object involved. ``repair`` deletes corrupt
objects (a later save of the same content writes a good copy) and reports which
versions lost which variables, data files or notebook. Objects evicted to a remote
(recorded in ``.nbversion/evicted``, see nbversion.tiering) are counted as
``remote_only``, not reported as missing.

``repair`` follows the concurrency protocol (docs/store.md): the scan takes no lock;
the deletions run in short batches under the store lock held EXCLUSIVE, and each
object is rehashed there first, so only a file that is corrupt at that moment goes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import CorruptObject, NbVersionError, NotFound
from .manifest import Manifest
from .packs import RecordReader, is_packed
from .progress import Progress, Ticker
from .sweep import in_batches

if TYPE_CHECKING:
    from .repository import Repository


@dataclass(frozen=True)
class Problem:
    """One finding: ``kind`` is corrupt-object, missing-object, bad-manifest,
    missing-parent or bad-ref."""

    kind: str
    detail: str
    version: str | None = None
    object: str | None = None
    ref: str | None = None


@dataclass
class FsckReport:
    """Everything fsck found; ``ok`` is False when there is any problem."""

    objects_checked: int = 0
    versions_checked: int = 0
    refs_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    removed_objects: list[str] = field(default_factory=list)
    lost: dict[str, list[str]] = field(default_factory=dict)
    remote_only: int = 0

    @property
    def ok(self) -> bool:
        """True when the store is clean."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (for ``--json``)."""
        out = asdict(self)
        out["ok"] = self.ok
        return out


def _items(manifest: Manifest) -> list[tuple[str, str]]:
    """(what, oid) for every object a manifest names, e.g. ('variable df', oid)."""
    items = [("notebook", manifest.notebook)]
    for n, v in sorted(manifest.variables.items()):
        items.append((f"variable {n}", v["oid"]))
        items += [(f"variable {n} buffer {i}", b) for i, b in enumerate(v.get("buffers", []))]
    items += [(f"data file {p}", d["oid"]) for p, d in sorted(manifest.data_files.items())]
    return items


def check(
    repo: Repository, *, repair: bool = False, progress: Progress | None = None
) -> FsckReport:
    """Check the whole store; see the module docstring. ``progress`` hears each phase
    (objects, versions, refs) with counts, a few times a second."""
    report = FsckReport()
    corrupt: dict[str, str] = {}
    oids = list(repo.objects.iter_oids())
    tick = Ticker(progress, "objects", len(oids))
    for oid in oids:
        tick.step()
        report.objects_checked += 1
        try:
            repo.objects.get_bytes(oid)
        except CorruptObject as err:
            corrupt[oid] = str(err)
        except NotFound:
            continue  # deleted meanwhile (concurrent gc)
    for oid, msg in sorted(corrupt.items()):
        report.problems.append(Problem("corrupt-object", msg, object=oid))

    pruned_file = repo.store_dir / "pruned"
    pruned = set(pruned_file.read_text().split()) if pruned_file.exists() else set()
    good_versions: set[str] = set()
    reader = RecordReader(repo.objects)
    remote_only: set[str] = set()
    vids = sorted(repo.versions.ids())
    tick = Ticker(progress, "versions", len(vids))
    for vid in vids:
        tick.step()
        report.versions_checked += 1
        try:
            manifest = repo.versions.read(vid)
        except NbVersionError as err:
            report.problems.append(Problem("bad-manifest", str(err), version=vid))
            continue
        good_versions.add(vid)
        for what, oid in _items(manifest):
            for problem in _check_object(repo, vid, what, oid, corrupt, remote_only):
                report.problems.append(problem)
                report.lost.setdefault(vid, []).append(what)
        for name, problem in _check_slices(reader, vid, manifest, corrupt, remote_only):
            report.problems.append(problem)
            report.lost.setdefault(vid, []).append(f"variable {name}")
        for parent in manifest.parents:
            if parent not in pruned and not repo.versions.has(parent):
                report.problems.append(
                    Problem(
                        "missing-parent",
                        f"version {vid} names missing parent {parent}",
                        version=vid,
                    )
                )

    refs = list(repo.refs.all_refs())
    tick = Ticker(progress, "refs", len(refs))
    for nb, kind, name, value in refs:
        tick.step()
        report.refs_checked += 1
        ref = f"refs/{nb}/{kind}/{name}"
        if value not in good_versions:
            try:
                state = "corrupt" if repo.versions.has(value) else "missing"
            except NbVersionError:
                state = "invalid"
            report.problems.append(
                Problem(
                    "bad-ref", f"{ref} points to {state} version {value}", version=value, ref=ref
                )
            )
    report.remote_only = len(remote_only)
    for vid in report.lost:
        report.lost[vid] = sorted(set(report.lost[vid]))
    if repair:
        in_batches(repo, sorted(corrupt), lambda oid: _remove_if_corrupt(repo, oid, report))
        if corrupt:  # versions that had all their data may not any more: pulls recheck
            repo.index.clear_complete()
    return report


def _remove_if_corrupt(repo: Repository, oid: str, report: FsckReport) -> None:
    """Delete ``oid`` if it is still corrupt (call under the EXCLUSIVE store lock)."""
    if not repo.objects.has(oid):
        return  # gone meanwhile (and never fetch from a remote while holding the lock)
    try:
        repo.objects.get_bytes(oid)
    except CorruptObject:
        if repo.objects.delete(oid):
            report.removed_objects.append(oid)
    except NotFound:
        pass  # gone meanwhile


def _check_slices(
    reader: RecordReader,
    vid: str,
    manifest: Manifest,
    corrupt: dict[str, str],
    remote_only: set[str],
) -> list[tuple[str, Problem]]:
    """Packed variables whose slices do not fit their pack or whose header is not JSON.

    Packs that are missing, corrupt or on the remote only are reported (or counted) by
    :func:`_check_object` already.
    """
    problems = []
    for name, rec in sorted(manifest.variables.items()):
        oid = rec["oid"]
        if not is_packed(rec) or oid in corrupt or oid in remote_only:
            continue
        if not reader.objects.has(oid):
            continue
        try:
            reader.header(rec)
        except (CorruptObject, NotFound) as err:
            why = f"version {vid}: pack slices of variable {name}: {err}"
            problems.append((name, Problem("corrupt-object", why, version=vid, object=oid)))
        reader.forget(keep=16)
    return problems


def _check_object(
    repo: Repository,
    vid: str,
    what: str,
    oid: str,
    corrupt: dict[str, str],
    remote_only: set[str],
) -> list[Problem]:
    """Problems with one object a version names (including a chunk list's chunks);
    evicted objects are added to ``remote_only`` instead."""
    if oid in corrupt:
        return [
            Problem(
                "corrupt-object",
                f"version {vid}: {what} is object {oid}, which is corrupt",
                version=vid,
                object=oid,
            )
        ]
    if repo.objects.is_remote_only(oid):
        remote_only.add(oid)
        return []
    if not repo.objects.has(oid):
        return [
            Problem(
                "missing-object",
                f"version {vid}: {what} is object {oid}, which is missing",
                version=vid,
                object=oid,
            )
        ]
    try:
        chunks = repo.objects.chunk_list(oid)
    except NbVersionError as err:
        return [Problem("corrupt-object", f"version {vid}: {what}: {err}", version=vid, object=oid)]
    problems = []
    for index, (cid, _size) in enumerate(chunks.chunks if chunks else ()):
        if repo.objects.is_remote_only(cid):
            remote_only.add(cid)
            continue
        state = "corrupt" if cid in corrupt else None if repo.objects.has(cid) else "missing"
        if state:
            problems.append(
                Problem(
                    f"{state}-object",
                    f"version {vid}: chunk {index} ({cid}) of {what} is {state}",
                    version=vid,
                    object=cid,
                )
            )
    return problems
