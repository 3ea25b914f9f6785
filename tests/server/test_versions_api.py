"""The REST API end to end: a real server, a real kernel started through its session API."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError

from .conftest import Fetch, LiveKernel, api


async def wait_job(fetch: Fetch, payload: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
    """Poll a 202 job until it ends."""
    job = payload
    for _ in range(int(timeout * 10)):
        if job["state"] not in ("queued", "running"):
            return job
        await asyncio.sleep(0.1)
        _, job = await api(fetch, "jobs", job["id"])
    raise TimeoutError(job)


async def save(fetch: Fetch, notebook: str, message: str) -> dict[str, Any]:
    resp, body = await api(
        fetch, "versions", method="POST", body={"path": notebook, "message": message}
    )
    if resp.code == 202:
        body = await wait_job(fetch, body)
    assert body["state"] == "done", body
    return body


async def test_save_list_and_restore_a_live_variable(
    jp_fetch: Fetch, notebook: str, live_kernel: LiveKernel
) -> None:
    await live_kernel.run("x = 41\nimport numpy as np\narr = np.arange(5)")
    resp, body = await api(jp_fetch, "versions", method="POST",
                           body={"path": notebook, "message": "first"})  # fmt: skip
    if resp.code == 202:
        assert resp.headers["Location"].endswith(f"/nbversion/api/jobs/{body['id']}")
        body = await wait_job(jp_fetch, body)
    else:
        assert resp.code == 201
        assert resp.headers["Location"].endswith(f"/nbversion/api/versions/{body['result']['id']}")
    result = body["result"]
    assert result["variables_captured"] is True
    assert set(result["written"]) >= {"x", "arr"}
    vid = result["id"]

    _, listing = await api(jp_fetch, "versions", path=notebook)
    assert listing["total"] == 1
    assert listing["versions"][0]["id"] == vid
    assert listing["versions"][0]["message"] == "first"
    assert listing["refs"]["current_branch"] == "main"

    _, version = await api(jp_fetch, "versions", vid)
    assert version["variables"]["x"]["summary"]
    assert version["trusted"] is True

    await live_kernel.run("x = 0\ndel arr")
    preview = {"path": notebook, "variables": ["x"], "preview": True}
    resp, body = await api(jp_fetch, "versions", vid, "restore", method="POST", body=preview)
    body = await wait_job(jp_fetch, body) if resp.code == 202 else body
    assert body["result"]["variables"]["plan"]["restore"] == ["x"]
    assert (await live_kernel.run("print(x)")).strip() == "0"  # preview changed nothing

    resp, body = await api(jp_fetch, "versions", vid, "restore", method="POST",
                           body={"path": notebook, "notebook": True})  # fmt: skip
    body = await wait_job(jp_fetch, body) if resp.code == 202 else body
    assert body["state"] == "done", body
    assert "x" in body["result"]["variables"]["restored"]
    assert body["result"]["notebook"]["cells"]
    assert (await live_kernel.run("print(x, arr.tolist())")).strip() == "41 [0, 1, 2, 3, 4]"


async def test_save_without_a_kernel_keeps_the_notebook_and_says_so(
    jp_fetch: Fetch, notebook: str
) -> None:
    body = await save(jp_fetch, notebook, "no kernel")
    assert body["result"]["variables_captured"] is False
    assert "no running kernel" in body["result"]["reason"]


async def test_save_queues_behind_a_busy_kernel(
    jp_fetch: Fetch, notebook: str, live_kernel: LiveKernel
) -> None:
    await live_kernel.run("y = 1")
    live_kernel.run_nowait("import time; time.sleep(3); y = 2")
    await asyncio.sleep(0.5)
    resp, body = await api(jp_fetch, "versions", method="POST",
                           body={"path": notebook, "message": "while busy"})  # fmt: skip
    assert resp.code == 202
    assert body["state"] == "queued"
    assert "busy" in body["detail"]
    done = await wait_job(jp_fetch, body)
    assert done["state"] == "done", done["error"]
    _, version = await api(jp_fetch, "versions", done["result"]["id"])
    assert version["variables"]["y"]["summary"] == "2"


async def test_branches_tags_and_diff(
    jp_fetch: Fetch, notebook: str, live_kernel: LiveKernel
) -> None:
    await live_kernel.run("lr = 0.1")
    first = (await save(jp_fetch, notebook, "a"))["result"]["id"]
    await live_kernel.run("lr = 0.2\nnew = 'x'")
    second = (await save(jp_fetch, notebook, "b"))["result"]["id"]

    resp, _ = await api(jp_fetch, "refs", "branches", method="POST",
                        body={"path": notebook, "name": "exp", "ref": first})  # fmt: skip
    assert resp.code == 201
    resp, _ = await api(jp_fetch, "refs", "tags", method="POST",
                        body={"path": notebook, "name": "v1", "ref": first})  # fmt: skip
    assert resp.code == 201
    _, refs = await api(jp_fetch, "refs", path=notebook)
    assert refs["branches"]["exp"] == first
    assert refs["tags"]["v1"] == first
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "refs", "branches", method="POST",
                  body={"path": notebook, "name": "exp", "ref": first})  # fmt: skip
    assert err.value.code == 409

    _, diff = await api(jp_fetch, "diff", a=first, b=second)
    changed = {c["name"] for c in diff["variables"]["changed"]}
    assert changed == {"lr"}
    assert [v["name"] for v in diff["variables"]["added"]] == ["new"]

    resp, _ = await api(jp_fetch, "refs", "tags", "v1", method="DELETE", path=notebook)
    assert resp.code == 204
    _, refs = await api(jp_fetch, "refs", path=notebook)
    assert "v1" not in refs["tags"]


@pytest.mark.parametrize(
    ("method", "parts", "body", "params", "code"),
    [
        ("POST", ("versions",), {"message": "no path"}, {}, 400),
        ("POST", ("versions",), {"path": "../outside.ipynb"}, {}, 403),
        ("POST", ("versions",), {"path": "/etc/passwd.ipynb"}, {}, 403),
        ("POST", ("versions",), {"path": "missing.ipynb"}, {}, 404),
        ("POST", ("versions",), {"path": "notes.txt"}, {}, 400),
        ("GET", ("versions", "deadbeef"), None, {}, 404),
        ("GET", ("diff",), None, {"a": "HEAD"}, 400),
        ("GET", ("versions",), None, {"limit": "abc"}, 400),
        ("GET", ("jobs", "0" * 32), None, {}, 404),
    ],
)
async def test_errors_have_status_and_json_body(
    jp_fetch: Fetch, notebook: str, method: str, parts: tuple[str, ...], body: Any,
    params: dict[str, str], code: int,
) -> None:  # fmt: skip
    await save(jp_fetch, notebook, "so the store exists")
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, *parts, method=method, body=body, **params)
    assert err.value.code == code
    assert err.value.response is not None
    import json

    payload = json.loads(err.value.response.body)
    assert payload["message"]
    assert payload["reason"]


async def test_malformed_json_is_a_400(jp_fetch: Fetch, notebook: str) -> None:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("nbversion", "api", "versions", method="POST", body="{not json")
    assert err.value.code == 400


async def test_symlink_out_of_the_root_is_refused(
    jp_fetch: Fetch, jp_root_dir: Any, tmp_path: Any
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.ipynb").write_text('{"cells": [], "metadata": {}}')
    (jp_root_dir / "link").symlink_to(outside)
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "versions", method="POST", body={"path": "link/secret.ipynb"})
    assert err.value.code == 403


class ReadOnly(Authorizer):
    """A user who may read nbversion data but not change it."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource != "nbversion" or action == "read"


