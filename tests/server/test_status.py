"""``GET /nbversion/api/status`` against a real Jupyter server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError

import nbversion
from nbversion.store import Repository


async def test_status_reports_version_and_root(jp_fetch: Any, jp_root_dir: Path) -> None:
    response = await jp_fetch("nbversion", "api", "status")
    assert response.code == 200
    body = json.loads(response.body)
    assert body["version"] == nbversion.__version__
    assert Path(body["root"]) == jp_root_dir.resolve()
    assert Path(body["store"]) == jp_root_dir.resolve() / ".nbversion"
    assert body["store_exists"] is False


async def test_status_sees_an_existing_store(jp_fetch: Any, jp_root_dir: Path) -> None:
    Repository.init(jp_root_dir).close()
    body = json.loads((await jp_fetch("nbversion", "api", "status")).body)
    assert body["store_exists"] is True


async def test_status_refuses_a_request_without_token(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as excinfo:
        await jp_fetch("nbversion", "api", "status", headers={"Authorization": ""})
    assert excinfo.value.code == 403


class DenyNbVersion(Authorizer):  # type: ignore[misc]
    """Lets a user do everything except touch the ``nbversion`` resource."""

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return resource != "nbversion"


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {
                "jpserver_extensions": {"nbversion": True},
                "authorizer_class": DenyNbVersion,
            }
        }
    ],
)
async def test_status_refuses_a_user_without_nbversion_permission(jp_fetch: Any) -> None:
    with pytest.raises(HTTPClientError) as excinfo:
        await jp_fetch("nbversion", "api", "status")
    assert excinfo.value.code == 403
    # the same user may still use the rest of the server
    assert (await jp_fetch("api", "status")).code == 200


async def _idle_status(jp_fetch: Any, notebook: str) -> Any:
    """The status once the server has seen the kernel go idle (a busy kernel is never
    asked, so its answer holds only the state)."""
    import asyncio

    from .conftest import api

    for _ in range(100):
        _, body = await api(jp_fetch, "status", path=notebook)
        if body["kernel"]["state"] == "idle" and "last_error" in body["kernel"]:
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"the kernel never answered as idle: {body}")


async def test_status_with_a_path_reports_the_kernels_last_failed_save(
    jp_fetch: Any, live_kernel: Any, notebook: str
) -> None:

    await live_kernel.run("1")  # started
    body = await _idle_status(jp_fetch, notebook)
    assert body["kernel"]["last_error"] is None, body
    await live_kernel.run(
        "%load_ext nbversion\nimport nbversion.store.repository as _r\n"
        "from nbversion.errors import StoreError\n"
        "def _broken(*a, **k):\n    raise StoreError('disk full (simulated)')\n"
        "_r.Repository.save = _broken\n"
        "import nbversion\nnbversion.set_notebook('analysis.ipynb')\n"
        "try:\n    nbversion.save('x')\nexcept StoreError:\n    pass\n"
    )
    body = await _idle_status(jp_fetch, notebook)
    err = body["kernel"]["last_error"]
    assert err["kind"] == "save"
    assert "disk full" in err["message"]
