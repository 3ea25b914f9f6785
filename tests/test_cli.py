"""The ``nbversion`` CLI: in-process via ``main([...])`` and as a real ``python -m nbversion``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import nbversion
from nbversion.cli import build_parser, main

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "source": "x = 1",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
        }
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    assert main(["init", str(tmp_path)]) == 0
    (tmp_path / "a.ipynb").write_text(json.dumps(NOTEBOOK))
    return tmp_path


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_save_log_show_branch_tag(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = ["--root", str(project)]
    nb = str(project / "a.ipynb")
    first = run_json(capsys, "save", nb, "-m", "first", *root)
    second = run_json(capsys, "save", nb, "-m", "second", *root)
    assert isinstance(first, dict)
    assert isinstance(second, dict)
    assert second["parents"] == [first["id"]]
    log = run_json(capsys, "log", nb, *root)
    assert [v["message"] for v in log] == ["second", "first"]  # type: ignore[union-attr]
    shown = run_json(capsys, "show", "HEAD~1", nb, *root)
    assert shown["id"] == first["id"]
    assert shown["message"] == "first"
    assert run_json(capsys, "show", first["id"][:10], *root)["id"] == first["id"]  # type: ignore[index]
    created = run_json(capsys, "branch", nb, "exp", "HEAD~1", *root)
    assert created == {"branch": "exp", "id": first["id"]}
    listing = run_json(capsys, "branch", nb, *root)
    assert listing == {"current": "main", "branches": {"exp": first["id"], "main": second["id"]}}
    run_json(capsys, "branch", nb, "--checkout", "exp", *root)
    third = run_json(capsys, "save", nb, "-m", "third", *root)
    assert third["branch"] == "exp"  # type: ignore[index]
    assert run_json(capsys, "branch", nb, "--undo", "exp", *root)["id"] == first["id"]  # type: ignore[index]
    assert len(run_json(capsys, "branch", nb, "--reflog", "exp", *root)) == 3  # type: ignore[arg-type]
    assert run_json(capsys, "tag", nb, "v1", *root) == {"tag": "v1", "id": first["id"]}
    assert run_json(capsys, "tag", nb, *root) == {"v1": first["id"]}
    run_json(capsys, "tag", nb, "-d", "v1", *root)
    assert run_json(capsys, "reindex", *root) == {"versions": 3}


def test_text_output_and_discovery(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = project / "deep"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert main(["save", "../a.ipynb", "-m", "from a subdir"]) == 0
    assert "[main " in capsys.readouterr().out
    assert main(["log", "../a.ipynb"]) == 0
    assert "from a subdir" in capsys.readouterr().out


def test_gc_dry_run_and_fsck(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = ["--root", str(project)]
    nb = str(project / "a.ipynb")
    main(["save", nb, "-m", "one", *root])
    main(["branch", nb, "tmp", *root])
    main(["branch", nb, "--checkout", "tmp", *root])
    edited = json.loads((project / "a.ipynb").read_text())  # keeps metadata.nbversion
    edited["cells"] = []
    (project / "a.ipynb").write_text(json.dumps(edited))
    main(["save", nb, "-m", "on tmp", *root])
    main(["branch", nb, "--checkout", "main", *root])
    main(["branch", nb, "-d", "tmp", *root])
    dry = run_json(capsys, "gc", "--dry-run", "--grace", "0s", *root)
    assert len(dry["versions_removed"]) == 1
    assert dry["bytes_freed"] > 0
    capsys.readouterr()
    assert main(["gc", "--dry-run", "--grace", "0s", *root]) == 0
    assert "would remove 1 versions" in capsys.readouterr().out
    real = run_json(capsys, "gc", "--grace", "0s", *root)
    assert real["versions_removed"] == dry["versions_removed"]  # type: ignore[index]
    assert run_json(capsys, "fsck", *root)["ok"] is True  # type: ignore[index]

    victim = next(p for p in (project / ".nbversion" / "objects").rglob("*") if p.is_file())
    os.chmod(victim, 0o644)
    data = bytearray(victim.read_bytes())
    data[-1] ^= 1
    victim.write_bytes(bytes(data))
    capsys.readouterr()
    assert main(["fsck", *root]) == 1
    assert "corrupt" in capsys.readouterr().out
    assert main(["fsck", "--repair", *root]) == 1
    assert "removed corrupt object" in capsys.readouterr().out


def test_errors_map_to_exit_codes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = ["--root", str(project)]
    assert main(["show", "HEAD", str(project / "a.ipynb"), *root]) == 1  # NotFound: nothing saved
    assert main(["save", str(project / "a.ipynb"), "-m", "x", "-b", "bad..name", *root]) == 2
    assert "invalid ref name" in capsys.readouterr().err
    assert main(["log", "x.ipynb", *root]) == 1  # NotFound: never saved
    empty = project.parent / f"{project.name}-empty"
    empty.mkdir()
    assert main(["log", "x.ipynb", "--root", str(empty)]) == 1  # no store found
    assert "nbversion init" in capsys.readouterr().err


def test_parser_lists_every_command() -> None:
    text = build_parser().format_help()
    for cmd in ("init", "save", "log", "show", "branch", "tag", "gc", "fsck", "reindex"):
        assert cmd in text


def test_real_subprocess(tmp_path: Path) -> None:
    env = dict(os.environ)
    src = str(Path(nbversion.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    (tmp_path / "n.ipynb").write_text(json.dumps(NOTEBOOK))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "nbversion", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert run("init").returncode == 0
    saved = run("save", "n.ipynb", "-m", "hello", "--json")
    assert saved.returncode == 0, saved.stderr
    vid = json.loads(saved.stdout)["id"]
    shown = run("show", vid[:8])
    assert shown.returncode == 0
    assert "hello" in shown.stdout
    assert run("fsck").returncode == 0
    bad = run("show", "HEAD")
    assert bad.returncode == 2
    assert "say which notebook" in bad.stderr
