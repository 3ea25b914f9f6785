"""``nbversion`` is a command in a JupyterLab terminal, even when the server was started from
a virtual environment that nobody activated (its ``bin`` is not on ``PATH``) and starts its
terminals as login shells (it is not attached to a terminal, as under a JupyterHub)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
import urllib.request
from pathlib import Path

from tornado.websocket import websocket_connect

from ..servers import TOKEN, Server

SCRIPTS = Path(sys.executable).parent


def _without_scripts(path: str) -> str:
    return os.pathsep.join(p for p in path.split(os.pathsep) if Path(p) != SCRIPTS)


async def _run_in_terminal(url: str, name: str, command: str, timeout: float = 30) -> str:
    """Type ``command`` in terminal ``name`` and return what it printed up to a marker."""
    ws_url = url.replace("http://", "ws://") + f"/terminals/websocket/{name}?token={TOKEN}"
    conn = await websocket_connect(ws_url)
    try:
        conn.write_message(json.dumps(["stdin", f"{command}; echo NBV''-DONE\r"]))
        out = ""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while "NBV-DONE" not in out:
            msg = await asyncio.wait_for(conn.read_message(), deadline - loop.time())
            if msg is None:
                break
            kind, *rest = json.loads(msg)
            if kind == "stdout":
                out += rest[0]
        return out
    finally:
        conn.close()


def test_a_terminal_of_the_server_finds_nbversion(tmp_path: Path) -> None:
    assert (SCRIPTS / "nbversion").exists(), "the console script is installed beside python"
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "PATH": _without_scripts(os.environ["PATH"]), "HOME": str(home),
           "SHELL": "/bin/bash"}  # fmt: skip
    env.pop("VIRTUAL_ENV", None)
    root = tmp_path / "root"
    root.mkdir()
    server = Server(root, [], env=env)
    try:
        req = urllib.request.Request(f"{server.url}/api/terminals", data=b"{}", method="POST")
        req.add_header("Authorization", f"token {TOKEN}")
        with urllib.request.urlopen(req, timeout=10) as resp:
            name = json.loads(resp.read())["name"]
        out = asyncio.run(
            _run_in_terminal(server.url, name, "command -v nbversion; nbversion --version")
        )
        log = server.log()
    finally:
        server.stop()
    printed = out.split("NBV''-DONE", 1)[-1]  # what ran, not the echo of what was typed
    assert f"{SCRIPTS}/nbversion" in printed, out
    assert re.search(r"nbversion \d+\.\d+", printed), out
    assert "command not found" not in printed, out
    assert "put in front of PATH" in log
    # not attached to a terminal, the server starts login shells: /etc/profile resets PATH
    assert "terminals (/bin/bash -l) keep" in log
