"""Tornado handlers for ``/nbversion/api/``: validate, authorize, call the service, answer JSON.

Every verb is ``@web.authenticated`` then ``@authorized``; ``auth_resource`` names the
permission a jupyter_server ``Authorizer`` is asked about (GET needs ``read``; POST, PUT
and DELETE need ``write``; adding and removing remotes is ``write`` on
``nbversion-remotes``). Errors are :class:`NbVersionError` subclasses, turned into a JSON
body ``{message, reason}`` with their HTTP status in one place (:func:`maps_errors`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any, TypeVar

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from ..errors import InvalidInput, NbVersionError
from ..service import VersionService
from ..service.jobs import Job

AUTH_RESOURCE = "nbversion"
#: Adding and removing remotes: on a hub only the owner, or ``custom:nbversion:remotes``.
REMOTES_RESOURCE = "nbversion-remotes"
MAX_BODY = 1_000_000
F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def error_body(err: NbVersionError) -> dict[str, Any]:
    """``{message, reason}``, with ``details`` when the error has any (see NbVersionError)."""
    body: dict[str, Any] = {"message": str(err), "reason": type(err).__name__}
    if err.details:
        body["details"] = err.details
    return body


def maps_errors(method: F) -> F:
    """Answer an :class:`NbVersionError` with its status and ``{message, reason}``."""

    @wraps(method)
    async def wrapper(self: NbVersionHandler, *args: Any, **kwargs: Any) -> Any:
        try:
            return await method(self, *args, **kwargs)
        except NbVersionError as err:
            self.log.info("nbversion: %s %s -> %s %s", self.request.method, self.request.path,
                          err.http_status, err)  # fmt: skip
            self.set_status(err.http_status)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(error_body(err)))
            return None

    return wrapper  # type: ignore[return-value]


class NbVersionHandler(APIHandler):
    """Base class: JSON helpers, argument parsing and the shared service."""

    auth_resource = AUTH_RESOURCE

    async def prepare(self) -> None:  # type: ignore[override]
        """Refuse reads that a cross-site page could trigger with the session cookie alone.

        jupyter_server checks the XSRF token only on writes; a GET that decodes stored data
        is reachable by a link on any web page, since browsers send the cookie on top-level
        navigations. Every route here needs the token (``Authorization: token …`` or
        ``?token=``) or the ``X-XSRFToken`` header that JupyterLab sends with each request:
        neither can be produced by a cross-site navigation.
        """
        await super().prepare()
        if self.request.method not in ("GET", "HEAD") or self.current_user is None:
            return
        if self.token_authenticated or self.settings.get("disable_check_xsrf", False):
            return
        try:
            web.RequestHandler.check_xsrf_cookie(self)
        except web.HTTPError:
            raise web.HTTPError(
                403, "nbversion reads need the X-XSRFToken header or a token"
            ) from None

    @property
    def service(self) -> VersionService:
        return self.settings["nbversion_service"]  # type: ignore[no-any-return]

    def write_json(self, payload: Any, status: int = 200) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(payload))

    def body(self) -> dict[str, Any]:
        raw = self.request.body or b"{}"
        if len(raw) > MAX_BODY:
            raise InvalidInput(f"request body larger than {MAX_BODY} bytes")
        try:
            data = json.loads(raw)
        except ValueError as err:
            raise InvalidInput(f"request body is not JSON: {err}") from None
        except RecursionError:  # e.g. 100,000 nested arrays: not a request we answer
            raise InvalidInput("request body is nested too deeply") from None
        if not isinstance(data, dict):
            raise InvalidInput("request body must be a JSON object")
        return data

    def arg(self, name: str) -> str | None:
        value = self.get_query_argument(name, None)
        return value or None

    def required_arg(self, name: str) -> str:
        value = self.get_query_argument(name, None)
        if not value:
            raise InvalidInput(f"query parameter {name!r} is required")
        return value

    def int_arg(self, name: str, default: int | None) -> int | None:
        raw = self.get_query_argument(name, None)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput(f"query parameter {name!r} must be an integer") from None

    def api_url(self, *parts: str) -> str:
        return url_path_join(self.base_url, "nbversion", "api", *parts)

    def write_job(self, job: Job, location_when_done: str | None) -> None:
        """201/200 with the result when the job is over, 202 + Location of the job otherwise."""
        payload = job.to_dict()
        if job.state == "done":
            if location_when_done:
                self.set_header("Location", location_when_done)
                self.write_json(payload, 201)
            else:
                self.write_json(payload, 200)
        elif job.state == "failed" and job.error:
            body = {k: v for k, v in job.error.items() if k != "status"}
            self.write_json({**body, "job": payload}, int(job.error["status"]))
        else:
            self.set_header("Location", self.api_url("jobs", job.id))
            self.write_json(payload, 202)


def _required(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidInput(f"field {name!r} must be a non-empty string")
    return value


def _optional(body: dict[str, Any], name: str) -> str | None:
    return None if body.get(name) is None else _required(body, name)


class StatusHandler(NbVersionHandler):
    """``GET status``: package version and where the store lives."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self) -> None:
        # ?path=NB adds that notebook's kernel state: auto-save, last failed save (last_error)
        self.write_json(await self.service.status(self.get_argument("path", None)))


