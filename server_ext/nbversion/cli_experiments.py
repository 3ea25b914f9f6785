"""``nbversion model ...``, ``nbversion ci`` and ``nbversion ab``: experiments from a shell.

Thin handlers over :mod:`nbversion.experiments` (see ``docs/experiments.md``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Handler = Callable[[argparse.Namespace], int]
AddCommand = Callable[[str, Handler, str], argparse.ArgumentParser]


def _repo(args: argparse.Namespace) -> Any:
    from .store import Repository

    return Repository.open(args.root or ".")


def _emit(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, indent=2, sort_keys=True, default=str) if args.json else text)


def cmd_model(args: argparse.Namespace) -> int:
    """``nbversion model`` without an action."""
    from .errors import InvalidInput

    raise InvalidInput("say what to do: nbversion model {alias,aliases,export} ...")


def cmd_model_alias(args: argparse.Namespace) -> int:
    """Point (or with ``-d`` remove) an alias, by compare-and-swap."""
    from .experiments.registry import move_alias

    expected = "" if args.expect is None else (None if args.expect == "none" else args.expect)
    with _repo(args) as repo:
        rec = move_alias(repo, args.notebook, args.alias, None if args.delete else args.ref,
                         model=args.model, expected=expected)  # fmt: skip
        if rec is None:
            _emit(args, {"deleted": args.alias}, f"removed alias {args.alias} of {args.model}")
        else:
            _emit(args, rec.__dict__, f"{rec.model}@{rec.alias} -> {rec.version[:12]}")
    return 0


def cmd_model_aliases(args: argparse.Namespace) -> int:
    """List aliases, or one alias' history with ``--history ALIAS``."""
    from .experiments.registry import alias_history, aliases, get_alias

    with _repo(args) as repo:
        if args.history:
            model = args.model or get_alias(repo, args.notebook, args.history).model
            entries = alias_history(repo, args.notebook, args.history, model)
            lines = [
                f"{e.when[:19]}  {(e.old or '-')[:12]} -> {(e.new or '-')[:12]}  {e.who}: {e.why}"
                for e in entries
            ]
            _emit(args, [e.__dict__ for e in entries], "\n".join(lines) or "(no moves)")
            return 0
        recs = aliases(repo, args.notebook)
        lines = []
        for r in recs:
            m = repo.versions.read(r.version)
            shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                              for k, v in sorted(m.metrics.items()))  # fmt: skip
            lines.append(f"{r.model}@{r.alias}  {r.version[:12]}  {m.message}  {shown}".rstrip())
        _emit(args, [r.__dict__ for r in recs], "\n".join(lines) or "(no model aliases)")
    return 0


def cmd_model_export(args: argparse.Namespace) -> int:
    """Export the model an alias (or a REF with ``--model``) names."""
    from .errors import NotFound
    from .experiments.export import export_model
    from .experiments.registry import get_alias

    with _repo(args) as repo:
        alias: str | None = args.alias
        try:
            rec = get_alias(repo, args.notebook, args.alias, args.model)
            vid, model = rec.version, rec.model
        except NotFound:
            if not args.model:
                raise
            vid, model, alias = repo.resolve(args.alias, args.notebook), args.model, None
        card = export_model(repo, repo.versions.read(vid), model, args.output, alias=alias)
    files = sorted(p.name for p in Path(args.output).iterdir())
    _emit(args, card, f"exported {model} of {vid[:12]} to {args.output}: {', '.join(files)}")
    return 0


def cmd_ci(args: argparse.Namespace) -> int:
    """Run the notebook headless, compare with the baseline; exit 1 on a regression."""
    from .experiments.ci import run_gate
    from .store import Repository

    notebook = Path(args.notebook).resolve()
    root = Path(args.root).resolve() if args.root else Repository.discover(notebook.parent)
    result = run_gate(root, notebook, args.baseline, args.metric, min_delta=args.min_delta,
                      mode=args.mode, message=args.message, kernel_name=args.kernel,
                      timeout=args.timeout)  # fmt: skip
    if args.report:
        Path(args.report).write_text(result.report)
    _emit(args, result.to_dict(), result.report.rstrip())
    return 0 if result.passed else 1


