"""Tornado handlers for ``/nbversion/api/``: validate, authorize, call the service, answer JSON.

Every verb is ``@web.authenticated`` then ``@authorized``; ``auth_resource`` names the
permission a jupyter_server ``Authorizer`` is asked about.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .. import __version__
from ..errors import NbVersionError

AUTH_RESOURCE = "nbversion"

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def maps_errors(method: F) -> F:
    """Turn an :class:`NbVersionError` into ``HTTPError`` with its status and message."""

    @wraps(method)
    async def wrapper(self: APIHandler, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except NbVersionError as err:
            raise web.HTTPError(err.http_status, reason=str(err).splitlines()[0][:200]) from err

    return wrapper  # type: ignore[return-value]


class NbVersionHandler(APIHandler):
    """Base class: JSON helpers and the shared project root."""

    auth_resource = AUTH_RESOURCE

    @property
    def project_root(self) -> str:
        return str(self.settings["nbversion_root"])

    def write_json(self, payload: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))


class StatusHandler(NbVersionHandler):
    """``GET /nbversion/api/status``: package version and where the store lives."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self) -> None:
        from pathlib import Path

        root = Path(self.project_root)
        store = root / ".nbversion"
        self.write_json(
            {
                "version": __version__,
                "root": str(root),
                "store": str(store),
                "store_exists": store.is_dir(),
            }
        )


def route_table() -> list[tuple[str, type[APIHandler]]]:
    """Routes relative to the server's base URL (ExtensionApp prefixes base_url)."""
    return [
        (r"/nbversion/api/status", StatusHandler),
    ]
