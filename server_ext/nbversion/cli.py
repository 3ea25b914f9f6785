"""The ``nbversion`` command line: a thin front end over the store and service API."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__
from .errors import NbVersionError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand (kept separate so docs and tests can use it)."""
    parser = argparse.ArgumentParser(
        prog="nbversion",
        description="Notebook-native versioning: save, branch, diff and restore notebook state.",
    )
    parser.add_argument("--version", action="version", version=f"nbversion {__version__}")
    parser.add_subparsers(dest="command", metavar="COMMAND")
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