def cmd_ab(args: argparse.Namespace) -> int:
    """The best version of each branch on a metric, and the winner."""
    from .experiments.ab import best_per_branch, tag_winner

    with _repo(args) as repo:
        rows, winner = best_per_branch(repo, args.notebook, args.metric, args.mode)
        lines = [f"{'branch':<20} {'best ' + args.metric:>14}  version       message"]
        for r in rows:
            value = "-" if r.value is None else f"{r.value:.4g}"
            star = "*" if winner is not None and r is winner else " "
            lines.append(f"{star}{r.branch:<19} {value:>14}  {(r.version or '-')[:12]:<12}  "
                         f"{r.message}")  # fmt: skip
        tag = None
        if winner is None:
            lines.append(f"no version on any branch has metric {args.metric!r}")
        else:
            vid = (winner.version or "")[:12]
            lines.append(f"winner: {winner.branch} ({vid}, {args.metric}={winner.value:.4g})")
            if args.tag:
                tag = tag_winner(repo, args.notebook, args.metric, winner)
                lines.append(f"tagged {tag}")
        data = {"rows": [r.to_dict() for r in rows],
                "winner": winner.to_dict() if winner else None, "tag": tag}  # fmt: skip
        _emit(args, data, "\n".join(lines))
    return 0 if winner is not None else 1


def _common(p: argparse.ArgumentParser) -> None:
    """--root/--json on nested subcommands (suppressed defaults keep the outer values)."""
    p.add_argument("--root", default=argparse.SUPPRESS, help="project root")
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                   help="machine-readable output")  # fmt: skip


def register(add: AddCommand) -> None:
    """Add ``model``, ``ci`` and ``ab`` to the ``nbversion`` parser."""
    p = add("model", cmd_model, "model aliases and export: alias, aliases, export")
    sub = p.add_subparsers(dest="model_command", metavar="ACTION")
    s = sub.add_parser("alias", help="point ALIAS of --model at REF (compare-and-swap)")
    s.add_argument("notebook")
    s.add_argument("alias", help="e.g. staging, production")
    s.add_argument("ref", nargs="?", default="HEAD", help="version (default HEAD)")
    s.add_argument("--model", required=True, help="the model variable, e.g. clf")
    s.add_argument("--expect", metavar="ID|none",
                   help="fail unless the alias is at ID now ('none': must not exist)")  # fmt: skip
    s.add_argument("-d", "--delete", action="store_true", help="remove the alias")
    _common(s)
    s.set_defaults(func=cmd_model_alias)
    s = sub.add_parser("aliases", help="list model aliases, or --history ALIAS")
    s.add_argument("notebook")
    s.add_argument("--history", metavar="ALIAS", help="every move of ALIAS")
    s.add_argument("--model", help="which model's ALIAS (when several share it)")
    _common(s)
    s.set_defaults(func=cmd_model_aliases)
    s = sub.add_parser("export", help="write the model (skops/safetensors) and a model card")
    s.add_argument("notebook")
    s.add_argument("alias", help="a model alias, or a REF together with --model")
    s.add_argument("-o", "--output", required=True, metavar="DIR")
    s.add_argument("--model", help="the model variable (needed for a REF)")
    _common(s)
    s.set_defaults(func=cmd_model_export)

    p = add("ci", cmd_ci, "run NOTEBOOK headless, save a version, fail on a metric regression")
    p.add_argument("notebook")
    p.add_argument("--baseline", required=True,
                   help="model alias, tag, branch or version id to compare with")  # fmt: skip
    p.add_argument("--metric", required=True)
    p.add_argument("--min-delta", type=float, default=0.0,
                   help="smallest allowed improvement (negative: tolerated drop)")  # fmt: skip
    p.add_argument("--mode", choices=("max", "min"),
                   help="max: higher is better (default; min for rmse/mae/mse/loss)")  # fmt: skip
    p.add_argument("--report", metavar="FILE", help="also write the Markdown report here")
    p.add_argument("-m", "--message", default="CI run", help="message of the saved version")
    p.add_argument("--kernel", help="kernel name (default: the notebook's)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per cell")

    p = add("ab", cmd_ab, "best version of each branch on a metric, and the winner")
    p.add_argument("notebook")
    p.add_argument("--metric", required=True)
    p.add_argument("--mode", choices=("max", "min"), help="default max (min for error metrics)")
    p.add_argument("--tag", action="store_true", help="tag the winner as winner/<metric>")
