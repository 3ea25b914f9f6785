"""Tiered storage in the sidebar: local size vs budget, and where each version's data is.

Real JupyterLab, real kernel, real Chromium; the budget and the eviction go through the
command line (docs/tiering.md), the sidebar shows their effect.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from conftest import REPO, Lab
from nbv_helpers import (
    open_notebook,
    row,
    run_cell,
    save_version,
    set_cell,
    shot,
    toast,
    write_notebook,
)  # fmt: skip
from sharing_helpers import ensure_origin, nbv, refresh, remote_row, widen_sidebar

IMAGES = REPO / "docs" / "images"


def test_budget_and_locality_badges(page: Page, lab: Lab, artifacts: Path) -> None:
    name = "storage.ipynb"
    write_notebook(lab, name, ["import numpy as np\nbig = np.arange(50_000)"])
    panel = open_notebook(page, lab, name)
    widen_sidebar(page)
    run_cell(page, 0)
    save_version(panel, "fifty thousand", 1)
    # another shape: no object of the first version is shared with the head
    set_cell(page, 0, "import numpy as np\nbig = np.arange(60_000)")
    run_cell(page, 0)
    save_version(panel, "sixty thousand", 2)
    # The storage bar sits in the Sharing section, which stays folded until a remote exists:
    # add the remote here rather than count on an earlier test (test_sharing) having done so.
    ensure_origin(lab)
    refresh(panel)
    origin = remote_row(panel)
    storage = panel.get_by_test_id("nbversion-storage")
    expect(storage).to_contain_text("Local storage")
    expect(row(panel, "fifty thousand").get_by_test_id("nbversion-locality")).to_have_attribute(
        "data-locality", "local"
    )
    origin.get_by_role("button", name="Push to origin").click()
    expect(toast(page, "Pushed main to origin")).to_be_visible(timeout=60_000)
    expect(row(panel, "fifty thousand").get_by_test_id("nbversion-locality")).to_have_attribute(
        "data-locality", "both", timeout=30_000
    )

    root = str(lab.root)
    try:
        nbv("budget", "1KB", "--root", root)
        # other tests' notebooks were never pushed: evict refuses those (exit 1), not ours
        out = nbv("evict", "--to", "origin", "--keep-branch-heads", "--min-age", "0s",
                  "--root", root, ok=(0, 1))  # fmt: skip
        assert re.search(r"evicted [1-9]\d* objects", out), out
        refresh(panel)
        first = row(panel, "fifty thousand").get_by_test_id("nbversion-locality")
        expect(first).to_have_attribute("data-locality", "remote-only", timeout=30_000)
        expect(first).to_have_text("remote only")
        head = row(panel, "sixty thousand").get_by_test_id("nbversion-locality")
        expect(head).to_have_attribute("data-locality", "both")
        # any store is over a 1 KB budget: the bar says so in the warning colour
        expect(storage).to_have_class(re.compile("jp-mod-over"))
        expect(storage).to_contain_text(re.compile(r"of 1(\.0)? KB budget \(\d+%\) · over budget"))
        shot(page, artifacts / "storage.png")
        shutil.copy(artifacts / "storage.png", IMAGES / "storage.png")

        nbv("budget", "100GB", "--root", root)
        refresh(panel)
        expect(storage).not_to_have_class(re.compile("jp-mod-over"), timeout=30_000)
        expect(storage).to_contain_text("of 100.0 GB budget (0%)")
    finally:
        nbv("budget", "off", "--root", root)
