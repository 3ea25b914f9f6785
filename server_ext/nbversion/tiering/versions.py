"""Whole-version operations: prefetch a version before going offline; set the budget."""

from __future__ import annotations

from typing import Any

from ..remote.transfer import Progress
from ..store import Repository
from ..store.config import TieringPolicy, load_config, parse_size, update_config
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
    update_config(repo.store_dir, lambda data: _set(data, "tiering", "max_local_size", size))
    repo.config = load_config(repo.store_dir / "config.toml")
    return repo.config.tiering


def _set(data: dict[str, Any], table: str, key: str, value: Any) -> None:
    data.setdefault(table, {})[key] = value
