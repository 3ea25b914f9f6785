"""Repository: save, resolve, log, branches, tags, HEAD, discovery, notebook files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from nbversion.errors import Conflict, InvalidInput, NotFound, StoreError
from nbversion.store import Repository

from .conftest import notebook_bytes, variable

NB = "nb-1"


def save(repo: Repository, message: str, **kw: object) -> str:
    oid = repo.objects.put_bytes(notebook_bytes(message))
    return repo.save(NB, "a.ipynb", oid, message, **kw).id  # type: ignore[arg-type]


def test_init_open_and_discover(tmp_path: Path) -> None:
    Repository.init(tmp_path).close()
    Repository.init(tmp_path).close()  # idempotent
    sub = tmp_path / "x" / "y"
    sub.mkdir(parents=True)
    with Repository.open(sub) as repo:
        assert repo.root == tmp_path.resolve()
    assert (tmp_path / ".nbversion" / "config.toml").is_file()
    with pytest.raises(NotFound, match="nbversion init"):
        Repository.open(tmp_path.parent / "elsewhere-none")


def test_unknown_store_format_is_refused(tmp_path: Path) -> None:
    Repository.init(tmp_path).close()
    fmt = tmp_path / ".nbversion" / "FORMAT"
    fmt.write_text("99\n")
    with pytest.raises(StoreError, match="format"):
        Repository.open(tmp_path)


def test_save_chains_versions_and_log(repo: Repository) -> None:
    ids = [save(repo, f"v{i}") for i in range(3)]
    log = repo.log(NB)
    assert [m.id for m in log] == ids[::-1]
    assert log[0].parents == [ids[1]]
    assert log[-1].parents == []
    assert repo.log(NB, limit=2)[1].id == ids[1]
    assert repo.branches(NB) == {"main": ids[2]}
    m = repo.get(ids[2])
    assert m.message == "v2"
    assert m.author["name"]


def test_save_requires_objects_to_exist(repo: Repository) -> None:
    oid = repo.objects.put_bytes(b"nb")
    with pytest.raises(NotFound, match="objects not in the store"):
        repo.save(NB, "a.ipynb", oid, "m", variables={"x": variable("0" * 64)})


def test_explicit_parents_must_include_head(repo: Repository) -> None:
    first = save(repo, "one")
    second = save(repo, "two")
    with pytest.raises(Conflict):
        save(repo, "stale", parents=[first])
    merged = save(repo, "merge", parents=[second, first])
    assert repo.get(merged).parents == [second, first]


def test_resolve_forms(repo: Repository) -> None:
    ids = [save(repo, f"v{i}") for i in range(4)]
    assert repo.resolve("HEAD", NB) == ids[3]
    assert repo.resolve("HEAD~2", NB) == ids[1]
    assert repo.resolve("main~", NB) == ids[2]
    assert repo.resolve(ids[0]) == ids[0]
    assert repo.resolve(ids[0][:10]) == ids[0]
    repo.create_tag(NB, "best", "HEAD~1")
    assert repo.resolve("best", NB) == ids[2]
    assert repo.resolve("tags/best~1", NB) == ids[1]
    with pytest.raises(NotFound):
        repo.resolve("HEAD~9", NB)
    with pytest.raises(InvalidInput, match="which notebook"):
        repo.resolve("main")
    with pytest.raises(NotFound):
        repo.resolve("nosuch", NB)
    with pytest.raises(NotFound):
        repo.resolve("ffff" + "0" * 60)


def test_short_prefixes(repo: Repository) -> None:
    ids = sorted(save(repo, f"v{i}") for i in range(20))
    for vid in ids:
        assert repo.resolve(vid[:12]) == vid
    # 20 ids over 16 hex digits: some first digit is shared, so a 1-digit index lookup is
    # ambiguous; resolve() refuses prefixes shorter than 4 digits outright
    assert max(len(repo.index.ids_with_prefix(d)) for d in "0123456789abcdef") >= 2
    with pytest.raises(InvalidInput):
        repo.resolve(ids[0][:3])


def test_branches_checkout_and_undo(repo: Repository) -> None:
    base = save(repo, "base")
    assert repo.create_branch(NB, "exp") == base
    with pytest.raises(Conflict):
        repo.create_branch(NB, "exp")
    assert repo.checkout(NB, "exp") == base
    assert repo.current_branch(NB) == "exp"
    on_exp = save(repo, "on exp")
    assert repo.get(on_exp).branch == "exp"
    assert repo.branches(NB) == {"exp": on_exp, "main": base}
    with pytest.raises(Conflict, match="checked-out"):
        repo.delete_branch(NB, "exp")
    assert repo.undo_branch(NB, "exp") == base
    assert repo.branches(NB)["exp"] == base
    assert [e.why for e in repo.reflog(NB, "exp")][-1] == "undo"
    repo.checkout(NB, "main")
    assert repo.delete_branch(NB, "exp") == base
    with pytest.raises(NotFound):
        repo.checkout(NB, "exp")


def test_tags(repo: Repository) -> None:
    vid = save(repo, "one")
    repo.create_tag(NB, "v1")
    assert repo.tags(NB) == {"v1": vid}
    with pytest.raises(Conflict):
        repo.create_tag(NB, "v1")
    with pytest.raises(InvalidInput):
        repo.create_tag(NB, "bad..name")
    assert repo.delete_tag(NB, "v1") == vid
    with pytest.raises(NotFound):
        repo.delete_tag(NB, "v1")


def test_save_notebook_file_adds_id_once(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "nb.ipynb"
    path.parent.mkdir()
    path.write_bytes(notebook_bytes("x = 1"))
    m1 = repo.save_notebook_file(path, "first")
    nb_id = json.loads(path.read_bytes())["metadata"]["nbversion"]["notebook_id"]
    assert m1.notebook_id == nb_id
    assert m1.notebook_path == "sub/nb.ipynb"
    assert repo.objects.get_bytes(m1.notebook) == path.read_bytes()
    mtime = path.stat().st_mtime_ns
    m2 = repo.save_notebook_file(path, "second")
    assert path.stat().st_mtime_ns == mtime  # not rewritten: it already had an id
    assert m2.parents == [m1.id]
    # renamed notebooks keep their id and history
    renamed = tmp_path / "renamed.ipynb"
    os.rename(path, renamed)
    m3 = repo.save_notebook_file(renamed, "third")
    assert m3.notebook_id == nb_id
    assert m3.parents == [m2.id]
    assert [m.message for m in repo.log("renamed.ipynb")] == ["third", "second", "first"]
    assert repo.log(nb_id)[0].id == m3.id


def test_not_a_notebook(repo: Repository, tmp_path: Path) -> None:
    (tmp_path / "x.ipynb").write_text("{")
    with pytest.raises(InvalidInput):
        repo.save_notebook_file(tmp_path / "x.ipynb", "m")
    with pytest.raises(NotFound):
        repo.save_notebook_file(tmp_path / "missing.ipynb", "m")


def test_search(repo: Repository) -> None:
    oid = repo.objects.put_bytes(b"payload")
    nb = repo.objects.put_bytes(notebook_bytes())
    repo.save(
        NB,
        "a.ipynb",
        nb,
        "Trained the Model",
        variables={"clf": variable(oid)},
        metrics={"acc": 0.93},
        tags=["baseline"],
    )
    repo.save(NB, "a.ipynb", nb, "cleanup")
    assert [r["message"] for r in repo.search(text="model")] == ["Trained the Model"]
    assert len(repo.search(variable="clf")) == 1
    assert len(repo.search(metric="acc")) == 1
    assert len(repo.search(tag="baseline")) == 1
    assert len(repo.search(notebook_id=NB)) == 2
    assert repo.search(text="'; DROP TABLE versions; --") == []
    assert len(repo.search()) == 2
