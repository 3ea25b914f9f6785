"""The history graph: lanes and joins in the sidebar and the Runs tab.

Real JupyterLab, real kernel, real Chromium; a folder remote and a teammate's store made
with the command line. Pull → Join → Push from the sidebar, then the graph must show the
join (an edge from the join's row into the lane of the teammate's version) and keep the
teammate's version listed.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from conftest import REPO, Lab
from nbv_helpers import (
    open_notebook,
    row,
    row_action,
    rows,
    run_cell,
    save_version,
    shot,
    toast,
    wait_idle,
    write_notebook,
)
from sharing_helpers import ensure_origin, nbv, refresh, remote_row, widen_sidebar

IMAGES = REPO / "docs" / "images"


def _teammate_pushes_a_note(lab: Lab, name: str, tmp: Path) -> None:
    """Bea clones the remote, adds a markdown cell, saves (no kernel) and pushes main."""
    config = tmp / "gitconfig"
    config.write_text("[user]\n\tname = Bea Teammate\n\temail = bea@example.org\n")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}
    where = tmp / "bea"
    nbv("clone", str(ensure_origin(lab)), str(where), env=env)
    nb = json.loads((where / name).read_text())
    nb["cells"].append({"cell_type": "markdown", "id": "beanote", "metadata": {},
                        "source": "a note from Bea"})  # fmt: skip
    (where / name).write_text(json.dumps(nb))
    nbv("save", name, "-m", "bea's note", "--root", str(where), env=env)
    nbv("push", "origin", name, "--root", str(where), env=env)


def _assert_join_drawn(join: Locator, theirs: Locator, between: Locator) -> None:
    """The join's row draws two edges down: its first parent, and (``data-edge=join``)
    into the lane where the teammate's version's node sits; the row ``between`` them
    carries that lane through."""
    edge = join.locator('[data-testid="nbversion-graph"] [data-edge="join"]')
    expect(edge).to_have_count(1)
    expect(join.locator('[data-testid="nbversion-graph"] [data-edge="parent"]')).to_have_count(1)
    their_id = theirs.get_attribute("data-version-id")
    assert their_id
    assert edge.get_attribute("data-parent") == their_id
    lane = edge.get_attribute("data-lane")
    graph = join.locator('[data-testid="nbversion-graph"]')
    assert lane is not None
    assert lane != graph.get_attribute("data-lane")
    expect(theirs.locator('[data-testid="nbversion-graph"]')).to_have_attribute("data-lane", lane)
    through = between.locator(f'[data-edge="through"][data-lane="{lane}"]')
    expect(through).to_have_count(1)


def test_pull_join_push_shows_a_join_and_keeps_the_teammates_version(
    page: Page, lab: Lab, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    name = "graph.ipynb"
    write_notebook(lab, name, ["g = 1"])
    panel = open_notebook(page, lab, name)
    widen_sidebar(page)
    run_cell(page, 0)
    save_version(panel, "mine one", 1)
    ensure_origin(lab)
    refresh(panel)
    origin = remote_row(panel)
    origin.get_by_role("button", name="Push to origin").click()
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑0", timeout=60_000)

    _teammate_pushes_a_note(lab, name, tmp_path)
    save_version(panel, "mine two", 2)
    origin.get_by_role("button", name="Pull from origin").click()
    expect(toast(page, "Pulled from origin: 1 version")).to_be_visible(timeout=60_000)
    origin.get_by_role("button", name="Join origin/main").click()
    expect(toast(page, "Joined origin/main into main")).to_be_visible(timeout=30_000)
    origin.get_by_role("button", name="Push to origin").click()
    expect(origin.get_by_test_id("nbversion-ahead")).to_have_text("↑0", timeout=60_000)
    expect(origin.get_by_test_id("nbversion-remote-state")).to_contain_text("up to date")

    # after the push, and after a refresh: the teammate's version is still listed
    refresh(panel)
    join = row(panel, "Join origin/main")
    theirs = row(panel, "bea's note")
    expect(join).to_be_visible(timeout=30_000)
    expect(theirs).to_be_visible()
    listed = rows(panel).count()
    expect(join.get_by_test_id("nbversion-join-badge")).to_be_visible()
    _assert_join_drawn(join, theirs, row(panel, "mine two"))
    # both of "mine one"'s children lead back to it: it ends two lanes (one bends in)
    mine_one = row(panel, "mine one")
    expect(mine_one.locator('[data-edge="parent"], [data-edge="join"]')).to_have_count(0)
    shot(page, IMAGES / "history-graph.png")

    # the same graph in the Runs tab's graph column (rows in history order)
    panel.locator(".jp-nbversion-openruns").click()
    tab = page.get_by_test_id("nbversion-runs")
    runs = tab.get_by_test_id("nbversion-runs-row")
    expect(runs).to_have_count(listed, timeout=30_000)
    _assert_join_drawn(
        runs.filter(has_text="Join origin/main"),
        runs.filter(has_text="bea's note"),
        runs.filter(has_text="mine two"),
    )
    shot(page, IMAGES / "runs-graph.png")
    # sorted by another column, the graph column goes (a graph needs history order)
    tab.locator('[data-testid="nbversion-runs-sort"][data-column="message"]').click()
    expect(tab.locator('[data-testid="nbversion-graph"]')).to_have_count(0)
    tab.locator('[data-testid="nbversion-runs-sort"][data-column="created"]').click()
    expect(tab.locator('[data-testid="nbversion-graph"]')).to_have_count(listed)

    # a reload (a fresh listing from the server) still lists and draws it
    open_notebook(page, lab, name)
    expect(rows(panel)).to_have_count(listed, timeout=30_000)
    _assert_join_drawn(
        row(panel, "Join origin/main"), row(panel, "bea's note"), row(panel, "mine two")
    )

    # the filter (a server search) finds the teammate's version too
    panel.get_by_label("Filter versions").fill("bea's")
    expect(rows(panel)).to_have_count(1, timeout=30_000)
    expect(rows(panel).first).to_contain_text("bea's note")
    panel.get_by_label("Filter versions").fill("")
    expect(rows(panel)).to_have_count(listed, timeout=30_000)

    # a restore leaves an undo point: a hollow dot in its own lane, hidden with ↶
    wait_idle(page)
    row_action(panel, "mine one", "Restore")
    page.locator(".jp-Dialog").get_by_role("button", name="Restore").click()
    undo = rows(panel).filter(has=page.get_by_test_id("nbversion-undo-point"))
    expect(undo).to_have_count(1, timeout=60_000)
    expect(undo.locator(".jp-nbversion-graph-node")).to_have_class(re.compile("jp-mod-undo"))
    panel.get_by_role("button", name="Show undo points").click()
    expect(rows(panel)).to_have_count(listed)
    expect(panel.locator('[data-testid="nbversion-graph-node"].jp-mod-undo')).to_have_count(0)
    _assert_join_drawn(
        row(panel, "Join origin/main"), row(panel, "bea's note"), row(panel, "mine two")
    )
    panel.get_by_role("button", name="Show undo points").click()
    expect(rows(panel)).to_have_count(listed + 1)
