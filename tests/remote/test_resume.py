"""An interrupted push (SIGKILL midway) resumes: the re-run sends only what is missing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from nbversion import remote
from nbversion.store import Repository
from nbversion.store.refs import HEADS

from .conftest import load_state, notebook_file, save_state

# the child slows every object upload down so the kill lands in the middle of the push
CHILD = """
import sys, time
from nbversion import remote
from nbversion.cli import main
original = remote.RemoteStore.put_object
def slow(self, oid, raw):
    time.sleep(0.3)
    original(self, oid, raw)
remote.RemoteStore.put_object = slow
sys.exit(main(["push", "--root", sys.argv[1]]))
"""


def _objects_on(shared: Path) -> set[str]:
    return {p.parent.name + p.name for p in (shared / "objects").glob("*/*")}


def test_killed_push_resumes_sending_only_missing_objects(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path / "alice")
    notebook_file(repo.root / "big.ipynb")
    rng = np.random.default_rng(1)
    big = rng.random(5_500_000)  # 44 MB -> 11 chunks
    head = save_state(repo, "big.ipynb", {"big": big}, "big")
    shared = tmp_path / "shared"
    remote.add_remote(repo.store_dir, "origin", str(shared))
    every = set(repo.objects.iter_oids())  # 11 chunks, chunk list, header, notebook

    child = subprocess.Popen([sys.executable, "-c", CHILD, str(repo.root)])
    deadline = time.monotonic() + 60
    while not (shared / "objects").is_dir() or len(_objects_on(shared)) < 4:
        assert child.poll() is None, "push finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    arrived = _objects_on(shared)
    assert 4 <= len(arrived) < len(every)
    remote_store = remote.RemoteStore(remote.get_remote(repo.store_dir, "origin"))
    for oid in arrived:  # nothing half-written under a final name
        assert repo.objects.path(oid).read_bytes() == remote_store.get_object(oid)
    assert remote_store.get_ref(repo.refs.notebooks()[0], HEADS, "main") is None

    res = remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    assert res.objects_sent == len(every - arrived)
    assert _objects_on(shared) == every

    bob, _ = remote.clone(str(shared), tmp_path / "bob")
    with bob:
        assert np.array_equal(load_state(bob, head)["big"], big)
    repo.close()


def test_interrupted_pull_resumes_and_never_shows_a_version_without_its_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository.init(tmp_path / "alice")
    notebook_file(repo.root / "big.ipynb")
    big = np.random.default_rng(2).random(3_000_000)  # 24 MB -> 6 chunks
    head = save_state(repo, "big.ipynb", {"big": big}, "big")
    shared = str(tmp_path / "shared")
    remote.push(repo, remote.add_remote(repo.store_dir, "origin", shared))
    bob = Repository.init(tmp_path / "bob")
    spec = remote.add_remote(bob.store_dir, "origin", shared)
    original = remote.RemoteStore.get_object
    calls = {"n": 0}

    def flaky(self: remote.RemoteStore, oid: str) -> bytes:
        calls["n"] += 1
        if calls["n"] > 4:
            raise ConnectionError("network went away")
        return original(self, oid)

    monkeypatch.setattr(remote.RemoteStore, "get_object", flaky)
    with pytest.raises(ConnectionError):
        remote.pull(bob, spec)
    got = set(bob.objects.iter_oids())
    assert 0 < len(got) < len(set(repo.objects.iter_oids()))
    assert not bob.versions.has(head)  # no manifest before all its objects
    monkeypatch.setattr(remote.RemoteStore, "get_object", original)
    res = remote.pull(bob, spec)
    assert res.objects_fetched == len(set(repo.objects.iter_oids()) - got)
    assert np.array_equal(load_state(bob, head)["big"], big)
    assert bob.fsck().ok
    bob.close()
    repo.close()
