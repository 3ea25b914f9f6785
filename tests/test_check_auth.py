"""Start a real ``jupyter server`` and fail on any nbversion endpoint that skips authentication.

Like the JupyterLab extension template's check_auth: jupyter_server logs every handler that
has neither ``@web.authenticated`` nor ``@allow_unauthenticated`` when
``allow_unauthenticated_access`` is off; a handler of ours in that list fails the build.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .servers import TOKEN, Server


def unauthenticated_routes(log: str) -> list[str]:
    """Routes jupyter_server listed as lacking an authentication decorator."""
    routes: list[str] = []
    for block in re.findall(
        r"endpoints without @allow_unauthenticated.*?:\n((?:\s*- .*\n?)+)", log
    ):
        routes += re.findall(r"registered for (\S+)", block)
    return routes


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Server]:
    srv = Server(tmp_path, getattr(request, "param", []))
    yield srv
    srv.stop()


def test_no_nbversion_endpoint_lacks_authentication(server: Server) -> None:
    routes = unauthenticated_routes(server.log())
    ours = [r for r in routes if "nbversion" in r]
    assert ours == [], f"nbversion endpoints without authentication: {ours}"
    assert "nbversion" in server.log(), "the extension did not load"


def test_unauthenticated_request_is_refused(server: Server) -> None:
    code, _ = server.get("/nbversion/api/status", token=None)
    assert code == 403
    code, body = server.get("/nbversion/api/status", token="wrong-token")
    assert code == 403
    code, body = server.get("/nbversion/api/status", token=TOKEN)
    assert code == 200
    assert "version" in json.loads(body)


@pytest.mark.parametrize("server", [["tests.fixtures.unauthenticated_ext"]], indirect=True)
def test_the_check_catches_a_handler_without_authentication(server: Server) -> None:
    routes = unauthenticated_routes(server.log())
    assert any("forgot-auth" in r for r in routes), server.log()
    assert not any("nbversion" in r for r in routes)
