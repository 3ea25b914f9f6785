"""Evict to a folder remote: never the only copy, fetch on demand, fsck clean, diff works."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from nbversion import remote, tiering
from nbversion.diff import diff_versions
from nbversion.store import Repository
from nbversion.tiering import RemoteUnavailable

from .conftest import NB, N, arrays, chunk_oids, load_state, save_state

Project = tuple[Repository, list[str]]


def test_refuses_to_evict_the_only_copy(project: Project) -> None:
    repo, (_v1, _) = project
    before = sorted(repo.objects.iter_oids())
    rep = tiering.evict(repo)
    assert rep.evicted == []
    assert rep.not_on_remote
    message = rep.refusal()
    assert message is not None
    assert f"refused {len(rep.not_on_remote)} object(s) that are not on remote 'origin'" in message
    assert rep.not_on_remote[0] in message
    assert "of version" in message
    assert "nbversion push origin" in message
    assert sorted(repo.objects.iter_oids()) == before
    assert not (repo.store_dir / "evicted").exists()


def test_evict_restore_diff_and_fsck(project: Project) -> None:
    repo, (v1, v2) = project
    remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    a1, a2 = arrays()
    v3 = save_state(repo, NB, {"arr": a2, "c": np.arange(700_000.0) ** 0.5}, "third, unpushed")
    dry = tiering.evict(repo, dry_run=True)
    assert dry.evicted
    assert all(repo.objects.has(o) for o in dry.evicted)

    rep = tiering.evict(repo)
    assert rep.bytes_freed > 8_000_000
    assert rep.not_on_remote  # v3's new array never left the machine
    c_chunks = chunk_oids(repo, v3, "c")
    assert set(c_chunks) <= set(rep.not_on_remote)
    assert all(repo.objects.has(o) for o in c_chunks)
    assert not any(repo.objects.has(o) for o in chunk_oids(repo, v1, "arr"))
    # manifests, notebooks and chunk lists stay: history and metadata work offline
    assert [m.id for m in repo.log(NB)] == [v3, v2, v1]
    m1 = repo.versions.read(v1)
    assert repo.objects.has(m1.notebook)
    assert all(repo.objects.has(b) for b in m1.variables["arr"]["buffers"])

    status = tiering.status(repo)["versions"]
    assert status[v1]["locality"] == "remote-only"
    assert status[v3]["locality"] == "partial"

    report = repo.fsck()
    assert report.ok, report.problems
    assert report.remote_only >= 4

    diff = diff_versions(repo, v1, v2)  # loads both arrays: fetched on demand
    assert '"changed_elements": 10' in json.dumps(diff)

    ns = load_state(repo, v1)
    assert np.array_equal(ns["arr"], a1)
    assert ns["n"] == 1
    assert tiering.status(repo)["versions"][v1]["locality"] == "local"
    assert repo.fsck().ok


def test_keep_branch_heads_and_older_than(project: Project) -> None:
    repo, (v1, v2) = project
    remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    assert tiering.evict(repo, older_than=3600).evicted == []  # nothing is an hour old
    rep = tiering.evict(repo, keep_branch_heads=True)
    assert rep.pinned >= 2  # the 2 chunks v1 shares with the head v2
    head_chunks = chunk_oids(repo, v2, "arr")
    assert all(repo.objects.has(o) for o in head_chunks)
    only_v1 = {o for o in chunk_oids(repo, v1, "arr") if o not in head_chunks}
    assert len(only_v1) == 1  # chunk 0 (the edited one)
    assert only_v1 <= set(rep.evicted)
    assert tiering.status(repo)["versions"][v2]["locality"] == "local"


def test_import_references_stay_local(project: Project) -> None:
    """An import reference (module name and version) is never evicted: a version whose
    data all left is remote-only even though it imports what the head imports."""
    repo, _ = project
    a1, a2 = arrays()
    v3 = save_state(repo, NB, {"np": np, "arr": a1[: N // 2] * 2}, "imports numpy")
    v4 = save_state(repo, NB, {"np": np, "arr": a2 * 3}, "head, imports numpy")
    remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    ref = repo.versions.read(v3).variables["np"]
    assert ref["kind"] == "import"
    assert ref["oid"] == repo.versions.read(v4).variables["np"]["oid"]

    rep = tiering.evict(repo, keep_branch_heads=True)
    assert set(chunk_oids(repo, v3, "arr")) <= set(rep.evicted)
    assert ref["oid"] not in rep.evicted
    assert repo.objects.has(ref["oid"])
    status = tiering.status(repo)["versions"]
    assert status[v3]["locality"] == "remote-only"
    assert status[v4]["locality"] == "local"
    assert load_state(repo, v3)["np"] is np


def test_unreachable_remote_names_what_and_where(project: Project) -> None:
    repo, (v1, _) = project
    spec = remote.get_remote(repo.store_dir, "origin")
    remote.push(repo, spec)
    tiering.evict(repo)
    moved = spec.url + "-away"
    shutil.move(spec.url, moved)
    with Repository.open(repo.root) as fresh, pytest.raises(RemoteUnavailable) as err:
        load_state(fresh, v1)
    text = str(err.value)
    assert "'origin'" in text
    assert spec.url in text
    assert "could not be fetched" in text
    assert "e.g. object " in text
    shutil.move(moved, spec.url)
    with Repository.open(repo.root) as fresh:  # a retry once the remote is back works
        assert np.array_equal(load_state(fresh, v1)["arr"], arrays()[0])


def test_verify_rehashes_remote_copies(project: Project) -> None:
    repo, _ = project
    spec = remote.get_remote(repo.store_dir, "origin")
    remote.push(repo, spec)
    victim = next(iter(sorted(tiering.evict(repo, dry_run=True).evicted)))
    path = Path(spec.url) / "objects" / victim[:2] / victim[2:]
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF  # same size, different content: only --verify notices
    path.chmod(0o644)
    path.write_bytes(bytes(data))
    assert victim in tiering.evict(repo, dry_run=True).evicted
    rep = tiering.evict(repo, verify=True)
    assert victim in rep.mismatched
    assert victim not in rep.evicted
    assert repo.objects.has(victim)
