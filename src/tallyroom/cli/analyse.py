"""``tallyroom analyse slates|power|pivotal|forecast|regions``: the analyses of docs/analysis.md.

Each reads its input whole and computes before printing, so bad input stops it with one line on
stderr and nothing on stdout. ``--format json`` (default) or ``csv``; charts as SVG, or PNG
with the optional cairosvg.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from html import escape
from pathlib import Path

from tallyroom.analysis import charts, forecast, pivotal, power, regions, report, slates
from tallyroom.count import Ballots, read_groups
from tallyroom.count.numbers import decimal_str, exact_str
from tallyroom.formats import BallotFile, FormatError, read_ballots

from . import CommandError
from .count import add_count_options, count_file, options_of, shares_of, tie_order


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "analyse",
        help="analyse counts: slates and transfers, voting power, pivotal delegations, forecasts, regions",
        description="Analyses over ballot files and their counts (docs/analysis.md).",
    )
    sub = p.add_subparsers(dest="analysis", required=True, metavar="ANALYSIS")

    s = sub.add_parser("slates", help="seats, first preferences and transfers by slate")
    s.add_argument("files", nargs="+", type=Path, metavar="FILE")
    _slate_options(s)
    add_count_options(s, method_required=False)
    s.add_argument("--format", "-f", choices=("json", "csv"), default="json")
    s.add_argument(
        "--level", choices=("candidates", "slates"), default="slates", help="CSV rows by (default slates)"
    )
    s.add_argument(
        "--charts",
        type=Path,
        metavar="DIR",
        help="write FILE.svg (flow chart) and FILE.html (its table) here",
    )
    s.add_argument("--png", action="store_true", help="with --charts, PNG as well (needs cairosvg)")
    s.set_defaults(run=run_slates)

    w = sub.add_parser("power", help="Banzhaf and Shapley-Shubik indices of weighted delegations")
    w.add_argument("weights", type=Path, metavar="CSV", help="name,weight per delegation (college A)")
    w.add_argument("--quota", type=int, help="weight that wins (default: more than half)")
    w.add_argument("--college-b", type=Path, metavar="CSV", help="a second college: the two-college game")
    w.add_argument("--quota-b", type=int, help="college B's quota (default: more than half)")
    w.add_argument("--rule", choices=power.RULES, default="both", help="win both colleges, or either")
    w.add_argument(
        "--no-shapley", action="store_true", help="Banzhaf only (Shapley-Shubik costs n times more)"
    )
    w.add_argument("--format", "-f", choices=("json", "csv"), default="json")
    w.set_defaults(run=run_power)

    v = sub.add_parser("pivotal", help="counterfactual recounts: which delegations decided a seat")
    v.add_argument(
        "file", type=Path, metavar="FILE", help="delegation CSV, or a ballot file with --by-weight"
    )
    v.add_argument(
        "--by-weight", action="store_true", help="a ballot file: each weight class is a delegation"
    )
    _slate_options(v)
    add_count_options(v, method_required=False)
    v.add_argument("--all", action="store_true", help="list every counterfactual, not only the decisive")
    v.add_argument("--format", "-f", choices=("json", "csv"), default="json")
    v.set_defaults(run=run_pivotal)

    f = sub.add_parser("forecast", help="Monte Carlo from canvass returns through exact counts")
    f.add_argument("canvass", type=Path, metavar="CSV")
    f.add_argument("--slates", type=Path, required=True, metavar="CSV", help="candidate,group: the slates")
    add_count_options(f, method_required=False)  # the simulated ballots are counted by these rules
    f.add_argument(
        "--cohesion", type=float, default=0.8, help="each bloc's cohesion with its slate (default 0.8)"
    )
    f.add_argument(
        "--cohesion-table", type=Path, metavar="CSV", help="bloc,slate,cohesion rows (instead of --cohesion)"
    )
    f.add_argument("--support", type=Path, metavar="CSV", help="bloc,candidate,support rows (default: equal)")
    f.add_argument("--simulations", "-n", type=int, default=1000)
    f.add_argument("--seed", type=int, default=1, help="printed with the forecast (default 1)")
    f.add_argument("--workers", type=int, help="processes (default: the cores); figures do not depend on it")
    f.add_argument("--shift", metavar="FROM:TO", help="sensitivity: move FROM's bloc to TO by --shares")
    f.add_argument(
        "--shares", default="0,0.05,0.1,0.2", help="shares moved for --shift (default 0,0.05,0.1,0.2)"
    )
    f.add_argument("--format", "-f", choices=("json", "csv"), default="json")
    f.add_argument(
        "--chart",
        type=Path,
        metavar="PATH",
        help="win probabilities as a bar chart (.svg or .png), its table beside it (.html)",
    )
    f.set_defaults(run=run_forecast)

    r = sub.add_parser("regions", help="first preferences and final round by region, small regions merged")
    r.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="one ballot file per region (named by file)"
    )
    r.add_argument(
        "--minimum",
        type=int,
        default=regions.MINIMUM,
        help="smallest cell shown (default and least 50 ballots)",
    )
    add_count_options(r, method_required=False)
    r.add_argument("--format", "-f", choices=("json", "csv"), default="json")
    r.add_argument(
        "--chart",
        type=Path,
        metavar="PATH",
        help="a candidate's final share by region (.svg or .png), its table beside it (.html)",
    )
    r.add_argument("--candidate", help="whose share --chart ranks (default: the first elected)")
    r.set_defaults(run=run_regions)


def _slate_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--slates", type=Path, metavar="CSV", help="candidate,group: the slates (default: the BLT's parties)"
    )
    p.add_argument(
        "--party-rules", type=Path, metavar="CSV", help="pattern,slate rules over the BLT's party labels"
    )


def _slate_map(args: argparse.Namespace, read: BallotFile) -> dict[str, str]:
    if args.slates:
        return slates.read_slates(args.slates, read.ballots.candidates)
    rules = slates.read_party_rules(args.party_rules) if args.party_rules else []
    return slates.party_slates(read.parties, rules)


def _json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def run_slates(args: argparse.Namespace) -> int:
    reports = []
    for path in args.files:
        read = read_ballots(path)
        result = count_file(path, args, read)
        slate_map = _slate_map(args, read)
        reports.append((path, report.contest_report(result, slate_map, read.ballots), result, slate_map))
    places = reports[0][2].places
    if args.format == "csv":
        out = report.transfers_csv([(str(p), r) for p, r, *_ in reports], args.level)
    else:
        out = _json(
            {
                "contests": [{"source": str(p), **report.public(r)} for p, r, *_ in reports],
                "loyalty": report.total_loyalty([r for _, r, *_ in reports], places),
                "next_preferences": report.total_next_preferences([r for _, r, *_ in reports], places),
            }
        )
    if args.charts:
        args.charts.mkdir(parents=True, exist_ok=True)
        for path, rep, result, slate_map in reports:
            svg = charts.flow_svg(result, slate_map)
            charts.write_chart(svg, args.charts / f"{path.stem}.svg")
            if args.png:
                charts.write_chart(svg, args.charts / f"{path.stem}.png")
            _html_file(args.charts / f"{path.stem}.html", charts.flow_table_html(rep, "candidates"))
    sys.stdout.write(out)
    return 0


def read_weights(path: Path) -> tuple[list[str], list[int]]:
    """A ``name,weight`` CSV (optional header ``name,weight``); weights whole numbers."""
    names, weights = [], []
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != 2:
            raise FormatError(
                str(path), reader.line_num, f"expected 2 columns name,weight, found {len(cells)}"
            )
        name, weight = (c.strip() for c in cells)
        if not names and (name.lower(), weight.lower()) == ("name", "weight"):
            continue
        if not weight.isdigit():
            raise FormatError(str(path), reader.line_num, f"weight {weight!r} is not a whole number")
        names.append(name)
        weights.append(int(weight))
    if not names:
        raise FormatError(str(path), None, "no delegations")
    return names, weights


def _majority(weights: Sequence[int]) -> int:
    return sum(weights) // 2 + 1


def run_power(args: argparse.Namespace) -> int:
    names, weights = read_weights(args.weights)
    quota = _majority(weights) if args.quota is None else args.quota
    shapley = not args.no_shapley
    if args.college_b:
        names_b, weights_b = read_weights(args.college_b)
        quota_b = _majority(weights_b) if args.quota_b is None else args.quota_b
        pa, pb = power.two_college(weights, quota, weights_b, quota_b, rule=args.rule, shapley=shapley)
        rows = _power_rows("A", names, weights, pa) + _power_rows("B", names_b, weights_b, pb)
        game = {"colleges": {"A": {"quota": quota}, "B": {"quota": quota_b}}, "rule": args.rule}
    else:
        rows = _power_rows("A", names, weights, power.power(weights, quota, shapley=shapley))
        game = {"quota": quota}
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        sys.stdout.write(out.getvalue())
    else:
        sys.stdout.write(_json({**game, "delegations": rows}))
    return 0


def _power_rows(college: str, names, weights, p: power.Power) -> list[dict]:
    return [{"college": college, **row} for row in p.rows(names, weights)]


def run_pivotal(args: argparse.Namespace) -> int:
    if args.by_weight:
        read = read_ballots(args.file)
        candidates, delegations = list(read.ballots.candidates), pivotal.by_weight(read.ballots)
    else:
        candidates, delegations = pivotal.read_delegations(args.file)
        read = BallotFile(pivotal.ballots_of(candidates, delegations))
    if args.seats is None and read.seats is None:
        raise CommandError(f"{args.file}: give --seats: this file does not say how many seats there are")
    slate_map = _slate_map(args, read) if (args.slates or args.party_rules or read.parties) else {}

    def recount(ballots: Ballots):
        again = BallotFile(
            ballots, read.seats, read.withdrawn, read.parties, college_lines=read.college_lines
        )
        return count_file(args.file, args, again, record_stages=False)  # only who is elected

    actual, found = pivotal.counterfactuals(candidates, delegations, recount, slate_map or None)
    shown = found if args.all else pivotal.decisive(found)
    rows = [c.to_dict() for c in shown]
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["delegation", "change", "decisive", "lost", "gained"])
        for row in rows:
            writer.writerow(
                [
                    row["delegation"],
                    row["change"],
                    row["decisive"],
                    "; ".join(row["lost"]),
                    "; ".join(row["gained"]),
                ]
            )
        sys.stdout.write(out.getvalue())
    else:
        sys.stdout.write(
            _json({"elected": actual.elected, "delegations": len(delegations), "counterfactuals": rows})
        )
    return 0


def forecast_rules(args: argparse.Namespace, candidates: Sequence[str]) -> forecast.Contest:
    """The contest's counting rules from the count options (``tallyroom count``'s), ``--seats``
    needed; no ``--tie-seed``: each simulation draws its lots from its own seed (``--seed``)."""
    if args.seats is None:
        raise CommandError("give --seats: the seats the forecast's counts fill")
    if args.tie_seed:
        raise CommandError("--tie-seed is not for a forecast: each simulation draws its lots from --seed")
    if args.constraint and not args.groups:
        raise CommandError("--constraint needs --groups, the CSV saying who is in which group")
    if args.simulations < 1:
        raise CommandError(f"--simulations {args.simulations}: give at least 1")
    groups = read_groups(args.groups) if args.groups else {}
    return forecast.Contest(
        args.method,
        args.seats,
        options_of(args.option),
        tuple(args.constraint),
        {c: tuple(sorted(g)) for c, g in groups.items()},
        tuple(dict.fromkeys(args.withdraw)),
        args.ron,
        tuple(tie_order(args.tie_order, candidates)) if args.tie_order else None,
        shares_of(args.college),
    )


def run_forecast(args: argparse.Namespace) -> int:
    units = forecast.read_canvass(args.canvass)
    slate_map = slates.read_slates(args.slates)
    model = forecast.simple_model(list(slate_map), slate_map, args.cohesion, args.ron)
    if args.cohesion_table or args.support:
        model = replace(
            model,
            cohesion=forecast.read_table(args.cohesion_table, "slate")
            if args.cohesion_table
            else model.cohesion,
            support=forecast.read_table(args.support, "candidate") if args.support else {},
        )
    contest = forecast_rules(args, model.candidates)
    contest.check(model.candidates, units)  # bad rules: one line on stderr, not the seed line first
    print(f"tallyroom: forecast seed {args.seed}, {args.simulations} simulations", file=sys.stderr)
    if args.shift:
        source, sep, target = args.shift.partition(":")
        if not sep or source not in model.slates or target not in model.slates:
            raise CommandError(f"--shift takes FROM:TO, two slates of {args.slates}, not {args.shift!r}")
        shares = [float(x) for x in args.shares.split(",") if x.strip()]
        runs = forecast.sensitivity(
            model, units, contest, source, target, shares, args.simulations, args.seed, args.workers
        )
    else:
        runs = [(0.0, forecast.forecast(model, units, contest, args.simulations, args.seed, args.workers))]
    if args.chart:
        probabilities = runs[0][1].win_probability()
        ranked = sorted(((c, round(p * 100, 1)) for c, p in probabilities.items()), key=lambda kv: -kv[1])
        colours = charts.slate_colours(list(slate_map), slate_map)
        _bar_chart(
            args.chart,
            f"Chance of election (seed {args.seed}, {args.simulations:,} simulations)",
            ranked,
            unit="%",
            colours={c: colours[slate_map[c]] for c in probabilities},
        )
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["shift", "share", "candidate", "slate", "win_probability", "seed", "simulations"])
        for share, f in runs:
            for c, p in f.win_probability().items():
                row = [args.shift or "", share, c, slate_map.get(c, c), f"{p:.4f}", f.seed, f.simulations]
                writer.writerow(row)
        sys.stdout.write(out.getvalue())
    else:
        data = [{"shift": args.shift, "share": share, **f.to_dict()} for share, f in runs]
        sys.stdout.write(_json(data if args.shift else data[0]))
    return 0


def _bar_chart(path: Path, title: str, ranked, *, unit: str = "", colours=None) -> None:
    """The bar chart at ``path`` (.svg or .png) and its table beside it (same name, .html)."""
    charts.write_chart(charts.bar_svg(title, ranked, unit=unit, colours=colours), path)
    _html_file(path.with_suffix(".html"), charts.bar_table_html(title, ranked, unit=unit))


def _html_file(path: Path, table: str) -> None:
    """A chart's table as an HTML file of its own (UTF-8 declared, so names keep their accents)."""
    head = f'<!doctype html>\n<html lang="en"><meta charset="utf-8"><title>{escape(path.stem)}</title>'
    page = f"{head}\n{table}\n</html>\n"
    path.write_text(page, encoding="utf-8")


