"""The ``nbversion`` command line: a thin front end over the store and service API."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import versioning
from .errors import InvalidInput, NbVersionError, NotFound
from .meta import __version__

Handler = Callable[[argparse.Namespace], int]
#: ``add(name, handler, help) -> subparser``, handed to each command module's ``register``.
AddCommand = Callable[[str, Handler, str], argparse.ArgumentParser]

#: Modules contributing subcommands: each defines ``register(add: AddCommand) -> None``
#: and keeps its handlers thin over the store/service API.
COMMAND_MODULES: tuple[str, ...] = (
    "nbversion.cli_remote",
    "nbversion.cli_diff",
    "nbversion.cli_tiering",
    "nbversion.cli_experiments",
    "nbversion.cli_keys",
)


def _repo(args: argparse.Namespace) -> Any:
    from .store import Repository

    return Repository.open(args.root or ".")


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, indent=2, sort_keys=True) if args.json else text)


def _summary(m: Any) -> dict[str, Any]:
    return {
        "id": m.id,
        "branch": m.branch,
        "message": m.message,
        "created": m.created,
        "author": m.author,
        "notebook_path": m.notebook_path,
        "parents": m.parents,
    }


def cmd_init(args: argparse.Namespace) -> int:
    from .store import Repository

    repo = Repository.init(args.path or args.root or ".")
    repo.close()
    _emit(args, {"root": str(repo.root)}, f"initialized nbversion store in {repo.store_dir}")
    return 0


def cmd_save(args: argparse.Namespace) -> int:
    if args.execute:
        return _save_executed(args)
    with _repo(args) as repo:
        m = versioning.save_notebook_file(repo, args.notebook, args.message, branch=args.branch)
        _emit(args, _summary(m), f"[{m.branch} {m.id[:12]}] {m.message}")
    return 0


def _save_executed(args: argparse.Namespace) -> int:
    """``save --execute``: run the notebook headless, then save its final kernel state."""
    from pathlib import Path

    from .headless import execute_and_save
    from .store import Repository

    if args.branch:
        raise InvalidInput("--execute saves on the notebook's checked-out branch (no --branch)")
    notebook = Path(args.notebook).resolve()
    try:
        root = Repository.discover(Path(args.root) if args.root else notebook.parent)
    except NotFound:
        root = Path(args.root).resolve() if args.root else notebook.parent
        Repository.init(root).close()
    result = execute_and_save(root, notebook, args.message, kernel_name=args.kernel,
                              timeout=args.timeout)  # fmt: skip
    v = result["version"]
    text = (
        f"[{v['branch']} {result['id'][:12]}] {v['message']} "
        f"({len(v['variables'])} variables, {result['seconds']:.1f} s)"
    )
    _emit(args, {"id": result["id"], **{k: v[k] for k in ("branch", "message", "metrics")}}, text)
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    with _repo(args) as repo:
        versions = repo.log(args.notebook, branch=args.branch, limit=args.limit)
        lines = [
            f"{m.id[:12]}  {m.created[:19]}  {m.author['name']}  {m.message}" for m in versions
        ]
        _emit(args, [_summary(m) for m in versions], "\n".join(lines))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with _repo(args) as repo:
        m = repo.get(args.ref, args.notebook)
        data = {"id": m.id, **m.to_dict()}
        text = [f"version {m.id}", f"notebook {m.notebook_path} ({m.notebook_id})"]
        text += [f"branch  {m.branch}", f"author  {m.author['name']} <{m.author['email']}>"]
        text += [f"date    {m.created}", f"parents {' '.join(m.parents) or '-'}", "", m.message]
        text += [f"  var {n}: {v['type']} {v['size']} bytes" for n, v in m.variables.items()]
        _emit(args, data, "\n".join(text))
    return 0


def cmd_branch(args: argparse.Namespace) -> int:
    with _repo(args) as repo:
        nb = args.notebook
        if args.delete:
            old = repo.delete_branch(nb, args.delete)
            _emit(
                args,
                {"deleted": args.delete, "was": old},
                f"deleted branch {args.delete} (was {old[:12]})",
            )
        elif args.undo:
            now = repo.undo_branch(nb, args.undo)
            _emit(
                args,
                {"branch": args.undo, "id": now},
                f"branch {args.undo} now at {(now or 'nothing')[:12]}",
            )
        elif args.reflog:
            entries = repo.reflog(nb, args.reflog)
            lines = [
                f"{e.when}  {(e.old or '-')[:12]} -> {(e.new or '-')[:12]}  {e.who}: {e.why}"
                for e in entries
            ]
            _emit(args, [e.__dict__ for e in entries], "\n".join(lines))
        elif args.checkout:
            head = repo.checkout(nb, args.checkout)
            _emit(
                args, {"branch": args.checkout, "id": head}, f"switched to branch {args.checkout}"
            )
        elif args.name:
            vid = repo.create_branch(nb, args.name, args.start)
            _emit(
                args, {"branch": args.name, "id": vid}, f"created branch {args.name} at {vid[:12]}"
            )
        else:
            current = repo.current_branch(nb)
            branches = repo.branches(nb)
            lines = [f"{'*' if b == current else ' '} {b}  {v[:12]}" for b, v in branches.items()]
            _emit(args, {"current": current, "branches": branches}, "\n".join(lines))
    return 0


def cmd_tag(args: argparse.Namespace) -> int:
    with _repo(args) as repo:
        if args.delete:
            old = repo.delete_tag(args.notebook, args.delete)
            _emit(args, {"deleted": args.delete, "was": old}, f"deleted tag {args.delete}")
        elif args.name:
            vid = repo.create_tag(args.notebook, args.name, args.ref)
            _emit(args, {"tag": args.name, "id": vid}, f"tagged {vid[:12]} as {args.name}")
        else:
            tags = repo.tags(args.notebook)
            _emit(args, tags, "\n".join(f"{t}  {v[:12]}" for t, v in tags.items()))
    return 0


def cmd_gc(args: argparse.Namespace) -> int:
    from .cli_remote import ProgressLine
    from .store.config import parse_duration

    with _repo(args) as repo:
        grace = parse_duration(args.grace) if args.grace is not None else None
        with ProgressLine("gc", quiet=args.json or not sys.stderr.isatty()) as line:
            report = repo.gc(dry_run=args.dry_run, grace=grace, progress=line)
        verb = "would remove" if report.dry_run else "removed"
        text = (
            f"{verb} {len(report.versions_removed)} versions, "
            f"{len(report.objects_removed)} objects, {len(report.tags_removed)} tags; "
            f"{report.bytes_freed} bytes freed"
        )
        if report.dry_run:
            text += "".join(f"\n  version {v}" for v in report.versions_removed)
            text += "".join(f"\n  object  {o}" for o in report.objects_removed)
        _emit(args, report.to_dict(), text)
    return 0


def cmd_fsck(args: argparse.Namespace) -> int:
    from .cli_remote import ProgressLine

    with _repo(args) as repo:
        with ProgressLine("fsck", quiet=args.json or not sys.stderr.isatty()) as line:
            report = repo.fsck(repair=args.repair, progress=line)
        lines = [f"{p.kind}: {p.detail}" for p in report.problems]
        lines += [f"removed corrupt object {o}" for o in report.removed_objects]
        lines += [f"version {v} lost: {', '.join(w)}" for v, w in report.lost.items()]
        status = "ok" if report.ok else f"{len(report.problems)} problems"
        lines.append(
            f"checked {report.objects_checked} objects, {report.versions_checked} versions, "
            f"{report.refs_checked} refs: {status}"
        )
        _emit(args, report.to_dict(), "\n".join(lines))
    return 0 if report.ok else 1


def cmd_reindex(args: argparse.Namespace) -> int:
    with _repo(args) as repo:
        count = repo.reindex()
        _emit(args, {"versions": count}, f"indexed {count} versions")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand (kept separate so docs and tests can use it)."""
    parser = argparse.ArgumentParser(
        prog="nbversion",
        description=(
            "Notebook-native versioning: save, branch, diff, restore and share notebook state."
        ),
    )
    parser.add_argument("--version", action="version", version=f"nbversion {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", help="project root (default: discovered upward from cwd)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, "create a .nbversion store in PATH (default: cwd)")
    p.add_argument("path", nargs="?")
    p = add("save", cmd_save, "save a notebook-only version of NOTEBOOK from disk")
    p.add_argument("notebook")
    p.add_argument("-m", "--message", required=True)
    p.add_argument("-b", "--branch", help="branch to save on (default: checked-out branch)")
    p.add_argument(
        "--execute",
        action="store_true",
        help="run every cell in a fresh kernel first and save its variables too",
    )
    p.add_argument("--kernel", help="kernel to run with --execute (default: the notebook's)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per cell (--execute)")
    p = add("log", cmd_log, "list versions on a branch, newest first")
    p.add_argument("notebook")
    p.add_argument("-b", "--branch")
    p.add_argument("-n", "--limit", type=int)
    p = add("show", cmd_show, "show one version's manifest")
    p.add_argument("ref", help="id, unique prefix, branch, tag, HEAD, HEAD~N")
    p.add_argument("notebook", nargs="?", help="needed for branch/tag/HEAD refs")
    p = add("branch", cmd_branch, "list, create, delete, undo or check out branches")
    p.add_argument("notebook")
    p.add_argument("name", nargs="?", help="create this branch")
    p.add_argument("start", nargs="?", default="HEAD", help="where it starts (default HEAD)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("-d", "--delete", metavar="BRANCH")
    group.add_argument("--undo", metavar="BRANCH", help="move BRANCH back before its last move")
    group.add_argument("--reflog", metavar="BRANCH", help="list BRANCH's recorded moves")
    group.add_argument("--checkout", metavar="BRANCH", help="make BRANCH the notebook's HEAD")
    p = add("tag", cmd_tag, "list, create or delete tags")
    p.add_argument("notebook")
    p.add_argument("name", nargs="?")
    p.add_argument("ref", nargs="?", default="HEAD")
    p.add_argument("-d", "--delete", metavar="TAG")
    p = add("gc", cmd_gc, "delete versions and objects the retention policy does not keep")
    p.add_argument("--dry-run", action="store_true", help="only report what would go")
    p.add_argument("--grace", help="override prune_grace (e.g. 0s)")
    p = add("fsck", cmd_fsck, "verify every object, manifest and ref")
    p.add_argument("--repair", action="store_true", help="remove corrupt objects")
    add("reindex", cmd_reindex, "rebuild the search index from the manifests")
    for module in COMMAND_MODULES:
        importlib.import_module(module).register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        handler = args.func
        return int(handler(args) or 0)
    except NbVersionError as err:
        print(f"nbversion: error: {err}", file=sys.stderr)
        return err.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
