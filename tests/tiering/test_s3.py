"""Evict to a real S3 server on loopback (SeaweedFS) and fetch back through s3fs."""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np
import pytest

from nbversion import remote, tiering
from nbversion.cli import main
from nbversion.store import Repository

from ..remote.conftest import _s3fs
from .conftest import S3Server, arrays, configure, load_state

Project = tuple[Repository, list[str]]


def test_evict_to_s3_restore_and_budget(
    project: Project, s3_server: S3Server, s3_bucket: str
) -> None:
    repo, (v1, v2) = project
    remote.remove_remote(repo.store_dir, "origin")
    spec = remote.add_remote(repo.store_dir, "lake", f"s3://{s3_bucket}/team/p", s3_server.endpoint)
    refused = tiering.evict(repo)  # nothing pushed yet: an empty bucket
    assert refused.evicted == []
    assert refused.not_on_remote
    remote.push(repo, spec)

    rep = tiering.evict(repo, verify=True)
    assert rep.remote == "lake"
    assert rep.not_on_remote == []
    assert rep.mismatched == []
    assert rep.bytes_freed > 8_000_000
    assert tiering.status(repo)["versions"][v1]["locality"] == "remote-only"
    assert repo.fsck().ok

    with Repository.open(repo.root) as fresh:
        a1, a2 = arrays()
        assert np.array_equal(load_state(fresh, v1)["arr"], a1)
        assert np.array_equal(load_state(fresh, v2)["arr"], a2)
        assert tiering.status(fresh)["versions"][v2]["locality"] == "local"

    configure(repo, max_local_size="1KB")
    assert main(["budget", "--root", str(repo.root), "--enforce"]) == 0
    # v1's own chunk left; the chunks it shares with the head v2 stay
    assert tiering.status(repo)["versions"][v1]["locality"] == "partial"
    assert main(["fetch", "--root", str(repo.root), v1]) == 0
    assert tiering.status(repo)["versions"][v1]["locality"] == "local"


def test_evicted_objects_come_back_through_the_remotes_profile(
    project: Project, s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remote whose keys are a named profile's (none in the environment): evict, then a
    restore in a fresh process fetches with that profile too."""
    repo, (v1, _v2) = project
    bucket = f"nbv-{uuid.uuid4().hex[:12]}"
    _s3fs(s3_server).mkdir(bucket)
    creds = tmp_path / "aws-credentials"
    creds.write_text(
        f"[team]\naws_access_key_id = {s3_server.key}\naws_secret_access_key = {s3_server.secret}\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    remote.remove_remote(repo.store_dir, "origin")
    spec = remote.add_remote(
        repo.store_dir, "lake", f"s3://{bucket}/p", s3_server.endpoint, profile="team"
    )
    remote.push(repo, spec)
    assert tiering.evict(repo).bytes_freed > 8_000_000
    with Repository.open(repo.root) as fresh:
        assert np.array_equal(load_state(fresh, v1)["arr"], arrays()[0])
