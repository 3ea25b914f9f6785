"""``POST /nbversion/api/live/{id}``: the editor's notebook for a save running in the kernel.

The labextension answers a kernel's request (sent over a comm while a cell runs) with its
notebook model; :func:`..service.live.deliver` writes it where the kernel waits for it.
A notebook can be far larger than the other requests' bodies (images in outputs), so this
route has its own body limit.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..errors import InvalidInput
from ..service.live import deliver
from .handlers import NbVersionHandler, maps_errors

MAX_NOTEBOOK_BODY = 256 * 1024 * 1024


class LiveNotebookHandler(NbVersionHandler):
    """Body ``{path, content}``: ``content`` is the notebook model (``toJSON()``)."""

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self, rid: str) -> None:
        raw = self.request.body or b"{}"
        if len(raw) > MAX_NOTEBOOK_BODY:
            raise InvalidInput(f"request body larger than {MAX_NOTEBOOK_BODY} bytes")
        try:
            body: Any = json.loads(raw)
        except (ValueError, RecursionError):
            raise InvalidInput("request body is not JSON (or nested too deeply)") from None
        if not isinstance(body, dict) or not isinstance(body.get("path"), str):
            raise InvalidInput("request body must be {path, content}")
        # not on the store's thread: a kernel is waiting, and this touches no store state
        loop = asyncio.get_running_loop()
        size = await loop.run_in_executor(
            None, deliver, self.service.root, rid, body["path"], body.get("content")
        )
        self.write_json({"request": rid, "bytes": size})


ROUTE = (r"/nbversion/api/live/([0-9a-f]{32})", LiveNotebookHandler)