@pytest.mark.parametrize(
    "jp_server_config",
    [{"ServerApp": {"jpserver_extensions": {"nbversion": True}, "authorizer_class": ReadOnly}}],
)
async def test_read_only_user_can_list_and_diff_but_not_change(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Any
) -> None:
    from nbversion.store import Repository

    with Repository.init(jp_root_dir) as repo:
        a = repo.save_notebook_file(jp_root_dir / notebook, "a")
        b = repo.save_notebook_file(jp_root_dir / notebook, "b")
    _, listing = await api(jp_fetch, "versions", path=notebook)
    assert listing["total"] == 2
    _, diff = await api(jp_fetch, "diff", a=a.id, b=b.id)
    assert diff["a"] == a.id
    refused = [
        ("POST", ("versions",), {"path": notebook, "message": "x"}, {}),
        ("POST", ("versions", a.id, "restore"), {"path": notebook}, {}),
        ("POST", ("refs", "branches"), {"path": notebook, "name": "x"}, {}),
        ("DELETE", ("refs", "branches", "main"), None, {"path": notebook}),
    ]
    for method, parts, body, params in refused:
        with pytest.raises(HTTPClientError) as err:
            await api(jp_fetch, *parts, method=method, body=body, **params)
        assert err.value.code == 403, (method, parts)


