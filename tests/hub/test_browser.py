"""Through the hub's login page in a real browser (Debian's Chromium): alice saves a version
from the Versions sidebar, bob (after the hub's background fetch) restores it from his."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import TIMINGS, Hub

playwright = pytest.importorskip("playwright.sync_api")
expect = playwright.expect
CHROMIUM = "/usr/bin/chromium"
NB = "browser.ipynb"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }  # fmt: skip


def login(page: Any, hub: Hub, name: str) -> None:
    page.goto(f"{hub.url}/hub/login")
    page.locator("#username_input").fill(name)
    page.locator("#password_input").fill("any")
    page.locator("#login_submit").click()
    page.wait_for_url(re.compile(rf"/user/{name}/"), timeout=60_000)


def open_panel(page: Any, hub: Hub, name: str) -> Any:
    page.goto(f"{hub.url}/user/{name}/lab/tree/{NB}?reset")
    page.wait_for_selector("#jupyterlab-splash", state="detached", timeout=90_000)
    nb = page.locator(".jp-NotebookPanel:visible").first
    expect(nb.locator('.jp-Notebook-ExecutionIndicator[data-status="idle"]')).to_be_visible(
        timeout=60_000
    )
    tab = page.locator('.jp-SideBar.jp-mod-left li[data-id="nbversion-panel"]')
    expect(tab).to_be_visible(timeout=30_000)
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()
    panel = page.locator("#nbversion-panel")
    expect(panel.get_by_test_id("nbversion-notebook")).to_contain_text(NB)
    return panel


def run_first_cell(page: Any) -> None:
    nb = page.locator(".jp-NotebookPanel:visible").first
    prompt = nb.locator(".jp-Cell").first.locator(".jp-InputPrompt")
    for _ in range(6):
        nb.locator(".jp-Cell").first.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        try:
            expect(prompt).to_have_text(re.compile(r"\[\d+\]"), timeout=10_000)
            return
        except AssertionError:
            continue
    raise AssertionError("the cell did not run")


def test_alice_saves_in_her_sidebar_and_bob_restores_in_his(
    hub: Hub, browser: Any, tmp_path: Path
) -> None:
    alice, bob = hub.users["alice"], hub.users["bob"]
    alice.put_notebook(NB, ["x = 41 + 1\nwords = ['from', 'alice']"])
    t0 = time.monotonic()
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    login(page, hub, "alice")
    panel = open_panel(page, hub, "alice")
    TIMINGS["browser: alice logs in, lab + panel ready"] = time.monotonic() - t0
    run_first_cell(page)
    panel.get_by_label("Version message").fill("alice in the browser")
    panel.get_by_role("button", name="Save version").click()
    rows = panel.get_by_test_id("nbversion-row")
    expect(rows.first).to_contain_text("alice in the browser", timeout=60_000)
    expect(rows.first).to_contain_text("alice")
    TIMINGS["browser: alice's save (from login)"] = time.monotonic() - t0
    page.screenshot(path=str(tmp_path / "alice.png"))
    ctx.close()
    listed = alice.nbv("GET", "versions", params={"path": NB}).json()["versions"]
    assert [(v["message"], v["author"]["name"]) for v in listed] == [
        ("alice in the browser", "alice")
    ]
    vid = listed[0]["id"]
    job = alice.wait_job(alice.nbv("POST", "remotes/origin/push", json={"path": NB}))
    assert job["state"] == "done", job

    # bob: the background fetch brings it; he opens the notebook and restores from the sidebar
    deadline = time.monotonic() + 60
    while vid not in {v["id"] for v in bob.nbv("GET", "versions").json()["versions"]}:
        assert time.monotonic() < deadline, "alice's version never reached bob"
        time.sleep(0.25)
    stored = bob.nbv("GET", f"versions/{vid}/notebook").json()
    stored["cells"][0]["source"] = "x = 0\nwords = []"  # bob's own edit, before the restore
    r = bob.api("PUT", f"api/contents/{NB}", json={"type": "notebook", "content": stored})
    assert r.status_code in (200, 201), r.text
    t0 = time.monotonic()
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    login(page, hub, "bob")
    panel = open_panel(page, hub, "bob")
    run_first_cell(page)
    row = panel.get_by_test_id("nbversion-row").filter(has_text="alice in the browser").first
    expect(row).to_be_visible(timeout=30_000)
    summary = row.locator(".jp-nbversion-row-summary")
    if summary.get_attribute("aria-expanded") != "true":
        summary.click()
    row.get_by_role("button", name="Restore", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.get_by_test_id("nbversion-restore-preview")).to_be_visible(timeout=30_000)
    dialog.get_by_role("button", name="Restore", exact=True).click()
    cell = page.locator(".jp-NotebookPanel:visible").first.locator(".jp-Cell").first
    expect(cell.locator(".cm-content")).to_contain_text("x = 41 + 1", timeout=60_000)
    TIMINGS["browser: bob logs in, opens, restores"] = time.monotonic() - t0
    page.screenshot(path=str(tmp_path / "bob.png"))
    sessions = bob.api("GET", "api/sessions").json()
    kid = next(s["kernel"]["id"] for s in sessions if s["path"] == NB)
    assert bob.execute(kid, "print(x, words)").strip() == "42 ['from', 'alice']"
    ctx.close()
