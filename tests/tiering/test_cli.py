"""The du, evict, fetch and budget commands."""

from __future__ import annotations

import json

import pytest

from nbversion import remote
from nbversion.cli import main
from nbversion.store import Repository

Project = tuple[Repository, list[str]]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_cli_du_evict_fetch_budget(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    repo, (v1, _v2) = project
    root = str(repo.root)
    code, out = run(capsys, "evict", "--root", root)
    assert code == 1
    assert "not on remote 'origin'" in out
    assert "nbversion push origin" in out

    remote.push(repo, remote.get_remote(repo.store_dir, "origin"))
    code, out = run(capsys, "evict", "--root", root, "--dry-run", "--keep-branch-heads")
    assert code == 0
    assert out.startswith("would evict 2 objects (4.0 MiB) to origin")  # chunk 0, a header
    assert "would leave local 8.4 MiB" in out

    code, out = run(capsys, "budget", "--root", root, "30MB")
    assert "of budget 30.0 MiB" in out
    code, out = run(capsys, "evict", "--root", root, "--json")
    assert code == 0
    assert json.loads(out)["bytes_freed"] > 8_000_000

    code, out = run(capsys, "du", "--root", root, "analysis.ipynb", "-v")
    assert code == 0
    assert "remote-only" in out
    assert "unique" in out
    assert "arr" in out
    assert "of budget 30.0 MiB" in out
    code, out = run(capsys, "du", "--root", root, "--json")
    data = json.loads(out)
    assert {v["locality"] for v in data["versions"]} == {"remote-only"}
    assert data["budget"] == 30 << 20

    code, out = run(capsys, "fetch", "--root", root, v1[:10])
    assert code == 0
    assert out.startswith("fetched ")
    code, out = run(capsys, "budget", "--root", root, "off", "--json")
    assert json.loads(out)["budget"] is None
