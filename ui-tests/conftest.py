"""Real-browser fixtures: a real JupyterLab server and Debian's Chromium driven by Playwright.

pytest-jupyter is deliberately not loaded here: its autouse asyncio fixtures break
Playwright's sync API, so these tests run in their own pytest invocation.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
# screenshots; make test-compat sends those of its runs elsewhere
ARTIFACTS = Path(os.environ.get("NBVERSION_UI_ARTIFACTS") or REPO / "ui-tests" / "artifacts")
CHROMIUM = os.environ.get("NBVERSION_CHROMIUM", "/usr/bin/chromium")
TOKEN = "nbversion-ui-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Lab:
    """A JupyterLab server on a free loopback port with throwaway settings and workspaces.

    ``fetch_interval``: seconds between the server's background pulls of its remotes
    (0, the default here, keeps counts still unless a test pulls).

    ``app="notebook"`` starts Notebook 7 instead (same server, same extensions);
    ``disabled`` lists labextensions to disable in a throwaway Jupyter config dir (their
    server side stays on).
    """

    def __init__(
        self,
        base: Path,
        app: str = "jupyterlab",
        disabled: tuple[str, ...] = (),
        fetch_interval: float = 0,
    ) -> None:
        self.root = base / "root"
        shutil.copytree(REPO / "examples", self.root, ignore=shutil.ignore_patterns(".nbversion"))
        settings = base / "settings"
        notif = settings / "@jupyterlab" / "apputils-extension"
        notif.mkdir(parents=True)
        (notif / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        (base / "workspaces").mkdir()
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
            "NBVERSION_CACHE_DIR": str(base / "nbversion-cache"),  # git remotes' fetches
        }
        if disabled:  # what `jupyter labextension disable --level=user` writes
            config = base / "config"
            (config / "labconfig").mkdir(parents=True)
            (config / "labconfig" / "page_config.json").write_text(
                json.dumps({"disabledExtensions": dict.fromkeys(disabled, True)})
            )
            env["JUPYTER_CONFIG_DIR"] = str(config)
        self.app = app
        args = [
            sys.executable, "-m", app, "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--port={self.port}",
            f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.allow_unauthenticated_access=False",
            # no background pull unless a test asks: counts change only when a test acts
            f"--NbVersionApp.fetch_interval={fetch_interval}",
        ]  # fmt: skip
        if app == "jupyterlab":
            args.append("--LabApp.news_url=None")
        self.log_path = base / f"{app}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(args, stdout=self._log, stderr=subprocess.STDOUT, env=env)
        self._wait_ready()

    def api(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(self.url + path, method=method)
        req.add_header("Authorization", f"token {TOKEN}")
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.app} exited:\n{self.log_path.read_text()}")
            try:
                self.api("/api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        raise TimeoutError(f"{self.app} did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        try:
            for k in self.api("/api/kernels"):
                self.api(f"/api/kernels/{k['id']}", method="DELETE")
        except (urllib.error.URLError, ConnectionError):
            pass
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    server = Lab(tmp_path_factory.mktemp("lab"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab_without_labextension(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab with the nbversion labextension disabled: the kernel side only (widgets)."""
    server = Lab(tmp_path_factory.mktemp("lab-nolabext"), disabled=("nbversion",))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """A Jupyter Notebook 7 server (skipped when the `notebook` package is not installed)."""
    pytest.importorskip("notebook", minversion="7")
    server = Lab(tmp_path_factory.mktemp("nb7"), app="notebook")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Use Debian's Chromium: Playwright cannot download its own browser here."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: "
            "run `make test` (it installs it) or set NBVERSION_CHROMIUM"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
