"""Hostile versions read through the REST API of a real Jupyter server.

The server must never run a payload, never crash (a decoder crash would take every user's
notebook down with it), answer each hostile read with a result or a clear 4xx, and refuse
reads that carry only the session cookie (what a link on another web site can send).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from ..server.conftest import Fetch, LiveKernel, api
from ..server.test_versions_api import wait_job
from .conftest import deliver, forge_hostile, script_notebook
from .forge import Attacker, benign


async def test_rest_reads_of_hostile_versions(
    jp_fetch: Fetch,
    jp_root_dir: Path,
    attacker: Attacker,
    marker: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    hostile = [f for f in forge_hostile(attacker, tmp_path / "victim") if f.arrives]
    twins = {}
    for f in hostile:
        variables = {n: v for n, label in f.labels.items() if (v := benign(label)) is not None}
        twins[f.vid] = attacker.forge(f"twin {f.name}", variables, branch=f"twin-{f.name}").vid
    victim = deliver("folder", attacker, list(attacker.forged), tmp_path, request, jp_root_dir)
    victim.close()
    statuses: dict[str, list[int]] = {}
    for f in hostile:
        for parts, params in (
            (("diff",), {"a": twins[f.vid], "b": f.vid}),
            (("versions", f.vid), {}),
            (("versions", f.vid, "notebook"), {}),
        ):
            try:
                resp, body = await api(jp_fetch, *parts, **params)
                code = resp.code
            except HTTPClientError as err:
                code = err.code
                body = json.loads(err.response.body) if err.response else {}
                assert 400 <= code < 500, (f.name, parts, code, body)
                assert body.get("message"), body
            statuses.setdefault(f.name, []).append(code)
            assert not marker.exists(), f"{f.name} ran code in the Jupyter server via {parts}"
            resp, _ = await api(jp_fetch, "status")  # the server is still there
            assert resp.code == 200
    _, nb = await api(
        jp_fetch, "versions", hostile_named(hostile, "trusted-cell-script"), "notebook"
    )
    assert "trusted" not in json.dumps(nb)
    assert isinstance(nb["cells"][0]["outputs"][0]["data"]["text/html"], str)


def hostile_named(hostile: list[Any], name: str) -> str:
    return str(next(f.vid for f in hostile if f.name == name))


async def test_cookie_only_reads_are_refused(
    jp_fetch: Fetch, jp_http_port: int, jp_base_url: str, jp_serverapp: Any
) -> None:
    """A cross-site link carries the session cookie but no token and no XSRF header."""
    client = AsyncHTTPClient()
    base = f"http://127.0.0.1:{jp_http_port}{jp_base_url}"
    token = jp_serverapp.identity_provider.token
    login = await client.fetch(
        f"{base}login?token={token}", follow_redirects=False, raise_error=False
    )
    cookies = [c.split(";", 1)[0] for c in login.headers.get_list("Set-Cookie")]
    assert any(c.startswith("username-") for c in cookies), cookies
    jar = "; ".join(cookies)
    url = f"{base}nbversion/api/versions"
    cross_site = await client.fetch(url, headers={"Cookie": jar}, raise_error=False)
    assert cross_site.code == 403, cross_site.body
    # the same cookie with the XSRF header JupyterLab sends: allowed
    xsrf = "nbv-test-xsrf"
    own = await client.fetch(
        url, headers={"Cookie": f"{jar}; _xsrf={xsrf}", "X-XSRFToken": xsrf}, raise_error=False
    )
    assert own.code == 200, own.body
    # and with the token, as API clients do
    resp, _ = await api(jp_fetch, "versions")
    assert resp.code == 200


def test_script_notebook_fixture_is_marked_trusted(attacker: Attacker) -> None:
    """The payload really is what JupyterLab would trust and run if loaded as stored."""
    nb = script_notebook(attacker)
    assert nb["cells"][0]["metadata"]["trusted"] is True  # type: ignore[index]


async def test_rest_restore_of_hostile_versions(
    jp_fetch: Fetch,
    jp_root_dir: Path,
    notebook: str,
    live_kernel: LiveKernel,
    attacker: Attacker,
    marker: Path,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    """POST restore (variables and notebook) into a live kernel started like JupyterLab does."""
    hostile = [f for f in forge_hostile(attacker, tmp_path / "victim") if f.arrives]
    victim = deliver("folder", attacker, list(attacker.forged), tmp_path, request, jp_root_dir)
    victim.close()
    await live_kernel.run("mine = 41")
    for f in hostile:
        body = {"path": notebook, "notebook": True, "variables": None}
        code, out = 200, {}
        try:
            resp, out = await api(jp_fetch, "versions", f.vid, "restore", method="POST", body=body)
            if resp.code == 202:
                out = await wait_job(jp_fetch, out)
        except HTTPClientError as err:
            code = err.code
        assert 200 <= code < 500, (f.name, code)
        if out.get("state") == "done" and out["result"].get("notebook"):
            assert "trusted" not in json.dumps(out["result"]["notebook"]), f.name
        assert not marker.exists(), f"{f.name} ran code through REST restore"
        printed = await live_kernel.run("import builtins as _b; print(41 + 1, print is _b.print)")
        assert "42 True" in printed, f.name
    assert not (tmp_path / "outside-dir" / "startup.py").exists()
