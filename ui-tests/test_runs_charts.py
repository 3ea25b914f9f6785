"""The Runs tab's scatter (a param against a metric, per branch) and its "all notebooks of
the project" listing, in the light and dark themes (screenshots for docs/runs.md)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from conftest import REPO, Lab
from nbv_helpers import open_notebook, shot, write_notebook

DOCS = REPO / "docs" / "images"
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}
PER_NOTEBOOK = 40


def _make(lab: Lab, name: str, n: int, offset: float) -> None:
    """``n`` versions of notebook ``name`` with lr/depth params and accuracy, on two branches."""
    from nbversion.errors import NotFound
    from nbversion.store import Repository

    path = write_notebook(lab, name, ["x = 1"], kernel=False)
    try:
        repo = Repository.open(lab.root)
    except NotFound:
        repo = Repository.init(lab.root)
    with repo:
        raw, nid, rel = repo.read_notebook(path, write_id=True)
        oid = repo.objects.put_bytes(raw)
        fork = None
        for i in range(n):
            wide = i > n // 2 and i % 2 == 0
            lr = round(0.001 * (1 + i % 9), 4)
            acc = round(offset + 0.5 * lr * 100 - 0.002 * (i % 4) + (0.03 if wide else 0), 4)
            m = repo.save(
                nid, rel, oid, f"{name} run {i:02d} {'wide' if wide else 'base'}",
                branch="wide" if wide else "main",
                parents=[fork] if wide and fork and i == n // 2 + 2 else None,
                params={"lr": lr, "depth": 2 + i % 3}, metrics={"accuracy": acc},
            )  # fmt: skip
            if i == n // 2:
                fork = m.id


@pytest.fixture(scope="module")
def two_notebooks(lab: Lab) -> None:
    _make(lab, "charts-a.ipynb", PER_NOTEBOOK, 0.5)
    _make(lab, "charts-b.ipynb", PER_NOTEBOOK, 0.6)


def _set_theme(lab: Lab, theme: str) -> None:
    settings = lab.root.parent / "settings" / "@jupyterlab" / "apputils-extension"
    (settings / "themes.jupyterlab-settings").write_text(json.dumps({"theme": theme}))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_scatter_of_a_param_against_a_metric_and_all_notebooks(
    page: Page, lab: Lab, two_notebooks: None, theme: str
) -> None:
    _set_theme(lab, THEMES[theme])
    try:
        page.set_viewport_size({"width": 1440, "height": 1000})
        panel = open_notebook(page, lab, "charts-a.ipynb", kernel=False)
        panel.locator(".jp-nbversion-openruns").click()
        tab = page.get_by_test_id("nbversion-runs")
        count = tab.get_by_test_id("nbversion-runs-count")
        expect(count).to_contain_text(f"{PER_NOTEBOOK} of {PER_NOTEBOOK} versions")

        # the scatter of every listed version: one point each, coloured per branch
        tab.get_by_label("Versions to chart").select_option("all")
        scatter = tab.get_by_test_id("nbversion-runs-scatter")
        points = scatter.get_by_test_id("nbversion-runs-scatter-point")
        expect(points).to_have_count(PER_NOTEBOOK)
        expect(tab.get_by_label("Param of the scatter")).to_have_value("depth")
        tab.get_by_label("Param of the scatter").select_option("lr")
        # axes carry values: the lr ticks span the recorded range
        ticks = scatter.locator(".jp-nbversion-chart-tick").all_text_contents()
        assert "0.002" in ticks, ticks
        assert "0.008" in ticks, ticks
        colours = {
            b: points.and_(page.locator(f'[data-branch="{b}"]')).first.evaluate(
                "e => getComputedStyle(e).fill"
            )
            for b in ("main", "wide")
        }
        assert colours["main"] != colours["wide"], colours
        # each point sits at its lr: one column of points per recorded lr value
        xs = {float(p.get_attribute("cx") or 0) for p in points.all()}
        assert len(xs) == 9, xs

        # select three rows: only they are plotted; hover names the run, click opens it
        rows = tab.get_by_test_id("nbversion-runs-row")
        for i in (0, 1, 2):
            rows.nth(i).locator("input[type=checkbox]").check()
        tab.get_by_label("Versions to chart").select_option("selected")
        expect(points).to_have_count(3)
        point = points.nth(1)
        point.hover()
        tip = tab.get_by_test_id("nbversion-runs-scatter-tooltip")
        expect(tip).to_contain_text("lr =")
        expect(tip).to_contain_text("accuracy =")
        vid = point.get_attribute("data-version-id")
        point.click()
        expect(
            tab.locator(f'[data-testid=nbversion-runs-row][data-version-id="{vid}"]')
        ).to_have_class("jp-nbversion-runs-row jp-mod-selected jp-mod-focused")
        expect(
            panel.locator(f'[data-version-id="{vid}"] .jp-nbversion-row-summary')
        ).to_have_attribute("aria-expanded", "true", timeout=10_000)
        shot(page, DOCS / f"runs-scatter-{theme}.png")

        # every notebook of the project: a Notebook column, both notebooks' versions
        tab.get_by_label("Versions listed").select_option("project")
        total = lab.api("/nbversion/api/versions?limit=1")["total"]
        assert total >= 2 * PER_NOTEBOOK
        expect(count).to_contain_text(f"{total} of {total} versions")
        expect(
            tab.locator('[data-testid=nbversion-runs-sort][data-column="notebook"]')
        ).to_be_visible()
        tab.get_by_label("Filter runs").fill("charts-b.ipynb run")
        expect(count).to_contain_text(f"{PER_NOTEBOOK} of {total} versions")
        expect(rows.first).to_contain_text("charts-b.ipynb")
        tab.get_by_label("Filter runs").fill("charts-")
        expect(count).to_contain_text(f"{2 * PER_NOTEBOOK} of {total} versions")
        tab.get_by_label("Versions to chart").select_option("all")
        # (other notebooks of the project may record other metrics: choose ours)
        tab.get_by_label("Metric to chart").select_option("accuracy")
        expect(points).to_have_count(2 * PER_NOTEBOOK)
        # one line per notebook and branch: two notebooks' "main" are not joined
        lines = tab.get_by_test_id("nbversion-runs-chart").locator("g[data-branch]")
        expect(lines).to_have_count(4)
        expect(lines.first).to_have_attribute("data-branch", "charts-a.ipynb · main")
        if theme == "light":  # (docs/runs.md shows this one in the light theme only)
            shot(page, DOCS / "runs-project-light.png")
        # back to this notebook only
        tab.get_by_label("Versions listed").select_option("notebook")
        tab.get_by_label("Filter runs").fill("")
        expect(count).to_contain_text(f"{PER_NOTEBOOK} of {PER_NOTEBOOK} versions")
    finally:
        _set_theme(lab, THEMES["light"])


def test_project_listing_pages_are_fast(lab: Lab, two_notebooks: None) -> None:
    """A page of the project-wide listing reads only its own manifests (timed, printed)."""
    import time

    started = time.monotonic()
    page = lab.api("/nbversion/api/versions?offset=0&limit=20")
    took = time.monotonic() - started
    print(f"\nproject-wide listing, first page of {page['total']} versions: {took * 1000:.0f} ms")
    assert len(page["versions"]) == 20
    created = [v["created"] for v in page["versions"]]
    assert created == sorted(created, reverse=True)
    # the listing spans the project (other tests' notebooks share this server): pages
    # follow each other in time, whichever notebook each version belongs to
    following = lab.api("/nbversion/api/versions?offset=20&limit=20")["versions"]
    assert all(v["notebook_path"] for v in page["versions"])
    if following:
        assert min(created) >= max(v["created"] for v in following)
    assert took < 5
