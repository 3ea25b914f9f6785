"""Hostile versions that travel by git (manifests, refs, a link in the work tree) with their
data on the folder remote, as a teammate's commit to a shared repository delivers them.

Git adds what no remote can: files in the work tree. A checked-out symbolic link pointing
out of the project must not let ``%version restore --files`` write through it, and
manifests that arrive by ``git pull`` are never validated on arrival: every reader must
refuse the bad ones on its own, without a traceback and without hiding the good ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from nbversion.cli import main
from nbversion.store import Repository

from ..kernel.conftest import Kernel
from .conftest import forge_hostile, forge_refused, git
from .forge import Attacker, benign


@pytest.fixture
def via_git(tmp_path: Path, marker: Path) -> tuple[Attacker, Path, list[str]]:
    """Mallory commits hostile versions and a link out of the project; the victim clones."""
    bare = tmp_path / "team.git"
    git(tmp_path, "init", "--bare", str(bare))
    mallory = tmp_path / "mallory"
    git(tmp_path, "clone", str(bare), str(mallory))
    marker.parent.mkdir(parents=True, exist_ok=True)
    attacker = Attacker(mallory, marker)
    hostile = [f for f in forge_hostile(attacker, tmp_path / "victim") if f.arrives]
    for f in hostile:
        variables = {n: v for n, label in f.labels.items() if (v := benign(label)) is not None}
        attacker.forge(f"twin {f.name}", variables, branch=f"twin-{f.name}")
    refused = [forge_refused(attacker, "../escape.py"), forge_refused(attacker, "__builtins__")]
    (mallory / "link").symlink_to("../outside-dir")
    root = ["--root", str(mallory)]
    assert main(["remote", "add", "origin", str(tmp_path / "shared"), *root]) == 0
    attacker.publish_folder(tmp_path / "shared")
    assert main(["git-setup", *root]) == 0
    git(mallory, "add", "analysis.ipynb", "link", ".nbversion")
    git(mallory, "commit", "-m", "results")
    git(mallory, "push", "origin", "HEAD:main")
    victim = tmp_path / "victim"
    git(tmp_path, "clone", str(bare), str(victim))
    assert (victim / "link").is_symlink()
    ids = [f.vid for f in hostile]
    return attacker, victim, [*ids, *(f.vid for f in refused)]


def test_git_route_cli_reads(
    via_git: tuple[Attacker, Path, list[str]],
    marker: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    attacker, victim, ids = via_git
    root = ["--root", str(victim)]
    assert main(["pull", "origin", *root]) == 0, capsys.readouterr()
    # one refused manifest does not hide the others from the history
    assert main(["log", "analysis.ipynb", *root]) == 0
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    refused = {f.vid for f in attacker.forged if f.refused_manifest}
    for vid in ids:
        code = main(["show", vid, *root])
        out = capsys.readouterr()
        assert "Traceback" not in out.out + out.err
        if vid in refused:
            assert code != 0
            assert "refused" in out.err, out.err
        else:
            assert code == 0, out.err
    assert not marker.exists()


def test_git_route_kernel_restore_never_writes_through_a_link(
    via_git: tuple[Attacker, Path, list[str]], marker: Path, tmp_path: Path
) -> None:
    attacker, victim, _ = via_git
    assert main(["pull", "origin", "--root", str(victim)]) == 0
    symlink_case = next(f for f in attacker.forged if f.name == "symlink-escape")
    env = {**os.environ, "NBVERSION_SECRET_FILE": str(tmp_path / "victim-secret")}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(victim), env=env)
    k = Kernel(km, kc)
    try:
        k.check("%load_ext nbversion")
        k.check(f"import nbversion; nbversion.set_notebook({str(victim / 'analysis.ipynb')!r})")
        res = k.run(f"%version restore {symlink_case.vid} --files")
        shown = res.stdout + res.stderr + res.error + str(res.data)
        assert "outside the project" in shown, shown
        assert "Traceback (most recent call last)" not in res.stderr
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert not (tmp_path / "outside-dir" / "startup.py").exists()
    assert not marker.exists()
    with Repository.open(victim) as repo:
        assert repo.versions.has(symlink_case.vid)