class VersionsHandler(NbVersionHandler):
    """``GET versions`` lists (paged, searchable); ``POST versions`` saves one."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self) -> None:
        result = await self.service.list_versions(
            self.arg("path"), self.arg("branch"), self.arg("q"),
            self.int_arg("offset", 0) or 0, self.int_arg("limit", None),
        )  # fmt: skip
        self.write_json(result)

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self) -> None:
        body = self.body()
        path = _required(body, "path")
        message = body.get("message", "")
        kernel_id = _optional(body, "kernel_id")
        if not isinstance(message, str):
            raise InvalidInput("field 'message' must be a string")
        job = await self.service.save(path, message, kernel_id)
        done_at = self.api_url("versions", job.result["id"]) if job.state == "done" else None
        self.write_job(job, done_at)


class VersionHandler(NbVersionHandler):
    """``GET versions/{ref}``: one version's manifest."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self, ref: str) -> None:
        self.write_json(await self.service.get_version(ref, self.arg("path")))


class VersionNotebookHandler(NbVersionHandler):
    """``GET versions/{ref}/notebook``: the notebook JSON stored in a version."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self, ref: str) -> None:
        self.write_json(await self.service.notebook_content(ref))


class RestoreHandler(NbVersionHandler):
    """``POST versions/{ref}/restore``: variables (all or some) and/or notebook, in place."""

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self, ref: str) -> None:
        body = self.body()
        path = _required(body, "path")
        variables = body.get("variables")
        if variables is not None and not isinstance(variables, list):
            raise InvalidInput("field 'variables' must be a list of names")
        flags = {k: body.get(k, False) for k in ("notebook", "trust", "preview")}
        for k, v in flags.items():
            if not isinstance(v, bool):
                raise InvalidInput(f"field {k!r} must be a boolean")
        undo = body.get("undo_point")  # a message: save the replaced state first; false: don't
        if undo is not None and not isinstance(undo, (str, bool)):
            raise InvalidInput("field 'undo_point' must be a message or false")
        job = await self.service.restore(
            ref, path, _optional(body, "kernel_id"), variables,
            flags["notebook"], trust_it=flags["trust"], preview=flags["preview"],
            undo=None if undo is None or undo is True else (undo or ""),
        )  # fmt: skip
        self.write_job(job, None)


class DiffHandler(NbVersionHandler):
    """``GET diff?a=…&b=…``: what changed between two versions."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self) -> None:
        a, b = self.required_arg("a"), self.required_arg("b")
        self._task = asyncio.ensure_future(self.service.diff(a, b, self.arg("path")))
        try:
            result = await self._task
        except asyncio.CancelledError:
            return  # the client went away: its worker is already stopped
        self.write_json(result)

    def on_connection_close(self) -> None:
        """Stop the diff's worker process when the client goes away (tab closed, timeout)."""
        task = getattr(self, "_task", None)
        if task is not None and not task.done():
            task.cancel()


