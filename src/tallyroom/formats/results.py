"""A count's result written out: the published JSON, a CSV stage table and a printed sheet.

Each writer takes a Result or its published dict (``Result.to_dict()``, as stored and
downloaded), so a sheet can be printed again from a published JSON file. The schema is in
docs/result-format.md.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Mapping
from decimal import Decimal, localcontext
from typing import Any

from tallyroom.count import notes
from tallyroom.count.result import Result
from tallyroom.stored_words import gettext_noop

from . import spreadsheet


def result_dict(result: Result | Mapping[str, Any]) -> dict[str, Any]:
    return result.to_dict() if isinstance(result, Result) else dict(result)


def result_json(result: Result | Mapping[str, Any]) -> str:
    """The published JSON, ``Result.to_dict()`` exactly, indented, one file."""
    return json.dumps(result_dict(result), indent=2, ensure_ascii=False) + "\n"


def result_csv(result: Result | Mapping[str, Any]) -> str:
    """One row per candidate as council sheets give it: ``status`` (Elected, Excluded or empty)
    and the ``stage`` it was decided at, ``first_prefs``, then ``transfersNN`` and
    ``total_votesNN`` for each later stage; then rows for non-transferable papers, loss (where
    any) and the total."""
    table = _StageTable(result_dict(result))
    header = ["candidate", "status", "stage", "first_prefs"]
    for s in table.stages[1:]:
        header += [f"transfers{s['stage']:02d}", f"total_votes{s['stage']:02d}"]
    out = io.StringIO()
    writer = spreadsheet.writer(out, lineterminator="\n")
    writer.writerow(header)
    for label, status, cells in table.rows():
        flat = [cells[0][1]] + [
            v for change, total in cells[1:] for v in ("" if change is None else str(change), total)
        ]
        writer.writerow([label, *status, *flat])
    return out.getvalue()


def result_table(result: Result | Mapping[str, Any]) -> str:
    """A printed result sheet: candidates by stages, each stage's transfer (+/-) and total, who
    was elected or excluded when, and every tie and how it was settled."""
    d = result_dict(result)
    table = _StageTable(d)
    lines = [d.get("title") or "Result", ""]
    facts = sheet_facts(d)
    width = max(len(k) for k, _ in facts)
    lines += [f"{k + ':':<{width + 1}} {v}" for k, v in facts]
    if d.get("colleges"):
        lines += ["", *_colleges(d)]
    lines += ["", *_grid(table), ""]
    for s in table.stages:
        lines.append(f"Stage {s['stage']}: {describe(s)}")
        lines += [f"  {tie_text(t)}" for t in s.get("ties", ())]
    lines += ["", "Elected, in order:"]
    lines += [f"  {i}. {name}" for i, name in enumerate(d["elected"], 1)]
    if d.get("seats_reopened"):
        lines.append(
            f"  {d['seats_reopened']} seat(s) won by re-open nominations: to be filled by a new election."
        )
    return "\n".join(lines) + "\n"


def sheet_facts(d: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The facts a result sheet states above its table: method, seats, poll, quota and so on."""
    facts = [("Method", _method(d)), ("Seats", str(d["seats"])), ("Valid poll", d["valid_poll"])]
    if d.get("quota") is not None:
        facts.append(("Quota", d["quota"]))
    if _nonzero(d.get("empty")):
        facts.append(("Empty ballots", d["empty"]))
    for key, label in (("withdrawn", "Withdrawn"), ("constraints", "Constraints")):
        if d.get(key):
            facts.append((label, ", ".join(d[key])))
    if d.get("ron"):
        facts.append(("Re-open nominations", d["ron"]))
    if d.get("tie_seed") is not None:
        facts.append(("Tie seed", d["tie_seed"]))
    return facts


class _StageTable:
    """Per candidate (and non-transferable, loss, total) per stage: the total as published and
    the change from the stage before."""

    def __init__(self, d: Mapping[str, Any]):
        self.d = d
        self.stages = list(d["stages"])
        self.decided: dict[str, tuple[str, int]] = {}
        for s in self.stages:
            for name in s.get("elected", ()):
                self.decided.setdefault(name, ("Elected", s["stage"]))
            for name in s.get("excluded", ()):
                self.decided.setdefault(name, ("Excluded", s["stage"]))

    def rows(self) -> list[tuple[str, tuple[str, str], list[tuple[Decimal | None, str]]]]:
        """``(label, (status, stage), [(transfer, total) per stage])``; stage 1 has no transfer
        (None), nor has a stage where either total is missing."""
        out = []
        for name in self.d["candidates"]:
            status, stage = self.decided.get(name, ("", ""))
            out.append(
                (name, (status, str(stage)), self._series([s["totals"].get(name) for s in self.stages]))
            )
        out.append(("Non-transferable", ("", ""), self._series([s["non_transferable"] for s in self.stages])))
        if any(_nonzero(s.get("loss")) for s in self.stages):
            out.append(("Loss", ("", ""), self._series([s["loss"] for s in self.stages])))
        totals = [self._sum(s) for s in self.stages]
        out.append(("Total", ("", ""), self._series(totals)))
        return out

    @staticmethod
    def _series(values: list[str | None]) -> list[tuple[Decimal | None, str]]:
        cells: list[tuple[Decimal | None, str]] = [(None, values[0] or "")]
        for before, after in zip(values, values[1:], strict=False):
            change = None if before is None or after is None else _difference(after, before)
            cells.append((change, after or ""))
        return cells

    def _sum(self, stage: Mapping[str, Any]) -> str:
        parts = [*stage["totals"].values(), stage["non_transferable"], stage.get("loss") or "0"]
        with localcontext() as ctx:
            ctx.prec = 100
            total = sum((Decimal(v) for v in parts), Decimal(0))
        return str(total.quantize(Decimal(stage["non_transferable"])))


