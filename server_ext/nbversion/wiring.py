"""Connects the layers above the store to its extension points (:mod:`.store.hooks`).

Imported by the package itself, so every front end (server, kernel, CLI, a forked
background save) gets the same wiring; the imports of the higher layers stay lazy,
so a process that never evicted anything and never saves with git auto-commit pays
nothing for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .store import hooks

if TYPE_CHECKING:
    from .store.manifest import Manifest
    from .store.objects import Fetcher


def _remote_fetcher(store_dir: Path, objects_root: Path, tmp_dir: Path) -> Fetcher:
    from .tiering.fetch import RemoteFetcher

    return RemoteFetcher(store_dir, objects_root, tmp_dir)


def _git_after_save(repo: Any, manifest: Manifest) -> None:
    from .gitsync import after_save

    after_save(repo, manifest)


hooks.set_fetcher_factory(_remote_fetcher)
hooks.add_after_save(_git_after_save)
