"""``tallyroom manage COMMAND ...``: the web app's management commands (Django's ``manage.py``).

For example ``tallyroom manage migrate``, ``tallyroom manage import_members members.csv``,
``tallyroom manage issue_codes ELECTION``, ``tallyroom manage load_demo``. Django is imported only
here, so ``tallyroom count`` stays free of it.
"""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "manage", help="run one of the web app's management commands (migrate, import_members, ...)"
    )
    p.add_argument("arguments", nargs=argparse.REMAINDER, help="the command and its arguments")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tallyroom.web.manage import main

    main(args.arguments or ["help"])
    return 0
