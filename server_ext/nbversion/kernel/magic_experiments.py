"""``%version evaluate`` and ``%version alias``: subcommands added to the magic's parser.

A front end of :mod:`nbversion.experiments`, so it lives with the magic: the kernel
imports experiments, never the other way round (``lint-imports`` refuses a cycle).
Handlers read the live namespace (for the evaluation data) but never assign into it.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import InvalidInput
from ..experiments.metrics import METRICS
from . import render


def add_subcommands(sub: Any) -> None:
    """Register the subcommands on the magic's ``add_subparsers`` object."""
    s = sub.add_parser("evaluate", help="score a model of two versions on live data")
    s.add_argument("a", metavar="A", help="first version (REF)")
    s.add_argument("b", metavar="B", nargs="?", default="HEAD", help="second (default HEAD)")
    s.add_argument("--model", required=True, help="the model variable, e.g. clf")
    s.add_argument("--on", required=True, metavar="X,y", help="live data: features,target")
    s.add_argument("--metric", action="append", choices=METRICS,
                   help="metric (repeatable; default by task)")  # fmt: skip
    s.add_argument("--save", action="store_true",
                   help="record the result in .nbversion/evaluations/")  # fmt: skip
    s.set_defaults(func=_evaluate)

    s = sub.add_parser("alias", help="list model aliases, or point ALIAS of --model at REF")
    s.add_argument("alias", nargs="?", help="e.g. staging, production")
    s.add_argument("ref", nargs="?", default="HEAD")
    s.add_argument("--model", help="the model variable (needed to move an alias)")
    s.add_argument("--expect", metavar="ID|none", help="compare-and-swap: the current target")
    s.add_argument("-d", "--delete", action="store_true", help="remove the alias")
    s.add_argument("--history", action="store_true", help="show every move of ALIAS")
    s.set_defaults(func=_alias)


def _evaluate(sess: Any, a: argparse.Namespace) -> None:
    from ..experiments.evaluate import evaluate_versions
    from ..experiments.views import EvaluationView

    names = [n.strip() for n in a.on.split(",")]
    if len(names) != 2 or not all(names):
        raise InvalidInput(f"--on takes two names, features and target: got {a.on!r}")
    ns = sess.shell.user_ns
    missing = [n for n in names if n not in ns]
    if missing:
        raise InvalidInput(f"not defined in this kernel: {', '.join(missing)}")
    ev = evaluate_versions(sess.repo(), sess.get(a.a), sess.get(a.b), a.model,
                           ns[names[0]], ns[names[1]], metrics=a.metric,
                           data_names=(names[0], names[1]), save=a.save)  # fmt: skip
    render.show(EvaluationView(ev))


def _alias(sess: Any, a: argparse.Namespace) -> None:
    from ..experiments.registry import alias_history, aliases, get_alias, move_alias

    repo, nid = sess.repo(), sess.notebook_id()
    if a.alias is None:
        rows = [f"{r.model}@{r.alias} {r.version[:10]}" for r in aliases(repo, nid)]
        render.show(render.MessageView("Model aliases", rows or ["(none yet)"]))
    elif a.history:
        model = a.model or get_alias(repo, nid, a.alias).model
        rows = [
            f"{e.when[:19]} {(e.old or '-')[:10]} -> {(e.new or '-')[:10]} {e.who}: {e.why}"
            for e in alias_history(repo, nid, a.alias, model)
        ]
        render.show(render.MessageView(f"History of {model}@{a.alias}", rows))
    else:
        if not a.model:
            raise InvalidInput("say which model variable: --model NAME")
        expected = "" if a.expect is None else (None if a.expect == "none" else a.expect)
        rec = move_alias(repo, nid, a.alias, None if a.delete else a.ref, model=a.model,
                         expected=expected)  # fmt: skip
        text = f"{a.model}@{a.alias} -> {rec.version[:10]}" if rec else "alias removed"
        render.show(render.MessageView(text))