def _difference(after: str, before: str) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 100
        return Decimal(after) - Decimal(before)


def _signed(change: Decimal | None) -> str:
    """A transfer as the printed sheet shows it: signed, blank where nothing moved."""
    return "" if change is None or change == 0 else f"{change:+}"


def _nonzero(value: str | None) -> bool:
    return value is not None and Decimal(value) != 0


def _grid(table: _StageTable) -> list[str]:
    """The candidates-by-stages grid, columns right-aligned."""
    header1 = ["", "Stage 1"]
    header2 = ["Candidate", "Votes"]
    for s in table.stages[1:]:
        header1 += [f"Stage {s['stage']}", ""]
        header2 += ["+/-", "Total"]
    header1.append("")
    header2.append("Result")
    body = []
    for label, (status, stage), cells in table.rows():
        flat = [cells[0][1]] + [v for change, total in cells[1:] for v in (_signed(change), total)]
        body.append([label, *flat, f"{status} at stage {stage}" if status else ""])
    rows = [header1, header2, *body]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header1))]
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    out = []
    for r in rows:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(r[1:-1], widths[1:-1], strict=True)]
        cells.append(r[-1].ljust(widths[-1]))
        out.append("  ".join(cells).rstrip())
    return [*out[:2], rule, *out[2:-1], rule, out[-1]]


def _colleges(d: Mapping[str, Any]) -> list[str]:
    """The colleges of a count decided by colleges: each one's share, own figures and factor,
    then each candidate's first-stage votes by college, as cast and as counted."""
    colleges = d["colleges"]
    lines = [
        "Electoral colleges: each valid poll counts as its share of the whole (counted = votes x factor).",
        "",
    ]
    if any("counted_share" in c for c in colleges):  # a college had no valid votes
        lines += _aligned(
            [["College", "Share", "Counted share", "Valid poll", "Empty", "Factor"]]
            + [
                [
                    c["college"],
                    c["share"],
                    c.get("counted_share", c["share"]),
                    c["valid_poll"],
                    c["empty"],
                    c["factor"],
                ]
                for c in colleges
            ]
        )
    else:
        lines += _aligned(
            [["College", "Share", "Valid poll", "Empty", "Factor"]]
            + [[c["college"], c["share"], c["valid_poll"], c["empty"], c["factor"]] for c in colleges]
        )
    header = [
        "Candidate",
        *(f"{c['college']} {kind}" for c in colleges for kind in ("votes", "counted")),
        "Stage 1",
    ]
    first = d["stages"][0]["totals"] if d["stages"] else {}
    body = [
        [name, *(c[key][name] for c in colleges for key in ("votes", "counted")), first.get(name, "")]
        for name in d["candidates"]
    ]
    return [*lines, "", "Stage 1 by college, as cast (votes) and as counted:", "", *_aligned([header, *body])]


def _aligned(rows: list[list[str]]) -> list[str]:
    """Rows of cells as text: the first column left-aligned, the others right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]
        ).rstrip()
        for r in rows
    ]


def _method(d: Mapping[str, Any]) -> str:
    options = d.get("options") or {}
    shown = ", ".join(f"{k}={_option(v)}" for k, v in options.items())
    return f"{d['method']} ({shown})" if shown else d["method"]


def _option(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)


# A stage's description, in English; a PDF in another language has them translated by its ``words``.
ACTIONS = {
    "first": gettext_noop("first preferences"),
    "count": gettext_noop("the count"),
    "surplus": gettext_noop("surplus of %(names)s"),
    "exclusion": gettext_noop("exclusion of %(names)s"),
}
AT_VALUE = {
    "surplus": gettext_noop("surplus of %(names)s transferred at %(value)s"),
    "exclusion": gettext_noop("exclusion of %(names)s (papers at %(value)s)"),
}
ELECTED = gettext_noop("elected %(names)s")
EXCLUDED = gettext_noop("excluded %(names)s")
TIE = gettext_noop("Tie to %(purpose)s between %(names)s: %(chosen)s, by %(how)s.")
STAGE_WORDS = frozenset((*ACTIONS.values(), *AT_VALUE.values(), ELECTED, EXCLUDED, TIE))


def describe(stage: Mapping[str, Any], words: Callable[[str], str] = str) -> str:
    """What ``stage`` did, in the language of ``words`` (English as it stands by default)."""
    subject = ", ".join(stage.get("subject") or ())
    action = stage["action"]
    values = {"names": subject, "value": stage.get("transfer_value")}
    if action in AT_VALUE and values["value"] is not None:
        text = words(AT_VALUE[action]) % values
    elif action in ACTIONS:
        text = words(ACTIONS[action]) % values
    else:
        text = f"{action} {subject}".strip()
    parts = [text]
    if stage.get("elected"):
        parts.append(words(ELECTED) % {"names": ", ".join(stage["elected"])})
    excluded = [n for n in stage.get("excluded", ()) if n not in (stage.get("subject") or ())]
    if excluded:
        parts.append(words(EXCLUDED) % {"names": ", ".join(excluded)})
    if stage.get("note"):
        parts.append(notes.translate(stage["note"], words))
    return "; ".join(parts) + "."


def tie_text(tie: Mapping[str, Any], words: Callable[[str], str] = str) -> str:
    """How a tie was settled, in the language of ``words`` (English as it stands by default)."""
    detail = notes.translate(tie.get("detail") or "", words)
    how = words(tie["settled_by"]) + (f" ({detail})" if detail else "")
    purpose, names = words(tie["purpose"]), ", ".join(tie["candidates"])
    return words(TIE) % {"purpose": purpose, "names": names, "chosen": tie["chosen"], "how": how}
