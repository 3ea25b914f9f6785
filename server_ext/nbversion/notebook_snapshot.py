"""Read a notebook for a version without touching the file the user has open."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from .errors import InvalidInput, NotFound
from .store import Repository
from .store.notebook_file import notebook_id_of


def notebook_snapshot(repo: Repository, path: Path) -> tuple[bytes, str, str]:
    """(bytes, notebook_id, path relative to the root) of the notebook as saved on disk.

    The file is never rewritten here (it may be open in an editor): a notebook without an
    id gets one in the stored copy, and is found again by its path until a front end
    writes the id into the live notebook's metadata.
    """
    rel = repo.relpath(path)
    try:
        raw = path.read_bytes()
        nb = json.loads(raw)
    except FileNotFoundError:
        raise NotFound(f"notebook {rel} not found") from None
    except ValueError as err:
        raise InvalidInput(f"{rel} is not a notebook: {err}") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise InvalidInput(f"{rel} is not a notebook (no cells)")
    nid = notebook_id_of(nb)
    if nid is None:
        known = repo.index.notebook_ids_for_path(rel)
        nid = known[0] if known else str(uuid.uuid4())
        nb.setdefault("metadata", {}).setdefault("nbversion", {})["notebook_id"] = nid
        raw = (json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode()
    return raw, nid, rel
