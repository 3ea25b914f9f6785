"""A fetch SIGKILLed midway leaves only whole, verified objects; a retry completes it.

From a folder remote and from a real S3 server on loopback (SeaweedFS).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from nbversion import remote, tiering
from nbversion.store import Repository

from .conftest import NB, load_state, save_state

CHILD = textwrap.dedent(
    """
    import functools, sys, time
    from nbversion import tiering
    from nbversion.remote import backend
    from nbversion.store import Repository
    from nbversion.tiering import fetch

    fetch.run_parallel = functools.partial(fetch.run_parallel, workers=1)  # one at a time
    slow = backend.RemoteStore.get_object
    def get_object(self, oid):
        data = slow(self, oid)
        time.sleep(0.4)
        return data
    backend.RemoteStore.get_object = get_object
    tiering.set_default_progress(lambda e: print("fetched", e.done, e.total, flush=True))
    with Repository.open(sys.argv[1]) as repo:
        tiering.fetch_version(repo, sys.argv[2])
    print("done", flush=True)
    """
)


@pytest.mark.parametrize("kind", ["folder", "s3"])
def test_killed_fetch_leaves_no_partial_object_and_retry_completes(
    project: tuple[Repository, list[str]], kind: str, request: pytest.FixtureRequest
) -> None:
    repo, _ = project
    if kind == "s3":  # the same project, its remote on S3 (credentials in the environment)
        server, bucket = request.getfixturevalue("s3_server"), request.getfixturevalue("s3_bucket")
        remote.remove_remote(repo.store_dir, "origin")
        remote.add_remote(repo.store_dir, "origin", f"s3://{bucket}/p", server.endpoint)
    big = np.random.default_rng(2).random(2_000_000)  # 16 MB: 4 chunks
    vid = save_state(repo, NB, {"big": big}, "big")
    remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    assert len(tiering.evict(repo).evicted) >= 5
    cat = tiering.Catalog(repo)
    needed = cat.oids(repo.versions.read(vid))
    assert sum(o not in cat.local for o in needed) >= 5

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(repo.root), vid],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    deadline = time.monotonic() + 30
    line = child.stdout.readline()
    while line and not line.startswith("fetched") and time.monotonic() < deadline:
        line = child.stdout.readline()
    assert line.startswith("fetched"), child.stderr.read() if child.stderr else ""
    os.kill(child.pid, signal.SIGKILL)  # mid-fetch: the next object is being downloaded
    child.wait()

    got = [o for o in needed if repo.objects.has(o)]
    missing = [o for o in needed if not repo.objects.has(o)]
    assert missing, "the fetch should have been cut short"
    report = repo.fsck()  # every object under a final name is whole and verifies
    assert report.ok, report.problems
    assert len(got) > len(cat.local.keys() & needed)

    with Repository.open(repo.root) as again:  # the retry fetches only the rest
        assert tiering.fetch_version(again, vid)["objects"] == len(missing)
        assert np.array_equal(load_state(again, vid)["big"], big)
        assert again.fsck().ok
