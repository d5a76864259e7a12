"""``tallyroom methods``: the rule sets ``count --method`` takes, with their sources and options."""

from __future__ import annotations

import argparse
import json

from tallyroom.count import method_names, rule_set


def register(subparsers) -> None:
    p = subparsers.add_parser("methods", help="list the counting methods and their options")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    rules = [rule_set(name) for name in method_names()]
    if args.format == "json":
        listing = [
            {
                "method": r.name,
                "algorithm": r.algorithm,
                "description": r.description,
                "source": r.source,
                "options": r.options_dict(),
            }
            for r in rules
        ]
        print(json.dumps(listing, indent=2, ensure_ascii=False))
        return 0
    width = max(len(r.name) for r in rules)
    for r in rules:
        pad = " " * (width + 2)
        print(f"{r.name:<{width}}  {r.description}")
        if r.source and r.source != "-":
            print(f"{pad}source: {r.source}")
        options = ", ".join(f"{k}={_text(v)}" for k, v in r.options_dict().items())
        print(f"{pad}options: {options or '-'}")
    print("\nChange an option for one count with `tallyroom count --option key=value`.")
    return 0


def _text(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
