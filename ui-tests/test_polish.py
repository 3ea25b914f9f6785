"""Polish seen by a new user: the demo notebook opens clean, the ``%version log`` widget is
a real grid, and the name dialogs validate inline."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from conftest import REPO, TOKEN, Lab
from nbv_helpers import expand, notebook, open_notebook, rows, run_cell, toast, write_notebook

DOCS = REPO / "docs" / "images"
LONG = "a very long message " * 12
CELLS = [
    "acc = 0.71\n%version save -m short",
    "%version tag release-candidate-1",
    "%version branch experiment-with-a-long-name",
    f"acc = 0.84\n%version save -m '{LONG.strip()}'",
    "%version log",
]


def test_the_demo_notebook_opens_without_unsaved_changes(page: Page, lab: Lab) -> None:
    page.goto(f"{lab.url}/lab/tree/demo.ipynb?reset&token={TOKEN}")
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=60_000)
    expect(
        notebook(page).locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')
    ).to_be_visible(timeout=60_000)
    page.locator('li[data-id="nbversion-panel"]').click()
    expect(page.get_by_test_id("nbversion-notebook")).to_contain_text("demo.ipynb")
    page.wait_for_timeout(2000)  # the kernel's info and the sidebar's listing have arrived
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="demo.ipynb")
    expect(tab).not_to_have_class(re.compile("jp-mod-dirty"))


def test_log_widget_rows_are_one_grid_and_name_dialogs_validate_inline(
    page: Page, lab: Lab
) -> None:
    page.set_viewport_size({"width": 1300, "height": 900})
    write_notebook(lab, "polish.ipynb", CELLS)
    panel = open_notebook(page, lab, "polish.ipynb")
    for i in range(len(CELLS)):
        run_cell(page, i)
    widget = page.locator(".nbversion-browser")
    grid_rows = widget.locator(".nbversion-widget-row")
    expect(grid_rows).to_have_count(2, timeout=30_000)

    # columns line up: each row's cells start where the header's do, long message or not
    def lefts(locator_: str) -> list[float]:
        return [
            round(b["x"])
            for b in (c.bounding_box() for c in widget.locator(locator_).locator("> *").all())
            if b
        ]

    head = lefts(".nbversion-widget-head")
    assert len(head) == 6, head
    for r in range(2):
        assert lefts(f".nbversion-widget-row >> nth={r}") == head
    # the long message is cut (full text in its tooltip), not pushing the table wider
    message = grid_rows.filter(has_text="a very long").locator(f'div[title="{LONG.strip()}"]')
    expect(message).to_have_count(1)
    assert message.evaluate("d => d.scrollWidth > d.clientWidth"), "the message is not cut"
    table = widget.locator(".nbversion-widget-table").bounding_box()
    out = page.locator(".jp-OutputArea-output", has=widget).bounding_box()
    assert table
    assert out
    assert table["x"] + table["width"] <= out["x"] + out["width"] + 1
    # badges on one line, and every action button shows its whole label
    badges = grid_rows.filter(has_text="short").locator("span[style*='border-radius']")
    tops = {round((b.bounding_box() or {"y": -1})["y"]) for b in badges.all()}
    assert len(tops) == 1, f"badges wrapped: {tops}"
    for button in widget.get_by_role("button", name="Tag", exact=True).all():
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth"), "Tag is clipped"
        box = button.bounding_box()
        assert box
        assert box["x"] + box["width"] <= out["x"] + out["width"], "Tag is out of view"
    page.screenshot(path=str(DOCS / "widget-log-grid.png"))

    # New branch: a taken or malformed name is explained under the field, the dialog
    # stays open; a good name then creates the branch
    panel.get_by_role("button", name="Refresh history").click()
    expect(rows(panel)).to_have_count(2)
    expand(panel, "short").get_by_role("button", name="New branch", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    field = dialog.get_by_label("Branch name")
    error = dialog.get_by_test_id("nbversion-name-error")
    ok = dialog.get_by_role("button", name="Create branch")
    field.fill("experiment-with-a-long-name")
    expect(error).to_have_text("Branch experiment-with-a-long-name already exists.")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(ok).to_be_disabled()
    field.fill("abc123")
    expect(error).to_contain_text("look like a version id")
    field.fill("depth..2")
    expect(error).to_contain_text("..")
    field.press("Enter")
    expect(dialog).to_be_visible()
    field.fill("depth-2")
    expect(error).to_have_text("")
    expect(ok).to_be_enabled()
    field.press("Enter")
    expect(toast(page, "Created branch depth-2")).to_be_visible(timeout=15_000)
    expect(dialog).to_have_count(0)
    # Tag: the same inline rule
    expand(panel, "short").get_by_role("button", name="Tag", exact=True).click()
    dialog.get_by_label("Tag name").fill("release-candidate-1")
    expect(dialog.get_by_test_id("nbversion-name-error")).to_have_text(
        "Tag release-candidate-1 already exists."
    )
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
