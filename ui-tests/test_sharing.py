"""Sharing from the sidebar: remotes, ahead/behind, Push and Pull, authors, the trust prompt.

Real JupyterLab, real kernel, real Chromium; a folder remote added with the CLI, and a
teammate's store cloned with the CLI that saves (with a kernel) and pushes a version.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from conftest import REPO, Lab
from nbv_helpers import (
    notebook,
    open_notebook,
    row,
    row_action,
    run_cell,
    save_version,
    set_cell,
    shot,
    toast,
    wait_idle,
    write_notebook,
)  # fmt: skip
from sharing_helpers import (
    ensure_origin,
    nbv,
    refresh,
    remote_row,
    teammate_pushes_a_note,
    widen_sidebar,
)  # fmt: skip

IMAGES = REPO / "docs" / "images"
TEAMMATE = "Bea Teammate"


def _teammate_env(home: Path) -> dict[str, str]:
    """Another author: git identity from a config file of her own."""
    config = home / "gitconfig"
    config.write_text(f"[user]\n\tname = {TEAMMATE}\n\temail = bea@example.org\n")
    return {**os.environ, "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


def _teammate_saves_a_point(lab: Lab, name: str, tmp: Path) -> None:
    """Clone the remote, add a pickled user-class variable, save it with a kernel, push."""
    where = tmp / "bea"
    env = _teammate_env(tmp)
    nbv("clone", str(ensure_origin(lab)), str(where), env=env)
    path = where / name
    nb = json.loads(path.read_text())
    nb["cells"].append({
        "cell_type": "code", "execution_count": None, "id": "beapoint", "metadata": {},
        "outputs": [],
        "source": "class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n"
                  "p = Point(3, 4)",
    })  # fmt: skip
    path.write_text(json.dumps(nb))
    nbv("save", name, "--execute", "-m", "from bea", "--root", str(where), cwd=where, env=env)
    nbv("push", "origin", name, "--root", str(where), cwd=where, env=env)


def test_push_pull_authors_and_trust(page: Page, lab: Lab, artifacts: Path, tmp_path: Path) -> None:
    name = "sharing.ipynb"
    write_notebook(lab, name, ["n = 1", "label = 'ours'"])
    panel = open_notebook(page, lab, name)
    widen_sidebar(page)
    run_cell(page, 0)
    run_cell(page, 1)
    save_version(panel, "ours one", 1)
    set_cell(page, 0, "n = 2")
    run_cell(page, 0)
    save_version(panel, "ours two", 2)

    sharing = panel.get_by_test_id("nbversion-sharing")
    if not (lab.root / ".nbversion" / "config.toml").read_text().count("[remote."):
        # the empty state says what a remote is for, beside its Add remote button
        expect(sharing.get_by_test_id("nbversion-sharing-empty")).to_contain_text("No remote yet")
    ensure_origin(lab)
    refresh(panel)
    origin = remote_row(panel)
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑2")
    expect(origin.get_by_test_id("nbversion-behind")).to_have_text("↓0")
    expect(origin.get_by_test_id("nbversion-remote-state")).to_contain_text("never pushed")

    origin.get_by_role("button", name="Push to origin").click()
    expect(toast(page, "Pushed main to origin")).to_be_visible(timeout=60_000)
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑0", timeout=30_000)
    expect(origin.get_by_test_id("nbversion-remote-state")).to_contain_text("up to date")
    expect(row(panel, "ours two").get_by_test_id("nbversion-locality")).to_have_attribute(
        "data-locality", "both"
    )
    # our own versions carry our name, not the "someone else" mark
    expect(row(panel, "ours two").get_by_test_id("nbversion-author")).not_to_have_class(
        re.compile("jp-mod-foreign")
    )

    _teammate_saves_a_point(lab, name, tmp_path)
    origin.get_by_role("button", name="Pull from origin").click()
    expect(toast(page, "Pulled from origin: 1 version")).to_be_visible(timeout=60_000)
    expect(origin.get_by_test_id("nbversion-behind")).to_have_text("↓1", timeout=30_000)
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑0")
    theirs = row(panel, "from bea")
    expect(theirs).to_be_visible()
    author = theirs.get_by_test_id("nbversion-author")
    expect(author).to_have_text(TEAMMATE)
    expect(author).to_have_class(re.compile("jp-mod-foreign"))
    expect(theirs.get_by_test_id("nbversion-from-remote")).to_have_text("⇣ origin")
    expect(theirs.locator(".jp-mod-branch")).to_have_text("origin/main")
    # remote-tracking branches are not offered in the branch switcher
    expect(panel.get_by_label("Switch branch").locator("option")).to_have_text(["main"])
    shot(page, artifacts / "sharing.png")
    shutil.copy(artifacts / "sharing.png", IMAGES / "sharing.png")

    # the trust prompt names the variables that would be unpickled
    wait_idle(page)
    row_action(panel, "from bea", "Restore")
    dialog = page.locator(".jp-Dialog")
    prompt = dialog.get_by_test_id("nbversion-trust-prompt")
    expect(prompt).to_be_visible(timeout=60_000)
    listed = prompt.get_by_test_id("nbversion-trust-list")
    expect(listed).to_contain_text("p __main__.Point")
    expect(listed).to_contain_text("Point")
    expect(prompt).to_contain_text(TEAMMATE)
    expect(dialog.get_by_role("button", name="Restore without them")).to_be_visible()
    shot(page, artifacts / "trust-prompt.png")
    shutil.copy(artifacts / "trust-prompt.png", IMAGES / "trust-prompt.png")

    # "Restore without them": the rest arrives, the pickles are held back, nothing unpickled
    dialog.get_by_role("button", name="Restore without them").click()
    expect(toast(page, re.compile(r"held back \(not trusted\): .*\bp\b"))).to_be_visible(
        timeout=60_000
    )
    expect(notebook(page).locator(".jp-Cell").filter(has_text="class Point")).to_have_count(
        1, timeout=30_000
    )
    set_cell(page, 0, "print('p' in globals(), 'Point' in globals(), n)")
    run_cell(page, 0)
    out = notebook(page).locator(".jp-Cell").nth(0).locator(".jp-OutputArea-output")
    expect(out).to_have_text("False False 2", timeout=30_000)

    # "Trust and restore"
    row_action(panel, "from bea", "Restore")
    expect(dialog.get_by_test_id("nbversion-trust-prompt")).to_be_visible(timeout=60_000)
    dialog.get_by_role("button", name="Trust and restore").click()
    restored = toast(page, re.compile(r"Restored \w+: notebook cells; 2 variables restored"))
    expect(restored).to_be_visible(timeout=60_000)

    # the live kernel holds the teammate's object
    expect(notebook(page).locator(".jp-Cell").filter(has_text="class Point")).to_have_count(
        1, timeout=30_000
    )
    wait_idle(page)
    set_cell(page, 0, "print(type(p).__name__, p.x + p.y, n)")
    run_cell(page, 0)
    expect(out).to_have_text("Point 7 2", timeout=30_000)


def test_fetch_first_then_pull_join_and_push(page: Page, lab: Lab, tmp_path: Path) -> None:
    name = "conflict.ipynb"
    write_notebook(lab, name, ["c = 1"])
    panel = open_notebook(page, lab, name)
    run_cell(page, 0)
    save_version(panel, "mine one", 1)
    ensure_origin(lab)
    refresh(panel)
    origin = remote_row(panel)
    origin.get_by_role("button", name="Push to origin").click()
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑0", timeout=60_000)

    # a teammate pushes main meanwhile (a notebook-only version from the command line)
    teammate_pushes_a_note(str(ensure_origin(lab)), tmp_path / "bea", name, _teammate_env(tmp_path))

    save_version(panel, "mine two", 2)
    origin.get_by_role("button", name="Push to origin").click()
    dialog = page.locator(".jp-Dialog")
    conflict = dialog.get_by_test_id("nbversion-push-conflict")
    expect(conflict).to_be_visible(timeout=60_000)
    expect(dialog).to_contain_text("fetch first")
    expect(conflict).to_contain_text("Pull first")
    # plain words: the notebook by its name, never its id or the server's raw message
    expect(conflict).to_contain_text(f"Someone pushed versions to branch main of {name}")
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", conflict.inner_text()), conflict.inner_text()
    expect(conflict).not_to_contain_text("Server:")
    dialog.get_by_role("button", name="Pull from origin").click()
    expect(toast(page, "Pulled from origin: 1 version")).to_be_visible(timeout=60_000)
    expect(origin.get_by_test_id("nbversion-behind")).to_have_text("↓1", timeout=30_000)
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑1")
    expect(origin.get_by_test_id("nbversion-remote-state")).to_contain_text("diverged")

    origin.get_by_role("button", name="Join origin/main").click()
    expect(toast(page, "Joined origin/main into main")).to_be_visible(timeout=30_000)
    expect(origin.get_by_test_id("nbversion-behind")).to_have_text("↓0", timeout=30_000)
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑2")
    origin.get_by_role("button", name="Push to origin").click()
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑0", timeout=60_000)
    expect(origin.get_by_test_id("nbversion-remote-state")).to_contain_text("up to date")
    expect(row(panel, "Join origin/main")).to_contain_text("current")
