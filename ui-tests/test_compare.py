"""Compare two versions in sections, and the metrics plot in the sidebar.

Real JupyterLab, real kernel, real Chromium. Each test works on its own notebook.
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
    rows,
    run_cell,
    save_version,
    set_cell,
    shot,
    write_notebook,
)  # fmt: skip

IMAGES = REPO / "docs" / "images"


def test_compare_shows_sections(page: Page, lab: Lab, artifacts: Path) -> None:
    write_notebook(lab, "compare.ipynb", ["x = 1", "accuracy = 0.5"])
    panel = open_notebook(page, lab, "compare.ipynb")
    run_cell(page, 0)
    run_cell(page, 1)
    save_version(panel, "baseline", 1)
    set_cell(page, 0, "x = 2")
    set_cell(page, 1, "accuracy = 0.75")
    run_cell(page, 0)
    run_cell(page, 1)
    save_version(panel, "better", 2)

    for message in ("baseline", "better"):
        box = row(panel, message).get_by_role("checkbox")
        box.click()
        expect(box).to_be_checked()
    panel.get_by_role("button", name=re.compile("^Compare")).click()
    compare = page.get_by_test_id("nbversion-compare")
    expect(compare).to_be_visible(timeout=30_000)

    cells = compare.get_by_test_id("nbversion-diff-notebook")
    expect(cells.get_by_role("heading", name="Notebook")).to_be_visible()
    expect(cells).to_contain_text("cell 1 (code) modified")
    expect(cells.locator('.jp-nbversion-srcline[data-sign="+"]').first).to_have_text(
        re.compile(r"^\+\s*x = 2$")
    )
    expect(cells.locator('.jp-nbversion-srcline[data-sign="-"]').first).to_contain_text("x = 1")

    variables = compare.get_by_test_id("nbversion-diff-variables")
    expect(variables.get_by_role("heading", name="Variables")).to_be_visible()
    expect(variables.locator('[data-sign="~"]').filter(has_text="x:").first).to_contain_text(
        "1 → 2"
    )

    metrics = compare.get_by_test_id("nbversion-diff-metrics")
    expect(metrics.get_by_role("heading", name="Metrics & params")).to_be_visible()
    expect(metrics).to_contain_text("accuracy 0.5 → 0.75 (+0.25)")

    environment = compare.get_by_test_id("nbversion-diff-environment")
    expect(environment.get_by_role("heading", name="Environment")).to_be_visible()
    expect(environment).to_contain_text("upgraded")

    shot(page, artifacts / "compare-sections.png")
    shutil.copyfile(artifacts / "compare-sections.png", IMAGES / "compare.png")
    assert len(rows(panel).all()) == 2


def test_metrics_plot(page: Page, lab: Lab, artifacts: Path) -> None:
    write_notebook(lab, "metrics.ipynb", ["accuracy = 0.5"])
    panel = open_notebook(page, lab, "metrics.ipynb")
    for i, value in enumerate(("0.5", "0.6", "0.7")):
        set_cell(page, 0, f"accuracy = {value}")
        run_cell(page, 0)
        save_version(panel, f"run {value}", i + 1)

    metrics = panel.locator(".jp-nbversion-metrics")
    metrics.locator("summary").click()
    expect(metrics.get_by_label("Metric to plot")).to_have_value("accuracy")
    points = metrics.get_by_test_id("nbversion-metric-point")
    expect(points).to_have_count(3)
    # oldest → newest, left to right; the tooltip names the version and the value
    expect(points.nth(0).locator("title")).to_have_text("run 0.5: accuracy 0.5")
    expect(points.nth(2).locator("title")).to_have_text("run 0.7: accuracy 0.7")
    xs = [float(p.get_attribute("cx") or 0) for p in points.all()]
    assert xs == sorted(xs)

    points.nth(1).click()
    summary = row(panel, "run 0.6").locator(".jp-nbversion-row-summary")
    expect(summary).to_have_attribute("aria-expanded", "true")
    expect(row(panel, "run 0.6")).to_be_in_viewport()
    expect(points.nth(1)).to_have_class(re.compile("jp-mod-active"))
    shot(page, artifacts / "metrics-plot.png")
    shutil.copyfile(artifacts / "metrics-plot.png", IMAGES / "metrics-plot.png")
