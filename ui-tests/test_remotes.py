"""Remotes added and removed in the sidebar, pushed to with every branch and tag (or a
chosen set), with counts that follow a teammate's push through the server's background
fetch. Real JupyterLab, real kernel, real Chromium, a real bare git repository as the
remote (checked from the outside with a clone), and a folder path that does not exist.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from test_a11y import _axe

from conftest import REPO, Lab
from nbv_helpers import (
    open_notebook,
    run_cell,
    save_version,
    set_cell,
    shot,
    toast,
    write_notebook,
)  # fmt: skip
from sharing_helpers import nbv, refresh, remote_row, teammate_pushes_a_note, widen_sidebar

IMAGES = REPO / "docs" / "images"
NAME = "shared.ipynb"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture(scope="module")
def lab_fetching(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A server that fetches its remotes every 4 s (the default is every 5 minutes)."""
    server = Lab(tmp_path_factory.mktemp("lab-remotes"), fetch_interval=4)
    yield server
    server.stop()


def _env(lab: Lab) -> dict[str, str]:
    """A teammate's environment: git remotes cached beside the server's."""
    return {**os.environ, "NBVERSION_CACHE_DIR": str(lab.root.parent / "nbversion-cache")}


def _remote_side(url: str, where: Path, lab: Lab) -> dict[str, str]:
    """Clone the remote elsewhere (as a teammate would): its branches and tags."""
    if where.exists():
        shutil.rmtree(where)
    nbv("clone", url, str(where), env=_env(lab))
    listed = json.loads(nbv("branch", NAME, "--root", str(where), "--json", env=_env(lab)))
    tags = json.loads(nbv("tag", NAME, "--root", str(where), "--json", env=_env(lab)))
    refs = {f"branch {n}": v for n, v in listed["branches"].items()}
    refs.update({f"tag {n}": v for n, v in tags.items()})
    return {k: v for k, v in refs.items() if " origin/" not in k}


def _add_dialog(panel: Locator, page: Page) -> Locator:
    panel.get_by_role("button", name="Add remote").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.get_by_test_id("nbversion-remote-form")).to_be_visible()
    return dialog


