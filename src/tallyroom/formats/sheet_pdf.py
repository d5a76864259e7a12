"""The council-style result sheet as a PDF: the facts of the count, who was elected, the stage table
(each stage's transfer and total) with each stage described, and a bar chart of the stages.

Made with fpdf2 (pure Python, from PyPI, no system libraries). It takes a result in its published
form, so a sheet can be printed again from a published JSON file. Names are set in DejaVu Sans
where the system has it (Debian's fonts-dejavu-core: every Welsh letter); elsewhere in the PDF's
built-in Helvetica, where a letter outside Latin-1 prints as "?".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF

from tallyroom.count import notes
from tallyroom.count.result import Result
from tallyroom.count.ties import PURPOSES, RULES
from tallyroom.stored_words import gettext_noop

from .results import STAGE_WORDS, _signed, _StageTable, describe, result_dict, sheet_facts, tie_text

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
NO_SLATE = (107, 107, 107)
MARGIN = 12


ROWS = (gettext_noop("Non-transferable"), gettext_noop("Loss"), gettext_noop("Total"))  # the table's own
# Every word of the sheet, in English: what ``words`` is asked to translate (with the stages' and the
# engine's, which describe the stages, and the tie rules and purposes named in them).
WORDS = (
    STAGE_WORDS
    | frozenset((*notes.TEMPLATES, *ROWS, *RULES, *PURPOSES))
    | frozenset(
        (
            gettext_noop("Result"),
            gettext_noop("%(title)s: page %(page)s"),
            gettext_noop("nobody"),
            gettext_noop("Elected: %(names)s"),
            gettext_noop("%(n)s seat(s) won by re-open nominations: to be filled by a new election."),
            gettext_noop("Candidate"),
            gettext_noop("Stage %(stage)s"),
            gettext_noop("Elected at %(stage)s"),
            gettext_noop("Excluded at %(stage)s"),
            gettext_noop("The stages as a chart"),
            gettext_noop("excluded at stage %(stage)s"),
            gettext_noop("quota %(quota)s"),
            gettext_noop("Method"),
            gettext_noop("Seats"),
            gettext_noop("Valid poll"),
            gettext_noop("Quota"),
            gettext_noop("Empty ballots"),
            gettext_noop("Withdrawn"),
            gettext_noop("Constraints"),
            gettext_noop("Re-open nominations"),
            gettext_noop("Tie seed"),
        )
    )
)


def _font(pdf: FPDF) -> str:
    """The family to set the sheet in: DejaVu Sans if installed, else Helvetica."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold))
            return "DejaVu"
    return "Helvetica"


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    try:
        return tuple(int(colour[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    except ValueError:
        return NO_SLATE


class _Sheet(FPDF):
    def __init__(self, title: str, words: Callable[[str], str] | None = None):
        super().__init__(orientation="landscape", format="A4")
        self.say = words or (lambda text: text)  # the sheet's fixed words in the reader's language
        self.set_margins(MARGIN, MARGIN)
        self.set_auto_page_break(True, MARGIN)
        self.face = _font(self)
        self.sheet_title = title
        self.set_title(title)
        self.set_creator("tallyroom")

    def text_of(self, value: str) -> str:
        if self.face == "Helvetica":
            return value.encode("latin-1", "replace").decode("latin-1")
        return value

    def footer(self):
        self.set_y(-9)
        self.set_font(self.face, "", 7)
        page = self.say("%(title)s: page %(page)s") % {"title": self.sheet_title, "page": self.page_no()}
        self.cell(0, 4, self.text_of(page + "/{nb}"), align="R")


def result_pdf(
    result: Result | Mapping[str, Any],
    colours: Mapping[str, str] | None = None,
    words: Callable[[str], str] | None = None,
) -> bytes:
    """The result sheet as PDF bytes; ``colours`` maps a candidate to their slate's colour.
    ``words`` translates the sheet's fixed words (the English of ``WORDS``), for a sheet in the
    reader's language, with the stages' descriptions, notes and ties (``describe``, ``tie_text``)."""
    d = result_dict(result)
    pdf = _Sheet(d.get("title") or (words or str)("Result"), words)
    pdf.add_page()
    _heading(pdf, d)
    _table(pdf, _StageTable(d))
    _stages(pdf, d)
    _chart(pdf, d, colours or {})
    return bytes(pdf.output())


def _heading(pdf: _Sheet, d: Mapping[str, Any]) -> None:
    pdf.set_font(pdf.face, "B", 16)
    pdf.multi_cell(0, 8, pdf.text_of(pdf.sheet_title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.face, "", 9)
    facts = "   ".join(f"{pdf.say(k)}: {v}" for k, v in sheet_facts(d))
    pdf.multi_cell(0, 5, pdf.text_of(facts), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(pdf.face, "B", 11)
    elected = ", ".join(f"{i}. {name}" for i, name in enumerate(d["elected"], 1)) or pdf.say("nobody")
    pdf.multi_cell(
        0, 6, pdf.text_of(pdf.say("Elected: %(names)s") % {"names": elected}), new_x="LMARGIN", new_y="NEXT"
    )
    if d.get("seats_reopened"):
        pdf.set_font(pdf.face, "", 9)
        reopened = pdf.say("%(n)s seat(s) won by re-open nominations: to be filled by a new election.") % {
            "n": d["seats_reopened"]
        }
        pdf.multi_cell(0, 5, pdf.text_of(reopened), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _table(pdf: _Sheet, table: _StageTable) -> None:
    """The candidates-by-stages table, split into as many bands of stages as the page needs."""
    rows = table.rows()
    pdf.set_font(pdf.face, "B", 7)
    name_width = min(60, max(28, max(pdf.get_string_width(pdf.text_of(r[0])) for r in rows) + 4))
    change_width = max(pdf.get_string_width(_signed(c)) for r in rows for c, _ in r[2]) + 2
    total_width = max(pdf.get_string_width(t) for r in rows for _, t in r[2]) + 2
    pair = change_width + total_width  # one stage: transfer and total
    per_band = max(1, int((pdf.epw - name_width - 30) // pair))
    stages = table.stages
    for start in range(0, len(stages), per_band):
        band = range(start, min(start + per_band, len(stages)))
        pdf.set_font(pdf.face, "B", 7)
        pdf.set_fill_color(230, 230, 230)
        pdf.cell(name_width, 5, pdf.text_of(pdf.say("Candidate")), border=1, fill=True)
        for i in band:
            stage = pdf.say("Stage %(stage)s") % {"stage": stages[i]["stage"]}
            pdf.cell(pair, 5, pdf.text_of(stage), border=1, align="C", fill=True)
        pdf.cell(30, 5, pdf.text_of(pdf.say("Result")), border=1, fill=True, new_x="LMARGIN", new_y="NEXT")
        for label, (status, stage), cells in rows:
            bold = status == "Elected" or label == "Total"
            pdf.set_font(pdf.face, "B" if bold else "", 7)
            pdf.cell(name_width, 5, pdf.text_of(pdf.say(label) if label in ROWS else label), border=1)
            for i in band:
                change, total = cells[i]
                pdf.cell(change_width, 5, _signed(change), border="TB", align="R")
                pdf.cell(total_width, 5, total, border="TBR", align="R")
            decided = pdf.say(f"{status} at %(stage)s") % {"stage": stage} if status else ""
            pdf.cell(30, 5, pdf.text_of(decided), border=1, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


def _stages(pdf: _Sheet, d: Mapping[str, Any]) -> None:
    pdf.set_font(pdf.face, "", 8)
    for s in d["stages"]:
        line = pdf.say("Stage %(stage)s") % {"stage": s["stage"]} + f": {describe(s, pdf.say)}"
        for t in s.get("ties", ()):
            line += f" {tie_text(t, pdf.say)}"
        pdf.multi_cell(0, 4, pdf.text_of(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _chart(pdf: _Sheet, d: Mapping[str, Any], colours: Mapping[str, str]) -> None:
    """One block per candidate: a bar per stage (stage 1 on top), the quota as a line."""
    withdrawn = set(d.get("withdrawn") or ())
    names = [n for n in d["candidates"] if n not in withdrawn]
    stages = d["stages"]
    if not names or not stages:
        return
    bar, label = 2.2, 4.5
    block = label + len(stages) * (bar + 0.4) + 2
    if pdf.get_y() + 10 + block * len(names) > pdf.h - MARGIN:
        pdf.add_page()
    pdf.set_font(pdf.face, "B", 11)
    pdf.cell(0, 6, pdf.text_of(pdf.say("The stages as a chart")), new_x="LMARGIN", new_y="NEXT")
    quota = Decimal(d["quota"]) if d.get("quota") else None
    top = max([Decimal(v) for s in stages for v in s["totals"].values()] + [quota or Decimal(0), Decimal(1)])
    left, width = pdf.l_margin + 45, pdf.epw - 70
    y0 = pdf.get_y() + 1
    y = y0
    pdf.set_font(pdf.face, "", 8)
    for name in names:
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(45, label, pdf.text_of(name))
        r, g, b = _rgb(colours[name]) if name in colours else NO_SLATE
        by = y + 1
        for i, s in enumerate(stages):
            value = Decimal(s["totals"].get(name, "0"))
            shade = 0.45 + 0.55 * (i + 1) / len(stages)  # lighter to darker
            pdf.set_fill_color(*(int(255 - (255 - c) * shade) for c in (r, g, b)))
            if value > 0:
                pdf.rect(left, by, float(value / top) * width, bar, style="F")
            by += bar + 0.4
        excluded = next((s["stage"] for s in stages if name in s.get("excluded", ())), None)
        last = stages[-1]["totals"].get(name, "0")
        if excluded is not None:
            at = next(s for s in stages if s["stage"] == excluded)["totals"].get(name, "0")
            pdf.set_xy(left + float(Decimal(at) / top) * width + 1, y)
            pdf.cell(40, label, pdf.text_of(pdf.say("excluded at stage %(stage)s") % {"stage": excluded}))
        else:
            pdf.set_xy(left + float(Decimal(last) / top) * width + 1, by - bar - 2)
            pdf.cell(24, label, last)
        y += block
    if quota:
        x = left + float(quota / top) * width
        pdf.set_draw_color(0, 0, 0)
        pdf.set_dash_pattern(dash=1, gap=1)
        pdf.line(x, y0, x, y)
        pdf.set_dash_pattern()
        pdf.set_xy(x - 15, y)
        pdf.cell(30, 4, pdf.text_of(pdf.say("quota %(quota)s") % {"quota": d["quota"]}), align="C")
    pdf.set_y(y + 5)
