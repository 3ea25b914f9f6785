"""Shared steps for the Versions sidebar browser tests."""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from conftest import TOKEN, Lab

# Accel is Ctrl on Linux.
SAVE_SHORTCUT = "Control+Alt+s"


def write_notebook(lab: Lab, name: str, sources: list[str], kernel: bool = True) -> Path:
    """A fresh notebook on disk with one code cell per source (and a stable nbversion id)."""
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": uuid.uuid4().hex[:8],
             "metadata": {}, "outputs": [], "source": src}
            for src in sources
        ],
        "metadata": {
            "language_info": {"name": "python"},
            "nbversion": {"notebook_id": str(uuid.uuid4())},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    if kernel:
        nb["metadata"]["kernelspec"] = {
            "display_name": "Python 3", "language": "python", "name": "python3"
        }  # fmt: skip
    path = lab.root / name
    path.write_text(json.dumps(nb, indent=1))
    return path


def open_notebook(page: Page, lab: Lab, name: str, kernel: bool = True) -> Locator:
    """Open a notebook and the Versions panel; return the panel locator."""
    page.goto(f"{lab.url}/lab/tree/{name}?reset&token={TOKEN}")  # reset: no reopened tabs
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    expect(notebook(page)).to_be_visible(timeout=30_000)
    if kernel:
        answer_kernel_prompt(page)
        wait_idle(page)
    else:
        # no kernelspec: JupyterLab asks which kernel to start; pick none
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            dialog.get_by_role("button", name=re.compile("No Kernel|Cancel")).first.click()
    tab = page.locator('.jp-SideBar.jp-mod-left li[data-id="nbversion-panel"]')
    expect(tab).to_be_visible(timeout=30_000)
    panel = page.locator("#nbversion-panel")
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()  # the workspace may have restored it open: a click would close it
    expect(panel).to_be_visible()
    expect(panel.get_by_test_id("nbversion-notebook")).to_contain_text(name)
    return panel


def answer_kernel_prompt(page: Page) -> None:
    """Until the notebook's kernel is idle, accept JupyterLab's "Select Kernel" prompt.

    JupyterLab sometimes asks although the notebook names its kernel (seen on the first
    notebook of a session on a loaded machine, before any nbversion action): the
    preselected Python 3 is what the notebook names, so the test goes on with it.
    """
    prompt = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
    idle = notebook(page).locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    for _ in range(300):  # at most a minute
        if prompt.count():
            prompt.get_by_role("button", name="Select", exact=True).click()
            expect(prompt).to_have_count(0)
        if idle.count():
            return
        page.wait_for_timeout(200)


def notebook(page: Page) -> Locator:
    return page.locator(".jp-NotebookPanel:visible").first


def wait_idle(page: Page) -> None:
    expect(
        notebook(page).locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    ).to_be_visible(timeout=60_000)


def cell_editor(page: Page, index: int) -> Locator:
    return notebook(page).locator(".jp-Cell").nth(index).locator(".cm-content")


def set_cell(page: Page, index: int, source: str) -> None:
    editor = cell_editor(page, index)
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(source)


def run_cell(page: Page, index: int) -> None:
    """Run a cell; press again when the key was dropped (before the kernel connected).

    A key that was taken shows at once as ``[*]`` (queued) or ``[n]``, so a cell runs
    twice only if its prompt stayed ``[ ]`` for 10 s after the key.
    """
    prompt = notebook(page).locator(".jp-Cell").nth(index).locator(".jp-InputPrompt")
    for _ in range(6):
        cell_editor(page, index).click()
        wait_idle(page)
        page.keyboard.press("Shift+Enter")
        try:
            expect(prompt).not_to_have_text(re.compile(r"^\[ \]"), timeout=10_000)
            break
        except AssertionError:
            continue
    wait_idle(page)
    expect(prompt).not_to_have_text(re.compile(r"\[\*\]|\[ \]"), timeout=60_000)


def rows(panel: Locator) -> Locator:
    return panel.get_by_test_id("nbversion-row")


def save_version(panel: Locator, message: str, expected_rows: int) -> None:
    panel.get_by_label("Version message").fill(message)
    panel.get_by_role("button", name="Save version").click()
    expect(rows(panel)).to_have_count(expected_rows, timeout=60_000)
    expect(rows(panel).first).to_contain_text(message)


def row(panel: Locator, message: str) -> Locator:
    return rows(panel).filter(has_text=message).first


def expand(panel: Locator, message: str) -> Locator:
    """Expand a row (its actions and details show); return it."""
    r = row(panel, message)
    summary = r.locator(".jp-nbversion-row-summary")
    if summary.get_attribute("aria-expanded") != "true":
        summary.click()
    expect(summary).to_have_attribute("aria-expanded", "true")
    return r


def row_action(panel: Locator, message: str, action: str) -> None:
    expand(panel, message).get_by_role("button", name=action, exact=True).click()


def toast(page: Page, text: str | re.Pattern[str]) -> Locator:
    return page.locator(".Toastify__toast").filter(has_text=text).first


def dismiss_toasts(page: Page) -> None:
    """Close all notifications (before a screenshot), also those arriving meanwhile."""
    toasts = page.locator(".Toastify__toast")
    for _ in range(5):
        for close in page.locator(".Toastify__toast .jp-Notification-Toast-Close").all():
            with contextlib.suppress(Exception):  # a toast may close by itself meanwhile
                close.click(timeout=1000)
        try:
            expect(toasts).to_have_count(0, timeout=3000)
            return
        except AssertionError:
            continue  # a late notification (a refresh, an auto-save) came in: close it too
    expect(toasts).to_have_count(0, timeout=5000)


def shot(page: Page, path: Path) -> None:
    """A screenshot without notifications in the way."""
    dismiss_toasts(page)
    page.mouse.move(700, 600)  # no hover effects
    page.screenshot(path=str(path))
