"""Teammates pushing to one branch at the same moment: one wins, nobody loses a version.

Each racer reads the remote ref, then all of them try to swap it at once (a barrier holds
them between read and write, the worst interleaving). The remote must take exactly one;
the others get "fetch first", pull, join and push again until every version is in the
branch's history. Run against a shared folder (lock file) and a real S3 server on loopback
that honours conditional PUTs (SeaweedFS).
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nbversion import remote, versioning
from nbversion.errors import Conflict
from nbversion.remote.transfer import ancestry
from nbversion.store import Repository
from nbversion.store.refs import HEADS

from .conftest import S3Server, load_state, save_state

RACERS = 4


@pytest.fixture(params=["folder", "s3"])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, str]:
    """(URL, endpoint) of an empty remote of each kind."""
    if request.param == "folder":
        return str(tmp_path / "shared"), ""
    server: S3Server = request.getfixturevalue("s3_server")
    bucket: str = request.getfixturevalue("s3_bucket")
    return f"s3://{bucket}/team", server.endpoint


def test_cas_mode_is_atomic_on_folder_and_s3(
    project: Repository, shared_url: tuple[str, str]
) -> None:
    url, endpoint = shared_url
    spec = remote.add_remote(project.store_dir, "origin", url, endpoint)
    store = remote.RemoteStore(spec)
    store.ensure_initialized()
    assert store.cas == ("lock" if not endpoint else "conditional-put")


def test_simultaneous_pushes_lose_no_version(
    project: Repository,
    shared_url: tuple[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, endpoint = shared_url
    remote.push(project, remote.add_remote(project.store_dir, "origin", url, endpoint))
    nb = project.refs.notebooks()[0]
    users: list[Repository] = []
    mine: dict[str, tuple[str, Any]] = {}
    for i in range(RACERS):
        repo, _ = remote.clone(url, tmp_path / f"user{i}", endpoint_url=endpoint)
        value = np.full(1000, i, dtype=np.int64)
        mine[f"user{i}"] = (save_state(repo, "analysis.ipynb", {"work": value}, f"user{i}"), value)
        users.append(repo)

    # round 1: everyone has read the same remote head before anyone writes
    barrier = threading.Barrier(RACERS, timeout=60)
    original = remote.RemoteStore.swap_ref

    def swap_together(self: remote.RemoteStore, *args: Any, **kwargs: Any) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()
        original(self, *args, **kwargs)

    monkeypatch.setattr(remote.RemoteStore, "swap_ref", swap_together)
    outcomes: dict[int, str] = {}

    def push(i: int) -> None:
        try:
            remote.push(users[i], remote.get_remote(users[i].store_dir, "origin"))
            outcomes[i] = "pushed"
        except Conflict as err:
            outcomes[i] = str(err)

    threads = [threading.Thread(target=push, args=(i,)) for i in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [i for i, o in outcomes.items() if o == "pushed"]
    assert len(winners) == 1, outcomes
    for i, o in outcomes.items():
        if i not in winners:
            assert "fetch first" in o
    monkeypatch.setattr(remote.RemoteStore, "swap_ref", original)

    # round 2: the others pull, join origin/main and push again, still all at once
    def retry(i: int) -> None:
        repo = users[i]
        spec = remote.get_remote(repo.store_dir, "origin")
        for _ in range(20):
            remote.pull(repo, spec)
            versioning.join(repo, "analysis.ipynb", "origin/main")
            try:
                remote.push(repo, spec)
                return
            except Conflict:
                continue
        raise AssertionError(f"user{i} never got its push in")

    threads = [threading.Thread(target=retry, args=(i,)) for i in range(RACERS) if i not in winners]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    fresh, _ = remote.clone(url, tmp_path / "auditor", endpoint_url=endpoint)
    head = fresh.refs.get(nb, HEADS, "main")
    assert head is not None
    history = ancestry(fresh, head)
    for name, (vid, value) in mine.items():
        assert vid in history, f"{name}'s version was lost"
        assert np.array_equal(load_state(fresh, vid)["work"], value)
    assert fresh.fsck().ok
    for repo in [*users, fresh]:
        repo.close()
