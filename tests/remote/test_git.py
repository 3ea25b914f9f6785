"""Manifests and refs travel by git, data by the remote (as DVC does), with a real bare repo.

Alice and Bob share a bare git repository and a folder remote. ``git pull`` brings the
teammate's history (manifests, refs, remote config); ``nbversion pull`` brings its data.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from nbversion.cli import main
from nbversion.store import Repository
from nbversion.store.refs import HEADS

from .conftest import Point, load_state, notebook_file, save_state


def git(cwd: Path, *args: str) -> str:
    """Run git with a fixed identity; fail the test on error."""
    ident = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]
    res = subprocess.run(
        ["git", *ident, "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, f"git {' '.join(args)}: {res.stderr}"
    return res.stdout


def test_history_by_git_data_by_remote(tmp_path: Path) -> None:
    bare = tmp_path / "team.git"
    git(tmp_path, "init", "--bare", str(bare))
    alice_dir = tmp_path / "alice"
    git(tmp_path, "clone", str(bare), str(alice_dir))
    alice = Repository.init(alice_dir)
    notebook_file(alice_dir / "analysis.ipynb")
    arr = np.random.default_rng(1).random(1_000_000)  # 8 MB: two chunks
    v1 = save_state(alice, "analysis.ipynb", {"arr": arr, "p": Point(1, 2)}, "alice's run")
    root = ["--root", str(alice_dir)]
    assert main(["remote", "add", "origin", str(tmp_path / "data"), *root]) == 0
    assert main(["git-setup", *root]) == 0
    assert main(["push", "origin", *root]) == 0
    git(alice_dir, "add", "analysis.ipynb", ".nbversion")
    tracked = git(alice_dir, "ls-files").split()
    assert any(t.startswith(".nbversion/versions/") for t in tracked)
    assert any(t.startswith(".nbversion/refs/") for t in tracked)
    assert ".nbversion/config.toml" in tracked  # the remote's URL travels with the history
    assert not any(t.startswith(".nbversion/objects/") for t in tracked)  # data does not
    assert not any("index.sqlite" in t or "signatures" in t for t in tracked)
    git(alice_dir, "commit", "-m", "analysis: alice's run")
    git(alice_dir, "push", "origin", "main")

    bob_dir = tmp_path / "bob"
    git(tmp_path, "clone", str(bare), str(bob_dir))
    with Repository.open(bob_dir) as bob:
        nb = bob.refs.notebooks()[0]
        assert bob.refs.get(nb, HEADS, "main") == v1  # the history came by git ...
        assert [m.id for m in bob.log("analysis.ipynb")] == [v1]
        assert not all(bob.objects.has(o) for o in bob.versions.read(v1).object_ids())
    assert main(["pull", "origin", "--root", str(bob_dir)]) == 0  # ... the data by the remote
    with Repository.open(bob_dir) as bob:
        state = load_state(bob, v1)
        assert np.array_equal(state["arr"], arr)
        assert state["p"] == Point(1, 2)
        assert bob.fsck().ok
        arr2 = arr * 2
        v2 = save_state(bob, "analysis.ipynb", {"arr": arr2}, "bob doubles it")
    assert main(["push", "origin", "--root", str(bob_dir)]) == 0
    git(bob_dir, "add", ".nbversion")
    git(bob_dir, "commit", "-m", "analysis: bob's run")
    git(bob_dir, "push", "origin", "main")

    git(alice_dir, "pull", "--ff-only", "origin", "main")
    assert main(["pull", "origin", *root]) == 0
    with Repository.open(alice_dir) as again:
        assert again.refs.get(nb, HEADS, "main") == v2
        assert np.array_equal(load_state(again, v2)["arr"], arr2)
        assert again.fsck().ok
    alice.close()
