"""The Versions sidebar in a real JupyterLab, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import nbversion

from conftest import TOKEN, Lab


def open_lab(page: Page, lab: Lab, path: str = "") -> None:
    where = f"/lab/tree/{path}" if path else "/lab"
    page.goto(f"{lab.url}{where}?token={TOKEN}")
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    page.wait_for_selector(".jp-LabShell", timeout=60_000)


def test_versions_panel_shows_server_status(page: Page, lab: Lab, artifacts: Path) -> None:
    open_lab(page, lab, "demo.ipynb")
    tab = page.locator('.jp-SideBar.jp-mod-left li[data-id="nbversion-panel"]')
    expect(tab).to_be_visible(timeout=30_000)
    panel = page.locator("#nbversion-panel")
    if not panel.is_visible():  # the shared workspace may have restored it open already
        tab.click()
    expect(panel).to_be_visible()
    panel.locator("summary", has_text="Server").click()  # the status sits in a folded footer
    expect(panel.get_by_test_id("nbversion-version")).to_have_text(
        f"nbversion {nbversion.__version__}", timeout=30_000
    )
    expect(panel.get_by_test_id("nbversion-root")).to_have_text(str(lab.root.resolve()))
    expect(panel.get_by_test_id("nbversion-store")).to_contain_text(".nbversion")
    page.screenshot(path=str(artifacts / "versions-panel.png"))


def _palette_item(page: Page, label: str) -> Locator | None:
    """Open the command palette from the View menu and search it for ``label``."""
    page.keyboard.press("Escape")
    page.locator("#jp-MainMenu").get_by_text("View", exact=True).click()
    page.locator(".lm-Menu-content .lm-Menu-item", has_text="Command Palette").first.click()
    palette = page.locator(".lm-CommandPalette").filter(has=page.locator("input:visible"))
    expect(palette).to_be_visible()
    search = palette.locator("input")
    item = palette.locator(".lm-CommandPalette-item", has_text=label).first
    try:  # the modal palette may close again before it is typed into: the caller retries
        search.click(timeout=5_000)
        search.press_sequentially(label, timeout=5_000)
        item.wait_for(state="visible", timeout=10_000)
    except PlaywrightTimeoutError:
        return None
    return item


def test_palette_command_opens_the_panel(page: Page, lab: Lab) -> None:
    open_lab(page, lab)
    # the modal palette closes if anything takes focus while JupyterLab is still
    # restoring the layout: open it again rather than fail on that race
    for _ in range(3):
        item = _palette_item(page, "Show Versions Panel")
        if item is None:
            continue
        try:
            item.click(timeout=5_000)
        except PlaywrightTimeoutError:
            continue  # the palette closed under the pointer (JupyterLab 4.0): open it again
        break
    else:
        pytest.fail("the command palette never listed 'Show Versions Panel'")
    expect(page.locator("#nbversion-panel")).to_be_visible()
