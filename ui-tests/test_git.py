"""Git auto-commit from the sidebar: the checkbox in the Sharing section, then real commits.

A JupyterLab of its own (its root becomes a git repository, which the session's other
tests must not see), a real kernel, real Chromium and the real ``git``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from conftest import Lab
from nbv_helpers import open_notebook, run_cell, save_version, set_cell, toast, write_notebook
from sharing_helpers import refresh


def git(cwd: Path, *args: str) -> str:
    res = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert res.returncode == 0, f"git {' '.join(args)}: {res.stderr}"
    return res.stdout


@pytest.fixture(scope="module")
def git_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    server = Lab(tmp_path_factory.mktemp("lab-git"))
    yield server
    server.stop()


def _unfold_sharing(panel: Locator) -> Locator:
    sharing = panel.get_by_test_id("nbversion-sharing")
    if sharing.get_attribute("open") is None:
        sharing.locator("summary").click()
    expect(sharing).to_have_attribute("open", "")
    return sharing


def test_autocommit_checkbox_commits_each_save(page: Page, git_lab: Lab) -> None:
    root = git_lab.root
    name = "tracked.ipynb"
    write_notebook(git_lab, name, ["x = 1"])
    panel = open_notebook(page, git_lab, name)
    sharing = _unfold_sharing(panel)
    if subprocess.run(["git", "rev-parse"], cwd=root, capture_output=True).returncode != 0:
        # the throwaway root is not in git yet: no checkbox, a muted line
        expect(sharing.get_by_test_id("nbversion-git-none")).to_contain_text(
            "not in a git repository", timeout=30_000
        )
        expect(sharing.get_by_test_id("nbversion-git")).to_have_count(0)

    git(root, "init", "-q")
    for key, val in (("user.name", "Ada Lovelace"), ("user.email", "ada@example.org"),
                     ("commit.gpgsign", "false")):  # fmt: skip
        git(root, "config", key, val)
    refresh(panel)
    box = sharing.get_by_role("checkbox", name="Commit notebook to git on each save")
    expect(box).to_be_visible(timeout=30_000)
    expect(box).not_to_be_checked()

    box.click()
    expect(toast(page, "Each save now also commits the notebook to git")).to_be_visible(
        timeout=30_000
    )
    expect(box).to_be_checked()
    expect(sharing.locator("summary")).to_contain_text("git auto-commit")
    assert "autocommit = true" in (root / ".nbversion" / "config.toml").read_text()
    assert (root / ".nbversion" / ".gitignore").is_file()

    run_cell(page, 0)
    save_version(panel, "first committed save", 1)
    assert git(root, "log", "--format=%s") == "first committed save\n"
    files = git(root, "show", "--name-only", "--format=", "HEAD").split()
    assert name in files
    assert not any(f.startswith(".nbversion/objects/") for f in files)
    assert "nbversion version " in git(root, "log", "-1", "--format=%b")

    box.click()
    expect(toast(page, "Saves no longer commit the notebook to git")).to_be_visible(timeout=30_000)
    expect(box).not_to_be_checked()
    assert "autocommit = false" in (root / ".nbversion" / "config.toml").read_text()
    set_cell(page, 0, "x = 2")
    run_cell(page, 0)
    save_version(panel, "second save, not committed", 2)
    assert git(root, "log", "--format=%s") == "first committed save\n"

    # the repository went away behind the sidebar's back: turning it on is refused, and says why
    expect(box).to_be_enabled(timeout=30_000)  # the save's own refresh is over
    shutil.rmtree(root / ".git")
    box.click()
    expect(toast(page, "is not in a git repository: run git init first")).to_be_visible(
        timeout=30_000
    )
    expect(box).not_to_be_checked()
    refresh(panel)
    expect(sharing.get_by_test_id("nbversion-git-none")).to_be_visible(timeout=30_000)