async def test_kernels_started_by_the_server_load_the_magic(
    notebook: str, live_kernel: LiveKernel, jp_root_dir: Any
) -> None:
    out = await live_kernel.run(
        "import os\n"
        "print('version' in get_ipython().magics_manager.magics['line'])\n"
        "print(os.environ['NBVERSION_ROOT'])"
    )
    loaded, root = out.split()
    assert loaded == "True"
    assert os.path.samefile(root, jp_root_dir)


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {"jpserver_extensions": {"nbversion": True}},
            "NbVersionApp": {"kernel_timeout": 1.0, "max_variable_size": 10_000},
        }
    ],
)
async def test_a_slow_kernel_times_out_and_the_late_request_does_nothing(
    jp_fetch: Fetch, notebook: str, live_kernel: LiveKernel
) -> None:
    await live_kernel.run("import numpy as np\nbig = np.zeros(100_000)\nsmall = 1")
    live_kernel.run_nowait("import time; time.sleep(3)")
    await asyncio.sleep(0.3)
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "versions", method="POST", body={"path": notebook, "message": "slow"})
    assert err.value.code == 504
    await live_kernel.run("pass")  # waits until the sleeping cell and our late request ran
    _, listing = await api(jp_fetch, "versions", path=notebook)
    assert listing["total"] == 0  # the timed-out save never happened behind the user's back
    # and the size limit set on the server reaches the kernel
    body = await save(jp_fetch, notebook, "limits")
    _, version = await api(jp_fetch, "versions", body["result"]["id"])
    assert "big" in {s["name"] for s in version["skipped"]}
    assert "small" in version["variables"]


async def test_cancelling_a_queued_save(
    jp_fetch: Fetch, notebook: str, live_kernel: LiveKernel
) -> None:
    await live_kernel.run("ready = True")  # the kernel has started and answers
    live_kernel.run_nowait("import time; time.sleep(3)")
    await asyncio.sleep(0.3)
    resp, job = await api(jp_fetch, "versions", method="POST",
                          body={"path": notebook, "message": "never"})  # fmt: skip
    assert resp.code == 202
    _, cancelled = await api(jp_fetch, "jobs", job["id"], method="DELETE")
    assert cancelled["state"] == "cancelled"
    await live_kernel.run("pass")
    _, listing = await api(jp_fetch, "versions", path=notebook)
    assert listing["total"] == 0


async def test_diff_of_versions_whose_cells_differ(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Any
) -> None:
    """Notebooks as saved on disk (multi-line sources as lists) diff cell by cell."""
    import json as _json

    from nbversion.store import Repository

    path = jp_root_dir / notebook
    with Repository.init(jp_root_dir) as repo:
        a = repo.save_notebook_file(path, "a")
        nb = _json.loads(path.read_text())
        nb["cells"][2]["source"] = ["import pandas as pd\n", "df = pd.read_csv('other.csv')\n"]
        nb["cells"][3]["outputs"] = [{"output_type": "stream", "name": "stdout",
                                      "text": ["line 1\n", "line 2\n"]}]  # fmt: skip
        path.write_text(_json.dumps(nb))
        b = repo.save_notebook_file(path, "b")
    _, diff = await api(jp_fetch, "diff", a=a.id, b=b.id)
    assert diff["notebook"]["changed"] is True
    text = _json.dumps(diff["notebook"])
    assert "other.csv" in text


async def test_storage_reports_local_size_and_locality(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Any
) -> None:
    from nbversion.store import Repository

    _, empty = await api(jp_fetch, "storage")
    assert empty["local_bytes"] == 0
    with Repository.init(jp_root_dir) as repo:
        v = repo.save_notebook_file(jp_root_dir / notebook, "a")
    _, body = await api(jp_fetch, "storage", path=notebook)
    assert body["local_bytes"] > 0
    assert body["over_budget"] is False
    assert body["versions"][v.id]["locality"] == "local"


async def test_push_and_pull_through_the_api(
    jp_fetch: Fetch, notebook: str, jp_root_dir: Any, tmp_path: Any
) -> None:
    from nbversion.cli import main as cli
    from nbversion.store import Repository

    with Repository.init(jp_root_dir) as repo:
        v = repo.save_notebook_file(jp_root_dir / notebook, "to share")
    remote = tmp_path / "team-remote"
    assert cli(["remote", "add", "origin", str(remote), "--root", str(jp_root_dir)]) == 0
    _, listed = await api(jp_fetch, "remotes")
    assert [r["name"] for r in listed["remotes"]] == ["origin"]
    resp, job = await api(jp_fetch, "remotes", "origin", "push", method="POST",
                          body={"path": notebook})  # fmt: skip
    job = await wait_job(jp_fetch, job) if resp.code == 202 else job
    assert job["state"] == "done", job
    assert job["result"]["objects_sent"] >= 1
    assert (remote / "versions" / f"{v.id}.json").is_file()
    resp, job = await api(jp_fetch, "remotes", "origin", "pull", method="POST", body={})
    job = await wait_job(jp_fetch, job) if resp.code == 202 else job
    assert job["state"] == "done", job
    with pytest.raises(HTTPClientError) as err:
        await api(jp_fetch, "remotes", "nowhere", "push", method="POST", body={})
    assert err.value.code == 404
