"""History follows a notebook by path when its id is gone (issue 19, item 8).

The CLI (``nbversion save``) and the kernel/server read a notebook for a version through
one reader, so a file that lost ``metadata.nbversion.notebook_id`` -- rewritten by a tool,
an old copy checked out from git -- continues the history saved at its path, whichever of
them saves it next.
"""

from __future__ import annotations

import json
from pathlib import Path

from nbversion.notebook_snapshot import notebook_snapshot
from nbversion.store import Repository

from .conftest import notebook_bytes


def _strip_id(path: Path) -> None:
    nb = json.loads(path.read_bytes())
    nb["metadata"].pop("nbversion", None)
    path.write_text(json.dumps(nb, indent=2))  # as another tool would write it


def _kernel_save(repo: Repository, path: Path, message: str) -> str:
    raw, nid, rel = notebook_snapshot(repo, path)
    return repo.save(nid, rel, repo.objects.put_bytes(raw), message).id


def test_cli_save_of_a_file_without_id_continues_the_kernel_history(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path)
    path = tmp_path / "analysis.ipynb"
    path.write_bytes(notebook_bytes("x = 1"))
    first = _kernel_save(repo, path, "from the kernel")  # never writes the file
    assert "nbversion" not in json.loads(path.read_bytes())["metadata"]
    nid = repo.get(first).notebook_id
    second = repo.save_notebook_file(path, "from the CLI")
    assert second.notebook_id == nid
    assert second.parents == [first]
    assert json.loads(path.read_bytes())["metadata"]["nbversion"]["notebook_id"] == nid
    _strip_id(path)  # a tool rewrote the file without our metadata
    third = repo.save_notebook_file(path, "CLI again")
    assert third.notebook_id == nid
    assert third.parents == [second.id]
    _strip_id(path)
    fourth = _kernel_save(repo, path, "kernel again")
    assert repo.get(fourth).notebook_id == nid
    assert repo.get(fourth).parents == [third.id]
    assert [m.message for m in repo.log(nid)] == [
        "kernel again",
        "CLI again",
        "from the CLI",
        "from the kernel",
    ]
    assert repo.index.notebook_ids_for_path("analysis.ipynb") == [nid]
    repo.close()


def test_the_stored_copy_holds_the_id_and_the_file_is_left_alone(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path)
    path = tmp_path / "nb.ipynb"
    path.write_bytes(notebook_bytes("y = 2"))
    before = path.read_bytes()
    vid = _kernel_save(repo, path, "one")
    m = repo.get(vid)
    stored = json.loads(repo.objects.get_bytes(m.notebook))
    assert stored["metadata"]["nbversion"]["notebook_id"] == m.notebook_id
    assert path.read_bytes() == before
    repo.close()


def test_another_path_without_id_starts_its_own_history(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path)
    a, b = tmp_path / "a.ipynb", tmp_path / "b.ipynb"
    a.write_bytes(notebook_bytes("a = 1"))
    b.write_bytes(notebook_bytes("b = 1"))
    ma = repo.save_notebook_file(a, "a")
    mb = repo.save_notebook_file(b, "b")
    assert ma.notebook_id != mb.notebook_id
    # a file that carries an id keeps it, whatever was saved at its path before
    b.write_bytes(notebook_bytes("b = 2", notebook_id=ma.notebook_id))
    assert repo.save_notebook_file(b, "b as a").notebook_id == ma.notebook_id
    repo.close()
