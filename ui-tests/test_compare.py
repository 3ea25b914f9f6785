"""Compare two versions (one reused tab: a plain summary, cells and outputs rendered side
by side, sections), and the metrics plot in the sidebar.

Real JupyterLab, real kernel, real Chromium. Each test works on its own notebook.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

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


def _open(page: Page, lab: Lab, name: str) -> Locator:
    """Open a notebook (open_notebook answers a stray "Select Kernel" prompt)."""
    return open_notebook(page, lab, name)


def test_compare_shows_sections(page: Page, lab: Lab, artifacts: Path) -> None:
    write_notebook(lab, "compare.ipynb", ["x = 1", "accuracy = 0.5"])
    panel = _open(page, lab, "compare.ipynb")
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

    summary = compare.get_by_test_id("nbversion-diff-summary")
    expect(summary).to_contain_text("accuracy went up from 0.5 to 0.75 (+0.25)")
    expect(summary).to_contain_text("In the notebook: 2 cells changed.")
    expect(summary).to_contain_text("Variables: 2 variables changed (accuracy and x)")

    cells = compare.get_by_test_id("nbversion-diff-notebook")
    expect(cells.get_by_role("heading", name="Notebook")).to_be_visible()
    first = cells.get_by_test_id("nbversion-cellpair").first
    expect(first).to_have_attribute("data-status", "modified")
    expect(first).to_contain_text("cell 1 · source changed")
    expect(first.locator('[data-side="a"] .jp-nbversion-cellline.jp-mod-removed')).to_have_text(
        "x = 1"
    )
    expect(first.locator('[data-side="b"] .jp-nbversion-cellline.jp-mod-added')).to_have_text(
        "x = 2"
    )

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
    panel = _open(page, lab, "metrics.ipynb")
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


HELPERS = """import struct, zlib
import pandas as pd
from IPython.display import Image, display

def png(rgb, w=96, h=32):
    raw = b"".join(b"\\x00" + bytes(rgb) * w for _ in range(h))
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    head = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", head)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))"""


def _select(panel: Locator, *messages: str) -> None:
    """Tick exactly the rows of ``messages`` (untick the others)."""
    for box in rows(panel).locator("input[type=checkbox]").all():
        box.uncheck()
    for message in messages:
        row(panel, message).get_by_role("checkbox").check()


def _compare_tabs(page: Page) -> Locator:
    return page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab").filter(has_text="Compare")


