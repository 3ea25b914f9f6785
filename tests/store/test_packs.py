"""Packs: many small variables in one object, kept by gc, checked by fsck, carried by push/pull."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from nbversion.kernel import snapshot
from nbversion.store import Repository
from nbversion.store.config import dump_toml
from nbversion.store.packs import PACK_MAGIC, RecordReader, is_packed

from .conftest import notebook_bytes

NB = "nb-packs"


def _namespace(n: int = 300) -> dict[str, Any]:
    ns: dict[str, Any] = {f"d{i}": {"id": i, "tags": [i % 7]} for i in range(n)}
    ns.update({f"l{i}": [i, -i, f"x{i}"] for i in range(n)})
    ns["small"] = np.arange(10, dtype=np.int32)
    ns["big"] = np.arange(100_000, dtype=np.float64)  # 800 kB: objects of its own
    return ns


def _save(repo: Repository, ns: dict[str, Any], message: str, branch: str | None = None) -> str:
    head = None
    try:
        head = repo.get("HEAD", NB)
    except Exception:
        head = None
    previous = head.variables if head is not None else None
    captured = snapshot.capture(ns, repo.objects, previous)
    nb = repo.objects.put_bytes(notebook_bytes(message))
    return repo.save(NB, "a.ipynb", nb, message, branch=branch, variables=captured.variables).id


def _load(repo: Repository, vid: str) -> dict[str, Any]:
    ns: dict[str, Any] = {}
    snapshot.restore(ns, repo.get(vid).variables, repo.objects)
    return ns


def test_small_values_share_one_pack_and_round_trip(repo: Repository) -> None:
    ns = _namespace()
    vid = _save(repo, ns, "first")
    variables = repo.get(vid).variables
    packed = {n for n, r in variables.items() if is_packed(r)}
    assert packed == set(ns) - {"big"}
    assert len({variables[n]["oid"] for n in packed}) == 1  # one object, one fsync
    assert not is_packed(variables["big"])
    assert variables["big"]["buffers"]
    assert repo.objects.get_bytes(variables["d0"]["oid"]).startswith(PACK_MAGIC)
    back = _load(repo, vid)
    assert back.keys() == ns.keys()
    for name, value in ns.items():
        if isinstance(value, np.ndarray):
            assert np.array_equal(back[name], value)
            assert back[name].dtype == value.dtype
            assert back[name].flags.writeable
        else:
            assert back[name] == value
    reader = RecordReader(repo.objects)
    header = reader.header(variables["small"])
    assert header["kind"] == "numpy"
    assert bytes(reader.buffers(variables["small"])[0]) == ns["small"].tobytes()


def test_an_unchanged_variable_keeps_its_record_in_the_old_pack(repo: Repository) -> None:
    ns = _namespace(50)
    v1 = _save(repo, ns, "first")
    ns["d3"] = {"id": -3}
    v2 = _save(repo, ns, "second")
    m1, m2 = repo.get(v1).variables, repo.get(v2).variables
    assert m2["d4"] == m1["d4"]  # reused as is: same pack, same slices
    assert m2["d3"]["oid"] != m1["d3"]["oid"]  # the change went into a new pack
    assert _load(repo, v2)["d3"] == {"id": -3}


def test_gc_keeps_a_pack_that_another_version_still_needs(repo: Repository) -> None:
    ns = _namespace(40)
    first = _save(repo, ns, "first")
    old_pack = repo.get(first).variables["l1"]["oid"]
    ns["d0"] = {"id": "changed"}
    second = _save(repo, ns, "second")  # l1 still points into the first version's pack
    assert repo.get(second).variables["l1"]["oid"] == old_pack
    (repo.store_dir / "config.toml").write_text(
        dump_toml({"retention": {"keep_last": 1, "keep_newer_than": ""}})
    )
    with Repository.open(repo.root) as again:
        report = again.gc(grace=0)
        assert report.versions_removed == [first]
        assert again.objects.has(old_pack)
        assert _load(again, second)["l1"] == [1, -1, "x1"]
        assert again.fsck().ok


def test_gc_removes_a_pack_no_version_needs(repo: Repository) -> None:
    main = _save(repo, _namespace(20), "main")
    repo.create_branch(NB, "exp", main)
    repo.checkout(NB, "exp")
    gone = _save(repo, {f"z{i}": [i, "only on exp"] for i in range(20)}, "exp", branch="exp")
    pack = repo.get(gone).variables["z1"]["oid"]
    repo.checkout(NB, "main")
    repo.delete_branch(NB, "exp")
    report = repo.gc(grace=0)
    assert report.versions_removed == [gone]
    assert not repo.objects.has(pack)
    assert repo.objects.has(repo.get(main).variables["d1"]["oid"])
    assert repo.fsck().ok


def test_fsck_reports_a_slice_outside_its_pack(repo: Repository) -> None:
    vid = _save(repo, _namespace(10), "good")
    assert repo.fsck().ok
    variables = json.loads(json.dumps(repo.get(vid).variables))
    variables["d2"]["pack"][0][1] += 10_000_000  # header slice runs past the end
    nb = repo.objects.put_bytes(notebook_bytes("bad"))
    bad = repo.save(NB, "a.ipynb", nb, "bad", variables=variables).id
    report = repo.fsck()
    problems = [p for p in report.problems if p.version == bad]
    assert [p.kind for p in problems] == ["corrupt-object"], report.problems
    assert "pack slices of variable d2" in problems[0].detail
    assert report.lost[bad] == ["variable d2"]
    assert all(p.version != vid for p in report.problems)


def test_push_and_pull_carry_packs(repo: Repository, tmp_path: Path) -> None:
    from nbversion import remote

    ns = _namespace(30)
    vid = _save(repo, ns, "first")
    spec = remote.add_remote(repo.store_dir, "origin", str(tmp_path / "shared"))
    remote.push(repo, spec)
    bob, _ = remote.clone(str(tmp_path / "shared"), tmp_path / "bob")
    with bob:
        pack = bob.get(vid).variables["d1"]["oid"]
        assert bob.objects.has(pack)
        assert _load(bob, vid)["d29"] == {"id": 29, "tags": [1]}
        assert bob.fsck().ok
