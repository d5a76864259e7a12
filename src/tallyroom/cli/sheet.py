"""``tallyroom sheet RESULT.json -o SHEET.pdf``: the council-style result sheet of a published
result (the JSON that ``tallyroom count --format json`` prints and the result page offers) as PDF."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from tallyroom.formats.sheet_pdf import result_pdf

from . import CommandError

REQUIRED = ("candidates", "elected", "stages", "seats", "method", "valid_poll")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "sheet",
        help="print a published result (JSON) as a PDF result sheet",
        description="Write the result sheet (facts, elected, stage table, chart) of a result JSON "
        "file as PDF.",
    )
    p.add_argument("result", type=Path, metavar="RESULT.json")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="SHEET.pdf")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = json.loads(args.result.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CommandError(f"{args.result}: not a result JSON file: {e}") from None
    if not isinstance(result, dict):
        raise CommandError(f"{args.result}: not a result JSON file (not an object)")
    missing = [k for k in REQUIRED if k not in result]
    if missing:
        raise CommandError(f"{args.result}: not a result JSON file (no {', '.join(missing)})")
    args.output.write_bytes(result_pdf(result))
    print(f"{args.output}: result sheet, {len(result['stages'])} stages")
    return 0
