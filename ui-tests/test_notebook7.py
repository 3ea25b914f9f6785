"""The Versions sidebar in Jupyter Notebook 7: the same labextension, in the left area."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from nbversion.store import Repository

from conftest import TOKEN, Lab
from nbv_helpers import rows, save_version, write_notebook


def _notebook(page: Page) -> Locator:
    return page.locator(".jp-NotebookPanel").first


def _run(page: Page, index: int, expect_output: str) -> None:
    """Run a cell; press again if the key came before the kernel connected (it is dropped)."""
    cell = _notebook(page).locator(".jp-CodeCell").nth(index)
    output = cell.locator(".jp-OutputArea")
    for _ in range(6):
        expect(
            _notebook(page).locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
        ).to_be_visible(timeout=60_000)
        cell.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        try:
            expect(output).to_have_text(expect_output, timeout=10_000)
            return
        except AssertionError:
            if cell.locator(".jp-InputPrompt").inner_text().strip() != "[ ]:":
                raise  # it ran, with another output
    expect(output).to_have_text(expect_output)


def _open_versions(page: Page) -> Locator:
    """View > Left Sidebar > Show Versions (the menu Notebook 7 builds for the left area)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^View$")).click()
    page.locator(".lm-Menu-itemLabel", has_text="Left Sidebar").click()
    page.locator(".lm-Menu-itemLabel", has_text="Show Versions").click()
    panel = page.locator("#nbversion-panel")
    expect(panel).to_be_visible(timeout=30_000)
    return panel


def test_notebook7_sidebar_saves_and_lists_versions(
    page: Page, notebook7: Lab, artifacts: Path
) -> None:
    name = "nb7.ipynb"
    path = write_notebook(notebook7, name, ["x = 1\nprint(x)", "x = 2\nprint(x)"])
    page.goto(f"{notebook7.url}/notebooks/{name}?token={TOKEN}")
    expect(_notebook(page)).to_be_visible(timeout=60_000)
    # Notebook 7: no JupyterLab shell, no status bar, yet the plugins activated
    expect(page.locator("#jp-LabShell")).to_have_count(0)
    _run(page, 0, "1")

    panel = _open_versions(page)
    expect(panel.get_by_test_id("nbversion-notebook")).to_contain_text(name)
    save_version(panel, "first in notebook 7", 1)
    _run(page, 1, "2")
    save_version(panel, "second in notebook 7", 2)
    expect(rows(panel).nth(1)).to_contain_text("first in notebook 7")
    # the version holds the kernel's variables, as in JupyterLab
    with Repository.open(notebook7.root) as repo:
        nid = json.loads(path.read_text())["metadata"]["nbversion"]["notebook_id"]
        head = repo.get("HEAD", nid)
    assert head.message == "second in notebook 7"
    assert "x" in head.variables
    page.mouse.move(700, 600)
    page.screenshot(path=str(artifacts / "notebook7-sidebar.png"))
