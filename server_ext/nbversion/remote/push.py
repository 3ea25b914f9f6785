"""Push: send missing objects, then manifests, then move remote refs by compare-and-swap.

A ref moves only if the remote still holds the value we read and that value is in our
history ("fetch first" otherwise). The swap is atomic on a folder remote (lock file) and
on S3 servers that honour conditional PUTs; elsewhere it is read-compare-write-verify with
a few milliseconds' window (see :mod:`.backend` and docs/sharing.md). Every ref write also
leaves a unique record under ``logs/`` on the remote."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from ..errors import Conflict, InvalidInput
from ..store import Repository
from ..store.manifest import Manifest
from ..store.refs import HEADS, TAGS, UNDO_BRANCH
from ..teamtrust import TEAM_DIR
from .config import RemoteSpec, list_remotes
from .remotes import Remote, open_remote, refusals
from .team import send_team
from .transfer import (
    Progress,
    ProgressEvent,
    ancestry,
    needed_objects,
    read_object_file,
    run_parallel,
)


@dataclass
class PushResult:
    """What a push sent and which refs it moved (``{"nb/heads/main": id}``)."""

    objects_sent: int = 0
    bytes_sent: int = 0
    versions_sent: int = 0
    refs_updated: dict[str, str] = field(default_factory=dict)
    refs_unchanged: list[str] = field(default_factory=list)
    #: local remote-tracking refs moved to what the remote now holds (``nb/heads/origin/x``)
    tracking_updated: dict[str, str] = field(default_factory=dict)
    #: team keys, revocations and version signatures sent (see nbversion.teamtrust)
    team_files_sent: int = 0


def _select_refs(
    repo: Repository,
    notebook: str | None,
    branches: Collection[str] | None,
    tags: Collection[str] | None,
) -> list[tuple[str, str, str, str]]:
    """Local (notebook, kind, name, id) to push; remote-tracking refs are never pushed.

    ``branches`` and ``tags`` both None: every branch and tag but the kernel's undo points
    (an implementation detail, as in listings); otherwise exactly the named ones (a None
    list then means none of that kind)."""
    prefixes = tuple(f"{name}/" for name in list_remotes(repo.store_dir))
    nb_filter = repo.notebook_id(notebook) if notebook is not None else None
    chosen = None if branches is None and tags is None else {
        HEADS: set(branches or ()), TAGS: set(tags or ())
    }  # fmt: skip
    out = []
    for nb, kind, name, vid in repo.refs.all_refs():
        if nb_filter is not None and nb != nb_filter:
            continue
        if name.startswith(prefixes) or name.startswith("imported/"):
            continue
        if chosen is not None and name not in chosen[kind]:
            continue
        if chosen is None and kind == HEADS and name == UNDO_BRANCH:
            continue
        out.append((nb, kind, name, vid))
    if chosen is not None:
        found = {(kind, name) for _, kind, name, _ in out}
        for kind, names in chosen.items():
            for name in sorted(names):
                if (kind, name) not in found:
                    what = "branch" if kind == HEADS else "tag"
                    raise InvalidInput(f"no local {what} {name!r} to push",
                                       details={"kind": what, "name": name})  # fmt: skip
    return out


def _to_send(repo: Repository, remote_versions: set[str], heads: list[str]) -> list[Manifest]:
    """Manifests the remote lacks, ancestors first (a remote manifest implies its history)."""
    order: list[Manifest] = []
    seen: set[str] = set()
    for head in heads:
        stack: list[tuple[str, bool]] = [(head, False)]
        while stack:
            vid, expanded = stack.pop()
            if expanded:
                order.append(repo.versions.read(vid))
                continue
            if vid in seen or vid in remote_versions or not repo.versions.has(vid):
                continue
            seen.add(vid)
            stack.append((vid, True))
            stack.extend((p, False) for p in repo.versions.read(vid).parents)
    return order


def push(
    repo: Repository,
    spec: RemoteSpec,
    *,
    notebook: str | None = None,
    branch: str | None = None,
    branches: Collection[str] | None = None,
    tags: Collection[str] | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> PushResult:
    """Push branches and tags to a remote: all of them (of every notebook, or of one), or
    only the named ``branches`` and ``tags`` (``branch``: one branch, as ``branches=[b]``)."""
    if branch is not None:
        branches = [*(branches or ()), branch]
    with refusals(spec, "push"):
        return _push(repo, spec, notebook, branches, tags, force, progress)


def _push(
    repo: Repository,
    spec: RemoteSpec,
    notebook: str | None,
    branches: Collection[str] | None,
    tags: Collection[str] | None,
    force: bool,
    progress: Progress | None,
) -> PushResult:
    refs = _select_refs(repo, notebook, branches, tags)
    remote = open_remote(spec)
    remote.ensure_initialized()
    result = PushResult()
    on_remote = remote.version_ids()
    manifests = _to_send(repo, on_remote, [vid for *_, vid in refs])
    oids = needed_objects(repo, manifests)
    wanted: dict[str, None] = {}
    for oid in oids:
        wanted[oid] = None
        for chunk in repo.objects.referenced_oids(oid):
            wanted[chunk] = None
    present = remote.object_ids() if wanted else set()
    missing = [oid for oid in wanted if oid not in present]

    def send(oid: str) -> int:
        raw = read_object_file(repo, oid)
        remote.put_object(oid, raw)
        return len(raw)

    result.bytes_sent = run_parallel(missing, send, "objects", progress)
    result.objects_sent = len(missing)

    def send_manifest(m: Manifest) -> int:
        raw = repo.versions.path(m.id).read_bytes()
        remote.put_version(m.id, raw)
        return len(raw)

    # ancestors first, one at a time: a manifest on the remote implies its history is there
    for i, m in enumerate(manifests):
        result.bytes_sent += send_manifest(m)
        if progress is not None:
            progress(ProgressEvent("versions", i + 1, len(manifests), result.bytes_sent))
    result.versions_sent = len(manifests)
    signed = repo.store_dir / TEAM_DIR / "sigs"
    known = on_remote | {m.id for m in manifests}
    with_sigs = [p.name for p in signed.iterdir() if p.name in known] if signed.is_dir() else []
    result.team_files_sent = send_team(repo, remote, with_sigs)
    for nb, kind, name, vid in refs:
        label = f"{nb}/{kind}/{name}"
        if _move_ref(repo, remote, nb, kind, name, vid, force=force):
            result.refs_updated[label] = vid
        else:
            result.refs_unchanged.append(label)
    remote.flush()
    result.tracking_updated = track_pushed(repo, spec.name, result)
    return result


def track_pushed(repo: Repository, remote: str, result: PushResult) -> dict[str, str]:
    """Like ``git push``: set ``REMOTE/name`` to what the remote now holds for every ref the
    push covered, so "ahead" drops to 0 without a pull. Returns the tracking refs that moved.

    ``refs_updated`` maps ``nb/kind/name`` to the pushed id; ``refs_unchanged`` names refs
    the remote already had at the local value.
    """
    pushed = dict(result.refs_updated)
    for label in result.refs_unchanged:
        nb, kind, name = label.split("/", 2)
        vid = repo.refs.get(nb, kind, name)
        if vid is not None:
            pushed[label] = vid
    moved: dict[str, str] = {}
    for label, vid in pushed.items():
        nb, kind, name = label.split("/", 2)
        tracking = f"{remote}/{name}"
        current = repo.refs.get(nb, kind, tracking)
        if current == vid:
            continue
        try:
            repo.refs.set_if_equals(nb, kind, tracking, current, vid, why=f"push {remote}")
        except (Conflict, InvalidInput):
            continue  # a pull moved it meanwhile, or a local name clashes: pull corrects it
        moved[f"{nb}/{kind}/{tracking}"] = vid
    return moved


def _move_ref(
    repo: Repository,
    remote: Remote,
    nb: str,
    kind: str,
    name: str,
    vid: str,
    *,
    force: bool,
) -> bool:
    """Compare-and-swap one remote ref as well as an object store allows; True if moved."""
    current = remote.get_ref(nb, kind, name)
    if current == vid:
        return False
    r = remote.spec.name
    if current is not None and not force:
        if kind == TAGS:
            raise _refused(repo, r, nb, kind, name, vid, current, "tag-exists")
        if current not in ancestry(repo, vid):
            raise _refused(repo, r, nb, kind, name, vid, current, "fetch-first")
    why = "push" + (" --force" if force else "")
    if force:
        remote.set_ref(nb, kind, name, vid, why=why)
        return True
    try:
        remote.swap_ref(nb, kind, name, current, vid, why=why)
    except Conflict:
        after = remote.get_ref(nb, kind, name)
        raise _refused(repo, r, nb, kind, name, vid, after, "moved") from None
    return True


def _refused(
    repo: Repository, remote: str, nb: str, kind: str, name: str, vid: str,
    theirs: str | None, reason: str,
) -> Conflict:  # fmt: skip
    """A refused ref move in plain words: the notebook by its path, what to do next.

    ``details`` let a front end word it again: remote, kind (branch or tag), name,
    notebook (path), notebook_id, theirs (the remote's version id) and reason
    (fetch-first, moved, tag-exists)."""
    path = repo.versions.read(vid).notebook_path if repo.versions.has(vid) else nb
    what = "branch" if kind == HEADS else "tag"
    if reason == "tag-exists":
        text = (
            f"{remote} already has a tag {name!r} of {path} on another version: tags never "
            "move, so tag this version under another name"
        )
    else:
        why = (
            "it changed while we pushed: someone pushed at the same moment"
            if reason == "moved"
            else "someone pushed since your last pull"
        )
        text = (
            f"{remote} has versions on {what} {name!r} of {path} that you do not have ({why}): "
            f"fetch first (nbversion pull {remote}), then join {remote}/{name} into {name} "
            "(keeps your state) or build on it, and push again"
        )
    details = {"remote": remote, "kind": what, "name": name, "notebook": path,
               "notebook_id": nb, "theirs": theirs, "reason": reason}  # fmt: skip
    return Conflict(text, details=details)
