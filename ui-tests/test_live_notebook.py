"""What a version stores is what the editor shows (issue 19, items 5 to 7).

- a ``%version save`` cell stores the notebook as open in the editor: typed code never
  written to the file, and the outputs shown so far;
- a restore loads stored multi-line fields as text (no stray commas), and a save right
  after stores the very same notebook;
- switching branch with an unsaved edit keeps that edit reachable from the sidebar (an
  undo point, shown dimmed), and "Undo restore" goes back more than one step.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from nbversion.store import Repository

from conftest import REPO, Lab
from nbv_helpers import (
    cell_editor,
    notebook,
    open_notebook,
    row,
    row_action,
    rows,
    run_cell,
    save_version,
    set_cell,
    shot,
    toast,
    wait_idle,
    write_notebook,
)  # fmt: skip

DOCS = REPO / "docs" / "images"


def _version(lab: Lab, path: Path, message: str) -> tuple[dict[str, Any], bytes]:
    """(manifest, stored notebook bytes) of the newest version with that message."""
    nid = json.loads(path.read_text())["metadata"]["nbversion"]["notebook_id"]
    with Repository.open(lab.root) as repo:
        for branch in repo.branches(nid):
            for m in repo.log(nid, branch=branch):
                if m.message == message:
                    return m.to_dict(), repo.objects.get_bytes(m.notebook)
    raise AssertionError(f"no version {message!r}")


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def test_cell_save_stores_typed_code_and_outputs(page: Page, lab: Lab, artifacts: Path) -> None:
    path = write_notebook(lab, "live.ipynb", ["print('alpha\\nbeta\\ngamma')", "x = 1", "pass"])
    panel = open_notebook(page, lab, "live.ipynb")
    run_cell(page, 0)
    set_cell(page, 1, "x = 'typed in the editor'")  # typed, not run, file not saved
    set_cell(page, 2, '%version save -m "from a cell"')
    run_cell(page, 2)
    out = notebook(page).locator(".jp-Cell").nth(2).locator(".jp-OutputArea-output")
    expect(out).to_contain_text("Saved version", timeout=60_000)
    seconds = re.search(r"in (\d+\.\d+) s", out.inner_text())
    print(f"\n%version save from the browser: {seconds.group(1) if seconds else '?'} s")

    manifest, raw = _version(lab, path, "from a cell")
    assert manifest["environment"]["notebook_source"] == "editor", manifest["environment"]
    nb = json.loads(raw)
    sources = [_text(c["source"]) for c in nb["cells"]]
    # (Shift+Enter on the last cell added an empty one below it: the editor has it too)
    assert sources[3:] == [""]
    assert sources[:3] == [
        "print('alpha\\nbeta\\ngamma')",
        "x = 'typed in the editor'",
        '%version save -m "from a cell"',
    ]
    assert [_text(o["text"]) for o in nb["cells"][0]["outputs"]] == ["alpha\nbeta\ngamma\n"]
    # the file on disk never had them: the version came from the editor
    on_disk = json.loads(path.read_text())
    assert _text(on_disk["cells"][1]["source"]) == "x = 1"
    assert on_disk["cells"][0]["outputs"] == []

    expect(row(panel, "from a cell")).to_be_visible(timeout=30_000)
    shot(page, artifacts / "cell-save.png")


def test_restore_has_no_stray_commas_and_round_trips(page: Page, lab: Lab, artifacts: Path) -> None:
    path = write_notebook(
        lab,
        "roundtrip.ipynb",
        [
            "import pandas as pd\ndf = pd.DataFrame({'a': [1, 2, 3], 'b': ['x', 'y', 'z']})\ndf",
            "print('one\\ntwo\\nthree')",
        ],
    )
    panel = open_notebook(page, lab, "roundtrip.ipynb")
    run_cell(page, 0)
    run_cell(page, 1)
    save_version(panel, "before round trip", 1)
    _, first = _version(lab, path, "before round trip")

    set_cell(page, 1, "print('changed')")
    run_cell(page, 1)
    row_action(panel, "before round trip", "Restore")
    dialog = page.locator(".jp-Dialog")
    expect(dialog.get_by_test_id("nbversion-restore-preview")).to_be_visible(timeout=30_000)
    dialog.get_by_role("button", name="Restore", exact=True).click()
    expect(toast(page, "Restored")).to_be_visible(timeout=60_000)

    cells = notebook(page).locator(".jp-Cell")
    expect(cell_editor(page, 1)).to_have_text("print('one\\ntwo\\nthree')", timeout=30_000)
    printed = cells.nth(1).locator(".jp-OutputArea-output")
    expect(printed).to_have_text("one\ntwo\nthree")
    table = cells.nth(0).locator(".jp-OutputArea-output table")
    expect(table).to_be_visible()
    for cell in range(2):  # no ",,," from lines loaded as arrays, in text or HTML outputs
        output = cells.nth(cell).locator(".jp-OutputArea").inner_text()
        assert ",\n" not in output, output
        assert ",," not in output, output
    shot(page, artifacts / "restore-roundtrip.png")

    # the restored state saved again is the same notebook, byte for byte
    save_version(panel, "right after restore", 3)  # (+ the undo point of the restore)
    _, again = _version(lab, path, "right after restore")
    assert again == first


def test_switch_with_unsaved_edit_keeps_it_reachable(page: Page, lab: Lab, artifacts: Path) -> None:
    write_notebook(lab, "switch.ipynb", ["a = 'main'"])
    panel = open_notebook(page, lab, "switch.ipynb")
    run_cell(page, 0)
    save_version(panel, "main one", 1)
    row_action(panel, "main one", "New branch")
    page.locator(".jp-Dialog input").fill("exp")
    page.locator(".jp-Dialog").get_by_role("button", name="Create branch").click()
    expect(row(panel, "main one").locator(".jp-mod-branch", has_text="exp")).to_be_visible()

    set_cell(page, 0, "a = 'unsaved edit'")  # neither run nor saved
    switch = panel.get_by_label("Switch branch")
    switch.select_option("exp")
    expect(cell_editor(page, 0)).to_have_text("a = 'main'", timeout=60_000)
    wait_idle(page)

    # the edit is in an undo point, listed dimmed
    undo_row = row(panel, "Before switch to exp")
    expect(undo_row).to_be_visible(timeout=30_000)
    expect(undo_row).to_have_class(re.compile("jp-mod-undo"))
    expect(undo_row.get_by_test_id("nbversion-undo-point")).to_be_visible()
    shot(page, artifacts / "undo-points.png")
    # and can be filtered out of the list, and back in
    toggle = panel.get_by_role("button", name="Show undo points")
    toggle.click()
    expect(rows(panel).filter(has_text="Before switch to exp")).to_have_count(0)
    toggle.click()
    expect(undo_row).to_be_visible()

    # a second step: work on exp, switch back to main
    set_cell(page, 0, "a = 'on exp'")
    run_cell(page, 0)
    save_version(panel, "on exp", 3)
    switch.select_option("main")
    expect(cell_editor(page, 0)).to_have_text("a = 'main'", timeout=60_000)
    expect(row(panel, "Before switch to main")).to_be_visible(timeout=30_000)

    # undo twice: back through both switches to the unsaved edit
    undo = panel.get_by_role("button", name="Undo restore")
    undo.click()
    expect(cell_editor(page, 0)).to_have_text("a = 'on exp'", timeout=60_000)
    undo.click()
    expect(cell_editor(page, 0)).to_have_text("a = 'unsaved edit'", timeout=60_000)
    expect(undo).to_have_count(0)


def test_docs_screenshots(artifacts: Path) -> None:
    """Copy this file's screenshots to docs/images (after the tests above made them)."""
    for name in ("undo-points.png", "cell-save.png"):
        if (artifacts / name).exists():
            shutil.copy(artifacts / name, DOCS / name)
