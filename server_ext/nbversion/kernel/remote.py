"""Entry points the server calls inside the user's kernel (via a silent execute request).

The server sends one typed request (:mod:`nbversion.protocol`) to :func:`handle`, which
answers a JSON reply, read from ``user_expressions`` without leaving any name in the
user's namespace. Progress is printed as protocol progress lines on stdout, which belong to
the silent request and so never show in the notebook; the server turns them into job
progress.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .. import protocol
from ..errors import NbVersionError
from ..protocol import cancel_marker
from ..store.records import VariableRecord
from ..store.refs import UNDO_BRANCH
from .session import KernelSession

#: the server's saves and restores come from the Versions panel, which saved the file first
SAVED_FIRST = "the Versions panel saved the notebook to its file first"


class Cancelled(NbVersionError):
    """The server gave up on this request before the kernel got to it."""

    http_status = 409


def _session(notebook: str) -> KernelSession:
    from IPython import get_ipython

    from . import api

    ip = get_ipython()
    if "version" not in ip.magics_manager.magics["line"]:
        ip.extension_manager.load_extension("nbversion")
    sess = api.session()
    sess.set_notebook(notebook)
    return sess


def _progress(done: int, total: int, name: str) -> None:
    sys.stdout.write(protocol.progress_line(done, total, name))
    sys.stdout.flush()


def _answer(work: Any) -> str:
    try:
        return protocol.encode_reply({"ok": True, "result": work()})
    except NbVersionError as err:
        return protocol.encode_reply(
            {"ok": False, "error": type(err).__name__, "status": err.http_status,
             "message": str(err)}
        )  # fmt: skip


def handle(text: str) -> str:
    """The one entry point the server calls: decode a typed request, run it, answer."""
    try:
        request = protocol.decode_request(text)
    except protocol.ProtocolError as err:
        return protocol.encode_reply(
            {"ok": False, "error": "ProtocolError", "status": 400, "message": str(err)}
        )
    if isinstance(request, protocol.SaveRequest):
        return save(request.notebook, request.message, request.source, request.job_id)
    if isinstance(request, protocol.StatusRequest):
        return status(request.notebook)
    if isinstance(request, protocol.PreviewRestoreRequest):
        return preview_restore(request.notebook, request.ref, request.names)
    return restore(request.notebook, request.ref, request.names, request.trust_it,
                   request.job_id, request.undo_message)  # fmt: skip


__all__ = ["cancel_marker", "handle"]


def _check_cancelled(sess: KernelSession, job_id: str | None) -> None:
    if job_id and cancel_marker(sess.repo().store_dir, job_id).exists():
        cancel_marker(sess.repo().store_dir, job_id).unlink(missing_ok=True)
        raise Cancelled("the request was cancelled (or timed out) before the kernel was free")


def save(notebook: str, message: str, source: str | None = None, job_id: str | None = None) -> str:
    """Save the notebook and this kernel's state; answers the manifest and capture summary.

    ``source`` is a file holding the notebook content to store instead of ``notebook``'s
    (the executed copy, for headless runs); the version still belongs to ``notebook``.
    """

    def work() -> dict[str, Any]:
        sess = _session(notebook)
        _check_cancelled(sess, job_id)
        src = Path(source) if source else None
        with sess.live.file_is_current(SAVED_FIRST):
            res = sess.save(message, progress=_progress, notebook_source=src)
        return {
            "version": res.manifest.to_dict(),
            "id": res.manifest.id,
            "written": res.capture.written,
            "reused": res.capture.reused,
            "bytes_written": res.capture.bytes_written,
            "seconds": res.seconds,
        }

    return _answer(work)


def status(notebook: str) -> str:
    """This kernel's versioning state: auto-save on or off, saves in flight, and the last
    failed save (``last_error``, None when the last save worked), so the sidebar can say a
    version is missing. Never loads the extension: a kernel without it answers ``loaded``
    False."""

    def work() -> dict[str, Any]:
        from . import api

        sess = api._session
        if sess is None:
            return {"loaded": False, "autosave": False, "last_error": None, "in_flight": 0}
        sess.poll_background()  # a background save that failed is reported now
        return {
            "loaded": True,
            "notebook": str(sess.notebook_path) if sess.notebook_path else None,
            "autosave": sess.autosave,
            "last_error": sess.last_error,
            "in_flight": len(sess._jobs),
            "holds": sess.holds(),  # the version it was last saved as / restored from
        }

    return _answer(work)


def preview_restore(notebook: str, ref: str, names: list[str] | None) -> str:
    """What a restore would do to the live namespace, without doing it.

    ``needs_trust`` names the variables the restore would unpickle although the version is
    not trusted here (a teammate's, pulled or imported): restoring them needs ``trust``.
    """

    def work() -> dict[str, Any]:
        from .. import trust
        from . import snapshot
        from .describe import before_after

        sess = _session(notebook)
        m = sess.get(ref)
        plan = snapshot.plan_restore(sess.shell.user_ns, m.variables, names)
        trusted = trust.is_trusted(sess.repo().store_dir, m.id)
        changes = before_after(sess.shell.user_ns, m.variables, plan)  # now → after, per name
        return {
            "id": m.id,
            "plan": {**plan, "changes": changes},
            "trusted": trusted,
            "needs_trust": [] if trusted else untrusted_loads(m.variables, plan["restore"]),
        }

    return _answer(work)


def untrusted_loads(
    variables: Mapping[str, VariableRecord], to_load: list[str]
) -> list[dict[str, str]]:
    """The variables among ``to_load`` whose decoding runs code (pickle, cloudpickle, …)."""
    from .. import trust

    return [
        {"name": name, "type": rec["type"], "kind": rec["kind"]}
        for name in to_load
        if (rec := variables.get(name)) is not None and trust.runs_code(rec, variables)
    ]


def restore(
    notebook: str,
    ref: str,
    names: list[str] | None,
    trust_it: bool,
    job_id: str | None = None,
    undo_message: str | None = None,
) -> str:
    """Restore variables in place (all, or ``names``), first saving the live state on the
    undo branch (``undo_message`` names that version; its id is the answer's ``undo``)."""

    def work() -> dict[str, Any]:
        sess = _session(notebook)
        _check_cancelled(sess, job_id)
        point: bool | str = True if undo_message is None else (undo_message or False)
        with sess.live.file_is_current(SAVED_FIRST):
            m, res, _ = sess.restore(
                ref, names, trust_it=trust_it, progress=_progress, undo_point=point
            )
        undo = sess.get(UNDO_BRANCH).id if point else None
        return {"id": m.id, **asdict(res), "undo": undo}

    return _answer(work)
