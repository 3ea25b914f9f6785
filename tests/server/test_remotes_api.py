"""Remotes from the sidebar over REST: add and remove (with errors per field), push every
branch and tag or a chosen set, plain "fetch first" details, a git repository as a remote."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from nbversion import remote as nbremote
from nbversion.store import Repository
from nbversion.store.refs import HEADS, TAGS

from .conftest import Fetch, api
from .test_sharing_api import _job, _teammate_saves
from .test_versions_api import save


async def _refused(fetch: Fetch, *parts: str, method: str = "POST", body: Any = None) -> Any:
    """The status and JSON body of a request that must fail."""
    with pytest.raises(HTTPClientError) as err:
        await api(fetch, *parts, method=method, body=body)
    assert err.value.response is not None
    return err.value.code, json.loads(err.value.response.body)


async def _add(fetch: Fetch, **body: Any) -> dict[str, Any]:
    resp, added = await api(fetch, "remotes", method="POST", body=body)
    assert resp.code == 201
    assert resp.headers["Location"].endswith(f"/nbversion/api/remotes/{body['name']}")
    return added  # type: ignore[no-any-return]


async def test_add_and_remove_a_remote_with_errors_per_field(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "team"
    cases = [
        ({"name": "my remote", "url": str(folder)}, "name", "letters, digits"),
        ({"name": "origin", "url": str(tmp_path / "no" / "such")}, "url", "no folder"),
        ({"name": "origin", "url": "", "kind": "folder"}, "url", "say where"),
        ({"name": "origin", "url": "https://x.org/y", "kind": "s3"}, "url", "s3://"),
        ({"name": "origin", "url": str(folder), "endpoint_url": "http://h:9000"},
         "endpoint_url", "s3:// remotes only"),
        ({"name": "origin", "url": "s3://b/p", "endpoint_url": "h:9000"}, "endpoint_url",
         "http:// or https://"),
        ({"name": "origin", "url": "s3://b/p", "profile": "nobody-has-this"}, "profile",
         "no profile 'nobody-has-this'"),
        ({"name": "origin", "url": "s3://AKIA:secret@bucket/p"}, "url", "credentials"),
        ({"name": "origin", "url": "https://bob:hunter2@git.example/t.git", "kind": "git"},
         "url", "credentials"),
        ({"name": "origin", "url": "ext::sh -c id", "kind": "git"}, "url", "git repository"),
        ({"name": "origin", "url": ".", "kind": "folder"}, "url", "a folder of its own"),
    ]  # fmt: skip
    for body, field, words in cases:
        code, answer = await _refused(jp_fetch, "remotes", body=body)
        assert code == 400, (body, answer)
        assert answer["details"] == {"field": field}, (body, answer)
        assert words in answer["message"], (body, answer)
    # credentials never travel in a request: a body that tries is refused whole
    code, answer = await _refused(
        jp_fetch, "remotes", body={"name": "origin", "url": "s3://b", "secret": "x"}
    )
    assert (code, answer["message"]) == (400, "unknown fields: secret")
    assert (
        not (jp_root_dir / ".nbversion" / "config.toml").exists()
        or "[remote" not in (jp_root_dir / ".nbversion" / "config.toml").read_text()
    )

    # before any save: adding a remote creates the store (a relative folder is the project's)
    added = await _add(jp_fetch, name="origin", url=str(folder), kind="folder")
    assert added == {"name": "origin", "url": str(folder), "kind": "folder",
                     "endpoint_url": "", "profile": ""}  # fmt: skip
    local = await _add(jp_fetch, name="nearby", url="../nearby-remote", kind="folder")
    assert local["url"] == str((jp_root_dir / ".." / "nearby-remote").resolve())
    git = await _add(jp_fetch, name="gh", url="git@github.com:team/project.git", kind="git")
    assert (git["url"], git["kind"]) == ("git+git@github.com:team/project.git", "git")
    code, answer = await _refused(jp_fetch, "remotes", body={"name": "origin", "url": "/tmp"})
    assert (code, answer["details"]) == (409, {"field": "name"})

    _, listed = await api(jp_fetch, "remotes", path=notebook)
    assert [r["name"] for r in listed["remotes"]] == ["gh", "nearby", "origin"]
    assert {r["kind"] for r in listed["remotes"]} == {"folder", "git"}
    assert listed["fetch"]["interval"] == 300  # the default: every 5 minutes

    resp, _ = await api(jp_fetch, "remotes", "nearby", method="DELETE")
    assert resp.code == 204
    code, _ = await _refused(jp_fetch, "remotes", "nearby", method="DELETE")
    assert code == 404
    _, listed = await api(jp_fetch, "remotes")
    assert [r["name"] for r in listed["remotes"]] == ["gh", "origin"]
    # the CLI sees what the sidebar did (one config)
    with Repository.open(jp_root_dir) as repo:
        assert set(nbremote.list_remotes(repo.store_dir)) == {"gh", "origin"}


def _remote_refs(url: str, endpoint: str = "", profile: str = "") -> dict[tuple[str, str], str]:
    """(kind, name) -> version id of every ref on a remote, read from the remote itself."""
    store = nbremote.RemoteStore(nbremote.RemoteSpec("check", url, endpoint, profile))
    return {(kind, name): vid for (_nb, kind, name), vid in store.refs().items()}


async def test_push_every_branch_and_tag_or_a_chosen_set(
    jp_fetch: Fetch, notebook: str, tmp_path: Path
) -> None:
    one = (await save(jp_fetch, notebook, "one"))["result"]["id"]
    for kind, name in (("branches", "exp"), ("tags", "v1")):
        resp, _ = await api(jp_fetch, "refs", kind, method="POST",
                            body={"path": notebook, "name": name, "ref": one})  # fmt: skip
        assert resp.code == 201
    two = (await save(jp_fetch, notebook, "two"))["result"]["id"]
    url = str(tmp_path / "team")
    await _add(jp_fetch, name="origin", url=url, kind="folder")

    job = await _job(jp_fetch, "remotes", "origin", "push", body={"path": notebook})
    assert job["state"] == "done", job
    assert _remote_refs(url) == {(HEADS, "main"): two, (HEADS, "exp"): one, (TAGS, "v1"): one}
    assert job["result"]["versions_sent"] == 2

    # a chosen set: only what is named moves
    resp, _ = await api(jp_fetch, "refs", "checkout", method="POST",
                        body={"path": notebook, "branch": "exp"})  # fmt: skip
    three = (await save(jp_fetch, notebook, "three on exp"))["result"]["id"]
    resp, _ = await api(jp_fetch, "refs", "tags", method="POST",
                        body={"path": notebook, "name": "v2", "ref": three})  # fmt: skip
    job = await _job(jp_fetch, "remotes", "origin", "push",
                     body={"path": notebook, "branches": [], "tags": ["v2"]})  # fmt: skip
    assert job["state"] == "done", job
    assert _remote_refs(url)[(TAGS, "v2")] == three
    assert _remote_refs(url)[(HEADS, "exp")] == one  # not chosen: not moved
    job = await _job(jp_fetch, "remotes", "origin", "push",
                     body={"path": notebook, "branches": ["exp"]})  # fmt: skip
    assert _remote_refs(url)[(HEADS, "exp")] == three

    job = await _job(jp_fetch, "remotes", "origin", "push",
                     body={"path": notebook, "branches": ["nope"]})  # fmt: skip
    assert job["state"] == "failed"
    assert job["error"]["status"] == 400
    assert job["error"]["details"] == {"kind": "branch", "name": "nope"}
    code, answer = await _refused(jp_fetch, "remotes", "origin", "push",
                                  body={"path": notebook, "tags": "v1"})  # fmt: skip
    assert code == 400
    assert "list of names" in answer["message"]


async def test_fetch_first_names_the_branch_and_the_notebook_not_its_id(
    jp_fetch: Fetch, notebook: str, tmp_path: Path
) -> None:
    await save(jp_fetch, notebook, "one")
    url = tmp_path / "team"
    await _add(jp_fetch, name="origin", url=str(url))
    assert (await _job(jp_fetch, "remotes", "origin", "push", body={"path": notebook}))[
        "state"
    ] == "done"
    theirs = _teammate_saves(url, tmp_path / "bea", notebook, "from bea")
    await save(jp_fetch, notebook, "two")
    job = await _job(jp_fetch, "remotes", "origin", "push", body={"path": notebook})
    assert job["error"]["status"] == 409
    details = job["error"]["details"]
    assert details["notebook_id"] not in job["error"]["message"]
    assert {k: details[k] for k in ("remote", "kind", "name", "notebook", "theirs", "reason")} == {
        "remote": "origin", "kind": "branch", "name": "main", "notebook": notebook,
        "theirs": theirs, "reason": "fetch-first",
    }  # fmt: skip
    assert job["error"]["message"].startswith(
        f"origin has versions on branch 'main' of {notebook} that you do not have"
    )


async def test_a_git_repository_as_remote_gets_every_branch_and_tag(
    jp_fetch: Fetch, notebook: str, tmp_path: Path
) -> None:
    bare = tmp_path / "team.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    one = (await save(jp_fetch, notebook, "one"))["result"]["id"]
    await api(jp_fetch, "refs", "tags", method="POST",
              body={"path": notebook, "name": "baseline", "ref": one})  # fmt: skip
    await api(jp_fetch, "refs", "branches", method="POST",
              body={"path": notebook, "name": "exp", "ref": one})  # fmt: skip
    two = (await save(jp_fetch, notebook, "two"))["result"]["id"]
    added = await _add(jp_fetch, name="origin", url=str(bare), kind="git")
    assert added["url"] == f"git+{bare}"
    job = await _job(jp_fetch, "remotes", "origin", "push", body={"path": notebook})
    assert job["state"] == "done", job

    # the repository has a branch "nbversion" holding the versions; a clone gets them all
    branches = subprocess.run(["git", "-C", str(bare), "branch", "--list"], text=True,
                              capture_output=True, check=True).stdout  # fmt: skip
    assert branches.strip() == "nbversion"
    bob, result = nbremote.clone(added["url"], tmp_path / "bob")
    with bob:
        nid = bob.notebook_id(notebook)
        assert bob.refs.list_refs(nid, HEADS) == {
            "main": two, "exp": one, "origin/main": two, "origin/exp": one
        }  # fmt: skip
        assert bob.refs.get(nid, TAGS, "baseline") == one
    assert result.versions_fetched == 2
    _, listed = await api(jp_fetch, "remotes", path=notebook)
    assert (listed["remotes"][0]["ahead"], listed["remotes"][0]["behind"]) == (0, 0)
