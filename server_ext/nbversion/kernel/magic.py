"""The ``%version`` line magic: a thin front end that parses arguments and calls the session.

Usage text comes from the same argparse parser that validates the line, so ``%version
--help`` and errors always match what the magic accepts. Errors print one line and the
usage; they never raise into the user's notebook -- except a failed ``%version save``: the
cell fails (IPython's ``UsageError``: one line, no traceback), so "Run All" stops there and
a missing version never looks like a saved one.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import shlex
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class

from ..errors import InvalidInput, NbVersionError
from . import render
from .session import KernelSession

SUBCOMMANDS = (
    "save", "log", "show", "status", "restore", "branch", "checkout", "tag", "metric", "param",
    "track", "trust", "autosave", "diff", "evaluate", "alias",
)  # fmt: skip


class _MagicArgumentParser(argparse.ArgumentParser):
    """An argparse parser that raises instead of calling ``sys.exit`` (fatal in a kernel)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise InvalidInput(f"{message}\n\n{self.format_usage().strip()}")

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            print(message)
        raise _HelpShown()


class _HelpShown(Exception):
    """Raised after ``--help`` printed usage, to stop processing the line quietly."""


def parse_assignments(items: list[str]) -> dict[str, Any]:
    """``k=v`` pairs; values are read as JSON/Python literals when they parse, else strings."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key.isidentifier():
            raise InvalidInput(f"expected NAME=VALUE, got {item!r}")
        try:
            value: Any = json.loads(raw)
        except ValueError:
            try:
                value = ast.literal_eval(raw)
            except (ValueError, SyntaxError):
                value = raw
        out[key] = value
    return out


_HTML_HELP = "a plain HTML/text table, not the interactive widget"


def _widgets(a: argparse.Namespace) -> Any:
    """The widgets module when the front end can show widgets and --html was not given."""
    if getattr(a, "html", False):
        return None
    from . import widgets

    return widgets if widgets.available() else None


def build_parser() -> argparse.ArgumentParser:
    """Parser for ``%version`` and every subcommand."""
    p = _MagicArgumentParser(
        prog="%version",
        description=(
            "Save, list and restore versions of this notebook and its kernel state. "
            "REF is a version id or unique prefix, a branch or tag name, HEAD or HEAD~N. "
            "Run `%version SUBCOMMAND --help` for details."
        ),
    )
    sub = p.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=_MagicArgumentParser)

    s = sub.add_parser("save", help="save the notebook and kernel state as a new version")
    s.add_argument("-m", "--message", default="", help="what this version is about")
    s.add_argument("--verify", action="store_true", help="re-encode every variable")
    s.set_defaults(func=_save)

    s = sub.add_parser("log", help="list versions of this notebook, newest first")
    s.add_argument("-n", type=int, default=20, help="how many (default 20)")
    s.add_argument("--all", action="store_true", help="every version, no limit")
    s.add_argument("--branch", help="a branch other than the checked-out one")
    s.add_argument("--html", action="store_true", help=_HTML_HELP)
    s.set_defaults(func=_log)

    s = sub.add_parser("show", help="details of one version")
    s.add_argument("ref", nargs="?", default="HEAD")
    s.add_argument("--html", action="store_true", help=_HTML_HELP)
    s.set_defaults(func=_show)

    s = sub.add_parser("status", help="what changed since the checked-out version")
    s.set_defaults(func=_status)

    s = sub.add_parser("restore", help="restore variables (all, or the NAMEs) in place")
    s.add_argument("ref", nargs="?", help="the version to restore (not with --undo)")
    s.add_argument("names", nargs="*", metavar="NAME")
    s.add_argument("--notebook", action="store_true",
                   help="also write the version's notebook next to this one")  # fmt: skip
    s.add_argument("--trust", action="store_true",
                   help="trust this version's pickled objects (made elsewhere)")  # fmt: skip
    s.add_argument("--undo", action="store_true",
                   help="return to the state from just before the last restore")  # fmt: skip
    s.add_argument("--keep", action="store_true",
                   help="keep variables the version does not have")  # fmt: skip
    s.add_argument("--files", action="store_true", help="also restore tracked data files")
    s.add_argument("--force", action="store_true",
                   help="with --files: overwrite files changed since the last version")  # fmt: skip
    s.set_defaults(func=_restore)

    s = sub.add_parser("autosave", help="save a version after every cell (silently): on|off")
    s.add_argument("state", choices=["on", "off"], nargs="?")
    s.set_defaults(func=_autosave)

    s = sub.add_parser("branch", help="list branches, or create NAME at REF (default HEAD)")
    s.add_argument("name", nargs="?")
    s.add_argument("ref", nargs="?", default="HEAD")
    s.add_argument("-d", "--delete", action="store_true", help="delete branch NAME")
    s.set_defaults(func=_branch)

    s = sub.add_parser("checkout", help="switch to a branch (or restore a version's state)")
    s.add_argument("ref", metavar="BRANCH|REF")
    s.set_defaults(func=_checkout)

    s = sub.add_parser("tag", help="list tags, or tag REF (default HEAD) as NAME")
    s.add_argument("name", nargs="?")
    s.add_argument("ref", nargs="?", default="HEAD")
    s.add_argument("-d", "--delete", action="store_true", help="delete tag NAME")
    s.set_defaults(func=_tag)

    s = sub.add_parser("metric", help="log metrics for the next version: k=v ...")
    s.add_argument("pairs", nargs="+", metavar="k=v")
    s.set_defaults(func=_metric)

    s = sub.add_parser("param", help="log params for this and later versions: k=v ...")
    s.add_argument("pairs", nargs="+", metavar="k=v")
    s.set_defaults(func=_param)

    s = sub.add_parser("track", help="store data files or folders with every version")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.set_defaults(func=_track)

    s = sub.add_parser("trust", help="trust a version made elsewhere (its pickles may load)")
    s.add_argument("ref")
    s.set_defaults(func=_trust)

    s = sub.add_parser("diff", help="compare two versions (default: HEAD~1 and HEAD)")
    s.add_argument("a", nargs="?", default="HEAD~1", metavar="A", help="before (default HEAD~1)")
    s.add_argument("b", nargs="?", default="HEAD", metavar="B", help="after (default HEAD)")
    s.add_argument("--execution-counts", action="store_true", help="also compare execution counts")
    s.add_argument("--metadata", action="store_true", help="also compare volatile metadata")
    s.add_argument("--stats-only", action="store_true", help="compare recorded stats only")
    s.add_argument("--json", action="store_true", help="print the diff data as JSON")
    s.add_argument("--html", action="store_true", help=_HTML_HELP)
    s.set_defaults(func=_diff)

    from .magic_experiments import add_subcommands  # evaluate, alias

    add_subcommands(sub)
    return p


# -- subcommands: each parses nothing, calls the session, displays a view ------------------
def _save(sess: KernelSession, a: argparse.Namespace) -> None:
    res = sess.save(a.message, verify=a.verify)
    c = res.capture
    note = (
        f"Saved version {res.manifest.id[:10]} on {res.manifest.branch} in {res.seconds:.2f} s: "
        f"{len(c.written)} variable(s) stored, {len(c.reused)} unchanged"
        + (f", {len(c.skipped)} not saved" if c.skipped else "")
        + "".join(f". Note: {n}" for n in c.notes)
    )
    render.show(render.SavedView(res.manifest, note, c.written))


def _log(sess: KernelSession, a: argparse.Namespace) -> None:
    limit = None if a.all else a.n
    w = _widgets(a)
    if w is not None:
        render.show(w.VersionBrowser(sess, limit=limit, branch=a.branch))
        return
    versions = sess.log(limit=limit, branch=a.branch)
    head = sess.head()
    render.show(render.LogView(versions, head.id if head else None))


def _show(sess: KernelSession, a: argparse.Namespace) -> None:
    w = _widgets(a)
    m = sess.get(a.ref)
    render.show(w.VersionCard(sess, m) if w is not None else render.VersionView(m))


def _status(sess: KernelSession, a: argparse.Namespace) -> None:
    st = sess.status()
    lines = []
    for key in ("changed", "added", "removed"):
        if st[key]:
            lines.append(f"{key}: {', '.join(st[key])}")
    lines.append("notebook: " + ("changed on disk" if st["notebook_changed"] else "unchanged"))
    if st["pending_params"]:
        lines.append("params: " + render._kv(st["pending_params"]))
    if st["pending_metrics"]:
        lines.append("metrics to save: " + render._kv(st["pending_metrics"]))
    if st["tracked"]:
        lines.append("tracked: " + ", ".join(st["tracked"]))
    for warning in capture_warnings(sess.shell.user_ns):
        lines.insert(0, f"warning: {warning}")
    if st.get("last_error"):
        e = st["last_error"]
        times = f" ({e['failures']} in a row)" if e.get("failures", 1) > 1 else ""
        lines.insert(0, f"last {e['kind']} FAILED{times} at {e['at']}: {e['message']}")
    head = st["head"][:10] if st["head"] else "no version yet"
    render.show(render.MessageView(f"On branch {st['branch']} at {head}", lines))


def capture_warnings(namespace: dict[str, Any]) -> list[str]:
    """What makes saves of this namespace lesser than usual, in words naming the fix.

    Today: pyarrow cannot be imported, so the DataFrames and Series here are pickled.
    Cheap: a type-name check per variable; pyarrow's import is tried once per process.
    """
    from ..capture import arrow, is_capturable_name, pandas_kind

    frames = sorted(
        name
        for name, value in list(namespace.items())
        if pandas_kind.is_frame(value) and is_capturable_name(name, value)
    )
    problem = arrow.problem() if frames else None
    if problem is None:
        return []
    more = len(frames) - 10
    shown = ", ".join(frames[:10]) + (f" and {more} more" if more > 0 else "")
    return [
        f"{shown} are saved with pickle, not Arrow (they load here; another machine loads "
        f"them only after trusting the version), because {problem}"
    ]


def _restore(sess: KernelSession, a: argparse.Namespace) -> None:
    written = None
    if a.undo:
        if a.ref or a.names:
            raise InvalidInput("--undo takes no REF or NAME")
        m, res = sess.undo_restore()
    else:
        if not a.ref:
            raise InvalidInput("restore needs a REF (or --undo)")
        m, res, written = sess.restore(
            a.ref, a.names or None, trust_it=a.trust, notebook=a.notebook, keep=a.keep,
            files=a.files, force=a.force,
        )  # fmt: skip
    lines = []
    if res.restored:
        lines.append("restored: " + render.name_list(res.restored, 40))
    if res.unchanged:
        lines.append("already equal: " + render.name_list(res.unchanged, 40))
    if res.removed:
        lines.append("removed (not in that version): " + render.name_list(res.removed, 40))
    if res.files:
        lines.append("files restored: " + ", ".join(res.files))
    for name, why in res.failed.items():
        lines.append(f"{name}: {why}")
    lines += res.notes
    if written is not None:
        lines.append(f"notebook written to {written.name} (the open notebook is unchanged)")
    render.show(render.MessageView(f"Restored version {m.id[:10]} ({m.message})", lines))


def _branch(sess: KernelSession, a: argparse.Namespace) -> None:
    repo, nid = sess.repo(), sess.notebook_id()
    if a.name is None:
        current = repo.current_branch(nid)
        rows = [
            f"{'*' if b == current else ' '} {b} {v[:10]}"
            for b, v in sorted(repo.branches(nid).items())
        ]
        render.show(render.MessageView("Branches", rows or ["(none yet)"]))
    elif a.delete:
        repo.delete_branch(nid, a.name)
        render.show(render.MessageView(f"Deleted branch {a.name}"))
    else:
        vid = repo.create_branch(nid, a.name, a.ref)
        render.show(render.MessageView(f"Created branch {a.name} at {vid[:10]}"))


def _checkout(sess: KernelSession, a: argparse.Namespace) -> None:
    branch, m, res = sess.checkout(a.ref)
    where = f"Switched to branch {branch}" if branch else f"Restored version {m.id[:10]}"
    lines = [f"restored: {render.name_list(res.restored, 40)}"] if res.restored else []
    if res.removed:
        lines.append("removed: " + render.name_list(res.removed, 40))
    render.show(render.MessageView(f"{where} ({m.message})", lines))


def _tag(sess: KernelSession, a: argparse.Namespace) -> None:
    repo, nid = sess.repo(), sess.notebook_id()
    if a.name is None:
        rows = [f"{t} {v[:10]}" for t, v in sorted(repo.tags(nid).items())]
        render.show(render.MessageView("Tags", rows or ["(none yet)"]))
    elif a.delete:
        repo.delete_tag(nid, a.name)
        render.show(render.MessageView(f"Deleted tag {a.name}"))
    else:
        vid = repo.create_tag(nid, a.name, a.ref)
        render.show(render.MessageView(f"Tagged {vid[:10]} as {a.name}"))


def _metric(sess: KernelSession, a: argparse.Namespace) -> None:
    sess.metrics.update(parse_assignments(a.pairs))
    render.show(render.MessageView("Metrics for the next version: " + render._kv(sess.metrics)))


def _param(sess: KernelSession, a: argparse.Namespace) -> None:
    sess.params.update(parse_assignments(a.pairs))
    render.show(render.MessageView("Params: " + render._kv(sess.params)))


def _track(sess: KernelSession, a: argparse.Namespace) -> None:
    added = sess.track(a.paths)
    render.show(render.MessageView("Tracking (saved with every version)", added))


def _autosave(sess: KernelSession, a: argparse.Namespace) -> None:
    if a.state is not None:
        sess.autosave = a.state == "on"
    if not sess.autosave:  # the cells already run get their versions before this answers
        sess.wait_background()
    state = "on: a version is saved after every cell" if sess.autosave else "off"
    render.show(render.MessageView(f"Auto-save is {state}"))


def _trust(sess: KernelSession, a: argparse.Namespace) -> None:
    from .. import trust

    m = sess.get(a.ref)
    trust.sign(sess.repo().store_dir, m.id)
    render.show(
        render.MessageView(f"Trusted version {m.id[:10]}: its pickled objects may now load")
    )


def _diff(sess: KernelSession, a: argparse.Namespace) -> None:
    from ..diff import DiffOptions, diff_versions

    options = DiffOptions(
        include_execution_counts=a.execution_counts,
        include_volatile_metadata=a.metadata,
        load_values=not a.stats_only,
    )
    data = diff_versions(sess.repo(), sess.get(a.a), sess.get(a.b), options=options)
    if a.json:
        print(json.dumps(data, indent=2, sort_keys=True))
    else:
        w = _widgets(a)
        render.show(w.DiffBrowser(sess, data) if w is not None else render.DiffView(data))


@magics_class
class VersionMagics(Magics):
    """Holds the ``%version`` magic and the kernel's :class:`KernelSession`."""

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self.session = KernelSession(shell)

    @line_magic
    def version(self, line: str) -> None:
        """Save, list, diff and restore notebook versions. ``%version --help`` for usage."""
        parser = build_parser()
        try:
            args = parser.parse_args(shlex.split(line))
        except _HelpShown:
            return
        except (NbVersionError, ValueError) as err:
            print(f"%version: error: {err}")
            return
        if args.command is None:
            parser.print_help()
            return
        func: Callable[[KernelSession, argparse.Namespace], None] = args.func
        try:
            func(self.session, args)
        except NbVersionError as err:
            if args.command == "save":
                raise UsageError(f"%version save failed: {err}") from None
            print(f"%version: error: {err}")
        except Exception as err:
            if args.command != "save":
                raise
            raise UsageError(f"%version save failed: {type(err).__name__}: {err}") from None


