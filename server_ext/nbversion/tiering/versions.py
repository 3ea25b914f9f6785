"""Whole-version operations: prefetch a version before going offline; set the budget."""

from __future__ import annotations

from typing import Any

from ..remote.config import _dump, _read
from ..remote.transfer import Progress
from ..store import Repository
from ..store.config import TieringPolicy, load_config, parse_size
from ..store.fsutil import atomic_write
from ..store.locks import FileLock
from .fetch import RemoteFetcher
from .usage import Catalog


def fetch_version(repo: Repository, vid: str, progress: Progress | None = None) -> dict[str, int]:
    """Fetch every evicted object version ``vid`` needs (in one parallel batch)."""
    cat = Catalog(repo)
    m = cat.manifests.get(vid) or repo.versions.read(vid)
    absent = sorted(o for o in cat.oids(m) if o not in cat.local)
    fetcher = RemoteFetcher(repo.store_dir, repo.objects.root, repo.tmp_dir, progress)
    if absent:
        fetcher.fetch(absent, f"version {vid[:12]}")
    return {"objects": len(absent), "bytes": sum(cat.size(o) for o in absent)}


def set_budget(repo: Repository, size: str) -> TieringPolicy:
    """Set ``tiering.max_local_size`` in config.toml ("" removes the budget)."""
    if size:
        parse_size(size)  # InvalidInput for a bad size, before anything is written
    path = repo.store_dir / "config.toml"
    with FileLock(path):
        data: dict[str, Any] = _read(path)
        table = data.setdefault("tiering", {})
        table["max_local_size"] = size
        atomic_write(path, "\n".join(_dump(data)).encode(), tmp_dir=repo.tmp_dir)
    repo.config = load_config(path)
    return repo.config.tiering
