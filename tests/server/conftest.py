"""Fixtures for REST tests: a notebook in the server root and a real kernel for it."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from nbversion.service.kernels import own_session

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

Fetch = Callable[..., Awaitable[Any]]


@pytest.fixture
def notebook(jp_root_dir: Path) -> str:
    """A notebook (the demo) in the server root; returns its API path."""
    shutil.copy(EXAMPLES / "demo.ipynb", jp_root_dir / "analysis.ipynb")
    return "analysis.ipynb"


async def api(
    fetch: Fetch, *parts: str, method: str = "GET", body: Any = None, **params: Any
) -> Any:
    """Call the nbversion API and decode JSON (raises HTTPClientError on 4xx/5xx)."""
    kwargs: dict[str, Any] = {"method": method}
    if body is not None:
        kwargs["body"] = json.dumps(body)
    if params:
        kwargs["params"] = params
    if method == "DELETE":
        kwargs["allow_nonstandard_methods"] = True
    resp = await fetch("nbversion", "api", *parts, **kwargs)
    return resp, (json.loads(resp.body) if resp.body else None)


class LiveKernel:
    """The notebook's kernel, started through the server's session API like JupyterLab does."""

    def __init__(self, serverapp: Any, kernel_id: str) -> None:
        self.serverapp = serverapp
        self.id = kernel_id

    async def run(self, code: str, timeout: float = 60) -> str:
        km = self.serverapp.kernel_manager.get_kernel(self.id)
        client = km.client(session=own_session(km))
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=timeout)
            msg_id = client.execute(code)
            out, error = "", ""
            while True:
                msg = await client.get_iopub_msg(timeout=timeout)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    out += msg["content"]["text"]
                elif msg["msg_type"] == "error":
                    error = "\n".join(msg["content"]["traceback"])
                elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            assert not error, error
            return out
        finally:
            client.stop_channels()

    def run_nowait(self, code: str) -> None:
        km = self.serverapp.kernel_manager.get_kernel(self.id)
        client = km.client(session=own_session(km))
        client.start_channels()
        client.execute(code)
        asyncio.get_event_loop().call_later(30, client.stop_channels)


@pytest.fixture
def live_kernel(
    jp_fetch: Fetch, jp_serverapp: Any, notebook: str, jp_asyncio_loop: asyncio.AbstractEventLoop
) -> Iterator[LiveKernel]:
    """Start the notebook's kernel through ``POST /api/sessions``, like JupyterLab does."""
    body = {"path": notebook, "type": "notebook", "name": "", "kernel": {"name": "python3"}}
    resp = jp_asyncio_loop.run_until_complete(
        jp_fetch("api", "sessions", method="POST", body=json.dumps(body))
    )
    session = json.loads(resp.body)
    yield LiveKernel(jp_serverapp, session["kernel"]["id"])
    jp_asyncio_loop.run_until_complete(jp_fetch("api", "sessions", session["id"], method="DELETE"))
