"""The Versions sidebar's first paint, measured in Chromium on a given project.

Used by ``many_versions.py --browser`` on its synthetic store: JupyterLab starts on the
project, two notebooks are opened, and the time from clicking the tab of the notebook with
the long history to the frame that shows its first rows is read from the page itself
(``performance.now()`` and a MutationObserver, as ui-tests/test_history_perf.py does).
This is what a user waits for when they switch notebooks with the sidebar open.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("NBVERSION_CHROMIUM", "/usr/bin/chromium")
TOKEN = "nbversion-bench"

PROBE = """(name) => {
  window.__nbvPaint = null;
  const panel = document.getElementById('nbversion-panel');
  const obs = new MutationObserver(() => {
    const label = panel.querySelector('[data-testid=nbversion-notebook]')?.textContent || '';
    const n = panel.querySelectorAll('[data-testid=nbversion-row]').length;
    if (label.startsWith(name) && n > 0) {
      obs.disconnect();
      requestAnimationFrame(() => setTimeout(() => {
        window.__nbvPaint = { t: performance.now(), rows: n };
      }));
    }
  });
  obs.observe(panel, { subtree: true, childList: true, characterData: true });
}"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited:\n{log.read_text()[-3000:]}")
        try:
            req = urllib.request.Request(url + "/api/status")
            req.add_header("Authorization", f"token {TOKEN}")
            urllib.request.urlopen(req, timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise TimeoutError("jupyter lab did not start")


def first_paint(root: Path, many: str, other: str, repeat: int = 3) -> dict[str, Any]:
    """Milliseconds from clicking ``many``'s tab (coming from ``other``) to its rows painted."""
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="nbv-paint-"))
    (work / "settings").mkdir()
    (work / "workspaces").mkdir()
    port = _port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(work / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces")}  # fmt: skip
    log = work / "lab.log"
    args = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--port={port}", f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}", "--LabApp.news_url=None"]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
    times: list[float] = []
    rows = 0
    try:
        _wait(url, proc, log)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])  # fmt: skip
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{url}/lab/tree/{many}?token={TOKEN}")
            page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
            sidebar = page.locator('.jp-SideBar.jp-mod-left li[data-id="nbversion-panel"]')
            sidebar.click()
            page.locator("#nbversion-panel [data-testid=nbversion-row]").first.wait_for(
                timeout=120_000
            )
            page.locator('.jp-SideBar.jp-mod-left li[data-id="filebrowser"]').click()
            page.locator(".jp-DirListing-itemText", has_text=other).first.dblclick()
            sidebar.click()
            for i in range(repeat):
                tab_many = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=many)
                tab_other = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=other)
                tab_other.click()
                page.wait_for_function(
                    f"document.querySelector('#nbversion-panel [data-testid=nbversion-notebook]')"
                    f"?.textContent.startsWith({json.dumps(other)})",
                    timeout=120_000,
                )
                page.evaluate(PROBE, many)
                t0 = page.evaluate("performance.now()")
                tab_many.click()
                page.wait_for_function("window.__nbvPaint !== null", timeout=120_000)
                paint = page.evaluate("window.__nbvPaint")
                times.append(paint["t"] - t0)
                rows = paint["rows"]
                if i == 0:
                    page.screenshot(path=str(work / "paint.png"))
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    return {"first_paint_ms": times, "rows": rows}
