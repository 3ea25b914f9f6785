"""axe-core over nbversion's whole UI, in the light and the dark theme.

One real session per theme builds a history with tags, a branch and an undo point, then
axe checks each part of the UI where the user sees it: the sidebar (an expanded row with
its variables table, the save bar with "Undo restore", the branch bar, the sharing
section), the status bar's holds item, the ``%version log`` widget in the notebook, the
restore preview and new-branch dialogs, the Runs tab with rows ticked and both charts
drawn, and a Compare tab. Each scene must have had many nodes checked (so an empty
selection cannot pass) and no serious or critical violation.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from conftest import REPO, Lab
from nbv_helpers import expand, open_notebook, row, rows, run_cell, shot, write_notebook

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
DOCS = REPO / "docs" / "images"
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}

LONG = "baseline: random forest, depth 3, on the cleaned iris data with the outliers dropped"
CELLS = [
    "import numpy as np\n"
    "weights = np.arange(12.0).reshape(3, 4)\n"
    "config = {'lr': 0.01, 'layers': 2}\n"
    "acc = 0.81\n"
    "a_rather_long_variable_name_for_the_training_columns = ['sepal_length', 'sepal_width']\n"
    "%version param lr=0.01 layers=2\n"
    "%version metric accuracy=0.81 loss=0.3\n"
    f"%version save -m '{LONG}'",
    "%version tag best",
    "weights = weights * 2\n"
    "config['lr'] = 0.02\n"
    "acc = 0.86\n"
    "%version param lr=0.02\n"
    "%version metric accuracy=0.86 loss=0.25\n"
    "%version save -m 'second: doubled weights'",
    "%version branch experiment",
    "%version log",
]

# axe over the given roots: counts of checked nodes, and the serious/critical violations
RUN_AXE = """async (selectors) => {
  // JupyterLab shows its <dialog> without the `open` attribute (by CSS), which axe takes
  // for a closed dialog and skips entirely: mark it open, as it is on screen
  const dialogs = [...document.querySelectorAll('dialog.jp-Dialog:not([open])')];
  dialogs.forEach(d => d.setAttribute('open', ''));
  // JupyterLab's shell is positioned over a <body> of height 0 with overflow hidden, so
  // axe takes every element for clipped away and checks the contrast of almost none:
  // give html and body the viewport's height (what is on screen does not move)
  const root = document.documentElement;
  const heights = [root.style.height, document.body.style.height];
  root.style.height = document.body.style.height = '100%';
  const include = selectors.filter(s => document.querySelector(s)).map(s => [s]);
  const r = await axe.run({include});
  dialogs.forEach(d => d.removeAttribute('open'));
  [root.style.height, document.body.style.height] = heights;
  const count = list => list.reduce((n, rule) => n + rule.nodes.length, 0);
  const contrast = r.passes.find(p => p.id === 'color-contrast');
  return {
    roots: include.length,
    missing: selectors.filter(s => !document.querySelector(s)),
    passes: count(r.passes),
    contrast: contrast ? contrast.nodes.length : 0,
    unsure: (r.incomplete.find(p => p.id === 'color-contrast') || {nodes: []}).nodes
      .slice(0, 3).map(n => [n.target, n.any.map(c => c.data && c.data.messageKey)]),
    violations: r.violations
      .filter(v => v.impact === 'serious' || v.impact === 'critical')
      .map(v => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 6).map(n => ({target: n.target,
                                                         summary: n.failureSummary}))}))
  };
}"""


def _set_theme(lab: Lab, theme: str) -> None:
    settings = lab.root.parent / "settings" / "@jupyterlab" / "apputils-extension"
    (settings / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))


def _axe(page: Page, scene: str, selectors: list[str], min_passes: int) -> dict[str, Any]:
    """Run axe over ``selectors`` (all must be on the page); fail on any serious violation."""
    page.mouse.move(5, 5)  # no hover effects
    page.wait_for_timeout(500)  # no fade-in left (a half-transparent text cannot be checked)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(RUN_AXE, selectors)
    summary = {k: v for k, v in result.items() if k != "violations"}
    print(f"\naxe {scene}: {summary}")
    assert result["roots"] == len(selectors), (scene, summary)
    assert result["passes"] >= min_passes, (scene, summary)
    assert result["contrast"] > 0, (scene, summary)
    assert result["violations"] == [], f"{scene}: " + json.dumps(result["violations"], indent=1)
    return result


def _dialog(page: Page) -> Locator:
    return page.locator(".jp-Dialog")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_axe_finds_no_serious_violations_anywhere(page: Page, lab: Lab, theme: str) -> None:
    name = f"a11y-{theme}.ipynb"
    write_notebook(lab, name, CELLS)
    _set_theme(lab, THEMES[theme])
    checked = 0
    try:
        page.set_viewport_size({"width": 1440, "height": 900})
        panel = open_notebook(page, lab, name)
        expect(page.locator("body")).to_have_attribute(
            "data-jp-theme-light", "true" if theme == "light" else "false"
        )
        for i in range(len(CELLS)):
            try:
                run_cell(page, i)
            except Exception as err:  # say what got in the way (a dialog, usually)
                dialogs = page.locator(".jp-Dialog").all_inner_texts()
                raise AssertionError(f"cell {i} did not run; dialogs: {dialogs}") from err
        # the %version log widget in the notebook, and the status bar's holds item
        widget = page.locator(".nbversion-browser")
        expect(widget.locator(".nbversion-widget-row")).to_have_count(2, timeout=30_000)
        widget.scroll_into_view_if_needed()
        checked += _axe(
            page,
            "log widget, status bar",
            [".nbversion-browser", "[data-testid=nbversion-holds-status]"],
            60,
        )["passes"]
        panel.get_by_role("button", name="Refresh history").click()
        expect(rows(panel)).to_have_count(2, timeout=30_000)

        # the restore preview of the first version: each changed name, now → after
        expand(panel, LONG[:20]).get_by_role("button", name="Restore", exact=True).click()
        dialog = _dialog(page)
        changes = dialog.get_by_test_id("nbversion-restore-changes")
        expect(changes).to_be_visible(timeout=30_000)
        expect(changes.locator('tr[data-name="acc"]')).to_contain_text(
            re.compile(r"0\.86\s*→\s*0\.81")
        )
        expect(changes.locator('tr[data-name="weights"]')).to_contain_text("ndarray float64")
        checked += _axe(page, "restore preview", [".jp-Dialog-content"], 15)["passes"]

        # restore it: an undo point, and "Undo restore" in the save bar (not a warning)
        dialog.get_by_role("button", name="Restore", exact=True).click()
        expect(rows(panel)).to_have_count(3, timeout=30_000)
        undo = panel.get_by_role("button", name="Undo restore")
        expect(undo).to_be_visible()
        expect(undo).not_to_have_class(re.compile("jp-mod-warn"))

        # the sidebar: ticked rows, an expanded row with variables, the sharing section
        rows(panel).nth(1).locator("input[type=checkbox]").check()
        rows(panel).nth(2).locator("input[type=checkbox]").check()
        details = expand(panel, "second").get_by_test_id("nbversion-variables")
        expect(details).to_be_visible(timeout=15_000)
        fits = details.evaluate(
            "t => ({table: t.getBoundingClientRect().right,"
            " panel: document.querySelector('#nbversion-panel').getBoundingClientRect().right})"
        )
        assert fits["table"] <= fits["panel"], f"variables table cut off: {fits}"
        long_name = details.locator("td", has_text="a_rather_long")
        assert long_name.get_attribute("title") == (
            "a_rather_long_variable_name_for_the_training_columns"
        )
        panel.get_by_test_id("nbversion-sharing").locator("summary").click()
        expect(row(panel, LONG[:20]).locator(".jp-nbversion-row-summary")).to_have_attribute(
            "title", re.compile(re.escape(LONG))
        )  # the full message, where the row shows it truncated
        shot(page, DOCS / f"a11y-sidebar-{theme}.png")
        checked += _axe(
            page,
            "sidebar",
            ["#nbversion-panel"],
            150,
        )["passes"]

        # a dialog: New branch, with a bad name shown under the field (dialog stays open)
        expand(panel, "second").get_by_role("button", name="New branch", exact=True).click()
        field = _dialog(page).get_by_label("Branch name")
        field.fill("bad name")
        error = _dialog(page).get_by_test_id("nbversion-name-error")
        expect(error).to_contain_text("No spaces")
        expect(_dialog(page).get_by_role("button", name="Create branch")).to_be_disabled()
        field.press("Enter")
        expect(field).to_be_visible()
        checked += _axe(page, "new branch dialog", [".jp-Dialog-content"], 10)["passes"]
        _dialog(page).get_by_role("button", name="Cancel").click()
        expect(_dialog(page)).to_have_count(0)

        # the Runs tab: rows ticked, the compare table and both charts drawn
        panel.locator(".jp-nbversion-openruns").click()
        tab = page.get_by_test_id("nbversion-runs")
        expect(tab.get_by_test_id("nbversion-runs-count")).to_contain_text("of 3 versions")
        for i in (0, 1, 2):
            tab.get_by_test_id("nbversion-runs-row").nth(i).locator("input").check()
        expect(tab.get_by_test_id("nbversion-runs-compare")).to_be_visible()
        expect(tab.get_by_test_id("nbversion-runs-chart")).to_be_visible()
        expect(tab.get_by_test_id("nbversion-runs-scatter")).to_be_visible()
        checked += _axe(page, "runs tab", [".jp-nbversion-runs"], 100)["passes"]

        # a Compare tab of the two ticked sidebar rows
        panel.get_by_role("button", name="Compare").click()
        compare = page.locator(".jp-nbversion-compare-view:visible")
        expect(compare).to_be_visible(timeout=30_000)
        expect(compare.get_by_test_id("nbversion-compare")).to_be_visible(timeout=30_000)
        checked += _axe(page, "compare tab", [".jp-nbversion-compare-view"], 20)["passes"]
        print(f"\naxe, {theme} theme: {checked} nodes passed, 0 serious or critical")
    finally:
        _set_theme(lab, THEMES["light"])
