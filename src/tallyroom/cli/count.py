"""``tallyroom count FILE... --method M``: count BLT or CSV ballot files and print the results.

Every file is read and counted before anything is printed, so a bad file stops the command with
its one-line reason and no half-printed output.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

from tallyroom.count import CollegeError, Result, count, parse_share, read_groups
from tallyroom.formats import BallotFile, FormatError, read_ballots, spreadsheet
from tallyroom.formats.results import result_csv, result_dict, result_json, result_table

from . import CommandError

FORMATS = ("table", "json", "jsonl", "csv")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "count",
        help="count ballot files (BLT or CSV) by a published rule set",
        description="Count each ballot file (BLT or CSV, told apart by extension or content) and "
        "print the result. See `tallyroom methods` for the rule sets.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", type=Path)
    add_count_options(p)
    p.add_argument("--format", "-f", choices=FORMATS, default="table", help="output (default: table)")
    p.set_defaults(run=run)


def add_count_options(p: argparse.ArgumentParser, *, method_required: bool = True) -> None:
    """The options that say how to count a ballot file (``tallyroom count`` and ``analyse``)."""
    p.add_argument(
        "--method",
        "-m",
        required=method_required,
        default=None if method_required else "scottish-stv",
        help="rule set, e.g. scottish-stv (see `tallyroom methods`)"
        + ("" if method_required else "; default scottish-stv"),
    )
    p.add_argument("--seats", type=int, help="seats to fill (default: the BLT header)")
    p.add_argument("--groups", type=Path, metavar="CSV", help="candidate,group CSV for --constraint")
    p.add_argument(
        "--constraint",
        action="append",
        default=[],
        metavar="GROUP<=N",
        help="bound on the elected from a group: group>=N, group<=N or group=N (repeatable)",
    )
    p.add_argument("--tie-seed", help="the published seed for ties settled by lot")
    p.add_argument(
        "--tie-order",
        action="append",
        metavar="NAMES",
        help="candidates most favoured first for the 'order' tie rule: comma-separated, or one name per use",
    )
    p.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="change an option of the rule set (repeatable; see `tallyroom methods`)",
    )
    p.add_argument(
        "--withdraw",
        action="append",
        default=[],
        metavar="NAME",
        help="a withdrawn candidate, skipped on every ballot (repeatable)",
    )
    p.add_argument("--ron", metavar="NAME", help="the candidate standing for re-open nominations")
    p.add_argument(
        "--college",
        action="append",
        default=[],
        metavar="NAME=SHARE",
        help="an electoral college of a CSV file and its share (1/2, 0.5 or 50%%); give every college, "
        "the shares adding up to 1 (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    results = [(path, count_file(path, args)) for path in args.files]
    sys.stdout.write(_render(results, args.format))
    return 0


def count_file(
    path: Path, args: argparse.Namespace, read: BallotFile | None = None, *, record_stages: bool = True
) -> Result:
    """Count one ballot file by the options of ``add_count_options`` (``read``: the file, if read;
    ``record_stages=False``: who is elected without the stage sheets, as ``count`` has it)."""
    options = options_of(args.option)
    groups = read_groups(args.groups) if args.groups else None
    if args.constraint and groups is None:
        raise CommandError("--constraint needs --groups, the CSV saying who is in which group")
    shares = shares_of(args.college)
    read = read or read_ballots(path)
    if read.truncated:
        print(
            f"tallyroom: {path}: {read.truncated} ballot(s) counted only up to a skipped, equal or repeated "
            "preference",
            file=sys.stderr,
        )
    seats = args.seats or read.seats
    if seats is None:
        raise CommandError(f"{path}: give --seats: this file does not say how many seats there are")
    if read.ballots.colleges and shares is None:
        raise CommandError(
            f"{path}: the ballots carry colleges ({', '.join(read.ballots.colleges)}): "
            "give each its share with --college NAME=SHARE"
        )
    try:
        return count(
            read.ballots,
            args.method,
            seats,
            options=options,
            constraints=args.constraint,
            groups=groups,
            tie_seed=args.tie_seed,
            tie_order=tie_order(args.tie_order, read.ballots.candidates) if args.tie_order else None,
            withdrawn=_unique([*read.withdrawn, *args.withdraw]),
            ron=args.ron,
            college_shares=shares,
            record_stages=record_stages,
        )
    except CollegeError as e:  # named at the line where the college first appears, if it does
        raise FormatError(str(path), read.college_lines.get(e.college), str(e)) from None
    except KeyError as e:  # a name that is not a candidate
        raise CommandError(f"{path}: {e.args[0]}") from None
    except ValueError as e:
        raise CommandError(f"{path}: {e}") from None


def options_of(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CommandError(f"--option takes key=value, not {pair!r}")
        options[key.strip()] = value.strip()
    return options


def shares_of(pairs: list[str]) -> dict[str, Fraction] | None:
    """``--college NAME=SHARE`` options as shares by college (None if there are none)."""
    if not pairs:
        return None
    shares: dict[str, Fraction] = {}
    for pair in pairs:
        name, sep, share = pair.rpartition("=")
        name = " ".join(name.split())
        if not sep or not name:
            raise CommandError(f"--college takes NAME=SHARE, not {pair!r}")
        if name in shares:
            raise CommandError(f"--college {name} is given twice")
        try:
            shares[name] = parse_share(share)
        except ValueError as e:
            raise CommandError(f"--college {name}: {e}") from None
    return shares


def tie_order(values: list[str], candidates: Sequence[str]) -> list[str]:
    """Names given one per ``--tie-order``, or comma-separated (a name with a comma in it, one
    of ``candidates``, is taken whole)."""
    names = []
    for value in values:
        names += [value] if value in candidates else [v.strip() for v in value.split(",") if v.strip()]
    return names


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _render(results: list[tuple[Path, Result]], fmt: str) -> str:
    if fmt == "jsonl":
        return "".join(
            json.dumps({"source": str(path), **result_dict(r)}, ensure_ascii=False) + "\n"
            for path, r in results
        )
    if fmt == "json":
        if len(results) == 1:
            return result_json(results[0][1])
        return json.dumps([result_dict(r) for _, r in results], indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        if len(results) == 1:
            return result_csv(results[0][1])
        return _stacked_csv(results)
    sheets = [result_table(r) for _, r in results]
    if len(results) == 1:
        return sheets[0]
    return "\n".join(f"==> {path} <==\n{sheet}" for (path, _), sheet in zip(results, sheets, strict=True))


def _stacked_csv(results: list[tuple[Path, Result]]) -> str:
    """The files' stage tables in one CSV, led by a ``source`` column; the header is the one with
    most stages (the stage columns come last, so shorter tables just end sooner)."""
    tables = [list(csv.reader(io.StringIO(result_csv(r)))) for _, r in results]
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(["source", *max((t[0] for t in tables), key=len)])
    for (path, _), table in zip(results, tables, strict=True):
        writer.writerows([str(path), *row] for row in table[1:])
    return out.getvalue()
