"""The environment probe: keys, speed, and git state read from a real repository."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import time
from pathlib import Path

from nbversion.capture import git_state, probe_environment

GIT = [
    "git",
    "-c",
    "user.name=T",
    "-c",
    "user.email=t@example.org",
    "-c",
    "init.defaultBranch=main",
]


def test_keys_and_values(tmp_path: Path) -> None:
    env = probe_environment(str(tmp_path))
    json.dumps(env)
    assert {
        "python",
        "platform",
        "packages",
        "cpu",
        "memory",
        "gpu",
        "hostname",
        "user",
        "time",
        "kernel",
        "git",
    } <= set(env)
    assert env["python"]["implementation"] == "CPython"
    assert env["packages"]["numpy"] == importlib.metadata.version("numpy")
    assert list(env["packages"]) == sorted(env["packages"])
    assert env["cpu"]["count"] >= 1
    assert env["memory"]["total_bytes"] > 0
    assert env["time"].endswith("+00:00")
    assert env["kernel"]["ipykernel"] == importlib.metadata.version("ipykernel")
    assert env["git"] is None  # tmp_path is not inside a repository


def test_fast_enough() -> None:
    start = time.perf_counter()
    probe_environment()
    first = time.perf_counter() - start
    start = time.perf_counter()
    probe_environment()
    second = time.perf_counter() - start
    print(f"probe_environment: first {first * 1000:.0f} ms, cached {second * 1000:.0f} ms")
    assert first < 2.0
    assert second < 0.5


def test_git_state_of_a_real_repository(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run([*GIT, "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init")
    state = git_state(str(tmp_path))
    assert state is not None
    assert state["commit"] is None  # no commits yet
    (tmp_path / "a.txt").write_text("one\n")
    git("add", "a.txt")
    git("commit", "-m", "first")
    sub = tmp_path / "nb"
    sub.mkdir()
    state = git_state(str(sub))
    assert state is not None
    assert state["root"] == str(tmp_path.resolve())
    assert state["branch"] == "main"
    assert len(state["commit"]) == 40
    assert state["dirty"] is False
    assert state["diffstat"] is None
    (tmp_path / "a.txt").write_text("one\ntwo\n")
    (tmp_path / "new.txt").write_text("x")
    state = git_state(str(tmp_path / "a.txt"))
    assert state is not None
    assert state["dirty"] is True
    assert state["untracked_files"] == 1
    assert state["diffstat"] == "1 file changed, 1 insertion(+)"
    assert state["patch"] is not None
    assert "+two" in state["patch"]
    assert state["patch_truncated"] is False


def test_dirty_patch_covers_code_not_notebooks(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run([*GIT, "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init")
    (tmp_path / "lib.py").write_text("A = 1\n")
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "a.ipynb").write_text('{"cells": []}\n')
    git("add", ".")
    git("commit", "-m", "first")
    (tmp_path / "lib.py").write_text("A = 2\n")
    (tmp_path / "nb" / "a.ipynb").write_text('{"cells": [1]}\n')
    state = git_state(str(tmp_path / "nb"))  # asked from the notebook's folder
    assert state is not None
    assert "-A = 1\n+A = 2" in state["patch"]  # the code above it is included
    assert "a.ipynb" not in state["patch"]  # the notebook is in the version itself
    (tmp_path / "lib.py").write_text("A = 3\n" * 100_000)
    state = git_state(str(tmp_path))
    assert state is not None
    assert state["patch_truncated"] is True
    assert len(state["patch"]) == 256 * 1024
