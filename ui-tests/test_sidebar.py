"""The Versions sidebar end to end: save, history, details, restore, branches, compare.

Real JupyterLab, real kernel, real Chromium. Each test works on its own notebook.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from conftest import Lab
from nbv_helpers import (
    SAVE_SHORTCUT,
    cell_editor,
    expand,
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


def test_save_from_button_toolbar_and_shortcut(page: Page, lab: Lab, artifacts: Path) -> None:
    write_notebook(lab, "save.ipynb", ["x = 1", "y = [1, 2, 3]"])
    panel = open_notebook(page, lab, "save.ipynb")
    expect(panel.get_by_test_id("nbversion-empty")).to_contain_text("No versions yet")
    run_cell(page, 0)
    run_cell(page, 1)

    save_version(panel, "first from the button", 1)
    first = rows(panel).first
    expect(first).to_contain_text("current")
    expect(first).to_contain_text("main")

    # keyboard shortcut, focus in the notebook
    cell_editor(page, 0).click()
    page.keyboard.press("Escape")
    page.keyboard.press(SAVE_SHORTCUT)
    expect(rows(panel)).to_have_count(2, timeout=60_000)

    # notebook toolbar button
    notebook(page).locator('.jp-Toolbar [data-command="nbversion:save"]').click()
    expect(rows(panel)).to_have_count(3, timeout=60_000)
    # only the newest is current
    expect(panel.locator(".jp-nbversion-badge.jp-mod-current")).to_have_count(1)
    expect(rows(panel).first.locator(".jp-nbversion-badge.jp-mod-current")).to_be_visible()
    expect(page.get_by_test_id("nbversion-statusbar")).to_have_text("main")

    # filter (server-side q)
    panel.get_by_label("Filter versions").fill("button")
    expect(rows(panel)).to_have_count(1)
    panel.get_by_label("Filter versions").fill("")
    expect(rows(panel)).to_have_count(3)
    shot(page, artifacts / "history.png")

    # details: variables table
    expand(panel, "first from the button")
    details = panel.get_by_test_id("nbversion-details")
    expect(details).to_be_visible(timeout=30_000)
    variables = details.get_by_test_id("nbversion-variables")
    expect(variables).to_contain_text("x")
    expect(variables).to_contain_text("int")
    shot(page, artifacts / "details.png")


def test_restore_brings_back_cells_and_variables(page: Page, lab: Lab, artifacts: Path) -> None:
    write_notebook(lab, "restore.ipynb", ["x = 1", "print(x)"])
    panel = open_notebook(page, lab, "restore.ipynb")
    run_cell(page, 0)
    save_version(panel, "x is one", 1)

    set_cell(page, 0, "x = 2")
    run_cell(page, 0)
    row_action(panel, "x is one", "Restore")
    dialog = page.locator(".jp-Dialog")
    preview = dialog.get_by_test_id("nbversion-restore-preview")
    expect(preview).to_be_visible(timeout=30_000)
    expect(preview).to_contain_text("x")
    expect(dialog.get_by_label("Notebook and variables")).to_be_checked()
    shot(page, artifacts / "restore-dialog.png")
    dialog.get_by_role("button", name="Restore", exact=True).click()

    expect(cell_editor(page, 0)).to_have_text("x = 1", timeout=60_000)
    expect(toast(page, "Restored")).to_be_visible(timeout=30_000)
    # the undo point (state from before the restore) is listed, dimmed
    undo_point = rows(panel).filter(has_text=re.compile("before restore of", re.I))
    expect(undo_point).to_have_count(1)
    expect(undo_point).to_have_class(re.compile("jp-mod-undo"))
    run_cell(page, 1)
    out = notebook(page).locator(".jp-Cell").nth(1).locator(".jp-OutputArea-output")
    expect(out).to_have_text("1")

    # undo: back to x = 2 in the cell and in the kernel
    panel.get_by_role("button", name="Undo restore").click()
    expect(cell_editor(page, 0)).to_have_text("x = 2", timeout=60_000)
    run_cell(page, 1)
    expect(out).to_have_text("2")


def test_branch_switch_and_back(page: Page, lab: Lab, artifacts: Path) -> None:
    write_notebook(lab, "branch.ipynb", ["a = 'main-1'"])
    panel = open_notebook(page, lab, "branch.ipynb")
    run_cell(page, 0)
    save_version(panel, "main one", 1)
    set_cell(page, 0, "a = 'main-2'")
    run_cell(page, 0)
    save_version(panel, "main two", 2)

    # new branch from the first version
    row_action(panel, "main one", "New branch")
    dialog = page.locator(".jp-Dialog")
    dialog.locator("input").fill("exp")
    dialog.get_by_role("button", name="Create branch").click()
    expect(row(panel, "main one").locator(".jp-mod-branch")).to_have_text("exp")

    # switch to it: notebook and variables follow the branch head
    switch = panel.get_by_label("Switch branch")
    switch.select_option("exp")
    expect(cell_editor(page, 0)).to_have_text("a = 'main-1'", timeout=60_000)
    expect(page.get_by_test_id("nbversion-statusbar")).to_have_text("exp")
    expect(switch).to_have_value("exp")
    wait_idle(page)
    set_cell(page, 0, "a = 'exp-1'")
    run_cell(page, 0)
    save_version(panel, "on exp", 4)  # (+ the undo point of the switch)
    expect(row(panel, "on exp")).to_contain_text("current")
    shot(page, artifacts / "branches.png")

    # and back to main
    switch.select_option("main")
    expect(cell_editor(page, 0)).to_have_text("a = 'main-2'", timeout=60_000)
    expect(page.get_by_test_id("nbversion-statusbar")).to_have_text("main")
    expect(row(panel, "main two")).to_contain_text("current")

    # tag, then remove it
    row_action(panel, "on exp", "Tag")
    page.locator(".jp-Dialog input").fill("keep")
    page.locator(".jp-Dialog").get_by_role("button", name="Tag").click()
    expect(row(panel, "on exp").locator(".jp-mod-tag")).to_have_text("keep")
    row_action(panel, "on exp", "Remove tag keep")
    expect(row(panel, "on exp").locator(".jp-mod-tag")).to_have_count(0)

    # an invalid branch name is explained under the field; the dialog stays open
    row_action(panel, "main two", "New branch")
    page.locator(".jp-Dialog input").fill("bad name!")
    expect(page.get_by_test_id("nbversion-name-error")).to_contain_text("No spaces")
    create = page.locator(".jp-Dialog").get_by_role("button", name="Create branch")
    lab_version = page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).appVersion"
    )
    if str(lab_version).startswith("4.0."):
        # JupyterLab 4.0's dialogs do not disable OK for an invalid field: accepting
        # brings the dialog back with the name and the explanation, nothing is created
        create.click()
        expect(page.get_by_test_id("nbversion-name-error")).to_contain_text("No spaces")
        expect(page.locator(".jp-Dialog input")).to_have_value("bad name!")
    else:
        expect(create).to_be_disabled()
    page.locator(".jp-Dialog").get_by_role("button", name="Cancel").click()
    expect(page.locator(".jp-Dialog")).to_have_count(0)

    # compare two versions
    for message in ("main one", "on exp"):
        box = row(panel, message).get_by_role("checkbox")
        box.click()
        expect(box).to_be_checked()
    panel.get_by_role("button", name=re.compile("^Compare")).click()
    compare = page.get_by_test_id("nbversion-compare")
    expect(compare).to_be_visible(timeout=30_000)
    expect(compare).to_contain_text("Variables")
    expect(compare).to_contain_text("a")
    shot(page, artifacts / "compare.png")


def test_save_without_kernel_is_notebook_only(page: Page, lab: Lab) -> None:
    write_notebook(lab, "nokernel.ipynb", ["z = 3"])
    panel = open_notebook(page, lab, "nokernel.ipynb")
    kernel_name = notebook(page).locator(".jp-Toolbar-kernelName")
    confirm = page.locator(".jp-Dialog").get_by_role("button", name=re.compile("Shut Down", re.I))
    for _attempt in range(3):  # the menu item can be ignored while the kernel is busy starting
        page.locator("#jp-MainMenu").get_by_text("Kernel", exact=True).click()
        page.locator(".lm-Menu-content .lm-Menu-item", has_text="Shut Down Kernel").first.click()
        for _ in range(100):  # a confirmation dialog may appear a moment after the click
            if confirm.count():
                confirm.first.click()
            if "No Kernel" in (kernel_name.text_content() or ""):
                break
            page.wait_for_timeout(100)
        else:
            page.keyboard.press("Escape")
            continue
        break
    expect(kernel_name).to_contain_text("No Kernel", timeout=30_000)
    for _ in range(100):  # the server has let go of the kernel, not just the page
        if not [k for k in lab.api("/api/sessions") if k["path"].endswith("nokernel.ipynb")
                and k.get("kernel")]:  # fmt: skip
            break
        page.wait_for_timeout(100)
    save_version(panel, "after shutdown", 1)
    expect(toast(page, "notebook only")).to_be_visible(timeout=30_000)
    expect(rows(panel).first).to_contain_text("0 vars")


def test_history_follows_a_renamed_notebook(page: Page, lab: Lab) -> None:
    write_notebook(lab, "before-rename.ipynb", ["r = 1"], kernel=False)
    panel = open_notebook(page, lab, "before-rename.ipynb", kernel=False)
    save_version(panel, "first of renamed", 1)
    # the sidebar stamped the notebook's history id into its metadata before saving
    nb = json.loads((lab.root / "before-rename.ipynb").read_text())
    assert nb["metadata"]["nbversion"]["notebook_id"]
    page.locator("#jp-MainMenu").get_by_text("File", exact=True).click()
    page.locator(".lm-Menu-content .lm-Menu-item", has_text="Close All Tabs").first.click()
    (lab.root / "before-rename.ipynb").rename(lab.root / "after-rename.ipynb")
    panel = open_notebook(page, lab, "after-rename.ipynb", kernel=False)
    expect(row(panel, "first of renamed")).to_be_visible(timeout=30_000)
