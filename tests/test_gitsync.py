"""Auto-commit on save with a real git repository."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

from nbversion.cli import main
from nbversion.store import Repository

IDENT = ["-c", "user.name=Ada", "-c", "user.email=ada@example.org", "-c", "init.defaultBranch=main"]


def git(cwd: Path, *args: str) -> str:
    res = subprocess.run(["git", *IDENT, *args], cwd=cwd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return res.stdout


def notebook(path: Path, source: str) -> None:
    nb = {
        "cells": [{"cell_type": "code", "source": source, "metadata": {}, "outputs": []}],
        "metadata": {"nbversion": {"notebook_id": "5d9a1c1e-0000-4000-8000-000000000001"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb))


def test_each_save_commits_the_notebook_and_only_it(tmp_path: Path) -> None:
    git(tmp_path, "init")
    for key, val in (("user.name", "Ada"), ("user.email", "ada@example.org")):
        git(tmp_path, "config", key, val)
    (tmp_path / "README.md").write_text("project\n")
    git(tmp_path, "add", "README.md")
    git(tmp_path, "commit", "-m", "start")
    repo = Repository.init(tmp_path)
    nb = tmp_path / "analysis.ipynb"
    notebook(nb, "x = 1")
    assert main(["git-setup", "--autocommit", "on", "--root", str(tmp_path)]) == 0

    (tmp_path / "README.md").write_text("project, edited\n")
    git(tmp_path, "add", "README.md")  # the user's own staged change
    first = repo.save_notebook_file(nb, "baseline")
    log = git(tmp_path, "log", "--format=%s%n%b", "-1")
    assert log.startswith("baseline")
    assert f"nbversion version {first.id}" in log
    files = git(tmp_path, "show", "--name-only", "--format=", "HEAD").split()
    assert "analysis.ipynb" in files
    assert f".nbversion/versions/{first.id}.json" in files
    assert not any(f.startswith(".nbversion/objects/") for f in files)
    assert "README.md" not in files  # not ours to commit ...
    assert "README.md" in git(tmp_path, "diff", "--cached", "--name-only")  # ... still staged

    notebook(nb, "x = 2")
    second = repo.save_notebook_file(nb, "x is two")
    assert f"nbversion version {second.id}" in git(tmp_path, "log", "-1", "--format=%b")
    assert '"x = 2"' in git(tmp_path, "show", "HEAD:analysis.ipynb")

    count = len(git(tmp_path, "log", "--format=%H").split())
    assert main(["git-setup", "--autocommit", "off", "--root", str(tmp_path)]) == 0
    notebook(nb, "x = 3")
    repo.save_notebook_file(nb, "not committed")
    assert len(git(tmp_path, "log", "--format=%H").split()) == count
    repo.close()


def test_autocommit_outside_git_still_saves(tmp_path: Path) -> None:
    repo = Repository.init(tmp_path)
    nb = tmp_path / "a.ipynb"
    notebook(nb, f"# {uuid.uuid4()}")
    assert main(["git-setup", "--autocommit", "on", "--root", str(tmp_path)]) == 0
    m = repo.save_notebook_file(nb, "saved anyway")  # git fails: logged, never raised
    assert repo.versions.has(m.id)
    repo.close()