class RefsHandler(NbVersionHandler):
    """``GET refs?path=…``: branches, tags and the checked-out branch of a notebook."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self) -> None:
        path = self.required_arg("path")
        self.write_json(await self.service.refs(path))


class RefKindHandler(NbVersionHandler):
    """``POST refs/branches`` or ``refs/tags``: create ``{path, name, ref}``."""

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self, kind: str) -> None:
        body = self.body()
        path, name = _required(body, "path"), _required(body, "name")
        ref = _optional(body, "ref") or "HEAD"
        created = await self.service.create_ref(path, kind, name, ref)
        self.set_header("Location", self.api_url("refs", kind, name))
        self.write_json(created, 201)


class RefHandler(NbVersionHandler):
    """``DELETE refs/branches/{name}?path=…`` (or tags)."""

    @web.authenticated
    @authorized
    @maps_errors
    async def delete(self, kind: str, name: str) -> None:
        path = self.required_arg("path")
        await self.service.delete_ref(path, kind, name)
        self.set_status(204)
        self.finish()


class CheckoutHandler(NbVersionHandler):
    """``POST refs/checkout`` ``{path, branch}``: make a branch the notebook's current one."""

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self) -> None:
        body = self.body()
        path, branch = _required(body, "path"), _required(body, "branch")
        self.write_json(await self.service.checkout(path, branch))


class RemotesHandler(NbVersionHandler):
    """``GET remotes[?path=…]``: remotes (never credentials) and the background fetch; with
    a path, ahead/behind. ``POST remotes`` ``{name, url, kind?, endpoint_url?, profile?}``
    adds one (``nbversion remote add``): 201, or 400 naming the field that is wrong."""

    @property
    def auth_resource(self) -> str:  # type: ignore[override]
        # adding a remote decides where data goes and which hosts the server talks to
        return AUTH_RESOURCE if self.request.method in ("GET", "HEAD") else REMOTES_RESOURCE

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self) -> None:
        listed = await self.service.remotes(self.arg("path"))
        self.write_json({"remotes": listed, "fetch": self.service.fetch_state.to_dict()})

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self) -> None:
        body = self.body()
        unknown = set(body) - {"name", "url", "kind", "endpoint_url", "profile"}
        if unknown:  # credentials above all: they stay on the server, never in a request
            raise InvalidInput(f"unknown fields: {', '.join(sorted(unknown))}")
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise InvalidInput("say what to call the remote (e.g. origin)",
                               details={"field": "name"})  # fmt: skip
        for field in ("url", "kind", "endpoint_url", "profile"):
            if body.get(field) is not None and not isinstance(body[field], str):
                raise InvalidInput(f"field {field!r} must be a string", details={"field": field})
        added = await self.service.add_remote(
            name, body.get("url") or "", body.get("kind") or None,
            body.get("endpoint_url") or "", body.get("profile") or "",
        )  # fmt: skip
        self.set_header("Location", self.api_url("remotes", name))
        self.write_json(added, 201)


class RemoteHandler(NbVersionHandler):
    """``DELETE remotes/{name}``: forget a remote (``nbversion remote remove``); 204."""

    auth_resource = REMOTES_RESOURCE

    @web.authenticated
    @authorized
    @maps_errors
    async def delete(self, remote: str) -> None:
        await self.service.remove_remote(remote)
        self.set_status(204)
        self.finish()


def _names(body: dict[str, Any], field: str) -> list[str] | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidInput(f"field {field!r} must be a list of names")
    return list(value)


