"""The ipywidgets version browser of ``%version log``, in JupyterLab without the labextension.

Only the kernel side of nbversion is on (the server extension loads the magic into every
kernel): what a user of any widget-capable front end gets.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from conftest import REPO, TOKEN, Lab
from nbv_helpers import notebook, run_cell, wait_idle, write_notebook

CELLS = [
    "x = 'old'\nacc = 0.71\n%version save -m first",
    "x = 'new'\nacc = 0.84\n%version save -m second",
    "%version log",
    "print(x)",
]


def _open(page: Page, lab: Lab, name: str) -> None:
    page.goto(f"{lab.url}/lab/tree/{name}?reset&token={TOKEN}")
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    expect(notebook(page)).to_be_visible(timeout=30_000)
    wait_idle(page)


def _output(page: Page, index: int) -> Locator:
    return notebook(page).locator(".jp-Cell").nth(index).locator(".jp-OutputArea")


def _row(browser: Locator, message: str) -> Locator:
    return browser.locator(".nbversion-widget-row").filter(has_text=message).first


def test_widget_log_restores_and_compares(
    page: Page, lab_without_labextension: Lab, artifacts: Path
) -> None:
    lab = lab_without_labextension
    write_notebook(lab, "widgets.ipynb", CELLS)
    _open(page, lab, "widgets.ipynb")
    # the labextension is off: no Versions sidebar, only the kernel side
    expect(page.locator('li[data-id="nbversion-panel"]')).to_have_count(0)
    for i in range(3):
        run_cell(page, i)

    browser = _output(page, 2).locator(".nbversion-browser")
    expect(browser).to_be_visible(timeout=30_000)
    expect(browser.locator(".nbversion-widget-row")).to_have_count(2)
    expect(_row(browser, "second")).to_contain_text("HEAD")
    expect(browser.locator(".nbversion-plot svg")).to_be_visible()

    # Restore the older version: a preview first, nothing restored until Confirm
    _row(browser, "first").get_by_role("button", name="Restore", exact=True).click()
    preview = browser.locator(".nbversion-restore-preview")
    expect(preview).to_contain_text("restore: acc, x")
    page.screenshot(path=str(artifacts / "widget-restore-preview.png"))
    browser.get_by_role("button", name="Confirm", exact=True).click()
    expect(browser.locator(".nbversion-status")).to_contain_text(
        re.compile(r"Restored version \w+; restored: acc, x")
    )
    run_cell(page, 3)
    expect(_output(page, 3)).to_have_text("old")

    # Compare: tick both rows, the diff shows the variable that changed
    for message in ("first", "second"):
        _row(browser, message).locator(".nbversion-select input").check()
    compare = browser.get_by_role("button", name="Compare", exact=True)
    expect(compare).to_be_enabled()
    compare.click()
    diff = browser.locator(".nbversion-diff-view")
    expect(diff).to_contain_text("Variables: 0 added, 0 removed, 2 changed")
    expect(diff).to_contain_text("x: old → new")
    page.mouse.move(700, 600)
    page.screenshot(path=str(artifacts / "widget-compare.png"))
    page.set_viewport_size({"width": 1400, "height": 1700})  # the whole widget in one shot
    browser.screenshot(path=str(artifacts / "widget-log.png"))
    shutil.copy(artifacts / "widget-log.png", REPO / "docs" / "images" / "widget-log.png")
