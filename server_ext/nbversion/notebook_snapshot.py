"""Read a notebook for a version without touching the file the user has open."""

from __future__ import annotations

from pathlib import Path

from .store import Repository


def notebook_snapshot(repo: Repository, path: Path) -> tuple[bytes, str, str]:
    """(bytes, notebook_id, path relative to the root) of the notebook as saved on disk.

    The kernel's and the server's way to read a notebook: the same reader as the CLI's
    (:meth:`Repository.read_notebook`), so a notebook that lost its id continues the
    history saved at its path whichever front end saves it. The file is never rewritten
    here (it may be open in an editor): the id goes into the stored copy only.
    """
    return repo.read_notebook(path)
