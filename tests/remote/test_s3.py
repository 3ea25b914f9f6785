"""Push to and clone from a real S3 server on loopback (SeaweedFS) through s3fs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nbversion import remote
from nbversion.cli import main
from nbversion.errors import Conflict
from nbversion.store import Repository
from nbversion.store.refs import HEADS

from .conftest import Point, S3Server, load_state, save_state


def test_push_to_s3_and_clone_into_fresh_dir(
    project: Repository, tmp_path: Path, s3_server: S3Server, s3_bucket: str
) -> None:
    url = f"s3://{s3_bucket}/team/project"
    spec = remote.add_remote(project.store_dir, "origin", url, s3_server.endpoint)
    config = (project.store_dir / "config.toml").read_text()
    assert s3_server.endpoint in config
    assert s3_server.key not in config
    assert s3_server.secret not in config
    res = remote.push(project, spec)
    assert res.objects_sent >= 5
    assert res.versions_sent == 2

    assert main(["clone", url, str(tmp_path / "bob"), "--endpoint-url", s3_server.endpoint]) == 0
    nb = project.refs.notebooks()[0]
    head = project.refs.get(nb, HEADS, "main")
    assert head is not None
    with Repository.open(tmp_path / "bob") as bob:
        assert bob.refs.get(nb, HEADS, "main") == head
        mine, theirs = load_state(project, head), load_state(bob, head)
        assert np.array_equal(mine["arr"], theirs["arr"])
        assert theirs["p"] == Point(3, 4)
        assert bob.fsck().ok
        manifest_text = (bob.store_dir / "versions" / f"{head}.json").read_text()
        assert s3_server.secret not in manifest_text

        # a teammate pushes first: bob's diverged push is refused, not overwriting
        save_state(project, "analysis.ipynb", {"a": 1}, "alice")
        remote.push(project, spec)
        save_state(bob, "analysis.ipynb", {"b": 2}, "bob")
        with pytest.raises(Conflict, match="fetch first"):
            remote.push(bob, remote.get_remote(bob.store_dir, "origin"))
        pulled = remote.pull(bob, remote.get_remote(bob.store_dir, "origin"))
        assert pulled.versions_fetched == 1
        assert bob.refs.get(nb, HEADS, "origin/main") == project.refs.get(nb, HEADS, "main")
