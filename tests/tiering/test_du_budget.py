"""du counts shared chunks once; the budget evicts least-recently-used objects on the remote."""

from __future__ import annotations

import os
import time

import numpy as np

from nbversion import remote, tiering
from nbversion.store import Repository

from .conftest import NB, arrays, chunk_oids, configure, load_state, save_state

Project = tuple[Repository, list[str]]


def test_du_counts_shared_chunks_once(project: Project) -> None:
    repo, (v1, v2) = project
    rep = tiering.du(repo, NB)
    by_id = {v["id"]: v for v in rep["versions"]}
    d1, d2 = by_id[v1], by_id[v2]
    shared_chunks = set(chunk_oids(repo, v1, "arr")) & set(chunk_oids(repo, v2, "arr"))
    assert len(shared_chunks) == 2
    chunk_bytes = sum(repo.objects.object_size(o) for o in shared_chunks)
    # two versions sharing with each other: each one's shared part is the same objects
    assert d1["shared"] == d2["shared"] >= chunk_bytes
    assert d1["unique"] + d2["unique"] + d1["shared"] == rep["referenced"]
    assert rep["referenced"] == rep["local"]  # nothing unreferenced, nothing evicted
    assert rep["referenced"] < d1["total"] + d2["total"] - chunk_bytes + 1
    arr2 = d2["variables"]["arr"]
    assert arr2["total"] > 8_000_000
    assert 4 << 20 < arr2["unique"] < arr2["total"] - chunk_bytes + 4096  # chunk 0 only
    (main,) = rep["branches"]
    assert main["branch"] == "main"
    assert main["versions"] == 2
    assert main["total"] == main["unique"] == rep["referenced"]
    assert rep["budget"] is None
    assert rep["over_budget"] is False

    remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    evicted = tiering.evict(repo)
    after = tiering.du(repo)
    assert after["referenced"] == rep["referenced"]  # evicted objects keep their size
    assert after["local"] == rep["local"] - evicted.bytes_freed
    assert after["remote_only"] == evicted.bytes_freed


def _age_all_objects(repo: Repository, seconds: float) -> None:
    past = time.time() - seconds
    for oid in repo.objects.iter_oids():
        os.utime(repo.objects.path(oid), (past, past))


def test_budget_evicts_least_recently_used_first(project: Project) -> None:
    repo, (v1, v2) = project
    rng = np.random.default_rng(1)
    v3 = save_state(repo, NB, {"other": rng.random(600_000)}, "third")  # 4.8 MB, new head
    remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    assert tiering.enforce_budget(repo) is None  # no budget set
    _age_all_objects(repo, 3600)
    load_state(repo, v1)  # v1's objects are now the most recently used
    local = tiering.status(repo)["local_bytes"]
    configure(repo, max_local_size=str(local - 3_000_000))
    assert tiering.status(repo)["over_budget"] is True

    rep = tiering.enforce_budget(repo)
    assert rep is not None
    assert rep.warnings == []
    assert rep.local_after <= rep.budget == local - 3_000_000
    status = tiering.status(repo)
    assert status["over_budget"] is False
    localities = {v: status["versions"][v]["locality"] for v in (v1, v2, v3)}
    # v2's own chunk (least recently used) went; the chunks it shares with v1 stay
    assert localities == {v1: "local", v2: "partial", v3: "local"}
    (own,) = set(chunk_oids(repo, v2, "arr")) - set(chunk_oids(repo, v1, "arr"))
    assert own in rep.evicted
    assert all(repo.objects.has(o) for o in chunk_oids(repo, v1, "arr"))
    assert np.array_equal(load_state(repo, v2)["arr"], arrays()[1])  # fetched back


def test_budget_never_evicts_the_only_copy_or_heads(project: Project) -> None:
    repo, (_v1, v2) = project  # nothing pushed
    configure(repo, max_local_size="1MB")
    rep = tiering.enforce_budget(repo)
    assert rep is not None
    assert rep.evicted == []
    assert rep.not_on_remote
    assert any("over the budget" in w for w in rep.warnings)
    remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    rep = tiering.enforce_budget(repo)
    assert rep is not None
    assert rep.evicted
    head_objects = tiering.Catalog(repo).oids(repo.versions.read(v2))
    assert all(repo.objects.has(o) for o in head_objects)
    assert any("over the budget" in w for w in rep.warnings)  # the head alone is > 1 MB


def test_budget_without_remote_only_warns(project: Project) -> None:
    repo, _ = project
    remote.remove_remote(repo.store_dir, "origin")
    configure(repo, max_local_size="1MB")
    rep = tiering.enforce_budget(repo)
    assert rep is not None
    assert rep.evicted == []
    assert rep.warnings
    assert "eviction failed" in rep.warnings[0]
