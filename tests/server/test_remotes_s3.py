"""An S3 remote added over REST with a named profile (its keys stay in the server's
~/.aws/credentials), and a push that the bucket refuses: 403 with a plain message, not 500.

Real SeaweedFS on loopback (tests/remote/conftest.py) with a read-write identity and a
read-only one."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from ..remote import conftest as remote_fixtures
from ..remote.conftest import S3Server, _s3fs
from .conftest import Fetch, api
from .test_remotes_api import _add, _refused, _remote_refs
from .test_sharing_api import _job
from .test_versions_api import save

s3_server = remote_fixtures.s3_server  # the session's SeaweedFS, as in tests/remote


@pytest.fixture
def profiles(s3_server: S3Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """``~/.aws/credentials`` of the server with profiles team (read-write) and reader;
    no keys in the environment. Answers a fresh bucket."""
    if not s3_server.ro_key:
        pytest.skip("this S3 server has no read-only identity (rclone)")
    creds = tmp_path / "aws-credentials"
    creds.write_text(
        f"[team]\naws_access_key_id = {s3_server.key}\naws_secret_access_key = {s3_server.secret}\n"
        f"[reader]\naws_access_key_id = {s3_server.ro_key}\n"
        f"aws_secret_access_key = {s3_server.ro_secret}\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    bucket = f"nbv-{uuid.uuid4().hex[:12]}"
    _s3fs(s3_server).mkdir(bucket)
    return bucket


async def test_profile_push_and_a_read_only_push_refused_with_403(
    jp_fetch: Fetch, notebook: str, s3_server: S3Server, profiles: str
) -> None:
    one = (await save(jp_fetch, notebook, "one"))["result"]["id"]
    url = f"s3://{profiles}/team/project"
    code, answer = await _refused(jp_fetch, "remotes", body={
        "name": "lake", "kind": "s3", "url": url, "endpoint_url": s3_server.endpoint,
        "profile": "nobody",
    })  # fmt: skip
    assert (code, answer["details"]) == (400, {"field": "profile"})
    assert "it has: reader, team" in answer["message"]
    added = await _add(jp_fetch, name="lake", kind="s3", url=url,
                       endpoint_url=s3_server.endpoint, profile="team")  # fmt: skip
    assert added == {"name": "lake", "url": url, "kind": "s3",
                     "endpoint_url": s3_server.endpoint, "profile": "team"}  # fmt: skip
    job = await _job(jp_fetch, "remotes", "lake", "push", body={"path": notebook})
    assert job["state"] == "done", job
    store_check = _remote_refs(url, s3_server.endpoint, "team")
    assert store_check == {("heads", "main"): one}

    # the same bucket through read-only credentials: pull works, a push is refused (403)
    await _add(jp_fetch, name="ro", kind="s3", url=url, endpoint_url=s3_server.endpoint,
               profile="reader")  # fmt: skip
    assert (await _job(jp_fetch, "remotes", "ro", "pull", body={}))["state"] == "done"
    await save(jp_fetch, notebook, "two")
    job = await _job(jp_fetch, "remotes", "ro", "push", body={"path": notebook})
    assert job["state"] == "failed", job
    assert job["error"]["status"] == 403, job
    assert job["error"]["reason"] == "Forbidden"
    assert job["error"]["details"] == {"remote": "ro", "operation": "push",
                                       "reason": "permission"}  # fmt: skip
    assert job["error"]["message"].startswith(
        f"ro ({url}) refused the push: the credentials from the profile 'reader' may not "
        "write to it"
    )
    assert _remote_refs(url, s3_server.endpoint, "team") == {("heads", "main"): one}  # unchanged
    _, listed = await api(jp_fetch, "remotes", path=notebook)
    assert {r["name"]: r["ahead"] for r in listed["remotes"]} == {"lake": 1, "ro": 1}