def test_compare_renders_outputs_side_by_side_in_one_tab(
    page: Page, lab: Lab, artifacts: Path
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    write_notebook(lab, "outputs.ipynb", [HELPERS, "", "", ""])
    panel = _open(page, lab, "outputs.ipynb")
    versions = [("red", "(200, 30, 30)", "0.6", "0.5"), ("blue", "(30, 60, 200)", "0.9", "0.75"),
                ("green", "(30, 150, 60)", "0.95", "0.8")]  # fmt: skip
    run_cell(page, 0)
    for i, (message, color, score, accuracy) in enumerate(versions):
        # one line each: typed into the editor as is (no auto-indent in the way)
        set_cell(page, 1, f"color = {color}; display(Image(data=png(color)))")
        set_cell(page, 2, 'scores = pd.DataFrame({"model": ["small", "large"], '
                          f'"score": [0.5, {score}]}}); scores')  # fmt: skip
        set_cell(page, 3, f"accuracy = {accuracy}")
        for cell in (1, 2, 3):
            run_cell(page, cell)
        save_version(panel, message, i + 1)

    _select(panel, "red", "blue")
    panel.get_by_role("button", name=re.compile("^Compare")).click()
    compare = page.get_by_test_id("nbversion-compare")
    expect(compare).to_be_visible(timeout=30_000)
    expect(compare.get_by_test_id("nbversion-compare-before")).to_contain_text("red")
    expect(compare.get_by_test_id("nbversion-compare-after")).to_contain_text("blue")
    summary = compare.get_by_test_id("nbversion-diff-summary")
    expect(summary).to_contain_text("accuracy went up from 0.5 to 0.75 (+0.25)")

    pairs = compare.get_by_test_id("nbversion-cellpair")
    image = pairs.filter(has_text="display(Image")
    expect(image).to_have_attribute("data-status", "modified", timeout=30_000)
    before_img = image.locator('[data-side="a"] .jp-RenderedImage img')
    after_img = image.locator('[data-side="b"] .jp-RenderedImage img')
    expect(before_img).to_have_count(1)
    expect(after_img).to_have_count(1)
    # rendered images, not text: each has its own pixels and a real size on screen
    assert before_img.get_attribute("src") != after_img.get_attribute("src")
    for img in (before_img, after_img):
        box = img.bounding_box()
        assert box is not None
        assert box["width"] >= 90, box
        assert box["height"] >= 30, box
    a_box, b_box = before_img.bounding_box(), after_img.bounding_box()
    assert a_box
    assert b_box
    assert b_box["x"] > a_box["x"] + a_box["width"]  # side by side
    assert abs(a_box["y"] - b_box["y"]) < 2

    table = pairs.filter(has_text="pd.DataFrame")
    before_table = table.locator('[data-side="a"] .jp-RenderedHTMLCommon table')
    after_table = table.locator('[data-side="b"] .jp-RenderedHTMLCommon table')
    expect(before_table).to_contain_text("0.6")
    expect(after_table).to_contain_text("0.9")
    expect(after_table.locator("tbody tr")).to_have_count(2)
    # only what differs is marked: the changed line of each source
    expect(table.locator('[data-side="b"] .jp-nbversion-cellline.jp-mod-added')).to_have_count(1)

    # one tab: it does not split the notebook's area, and a second Compare reuses it
    expect(_compare_tabs(page)).to_have_count(1)
    expect(page.locator(".lm-DockPanel-tabBar")).to_have_count(1)
    image.scroll_into_view_if_needed()
    shot(page, artifacts / "compare-outputs.png")
    shutil.copyfile(artifacts / "compare-outputs.png", IMAGES / "compare-light.png")

    _select(panel, "blue", "green")
    panel.get_by_role("button", name=re.compile("^Compare")).click()
    # the diff runs in the server's worker first (a few seconds with data frames)
    expect(compare.get_by_test_id("nbversion-compare-before")).to_contain_text(
        "blue", timeout=30_000
    )
    expect(compare.get_by_test_id("nbversion-compare-after")).to_contain_text("green")
    expect(compare.get_by_test_id("nbversion-cellpair").filter(has_text="pd.DataFrame").locator(
        '[data-side="b"] table'
    )).to_contain_text("0.95")  # fmt: skip
    expect(_compare_tabs(page)).to_have_count(1)
    expect(page.get_by_test_id("nbversion-compare")).to_have_count(1)
    expect(page.locator(".lm-DockPanel-tabBar")).to_have_count(1)

    # the dark theme (a reload with the theme's setting): the same view, readable
    settings = lab.root.parent / "settings" / "@jupyterlab" / "apputils-extension"
    (settings / "themes.jupyterlab-settings").write_text(json.dumps({"theme": "JupyterLab Dark"}))
    try:
        panel = _open(page, lab, "outputs.ipynb")
        expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false")
        _select(panel, "red", "blue")
        panel.get_by_role("button", name=re.compile("^Compare")).click()
        image = page.get_by_test_id("nbversion-cellpair").filter(has_text="display(Image")
        expect(image.locator('[data-side="b"] .jp-RenderedImage img')).to_have_count(
            1, timeout=30_000
        )
        image.scroll_into_view_if_needed()
        shot(page, IMAGES / "compare-dark.png")
    finally:
        (settings / "themes.jupyterlab-settings").write_text(
            json.dumps({"theme": "JupyterLab Light"})
        )
