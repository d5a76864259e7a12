"""The ``tallyroom`` command: one subcommand per module in this package.

A subcommand module defines ``register(subparsers)``, which adds its parser and sets
``run=function(args) -> int`` on it; add the module's name to ``COMMANDS``. Bad input ends the
command with ``tallyroom: <file>:<line>: <problem>`` on stderr and exit status 1, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from tallyroom.count import ConstraintError, TieUnresolved
from tallyroom.formats import FormatError

COMMANDS = ["count", "analyse", "methods", "keys", "audit", "manage", "sheet"]


class CommandError(Exception):
    """A reason to stop, printed as one line."""


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every subcommand, or of ``command`` alone if it is one (only its module is
    imported: ``tallyroom count`` does not load the PDF or analysis libraries)."""
    top = argparse.ArgumentParser(
        prog="tallyroom", description="Count elections by published rules, and recount published results."
    )
    subparsers = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in [command] if command in COMMANDS else COMMANDS:
        importlib.import_module(f"{__name__}.{name}").register(subparsers)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser(argv[0] if argv else None).parse_args(argv)
    try:
        return args.run(args)
    except (CommandError, FormatError, ConstraintError, TieUnresolved, ValueError, OSError) as e:
        print(f"tallyroom: {_reason(e)}", file=sys.stderr)
        return 1


def _reason(e: Exception) -> str:
    if isinstance(e, OSError) and e.filename:
        return f"{e.filename}: {e.strerror or e}"
    return " ".join(str(e).split())
