"""Reading a notebook from disk for a version: its bytes, its stable id, its author."""

from __future__ import annotations

import functools
import getpass
import json
import os
import subprocess
import uuid
from collections.abc import Callable
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


def read_notebook(
    path: Path,
    known_ids: Callable[[], list[str]] = list,
    *,
    write_id: bool = False,
    shown: str | None = None,
) -> tuple[bytes, str]:
    """The notebook's bytes and its notebook_id: the one way every front end (kernel,
    server, CLI) reads a notebook for a version.

    A notebook without ``metadata.nbversion.notebook_id`` (never saved, or rewritten by a
    tool, or an old copy from git) continues the history last saved at its path:
    ``known_ids()`` lists the ids saved under that path, most recent first; only a path
    with no history gets a new uuid4. The id goes into the stored copy. With ``write_id``
    (the CLI: no editor holds the file) it is also written into the file, atomically in
    nbformat's 1-space indent, so it survives renames; the kernel and the server never
    rewrite a notebook that may be open in an editor. ``shown`` names it in errors.
    """
    name = shown or str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise NotFound(f"notebook {name} not found") from None
    try:
        nb = json.loads(raw)
    except ValueError as err:
        raise InvalidInput(f"{name} is not a notebook (invalid JSON: {err})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InvalidInput(f"{name} is not a notebook (no cells)")
    existing = notebook_id_of(nb)
    if existing:
        return raw, existing
    known = known_ids()
    notebook_id = known[0] if known else str(uuid.uuid4())
    meta = nb.get("metadata")
    if not isinstance(meta, dict):
        meta = nb["metadata"] = {}
    section = meta.get("nbversion")
    if not isinstance(section, dict):
        section = meta["nbversion"] = {}
    section["notebook_id"] = notebook_id
    raw = (json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
    if write_id:
        mode = Path(path).stat().st_mode & 0o777
        atomic_write(Path(path), raw, mode=mode)
    return raw, notebook_id


@functools.lru_cache(maxsize=8)
def default_author(cwd: str = ".") -> tuple[str, str]:
    """(name, email): on a JupyterHub the hub user (``JUPYTERHUB_USER``, which the hub sets
    for each user's server and its kernels; e-mail from ``NBVERSION_AUTHOR_EMAIL``, else
    none: an image's shared git config would name someone else), otherwise git config if
    available, else the login name."""
    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        return hub_user, os.environ.get("NBVERSION_AUTHOR_EMAIL", "")

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
