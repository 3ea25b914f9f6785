"""Talk to the user's kernel through the server's kernel manager (silent execute requests).

A typed request (:mod:`nbversion.protocol`) is handed to ``nbversion.kernel.remote.handle``
and its JSON reply is read from ``user_expressions``: no name lands in the user's
namespace, the execution count does not move, and outputs (progress lines) belong to our
request only, so they never show in the notebook. A busy kernel queues the request behind
the running cell.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from jupyter_client.session import Session

from .. import protocol
from ..errors import NbVersionError, Unprocessable

_ANSWER = "__nbversion_answer__"


class KernelUnavailable(Unprocessable):
    """The kernel is dead, missing or not a Python kernel with nbversion installed."""


class KernelTimeout(NbVersionError):
    """The kernel did not answer in time."""

    http_status = 504


class RemoteError(NbVersionError):
    """An nbversion error raised inside the kernel, carried back with its HTTP status."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.http_status = status
        self.reason = reason


def own_session(km: Any) -> Session:
    """A new session (so a socket identity of our own) with the kernel's signing key.

    Clients made by ``km.client()`` share the manager's session and so one ZMQ identity;
    the kernel's ROUTER socket may then hand our reply to another client (or theirs to us).
    """
    return Session(key=km.session.key, signature_scheme=km.session.signature_scheme)


async def kernel_state(kernel_manager: Any, kernel_id: str) -> str:
    """'idle', 'busy', 'starting', ..., or 'dead' when the kernel is gone."""
    try:
        km = kernel_manager.get_kernel(kernel_id)
    except KeyError:
        return "dead"
    alive = await km.is_alive() if asyncio.iscoroutinefunction(km.is_alive) else km.is_alive()
    if not alive:
        return "dead"
    return str(getattr(km, "execution_state", "unknown"))


async def call(
    kernel_manager: Any,
    kernel_id: str,
    request: protocol.Request,
    *,
    timeout: float,
    on_progress: Callable[[int, int, str], None] | None = None,
    on_started: Callable[[], None] | None = None,
) -> Any:
    """Run ``request`` in the kernel and return its result (or raise its error)."""
    if await kernel_state(kernel_manager, kernel_id) == "dead":
        raise KernelUnavailable(f"kernel {kernel_id} is not running")
    km = kernel_manager.get_kernel(kernel_id)
    client = km.client(session=own_session(km))
    client.start_channels()
    try:
        # no wait_for_ready: its kernel_info request would queue behind a busy cell too;
        # the shell socket queues our request until the kernel reads it.
        expr = protocol.expression(request)
        msg_id = client.execute(
            "", silent=True, store_history=False, user_expressions={_ANSWER: expr}
        )
        deadline = time.monotonic() + timeout
        reply = None
        while reply is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise KernelTimeout(f"kernel {kernel_id} did not answer within {timeout:.0f} s")
            iopub = asyncio.ensure_future(client.get_iopub_msg(timeout=remaining))
            shell = asyncio.ensure_future(client.get_shell_msg(timeout=remaining))
            done, pending = await asyncio.wait(
                {iopub, shell}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
            for fut in pending:
                fut.cancel()
            for fut in done:
                try:
                    msg = fut.result()
                except Exception:  # noqa: S112 - a timed-out read: the loop checks the deadline
                    continue
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if fut is shell and msg["msg_type"] == "execute_reply":
                    reply = msg
                elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "busy":
                    if on_started is not None:
                        on_started()
                elif msg["msg_type"] == "stream" and on_progress is not None:
                    for line in msg["content"]["text"].splitlines():
                        if (step := protocol.parse_progress(line)) is not None:
                            on_progress(*step)
    finally:
        client.stop_channels()
    content = reply["content"]
    if content.get("status") != "ok":
        raise KernelUnavailable(f"kernel error: {content.get('ename')}: {content.get('evalue')}")
    answer = content.get("user_expressions", {}).get(_ANSWER)
    if answer is None:
        raise KernelUnavailable(f"the kernel's reply carried no answer: {content}")
    if answer.get("status") != "ok":
        hint = ""
        if answer.get("ename") == "ModuleNotFoundError":
            hint = " (is nbversion installed in the kernel's environment?)"
        raise KernelUnavailable(f"{answer.get('ename')}: {answer.get('evalue')}{hint}")
    raw = answer["data"]["text/plain"]
    try:
        data = protocol.decode_reply(_unrepr(raw))
    except protocol.ProtocolError as err:
        raise KernelUnavailable(f"the kernel's answer is not understood: {err}") from None
    if not data.get("ok"):
        status = data.get("status", 500)
        raise RemoteError(int(status), str(data.get("error")), str(data.get("message")))
    return data.get("result")


async def kernel_status(kernel_manager: Any, kernel_id: str | None, notebook: str) -> Any:
    """The kernel's versioning state (``remote.status``: auto-save, ``last_error``...) plus
    its execution ``state``; only the state when it is not idle (never queue behind a cell)."""
    if kernel_manager is None or kernel_id is None:
        return None
    state = await kernel_state(kernel_manager, kernel_id)
    if state != "idle":
        return {"state": state}
    try:
        answer = await call(kernel_manager, kernel_id, protocol.StatusRequest(notebook), timeout=5)
    except NbVersionError as err:
        return {"state": state, "error": str(err)}
    return {"state": state, **answer}


def _unrepr(text: str) -> str:
    """user_expressions return repr(str): undo that safely."""
    import ast

    value = ast.literal_eval(text)
    if not isinstance(value, str):
        raise KernelUnavailable("unexpected answer from the kernel")
    return value
