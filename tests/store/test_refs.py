"""Refs: compare-and-swap, name validation, reflog, HEAD."""

from __future__ import annotations

import pytest

from nbversion.errors import Conflict, InvalidInput
from nbversion.store import RefStore, Repository, check_ref_name
from nbversion.store.refs import HEADS, TAGS

A, B, C = "a" * 64, "b" * 64, "c" * 64
NB = "nb-1"


@pytest.fixture
def refs(repo: Repository) -> RefStore:
    return repo.refs


def test_create_move_delete_with_cas(refs: RefStore) -> None:
    assert refs.get(NB, HEADS, "main") is None
    refs.set_if_equals(NB, HEADS, "main", None, A)
    refs.set_if_equals(NB, HEADS, "main", A, B)
    assert refs.get(NB, HEADS, "main") == B
    refs.set_if_equals(NB, HEADS, "main", B, None)
    assert refs.get(NB, HEADS, "main") is None


def test_cas_conflict_raises_and_leaves_ref_alone(refs: RefStore) -> None:
    refs.set_if_equals(NB, HEADS, "main", None, A)
    with pytest.raises(Conflict, match="moved"):
        refs.set_if_equals(NB, HEADS, "main", B, C)
    with pytest.raises(Conflict):
        refs.set_if_equals(NB, HEADS, "main", None, C)  # create when it exists
    assert refs.get(NB, HEADS, "main") == A


def test_nested_names_and_clashes(refs: RefStore) -> None:
    refs.set_if_equals(NB, HEADS, "feature/x", None, A)
    assert refs.list_refs(NB, HEADS) == {"feature/x": A}
    with pytest.raises(Conflict, match="clashes"):
        refs.set_if_equals(NB, HEADS, "feature", None, A)
    with pytest.raises(Conflict, match="clashes"):
        refs.set_if_equals(NB, HEADS, "feature/x/y", None, A)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "a..b",
        "a b",
        "a~1",
        "a^",
        "a:b",
        "a?",
        "a*",
        "a[",
        "a\\b",
        ".hidden",
        "x/.y",
        "a.lock",
        "a/b.lock/c",
        "a/",
        "/a",
        "a//b",
        "a.",
        "@",
        "HEAD",
        "a@{1}",
        "-x",
        "tab\t",
        "x" * 201,
    ],
)
def test_invalid_ref_names(name: str) -> None:
    with pytest.raises(InvalidInput, match="invalid ref name"):
        check_ref_name(name)


@pytest.mark.parametrize("name", ["main", "feature/x", "exp-1.2", "v1.0", "ünïcode", "a@b"])
def test_valid_ref_names(name: str) -> None:
    assert check_ref_name(name) == name


def test_invalid_value_and_notebook_id(refs: RefStore) -> None:
    with pytest.raises(InvalidInput):
        refs.set_if_equals(NB, HEADS, "main", None, "not-an-id")
    with pytest.raises(InvalidInput):
        refs.get("../escape", HEADS, "main")


def test_reflog_records_every_move(refs: RefStore) -> None:
    refs.set_if_equals(NB, HEADS, "main", None, A, who="ada", why="save: one")
    refs.set_if_equals(NB, HEADS, "main", A, B, who="ada", why="save: two")
    log = refs.reflog(NB, HEADS, "main")
    assert [(e.old, e.new, e.why) for e in log] == [(None, A, "save: one"), (A, B, "save: two")]
    assert log[0].who == "ada"
    assert log[0].when.endswith("Z")


def test_torn_reflog_line_is_skipped(refs: RefStore) -> None:
    refs.set_if_equals(NB, TAGS, "v1", None, A)
    with open(refs.logs_dir / NB / TAGS / "v1", "a") as f:
        f.write('{"old": nu')
    assert len(refs.reflog(NB, TAGS, "v1")) == 1


def test_head_defaults_to_main_and_can_be_set(refs: RefStore) -> None:
    assert refs.head_branch(NB) == "main"
    refs.set_head_branch(NB, "exp")
    assert refs.head_branch(NB) == "exp"
    with pytest.raises(InvalidInput):
        refs.set_head_branch(NB, "bad name")