def test_add_push_every_branch_and_tag_live_counts_remove(
    page: Page, lab_fetching: Lab, artifacts: Path, tmp_path: Path
) -> None:
    lab = lab_fetching
    bare = lab.root.parent / "team.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    write_notebook(lab, NAME, ["n = 1"])
    panel = open_notebook(page, lab, NAME)
    widen_sidebar(page)
    run_cell(page, 0)
    save_version(panel, "first try", 1)
    nbv("branch", NAME, "exp", "--root", str(lab.root))
    nbv("tag", NAME, "v1", "--root", str(lab.root))
    set_cell(page, 0, "n = 2")
    run_cell(page, 0)
    save_version(panel, "second try", 2)

    sharing = panel.get_by_test_id("nbversion-sharing")
    sharing.locator("summary").click()
    expect(sharing.get_by_test_id("nbversion-sharing-empty")).to_contain_text("No remote yet")

    # a bad name is shown under its field as you type; a folder that does not exist comes
    # back from the server under the URL field; the dialog stays open through both
    dialog = _add_dialog(sharing, page)
    name = dialog.get_by_label("Name", exact=True)
    name.fill("my remote")
    expect(dialog.get_by_test_id("nbversion-name-error")).to_contain_text("no spaces")
    name.fill("origin")
    expect(dialog.get_by_test_id("nbversion-name-error")).to_have_text("")
    dialog.get_by_label("Folder on the server").fill("/no/such/team/folder")
    dialog.get_by_role("button", name="Add remote").click()
    url_error = dialog.get_by_test_id("nbversion-url-error")
    expect(url_error).to_contain_text("No folder /no/such/team: create it first")
    expect(dialog.get_by_test_id("nbversion-remote-form")).to_be_visible()
    _axe(page, "add remote, an error under the URL (light)", [".jp-Dialog-content"], 10)
    shot(page, artifacts / "add-remote.png")
    shutil.copy(artifacts / "add-remote.png", IMAGES / "add-remote.png")

    # S3 asks for an endpoint and a profile name, never for keys
    dialog.get_by_label("S3 bucket").check()
    expect(dialog.get_by_test_id("nbversion-remote-help")).to_contain_text(
        "never pass through the browser"
    )
    expect(dialog.get_by_label("Profile in ~/.aws/credentials (optional)")).to_be_visible()
    expect(dialog.locator("input[type=password]")).to_have_count(0)
    dialog.get_by_label("Git repository").check()
    dialog.get_by_label("Repository URL").fill(str(bare))
    dialog.get_by_role("button", name="Add remote").click()
    expect(dialog).to_have_count(0, timeout=30_000)
    expect(toast(page, "Added remote origin")).to_be_visible()

    origin = remote_row(sharing)
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑2", timeout=30_000)
    expect(sharing.get_by_test_id("nbversion-fetch-status")).to_contain_text("every 4 s")
    _axe(page, "sharing with a remote (light)", ['[data-testid="nbversion-sharing"]'], 10)

    # Push sends every branch and tag of the notebook (not only the current branch)
    origin.get_by_role("button", name="Push to origin").click()
    pushed = toast(page, "Pushed exp, main and tag v1 to origin: 2 versions")
    expect(pushed).to_be_visible(timeout=60_000)
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑0", timeout=30_000)
    with_refs = _remote_side(f"git+{bare}", tmp_path / "check", lab)
    assert set(with_refs) == {"branch main", "branch exp", "tag v1"}, with_refs

    # a chosen set: only the new tag goes
    set_cell(page, 0, "n = 3")
    run_cell(page, 0)
    save_version(panel, "third try", 3)
    nbv("tag", NAME, "v2", "--root", str(lab.root))
    refresh(panel)
    origin.get_by_role("button", name="Choose branches and tags for origin").click()
    chooser = page.locator(".jp-Dialog")
    expect(chooser.get_by_test_id("nbversion-push-choice")).to_be_visible()
    _axe(page, "push chooser (light)", [".jp-Dialog-content"], 5)
    for box in ("exp", "main (current)", "v1"):
        chooser.get_by_label(box, exact=True).uncheck()
    chooser.get_by_role("button", name="Push the ticked to origin").click()
    expect(toast(page, "Pushed tag v2 to origin")).to_be_visible(timeout=60_000)
    after = _remote_side(f"git+{bare}", tmp_path / "check", lab)
    assert after["tag v2"] != after["branch main"]  # main stayed where it was pushed
    assert after["branch main"] == with_refs["branch main"]
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑1")

    # a teammate pushes main; nobody presses Pull: the background fetch brings the count
    teammate_pushes_a_note(f"git+{bare}", tmp_path / "bea", NAME, _env(lab))
    expect(origin.get_by_test_id("nbversion-behind")).to_have_text("↓1", timeout=40_000)
    expect(panel.get_by_test_id("nbversion-row").filter(has_text="bea's note")).to_have_count(1)
    shot(page, artifacts / "sharing-remotes.png")
    shutil.copy(artifacts / "sharing-remotes.png", IMAGES / "sharing-remotes.png")

    # our push is refused: the dialog says it in plain words (the notebook by name, no id)
    origin.get_by_role("button", name="Push to origin").click()
    conflict = page.locator(".jp-Dialog").get_by_test_id("nbversion-push-conflict")
    expect(conflict).to_be_visible(timeout=60_000)
    expect(conflict).to_contain_text(f"Someone pushed versions to branch main of {NAME}")
    assert not UUID.search(conflict.inner_text()), conflict.inner_text()
    page.locator(".jp-Dialog").get_by_role("button", name="Cancel").click()

    # remove: confirmed, then the row goes; the versions pulled from it stay
    origin.get_by_role("button", name="Remove remote origin").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Remove remote origin").click()
    expect(sharing.get_by_test_id("nbversion-remote")).to_have_count(0, timeout=30_000)
    expect(sharing.locator("summary")).to_contain_text("no remote")
    refresh(panel)
    expect(panel.get_by_test_id("nbversion-row").filter(has_text="bea's note")).to_have_count(1)
    assert "[remote." not in (lab.root / ".nbversion" / "config.toml").read_text()


def test_add_remote_dialog_in_the_dark_theme(page: Page, lab_fetching: Lab) -> None:
    """The dialog with an error under a field, readable in the dark theme (axe-core finds
    no serious violation; screenshot)."""
    lab = lab_fetching
    settings = lab.root.parent / "settings" / "@jupyterlab" / "apputils-extension"
    (settings / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Dark"}))
    try:
        write_notebook(lab, "dark.ipynb", ["x = 1"], kernel=False)
        panel = open_notebook(page, lab, "dark.ipynb", kernel=False)
        expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
        sharing = panel.get_by_test_id("nbversion-sharing")
        if sharing.get_attribute("open") is None:
            sharing.locator("summary").click()
        dialog = _add_dialog(sharing, page)
        dialog.get_by_label("S3 bucket").check()
        dialog.get_by_label("Name", exact=True).fill("lake")
        dialog.get_by_label("S3 URL").fill("https://bucket.example.org/team")
        dialog.get_by_role("button", name="Add remote").click()
        expect(dialog.get_by_test_id("nbversion-url-error")).to_contain_text("s3://")
        _axe(page, "add remote, S3 (dark)", [".jp-Dialog-content"], 10)
        shot(page, IMAGES / "add-remote-dark.png")
        dialog.get_by_role("button", name="Cancel").click()
    finally:
        (settings / "themes.jupyterlab-settings").write_text(
            json.dumps({"theme": "JupyterLab Light"})
        )
