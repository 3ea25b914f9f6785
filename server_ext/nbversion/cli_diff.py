"""``nbversion diff A B [NOTEBOOK]``: compare two versions in the terminal or as JSON."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

Handler = Callable[[argparse.Namespace], int]
AddCommand = Callable[[str, Handler, str], argparse.ArgumentParser]


def _use_color(mode: str) -> bool:
    if mode == "always":
        return True
    if mode == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def cmd_diff(args: argparse.Namespace) -> int:
    """Print the diff of versions A (before) and B (after)."""
    from .diff import DiffOptions, diff_versions, to_text
    from .store import Repository

    options = DiffOptions(
        include_execution_counts=args.execution_counts,
        include_volatile_metadata=args.metadata,
        load_values=not args.stats_only,
        max_value_bytes=args.max_bytes,
    )
    with Repository.open(args.root or ".") as repo:
        data = diff_versions(repo, args.a, args.b, args.notebook, options)
    if args.json:
        print(json.dumps(data, indent=2, sort_keys=True))
    else:
        print(to_text(data, color=_use_color(args.color)))
    return 0


def register(add: AddCommand) -> None:
    """Add the ``diff`` subcommand to the ``nbversion`` parser."""
    p = add("diff", cmd_diff, "compare two versions: cells, variables, metrics, environment")
    p.add_argument("a", metavar="A", help="before: id, unique prefix, branch, tag, HEAD~N")
    p.add_argument("b", metavar="B", help="after (same forms as A)")
    p.add_argument("notebook", nargs="?", help="needed for branch/tag/HEAD refs")
    p.add_argument("--execution-counts", action="store_true",
                   help="also compare execution counts")  # fmt: skip
    p.add_argument("--metadata", action="store_true",
                   help="also compare volatile metadata (cell ids, timings)")  # fmt: skip
    p.add_argument("--stats-only", action="store_true",
                   help="do not load variable values; compare recorded stats only")  # fmt: skip
    p.add_argument("--max-bytes", type=int, default=256 << 20, metavar="N",
                   help="load values up to N bytes for detail (default 256 MiB)")  # fmt: skip
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="color the text output (default: when stdout is a terminal)")  # fmt: skip