def run_regions(args: argparse.Namespace) -> int:
    if args.minimum < regions.MINIMUM:
        raise CommandError(
            f"--minimum {args.minimum}: give at least {regions.MINIMUM} ballots; in a smaller cell"
            " a few voters' ballots could be read off (docs/analysis.md)"
        )
    files = {path.stem: read_ballots(path) for path in args.files}
    if len(files) != len(args.files):
        raise CommandError("two region files have the same name")
    first = next(iter(files.values()))
    for name, read in files.items():
        if read.ballots.candidates != first.ballots.candidates:
            raise CommandError(f"{name}: the region files must list the same candidates in the same order")
        if bool(read.ballots.colleges) != bool(first.ballots.colleges):
            raise CommandError(f"{name}: either every region file has a college column or none has")
    together = regions.combined({n: r.ballots for n, r in files.items()}, first.ballots.title)
    result = count_file(
        args.files[0], args, BallotFile(together, first.seats, first.withdrawn, first.parties)
    )
    cells = regions.by_region({n: r.ballots for n, r in files.items()}, result, minimum=args.minimum)
    d = result.places

    def fmt(values: dict[str, Fraction]) -> dict[str, str]:
        return {k: _votes(v, d) for k, v in values.items()}

    if args.chart:
        who = args.candidate or (result.elected[0] if result.elected else regions.finalists(result)[0])
        ranked = sorted(
            ((c.name, float(c.final.get(who, 0) / c.papers) * 100 if c.papers else 0.0) for c in cells),
            key=lambda kv: -kv[1],
        )
        _bar_chart(args.chart, f"{who}: share of the final round by region", ranked, unit="%")
    if args.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["cell", "papers", "round", "candidate", "votes"])
        for c in cells:
            for name, v in c.first.items():
                writer.writerow([c.name, decimal_str(c.papers, 0), "first", name, _votes(v, d)])
            for name, v in c.final.items():
                writer.writerow([c.name, decimal_str(c.papers, 0), "final", name, _votes(v, d)])
        sys.stdout.write(out.getvalue())
    else:
        data = {
            "elected": result.elected,
            "finalists": regions.finalists(result),
            "minimum": args.minimum,
            "cells": [
                {
                    "regions": list(c.regions),
                    "papers": decimal_str(c.papers, 0),
                    "below_minimum": c.below_minimum,
                    "first": fmt(c.first),
                    "final": fmt(c.final),
                }
                for c in cells
            ],
        }
        sys.stdout.write(_json(data))
    return 0


def _votes(value: Fraction, places: int) -> str:
    """A region's votes at the count's places, or exactly where those do not show them (a ballot
    split off a college's merged row can count a fraction of a unit)."""
    return decimal_str(value, places) if (value * 10**places).denominator == 1 else exact_str(value)
