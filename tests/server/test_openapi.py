"""The OpenAPI spec shipped with the package matches the routes, and a fuzz run finds no 5xx."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from nbversion.server.handlers import route_table
from nbversion.store import Repository

from ..servers import TOKEN, Server

SPEC_PATH = Path(__file__).resolve().parents[2] / "server_ext/nbversion/server/openapi.yaml"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
METHODS = {"get", "post", "delete", "put", "patch"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return yaml.safe_load(SPEC_PATH.read_text())  # type: ignore[no-any-return]


def _route_matches(regex: str, path: str) -> bool:
    samples = {"kind": "branches", "job_id": "0" * 32, "request_id": "0" * 32}
    concrete = re.sub(r"\{([^}]+)\}", lambda m: samples.get(m[1], "x"), path)
    return re.fullmatch(regex.replace("/nbversion/api", ""), concrete) is not None


def test_every_route_is_documented_and_every_documented_path_is_served(
    spec: dict[str, Any],
) -> None:
    routes = route_table()
    for path, ops in spec["paths"].items():
        assert any(_route_matches(r, path) for r, _ in routes), f"{path} has no handler"
        for method in set(ops) & METHODS:
            handlers = [h for r, h in routes if _route_matches(r, path)]
            assert any(hasattr(h, method) for h in handlers), f"{method.upper()} {path}"
    for regex, handler in routes:
        documented = [p for p in spec["paths"] if _route_matches(regex, p)]
        assert documented, f"route {regex} is not in openapi.yaml"
        for method in METHODS:
            if method in vars(handler):
                assert any(method in spec["paths"][p] for p in documented), (
                    f"{method.upper()} {regex} is not documented"
                )


def test_every_operation_documents_its_errors(spec: dict[str, Any]) -> None:
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                assert "403" in op["responses"], f"{method} {path} lacks 403"
                assert op.get("operationId"), f"{method} {path} lacks an operationId"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(EXAMPLES / "demo.ipynb", root / "analysis.ipynb")
    with Repository.init(root) as repo:
        repo.save_notebook_file(root / "analysis.ipynb", "first")
        repo.save_notebook_file(root / "analysis.ipynb", "second")
    srv = Server(root, [])
    yield srv
    srv.stop()


def _schemathesis(server: Server, checks: str, mode: str) -> tuple[int, str]:
    st = Path(sys.executable).with_name("st")
    cmd = [
        str(st), "run", str(SPEC_PATH), "--url", f"{server.url}/nbversion/api",
        "-H", f"Authorization: token {TOKEN}", "--checks", checks, "--mode", mode,
        "--max-examples", "60", "--seed", "20261127", "--no-shrink", "--workers", "1",
    ]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    tail = out.stdout[-6000:]
    assert out.returncode == 0, tail + out.stderr[-2000:]
    cases = re.search(r"(\d+) generated, (\d+) passed", out.stdout)
    assert cases is not None, tail
    assert cases[1] == cases[2], tail
    return int(cases[1]), tail


def test_fuzzing_the_spec_finds_no_server_error(fuzz_server: Server) -> None:
    """schemathesis, valid and invalid inputs, every phase: never a 5xx."""
    generated, _ = _schemathesis(fuzz_server, "not_a_server_error", "all")
    print(f"schemathesis (all modes): {generated} cases, no 5xx")
    assert generated >= 1000
    # the server's own access log agrees: no request of ours answered 5xx
    server_errors = re.findall(r"\] 5\d\d [A-Z]+ /nbversion\S*", fuzz_server.log())
    assert not server_errors, server_errors[:10]


def test_valid_requests_get_documented_answers(fuzz_server: Server) -> None:
    """With valid inputs, statuses, content types and bodies match openapi.yaml."""
    checks = "response_schema_conformance,status_code_conformance,content_type_conformance"
    generated, _ = _schemathesis(fuzz_server, checks, "positive")
    print(f"schemathesis (positive, conformance): {generated} cases")
