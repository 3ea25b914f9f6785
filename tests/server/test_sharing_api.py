"""Sharing over REST as the sidebar uses it: ahead/behind, provenance, the trust prompt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from nbversion import remote as nbremote
from nbversion import trust
from nbversion.cli import main as cli
from nbversion.store import Repository

from .conftest import Fetch, LiveKernel, api
from .test_versions_api import save, wait_job

TEAMMATE = {"name": "Bea Teammate", "email": "bea@example.org"}


async def _job(fetch: Fetch, *parts: str, body: dict[str, Any]) -> dict[str, Any]:
    """Start a job and wait for it; a job that failed at once answers with its status."""
    try:
        resp, job = await api(fetch, *parts, method="POST", body=body)
    except HTTPClientError as err:
        if err.response is None:
            raise
        return json.loads(err.response.body)["job"]  # type: ignore[no-any-return]
    return await wait_job(fetch, job) if resp.code == 202 else job


def _teammate_saves(url: Path, where: Path, notebook: str, message: str) -> str:
    """A clone elsewhere saves on main and pushes (another author)."""
    if (where / ".nbversion").is_dir():
        repo = Repository.open(where)
    else:
        repo, _ = nbremote.clone(str(url), where)
    with repo:
        nid = repo.notebook_id(notebook)
        oid = repo.objects.put_bytes((where / notebook).read_bytes() + b" ")
        vid = repo.save(nid, notebook, oid, message, author=TEAMMATE).id
        nbremote.push(repo, nbremote.get_remote(repo.store_dir, "origin"), notebook=nid)
    return vid


async def test_ahead_behind_provenance_and_fetch_first(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Path, tmp_path: Path
) -> None:
    _, none = await api(jp_fetch, "remotes", path=notebook)
    assert none["remotes"] == []
    await save(jp_fetch, notebook, "one")
    mine = (await save(jp_fetch, notebook, "two"))["result"]["id"]
    url = tmp_path / "team-remote"
    assert cli(["remote", "add", "origin", str(url), "--root", str(jp_root_dir)]) == 0

    _, listed = await api(jp_fetch, "remotes", path=notebook)
    (origin,) = listed["remotes"]
    assert origin["name"] == "origin"
    assert origin["url"] == str(url)
    assert (origin["branch"], origin["tracking"]) == ("main", "origin/main")
    assert (origin["ahead"], origin["behind"], origin["tracking_exists"]) == (2, 0, False)

    job = await _job(jp_fetch, "remotes", "origin", "push", body={"path": notebook,
                                                                    "branch": "main"})  # fmt: skip
    assert job["state"] == "done", job
    _, listed = await api(jp_fetch, "remotes", path=notebook)
    assert (listed["remotes"][0]["ahead"], listed["remotes"][0]["behind"]) == (0, 0)
    _, page = await api(jp_fetch, "versions", path=notebook)
    assert {v["id"]: v["remotes"] for v in page["versions"]}[mine] == ["origin"]
    assert all(v["from_remote"] is None for v in page["versions"])

    theirs = _teammate_saves(url, tmp_path / "bea", notebook, "from bea")
    job = await _job(jp_fetch, "remotes", "origin", "pull", body={})
    assert job["state"] == "done", job
    _, listed = await api(jp_fetch, "remotes", path=notebook)
    assert (listed["remotes"][0]["ahead"], listed["remotes"][0]["behind"]) == (0, 1)
    _, page = await api(jp_fetch, "versions", path=notebook)
    row = next(v for v in page["versions"] if v["id"] == theirs)
    assert row["author"] == TEAMMATE
    assert row["from_remote"] == "origin"
    assert row["branch"] == "main"
    _, version = await api(jp_fetch, "versions", theirs, path=notebook)
    assert version["trusted"] is False

    # diverged: a local save on main, then a push is refused with "fetch first"
    _teammate_saves(url, tmp_path / "bea", notebook, "bea again")
    await save(jp_fetch, notebook, "three")
    job = await _job(jp_fetch, "remotes", "origin", "push",
                     body={"path": notebook, "branch": "main"})  # fmt: skip
    assert job["state"] == "failed", job
    assert job["error"]["status"] == 409
    assert "fetch first" in job["error"]["message"]
    job = await _job(jp_fetch, "remotes", "origin", "pull", body={})
    _, listed = await api(jp_fetch, "remotes", path=notebook)
    assert (listed["remotes"][0]["ahead"], listed["remotes"][0]["behind"]) == (1, 2)


async def test_status_names_the_local_user(jp_fetch: Fetch) -> None:
    _, status = await api(jp_fetch, "status")
    assert status["user"]["name"]
    assert set(status["user"]) == {"name", "email"}


async def test_restore_preview_names_pickles_of_an_untrusted_version(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Path, live_kernel: LiveKernel
) -> None:
    await live_kernel.run(
        "class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n"
        "p = Point(3, 4)\nn = 5"
    )
    vid = (await save(jp_fetch, notebook, "with a point"))["result"]["id"]
    store = jp_root_dir / ".nbversion"
    (store / "signatures" / vid).unlink()  # as if a teammate had made it
    await live_kernel.run("p = None\nn = 6")

    preview = {"path": notebook, "preview": True}
    job = await _job(jp_fetch, "versions", vid, "restore", body=preview)
    result = job["result"]["variables"]
    assert result["trusted"] is False
    # the class itself is a saved variable too, and so is pickled
    assert result["needs_trust"] == [
        {"name": "Point", "type": "builtins.type", "kind": "cloudpickle"},
        {"name": "p", "type": "__main__.Point", "kind": "cloudpickle"},
    ]

    # without trust nothing is unpickled (the restore is refused, or holds the pickles back)
    plain = {"path": notebook}
    job = await _job(jp_fetch, "versions", vid, "restore", body=plain)
    if job["state"] == "failed":
        assert job["error"]["status"] == 403
    else:
        assert "p" not in job["result"]["variables"]["restored"], job
    assert (await live_kernel.run("print(p)")).strip() == "None"
    # "Restore without them": the safe variables only
    job = await _job(jp_fetch, "versions", vid, "restore", body={**plain, "variables": ["n"]})
    assert job["state"] == "done", job
    assert (await live_kernel.run("print(p, n)")).strip() == "None 5"
    # "Trust and restore": the trust is recorded like `nbversion trust` does
    job = await _job(jp_fetch, "versions", vid, "restore", body={**plain, "trust": True})
    assert job["state"] == "done", job
    assert (await live_kernel.run("print(p.x + p.y)")).strip() == "7"
    assert trust.is_trusted(store, vid)
    job = await _job(jp_fetch, "versions", vid, "restore", body=preview)
    assert job["result"]["variables"]["needs_trust"] == []
    assert json.loads((jp_root_dir / notebook).read_text())  # the file was never touched


async def test_join_after_fetch_first(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Path, tmp_path: Path
) -> None:
    await save(jp_fetch, notebook, "one")
    url = tmp_path / "team-remote"
    assert cli(["remote", "add", "origin", str(url), "--root", str(jp_root_dir)]) == 0
    body = {"path": notebook, "branch": "main"}
    assert (await _job(jp_fetch, "remotes", "origin", "push", body=body))["state"] == "done"
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "remotes", "nowhere", "join", method="POST", body={"path": notebook})
    assert err.value.code == 404

    theirs = _teammate_saves(url, tmp_path / "bea", notebook, "from bea")
    mine = (await save(jp_fetch, notebook, "two"))["result"]["id"]
    push = await _job(jp_fetch, "remotes", "origin", "push", body=body)
    assert push["error"]["status"] == 409
    assert (await _job(jp_fetch, "remotes", "origin", "pull", body={}))["state"] == "done"

    _, joined = await api(jp_fetch, "remotes", "origin", "join", method="POST",
                          body={"path": notebook})  # fmt: skip
    assert joined["tracking"] == "origin/main"
    assert joined["head"] == joined["joined"]
    _, version = await api(jp_fetch, "versions", joined["joined"], path=notebook)
    assert version["parents"] == [mine, theirs]
    assert version["trusted"] is True  # it holds our own state
    _, listed = await api(jp_fetch, "remotes", path=notebook)
    assert (listed["remotes"][0]["ahead"], listed["remotes"][0]["behind"]) == (2, 0)
    assert (await _job(jp_fetch, "remotes", "origin", "push", body=body))["state"] == "done"
    _, again = await api(jp_fetch, "remotes", "origin", "join", method="POST",
                         body={"path": notebook})  # fmt: skip
    assert again["joined"] is None


async def test_storage_sees_a_budget_set_meanwhile(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Path
) -> None:
    await save(jp_fetch, notebook, "one")
    _, before = await api(jp_fetch, "storage", path=notebook)
    assert before["budget"] is None
    assert cli(["budget", "1KB", "--root", str(jp_root_dir)]) == 0
    _, after = await api(jp_fetch, "storage", path=notebook)
    assert after["budget"] == 1024
    assert after["over_budget"] is True
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "storage", path="no-such.ipynb")
    assert err.value.code == 404
