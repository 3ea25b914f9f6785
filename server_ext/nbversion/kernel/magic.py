"""The ``%version`` line magic: a thin front end that parses arguments and calls the service.

Usage text comes from the same argparse parser that validates the line, so ``%version
--help`` and errors always match what the magic accepts.
"""

from __future__ import annotations

import argparse
import shlex
from typing import Any

from IPython.core.magic import Magics, line_magic, magics_class

from ..errors import InvalidInput, NbVersionError


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


def build_parser() -> argparse.ArgumentParser:
    """Parser for ``%version``; subcommands register here as they land."""
    parser = _MagicArgumentParser(
        prog="%version",
        description=(
            "Save, list, diff and restore versions of this notebook and its kernel state. "
            "Run `%version SUBCOMMAND --help` for details."
        ),
    )
    parser.add_subparsers(dest="command", metavar="SUBCOMMAND", parser_class=_MagicArgumentParser)
    return parser


@magics_class
class VersionMagics(Magics):
    """Holds the ``%version`` magic; one instance per IPython shell."""

    @line_magic
    def version(self, line: str) -> Any:
        """Save, list, diff and restore notebook versions. ``%version --help`` for usage."""
        parser = build_parser()
        try:
            args = parser.parse_args(shlex.split(line))
        except _HelpShown:
            return None
        except NbVersionError as err:
            print(f"%version: error: {err}")
            return None
        if args.command is None:
            parser.print_help()
            return None
        try:
            return args.func(self.shell, args)
        except NbVersionError as err:
            print(f"%version: error: {err}")
            return None


def load_ipython_extension(ipython: Any) -> None:
    """Register the magics with this shell (idempotent)."""
    ipython.register_magics(VersionMagics)


def unload_ipython_extension(ipython: Any) -> None:
    """Remove ``%version`` from this shell."""
    ipython.magics_manager.magics["line"].pop("version", None)
