"""The Versions sidebar in a real JupyterLab, in real Chromium."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

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


def test_palette_command_opens_the_panel(page: Page, lab: Lab) -> None:
    open_lab(page, lab)
    page.locator("#jp-MainMenu").get_by_text("View", exact=True).click()
    page.locator(".lm-Menu-content .lm-Menu-item", has_text="Command Palette").first.click()
    palette = page.locator(".lm-CommandPalette").filter(has=page.locator("input:visible"))
    expect(palette).to_be_visible()
    search = palette.locator("input")
    search.click()
    search.press_sequentially("Show Versions Panel")
    item = palette.locator(".lm-CommandPalette-item", has_text="Show Versions Panel").first
    expect(item).to_be_visible(timeout=30_000)
    item.click()
    expect(page.locator("#nbversion-panel")).to_be_visible()
