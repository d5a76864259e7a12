"""A contest's slate analysis as data: seats and first preferences by slate, every stage's
transfer by candidate and by slate, and each slate's loyalty; as JSON-ready dicts and as CSV.

Figures are decimal strings at the count's own places (exact, as in the published result);
shares are fractions of 1 written to 4 decimal places.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from tallyroom.count import Ballots, Result
from tallyroom.count.numbers import decimal_str
from tallyroom.formats import spreadsheet

from .preferences import NextPreferences, next_preferences
from .slates import slate_of, slate_order
from .transfers import Loyalty, SlateTransfer, by_slate, loyalty, matrix_rows, transfers


def share(part: Fraction, whole: Fraction) -> str | None:
    return None if not whole else f"{float(part / whole):.4f}"


def first_preferences(result: Result, slates: Mapping[str, str]) -> dict[str, Fraction]:
    """Each slate's first-preference votes (stage 1 totals), in the order the slates first stand."""
    out = {s: Fraction(0) for s in slate_order(result.stages[0].totals, slates)}
    for name, votes in result.stages[0].totals.items():
        out[slate_of(slates, name)] += votes
    return out


def seats_won(result: Result, slates: Mapping[str, str]) -> dict[str, int]:
    out = {s: 0 for s in slate_order(result.stages[0].totals, slates)}
    for name in result.elected:
        out[slate_of(slates, name)] += 1
    return out


def loyalty_dict(rows: Mapping[str, Loyalty], places: int) -> list[dict[str, Any]]:
    return [
        {
            "slate": row.slate,
            "transfers": row.transfers,
            "moved": decimal_str(row.moved, places),
            "kept": decimal_str(row.kept, places),
            "share_kept": None if row.share_kept is None else f"{float(row.share_kept):.4f}",
            "leaked": {s: decimal_str(v, places) for s, v in sorted(row.leaked.items())},
            "non_transferable": decimal_str(row.non_transferable, places),
            "loss": decimal_str(row.loss, places),
        }
        for row in rows.values()
    ]


def contest_report(
    result: Result, slates: Mapping[str, str], ballots: Ballots | None = None
) -> dict[str, Any]:
    """Everything the slate analysis says about one contest; with its ``ballots``, also where each
    slate's voters' next preferences went (``preferences``)."""
    d = result.places
    ron = result.ron if result.ron in result.candidates and result.ron not in slates else None
    firsts = first_preferences(result, slates)
    seats = seats_won(result, slates)
    stages = []
    slate_transfers: list[SlateTransfer] = []
    for t in transfers(result):
        st = by_slate(t, slates)
        slate_transfers.append(st)
        stages.append(
            {
                "stage": t.stage,
                "action": t.action,
                "from": list(t.sources),
                "from_slate": st.slate,
                "moved": decimal_str(t.moved, d),
                "kept": decimal_str(st.kept, d),
                "could_keep": st.could_keep,
                "candidates": [[a, b, decimal_str(v, d)] for a, b, v in matrix_rows(t)],
                "slates": [[a, b, decimal_str(v, d)] for a, b, v in matrix_rows(t, slates)],
            }
        )
    nexts = next_preferences(ballots.without(result.withdrawn), slates) if ballots is not None else {}
    return {
        "title": result.title,
        "method": result.method,
        "seats": result.seats,
        "valid_poll": decimal_str(result.valid_poll, d),
        "slates": [
            {
                "slate": s,
                "candidates": [c for c in result.stages[0].totals if slate_of(slates, c) == s],
                "seats": seats[s],
                "first_preferences": decimal_str(firsts[s], d),
                "first_share": share(firsts[s], result.valid_poll),
            }
            for s in firsts
            if not ron or s != slate_of(slates, ron)
        ],
        # RON (re-open nominations) is no slate: shown on its own, its seats the ones reopened
        "ron": {
            "candidate": ron,
            "seats": result.seats_reopened,
            "first_preferences": decimal_str(firsts[slate_of(slates, ron)], d),
            "first_share": share(firsts[slate_of(slates, ron)], result.valid_poll),
        }
        if ron
        else None,
        "transfers": stages,
        "loyalty": loyalty_dict(loyalty(slate_transfers), d),
        **({"next_preferences": next_dict(nexts, d)} if ballots is not None else {}),
        "_slate_transfers": slate_transfers,  # dropped before output; kept for totals over contests
        "_next": nexts,
    }


def next_dict(rows: Mapping[str, NextPreferences], places: int) -> list[dict[str, Any]]:
    return [
        {
            "slate": row.slate,
            "ballots": decimal_str(row.ballots, places),
            "to": {k: decimal_str(v, places) for k, v in sorted(row.to.items(), key=lambda kv: -kv[1])},
            "share_to": {k: share(v, row.ballots) for k, v in sorted(row.to.items(), key=lambda kv: -kv[1])},
            "party_line": decimal_str(row.party_line, places),
            "party_line_share": share(row.party_line, row.could_party_line),
        }
        for row in rows.values()
    ]


def total_next_preferences(reports: Iterable[Mapping[str, Any]], places: int) -> list[dict[str, Any]]:
    """Next preferences added up over several contests."""
    total: dict[str, NextPreferences] = {}
    for r in reports:
        for name, row in r.get("_next", {}).items():
            total.setdefault(name, NextPreferences(name)).add(row)
    return next_dict(dict(sorted(total.items(), key=lambda kv: -kv[1].ballots)), places)


def total_loyalty(reports: Iterable[Mapping[str, Any]], places: int) -> list[dict[str, Any]]:
    """Loyalty added up over several contests (the reports of ``contest_report``)."""
    every = [t for r in reports for t in r["_slate_transfers"]]
    rows = loyalty(every)
    return loyalty_dict(dict(sorted(rows.items(), key=lambda kv: -kv[1].moved)), places)


def public(report: Mapping[str, Any]) -> dict[str, Any]:
    """The report without its working parts (for JSON)."""
    return {k: v for k, v in report.items() if not k.startswith("_")}


def transfers_csv(reports: Sequence[tuple[str, Mapping[str, Any]]], level: str = "candidates") -> str:
    """Every stage's transfer matrix in long form: ``source,stage,action,from,to,votes``, where
    ``level`` is ``candidates`` or ``slates``."""
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(["source", "stage", "action", "from", "to", "votes"])
    for source, report in reports:
        for stage in report["transfers"]:
            for a, b, votes in stage[level]:
                writer.writerow([source, stage["stage"], stage["action"], a, b, votes])
    return out.getvalue()
