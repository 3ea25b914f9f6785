"""Tracked data files and folders: stored by content, DVC-style, beside the variables.

A file whose size and mtime match the previous version's record reuses that record
without being read; otherwise it is memory-mapped and chunked into the store (identical
chunks are stored once, so a grown log file only adds its new tail chunks).
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import Forbidden, NotFound
from ..store import Repository
from ..store.names import check_data_path

SKIP_DIRS = {".nbversion", ".git", "__pycache__", ".ipynb_checkpoints", "node_modules"}


def confined(root: Path, rel: str) -> Path:
    """``root / rel`` after checking it stays inside ``root``; raise :class:`Forbidden` if not.

    ``rel`` must be a clean relative path (see :func:`check_data_path`), and no existing
    part of it may be a link that leads out of the root: a version can never make a
    restore write, or a save read, outside the project.
    """
    check_data_path(rel)
    base = root.resolve()
    target = base / rel
    parent = target.parent.resolve()
    if parent != base and base not in parent.parents:
        raise Forbidden(f"data file {rel!r} leads outside the project root through a link")
    if target.is_symlink() and not _inside(base, target.resolve()):
        raise Forbidden(f"data file {rel!r} is a link to outside the project root")
    return target


def _inside(base: Path, path: Path) -> bool:
    return path == base or base in path.parents


def _files(root: Path, rel: str) -> Iterator[tuple[str, Path]]:
    """Every regular file under the tracked path ``rel``; links out of the root are skipped."""
    base = root.resolve()
    target = root / rel
    if not _inside(base, target.resolve()):
        return
    if target.is_file():
        yield rel, target
        return
    for dirpath, dirnames, filenames in os.walk(target):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            full = Path(dirpath) / name
            if full.is_symlink() and not _inside(base, full.resolve()):
                continue  # never ship what a link outside the project points to
            if not full.is_file():
                continue
            yield full.relative_to(root).as_posix(), full


def _store_file(repo: Repository, path: Path) -> str:
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size == 0:
            return repo.objects.put_buffer(b"")
        with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
            view = memoryview(mm)
            try:
                return repo.objects.put_buffer(view)
            finally:
                view.release()


def capture_data_files(
    repo: Repository, tracked: Iterable[str], previous: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Records for every file under the tracked paths (and those tracked before)."""
    roots = set(tracked) | {str(r["tracked_as"]) for r in previous.values() if "tracked_as" in r}
    out: dict[str, dict[str, Any]] = {}
    for root_rel in sorted(roots):
        if not (repo.root / root_rel).exists():
            continue  # deleted since: the version records its absence
        for rel, full in _files(repo.root, root_rel):
            st = full.stat()
            old = previous.get(rel)
            if old and old.get("size") == st.st_size and old.get("mtime_ns") == st.st_mtime_ns:
                out[rel] = dict(old, tracked_as=root_rel)
                continue
            out[rel] = {
                "oid": _store_file(repo, full),
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "tracked_as": root_rel,
            }
    return out


def tracked_roots(data_files: dict[str, dict[str, Any]]) -> set[str]:
    """The paths the user tracked, recovered from a version's data file records."""
    return {str(r["tracked_as"]) for r in data_files.values() if "tracked_as" in r}


def _same_content(repo: Repository, path: Path, oid: str) -> bool:
    if not path.is_file():
        return False
    stored = repo.objects.get_buffer(oid)
    return path.stat().st_size == len(stored) and path.read_bytes() == stored


def check_restore(
    repo: Repository, wanted: dict[str, dict[str, Any]], saved: dict[str, dict[str, Any]]
) -> list[str]:
    """Files a restore would overwrite although they hold changes no version has saved."""
    refused = []
    for rel in sorted(wanted):
        target = confined(repo.root, rel)
        if not target.exists() or _same_content(repo, target, wanted[rel]["oid"]):
            continue
        last = saved.get(rel)
        if last is None or not _same_content(repo, target, last["oid"]):
            refused.append(rel)
    return refused


def restore_files(repo: Repository, wanted: dict[str, dict[str, Any]]) -> list[str]:
    """Write the version's tracked files back (atomically); returns the files written."""
    from ..store.fsutil import atomic_write

    written = []
    for rel, rec in sorted(wanted.items()):
        target = confined(repo.root, rel)
        if _same_content(repo, target, rec["oid"]):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        atomic_write(target, repo.objects.get_buffer(rec["oid"]), mode=mode)
        written.append(rel)
    return written


def tracked_paths(repo: Repository, paths: Iterable[str]) -> list[str]:
    """Project-relative forms of paths to track (relative to the working directory);
    each must exist and lie inside the project (links out of it are refused)."""
    added = []
    for p in paths:
        full = Path(p).expanduser()
        if not full.is_absolute():
            full = Path.cwd() / full
        if not full.exists():
            raise NotFound(f"cannot track {p}: no such file or folder")
        added.append(repo.relpath(full))
    return added