class PushHandler(NbVersionHandler):
    """``POST remotes/{name}/push`` ``{path?, branches?, tags?, branch?}``: a job pushing
    every branch and tag (of the notebook at ``path``, or of all), or only those named;
    409 "fetch first" when the remote moved, with ``details`` naming the branch."""

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self, remote: str) -> None:
        body = self.body()
        branches, tags = _names(body, "branches"), _names(body, "tags")
        branch = _optional(body, "branch")
        if branch is not None:
            branches = [*(branches or []), branch]
        job = await self.service.push(remote, _optional(body, "path"), branches, tags)
        self.write_job(job, None)


class PullHandler(NbVersionHandler):
    """``POST remotes/{name}/pull``: fetch the remote's versions as ``REMOTE/branch`` refs."""

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self, remote: str) -> None:
        self.write_job(await self.service.pull(remote), None)


class JoinHandler(NbVersionHandler):
    """``POST remotes/{name}/join`` ``{path, branch?}``: join ``REMOTE/branch`` (fetch first)."""

    @web.authenticated
    @authorized
    @maps_errors
    async def post(self, remote: str) -> None:
        body = self.body()
        path = _required(body, "path")
        self.write_json(await self.service.join(remote, path, _optional(body, "branch")))


class GitHandler(NbVersionHandler):
    """``GET git?path=…``: git auto-commit state; ``PUT git`` ``{path?, autocommit}`` sets it."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self) -> None:
        self.write_json(await self.service.git(self.arg("path")))

    @web.authenticated
    @authorized
    @maps_errors
    async def put(self) -> None:
        body = self.body()
        on = body.get("autocommit")
        if not isinstance(on, bool):
            raise InvalidInput("field 'autocommit' must be a boolean")
        self.write_json(await self.service.set_git_autocommit(_optional(body, "path"), on))


class StorageHandler(NbVersionHandler):
    """``GET storage?path=…``: local size vs budget; each version local, remote-only or partial."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self) -> None:
        self.write_json(await self.service.storage(self.arg("path")))


class JobHandler(NbVersionHandler):
    """``GET jobs/{id}`` polls a save/restore; ``DELETE jobs/{id}`` cancels it."""

    @web.authenticated
    @authorized
    @maps_errors
    async def get(self, job_id: str) -> None:
        self.write_json(self.service.jobs.get(job_id).to_dict())

    @web.authenticated
    @authorized
    @maps_errors
    async def delete(self, job_id: str) -> None:
        job = await self.service.jobs.cancel(job_id)
        self.write_json(job.to_dict())


_REF = r"([^/?#]+)"


def route_table() -> list[tuple[str, type[APIHandler]]]:
    """Routes relative to the server's base URL (ExtensionApp prefixes base_url)."""
    from . import live_handler  # (it builds on this module's base class)

    api = "/nbversion/api"
    return [
        (rf"{api}/status", StatusHandler),
        (rf"{api}/versions", VersionsHandler),
        (rf"{api}/versions/{_REF}", VersionHandler),
        (rf"{api}/versions/{_REF}/notebook", VersionNotebookHandler),
        (rf"{api}/versions/{_REF}/restore", RestoreHandler),
        (rf"{api}/diff", DiffHandler),
        (rf"{api}/refs", RefsHandler),
        (rf"{api}/refs/checkout", CheckoutHandler),
        (rf"{api}/refs/(branches|tags)", RefKindHandler),
        (rf"{api}/refs/(branches|tags)/{_REF}", RefHandler),
        (rf"{api}/storage", StorageHandler),
        (rf"{api}/git", GitHandler),
        (rf"{api}/remotes", RemotesHandler),
        (rf"{api}/remotes/{_REF}", RemoteHandler),
        (rf"{api}/remotes/{_REF}/push", PushHandler),
        (rf"{api}/remotes/{_REF}/pull", PullHandler),
        (rf"{api}/remotes/{_REF}/join", JoinHandler),
        (rf"{api}/jobs/([0-9a-f]{{32}})", JobHandler),
        live_handler.ROUTE,
    ]
