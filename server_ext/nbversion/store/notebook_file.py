"""Reading a notebook from disk for a version: its bytes, its stable id, its author."""

from __future__ import annotations

import functools
import getpass
import json
import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

from ..errors import InvalidInput, NotFound
from .fsutil import atomic_write


def notebook_id_of(nb: Any) -> str | None:
    """``metadata.nbversion.notebook_id`` of a parsed notebook, if any."""
    meta = nb.get("metadata") if isinstance(nb, dict) else None
    section = meta.get("nbversion") if isinstance(meta, dict) else None
    value = section.get("notebook_id") if isinstance(section, dict) else None
    return value if isinstance(value, str) and value else None


def read_notebook(path: Path) -> tuple[bytes, str]:
    """The notebook's bytes and its notebook_id, adding a uuid4 id if it had none.

    The file is rewritten (atomically, nbformat's 1-space indent) only when an id had
    to be added, so the id survives renames and later saves.
    """
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise NotFound(f"notebook {path} not found") from None
    try:
        nb = json.loads(raw)
    except ValueError as err:
        raise InvalidInput(f"{path} is not a notebook (invalid JSON: {err})") from None
    if not isinstance(nb, dict) or "cells" not in nb:
        raise InvalidInput(f"{path} is not a notebook (no cells)")
    existing = notebook_id_of(nb)
    if existing:
        return raw, existing
    notebook_id = str(uuid.uuid4())
    meta = nb.setdefault("metadata", {})
    meta.setdefault("nbversion", {})["notebook_id"] = notebook_id
    raw = (json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
    mode = Path(path).stat().st_mode & 0o777
    atomic_write(Path(path), raw, mode=mode)
    return raw, notebook_id


@functools.lru_cache(maxsize=8)
def default_author(cwd: str = ".") -> tuple[str, str]:
    """(name, email) from git config if available, else the login name."""

    def git(key: str) -> str:
        try:
            out = subprocess.run(
                ["git", "config", "--get", key],
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return ""
        return out.stdout.strip()

    name, email = git("user.name"), git("user.email")
    if not name:
        try:
            name = getpass.getuser()
        except (OSError, KeyError):
            name = os.environ.get("USER", "unknown")
    return name, email
