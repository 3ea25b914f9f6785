"""Auto-commit: every saved version also becomes a git commit of its notebook.

Off by default; ``nbversion git-setup --autocommit on`` turns it on for a project (it is
``[git] autocommit = true`` in ``.nbversion/config.toml``). After each save the notebook
file, and the store's manifests and refs when the store is set up for git (its
``.gitignore`` keeps the data out), are committed with the version's message. Only those
paths are committed: whatever else the user has staged stays staged and uncommitted.

A failed commit (no git, not a work tree, a hook that refuses) never fails the save: the
version is already safe in the store. It is logged and the version stays uncommitted.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .store.config import load_config, update_config
from .store.refs import UNDO_BRANCH

if TYPE_CHECKING:
    from .store import Repository
    from .store.manifest import Manifest

log = logging.getLogger(__name__)
GIT_TIMEOUT = 20.0


def autocommit_enabled(store_dir: Path) -> bool:
    """The current setting, read afresh (a long-running kernel sees a change at once)."""
    try:
        return load_config(store_dir / "config.toml").git.autocommit
    except Exception:  # a broken config is reported by the commands that own it
        return False


def set_autocommit(store_dir: Path, on: bool) -> None:
    """Turn auto-commit on or off in ``config.toml``."""

    def change(data: dict[str, Any]) -> None:
        data.setdefault("git", {})["autocommit"] = on

    update_config(store_dir, change)


def in_work_tree(path: Path) -> bool:
    """Whether ``path`` is inside a git work tree (False when git is missing or fails)."""
    try:
        done = _git(path, "rev-parse", "--is-inside-work-tree")
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and done.stdout.strip() == "true"


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT,
        env=env,
        check=False,
    )


def commit_version(repo: Repository, manifest: Manifest) -> str | None:
    """Commit the version's notebook (and the store's metadata); the new commit, or None.

    None when nothing changed since the last commit, or when git could not commit (logged).
    """
    root = repo.root
    paths = [manifest.notebook_path]
    if (repo.store_dir / ".gitignore").is_file():  # set up by `nbversion git-setup`
        paths.append(repo.store_dir.name)
    try:
        if not in_work_tree(root):
            log.warning("nbversion autocommit: %s is not in a git work tree", root)
            return None
        added = _git(root, "add", "--", *paths)
        if added.returncode != 0:
            log.warning("nbversion autocommit: git add failed: %s", added.stderr.strip())
            return None
        if _git(root, "diff", "--cached", "--quiet", "--", *paths).returncode == 0:
            return None  # nothing new in these paths
        message = f"{manifest.message or 'nbversion save'}\n\nnbversion version {manifest.id}"
        done = _git(root, "commit", "-q", "--no-verify", "-m", message, "--", *paths)
        if done.returncode != 0:
            log.warning("nbversion autocommit: git commit failed: %s", done.stderr.strip())
            return None
        return _git(root, "rev-parse", "HEAD").stdout.strip() or None
    except (OSError, subprocess.SubprocessError) as err:
        log.warning("nbversion autocommit: %s", err)
        return None


def after_save(repo: Repository, manifest: Manifest) -> None:
    """Called by the store after every save: commit when the project asked for it."""
    if manifest.branch == UNDO_BRANCH or not autocommit_enabled(repo.store_dir):
        return  # the undo points of restores are not the user's saves
    commit_version(repo, manifest)
