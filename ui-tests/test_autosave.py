"""The autoSave setting: a version after every cell, saved by the kernel silently."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from conftest import TOKEN, Lab
from nbv_helpers import open_notebook, rows, run_cell, write_notebook


def put_settings(lab: Lab, settings: dict[str, object]) -> None:
    body = json.dumps({"raw": json.dumps(settings)}).encode()
    req = urllib.request.Request(
        f"{lab.url}/lab/api/settings/nbversion:plugin", data=body, method="PUT"
    )
    req.add_header("Authorization", f"token {TOKEN}")
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status in (200, 204)


@pytest.fixture
def autosave_on(lab: Lab) -> Iterator[None]:
    put_settings(lab, {"autoSave": True})
    yield
    put_settings(lab, {})  # the lab server is shared by every test


def test_autosave_after_every_cell(page: Page, lab: Lab, autosave_on: None) -> None:
    write_notebook(lab, "autosave.ipynb", ["a = 1", "b = 2"])
    panel = open_notebook(page, lab, "autosave.ipynb")
    run_cell(page, 0)
    run_cell(page, 1)
    auto = rows(panel).filter(has_text="auto: after cell")
    for _ in range(30):  # the kernel saves in the background
        panel.get_by_role("button", name="Refresh history").click()
        if auto.count() >= 2:
            break
        page.wait_for_timeout(1000)
    expect(auto).to_have_count(2, timeout=10_000)
    # silent: the setting's code left no trace in the notebook
    expect(page.locator(".jp-OutputArea-output")).to_have_count(0)


def test_a_failed_autosave_is_shown(page: Page, lab: Lab, autosave_on: None) -> None:
    """A save that fails after a cell is never silent: a notification, and a line in the
    sidebar's header until a save works again."""
    write_notebook(
        lab,
        "autosave-fails.ipynb",
        [
            "import nbversion.store.repository as _r\n"
            "from nbversion.errors import StoreError\n"
            "def _broken(*a, **k):\n"
            "    raise StoreError('no space left on device (simulated)')\n"
            "_r.Repository.save = _broken",
            "a = 1",
        ],
    )
    panel = open_notebook(page, lab, "autosave-fails.ipynb")
    run_cell(page, 0)
    run_cell(page, 1)
    toast = page.locator(".Toastify__toast").filter(has_text="failed")
    expect(toast.first).to_be_visible(timeout=60_000)
    expect(toast.first).to_contain_text("no space left on device (simulated)")
    line = panel.locator("[data-holds=failure]")
    expect(line).to_be_visible(timeout=30_000)
    expect(line).to_contain_text("failed")
