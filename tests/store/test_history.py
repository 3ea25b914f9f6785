"""A branch's log walks joins' second parents too (store/history.py), as ``git log`` does:
after pull → join → push, the teammate's version stays in ``nbversion log``."""

from __future__ import annotations

from nbversion.store import Repository

from .conftest import notebook_bytes

NB = "nb-history"


def save(repo: Repository, message: str, **kw: object) -> str:
    oid = repo.objects.put_bytes(notebook_bytes(message))
    return repo.save(NB, "h.ipynb", oid, message, **kw).id  # type: ignore[arg-type]


def test_a_straight_line_lists_newest_first(repo: Repository) -> None:
    ids = [save(repo, f"v{i}") for i in range(4)]
    assert [m.id for m in repo.log(NB)] == ids[::-1]
    assert [m.id for m in repo.log(NB, limit=2)] == ids[:1:-1]


def test_a_join_lists_the_version_it_brought_in(repo: Repository) -> None:
    first = save(repo, "mine one")
    repo.create_branch(NB, "theirs", first)
    theirs = save(repo, "bea's note", branch="theirs")
    mine = save(repo, "mine two")
    join = save(repo, "join", parents=[mine, theirs])
    log = [m.message for m in repo.log(NB)]
    assert log == ["join", "mine two", "bea's note", "mine one"]
    assert [m.id for m in repo.log(NB)][-1] == first  # the common ancestor once, last
    assert join == repo.branches(NB)["main"]
    # the other branch's own log is unchanged
    assert [m.message for m in repo.log(NB, branch="theirs")] == ["bea's note", "mine one"]


def test_a_pruned_parent_ends_its_line(repo: Repository) -> None:
    ids = [save(repo, f"v{i}") for i in range(3)]
    (repo.root / ".nbversion" / "versions" / f"{ids[0]}.json").unlink()
    assert [m.id for m in repo.log(NB)] == ids[:0:-1]
