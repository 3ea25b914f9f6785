"""Every endpoint and role: anonymous users are refused everywhere, readers may only read.

The table this test builds is the one in docs/reliability.md (section "Access"): the test
fails when the two differ, and ``NBVERSION_UPDATE_DOCS=1 pytest tests/server/test_access.py``
rewrites the doc's table.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jupyter_server.auth import Authorizer
from tornado.httpclient import HTTPClientError

from nbversion.store import Repository

from .conftest import Fetch

REPO = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((REPO / "server_ext/nbversion/server/openapi.yaml").read_text())
DOC = REPO / "docs" / "reliability.md"
SAMPLES = {"ref": "HEAD", "kind": "branches", "name": "exp", "job_id": "0" * 32,
           "request_id": "0" * 32}  # fmt: skip
BODY = {"path": "analysis.ipynb", "name": "exp", "branch": "main", "message": "m",
        "preview": True, "autocommit": False}  # fmt: skip


class Role(Authorizer):
    """Grants nbversion actions by role; everything else on the server is allowed."""

    actions: frozenset[str] = frozenset()

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        return not resource.startswith("nbversion") or action in self.actions


class Reader(Role):
    actions = frozenset({"read"})


class Writer(Role):
    actions = frozenset({"read", "write"})


OPERATIONS = [
    (method.upper(), path)
    for path, ops in SPEC["paths"].items()
    for method in ops
    if method in {"get", "post", "put", "delete"}
]
ROLES = {"anonymous": Writer, "reader": Reader, "writer": Writer}
_results: dict[tuple[str, str], dict[str, str]] = {}


async def _call(fetch: Fetch, method: str, path: str, anonymous: bool) -> int:
    concrete = re.sub(r"\{([^}]+)\}", lambda m: SAMPLES[m[1]], path).lstrip("/")
    kwargs: dict[str, Any] = {"method": method}
    if method in {"POST", "PUT"}:
        kwargs["body"] = json.dumps(BODY)
    if method == "DELETE":
        kwargs["allow_nonstandard_methods"] = True
    kwargs["params"] = {"path": "analysis.ipynb", "a": "HEAD", "b": "HEAD"}
    if anonymous:
        kwargs["headers"] = {"Authorization": ""}
    try:
        resp = await fetch("nbversion", "api", *concrete.split("/"), **kwargs)
    except HTTPClientError as err:
        return err.code
    return int(resp.code)


@pytest.mark.parametrize("role", list(ROLES))
async def test_endpoint_access_by_role(
    role: str, jp_fetch: Fetch, jp_root_dir: Path, notebook: str, jp_server_config: Any
) -> None:
    with Repository.init(jp_root_dir) as repo:
        repo.save_notebook_file(jp_root_dir / notebook, "one")
    for method, path in OPERATIONS:
        code = await _call(jp_fetch, method, path, anonymous=role == "anonymous")
        allowed = role == "writer" or (role == "reader" and method == "GET")
        if allowed:
            assert code != 403, (role, method, path, code)
        else:
            assert code == 403, (role, method, path, code)
        _results.setdefault((method, path), {})[role] = "allowed" if allowed else "403"


@pytest.fixture
def jp_server_config(request: pytest.FixtureRequest) -> dict[str, Any]:
    role = request.node.callspec.params["role"]
    return {
        "ServerApp": {
            "jpserver_extensions": {"nbversion": True},
            "authorizer_class": ROLES[role],
        }
    }


def _table() -> str:
    lines = ["| endpoint | anonymous | reader (read) | writer (read + write) |",
             "|---|---|---|---|"]  # fmt: skip
    for method, path in OPERATIONS:
        row = _results[(method, path)]
        lines.append(
            f"| `{method} {path}` | {row['anonymous']} | {row['reader']} | {row['writer']} |"
        )
    return "\n".join(lines)


def test_the_access_table_in_the_docs_is_current() -> None:
    if len(_results) != len(OPERATIONS) or any(len(r) != 3 for r in _results.values()):
        pytest.skip("run together with test_endpoint_access_by_role")
    table = _table()
    text = DOC.read_text() if DOC.exists() else ""
    begin, end = "<!-- access-table:begin -->", "<!-- access-table:end -->"
    if os.environ.get("NBVERSION_UPDATE_DOCS"):
        if begin in text:
            head, rest = text.split(begin, 1)
            text = head + begin + "\n" + table + "\n" + end + rest.split(end, 1)[1]
        else:
            text += f"\n## Access\n\n{begin}\n{table}\n{end}\n"
        DOC.write_text(text)
    assert f"{begin}\n{table}\n{end}" in DOC.read_text(), (
        "docs/reliability.md's access table is out of date: "
        "run NBVERSION_UPDATE_DOCS=1 pytest tests/server/test_access.py"
    )