def _complete(magics: VersionMagics) -> Callable[[Any, Any], list[str]]:
    """Tab completion: subcommands first, then branch and tag names for REF arguments."""

    def complete(_self: Any, event: Any) -> list[str]:
        words = event.line.split()
        if len(words) <= 1 or (len(words) == 2 and not event.line.endswith(" ")):
            return list(SUBCOMMANDS)
        try:
            sess = magics.session
            repo, nid = sess.repo(), sess.notebook_id()
            return sorted({*repo.branches(nid), *repo.tags(nid), "HEAD"})
        except Exception:
            return []

    return complete


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics with this shell (idempotent) and the tab completer."""
    magics = VersionMagics(ipython)
    ipython.register_magics(magics)
    ipython.set_hook("complete_command", _complete(magics), str_key="%version")
    ipython.events.register("post_run_cell", magics.session.post_run_cell)
    from . import api

    api._bind(magics.session)


def unload_ipython_extension(ipython: Any) -> None:
    """Remove ``%version`` and the auto-save hook from this shell."""
    from . import api

    ipython.magics_manager.magics["line"].pop("version", None)
    if api._session is not None:
        with contextlib.suppress(ValueError):
            ipython.events.unregister("post_run_cell", api._session.post_run_cell)
        api._session.close()
        api._session = None
