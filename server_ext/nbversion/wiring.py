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


def _team_sign(repo: Any, manifest: Manifest) -> None:
    """Sign every version made here with this user's key, so teammates who trust the key
    load it without a prompt (see :mod:`.teamtrust`)."""
    from .teamtrust import sign_version
    from .trust import is_trusted

    if len(manifest.parents) > 1 and not is_trusted(repo.store_dir, manifest.parents[0]):
        return  # a join keeping an untrusted head's state: never vouch for it
    sign_version(repo.store_dir, manifest.id, manifest.author, manifest.created)


hooks.set_fetcher_factory(_remote_fetcher)
hooks.add_after_save(_team_sign)  # before git, so the signature is committed with it
hooks.add_after_save(_git_after_save)
