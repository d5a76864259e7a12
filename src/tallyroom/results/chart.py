"""The stages of a count drawn as a server-rendered SVG chart.

One block per candidate: the candidate's name, then one horizontal bar per stage (stage 1 on top,
lighter to darker), in the colour of the candidate's slate, with the quota as a dashed line. The
stage table on the same page is the chart's text alternative; each bar also carries its figure as
a tooltip (``<title>``). Its words are in the active language.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

WIDTH = 360  # about a phone's width, so the text keeps its size there
BAR = 9  # height of one stage's bar
GAP = 2  # between bars of one candidate
LABEL = 22  # height of the name line above a candidate's bars
BLOCK_GAP = 12
VALUE_ROOM = 64  # right margin for the last figure, at least
CHAR = 8.5  # the width of a character of a 14px figure, generously
TOP = 48
NO_SLATE = "#6b6b6b"


def _x(value: Fraction, scale: Fraction) -> str:
    return f"{float(value * scale):.1f}"


def _end_label(name: str, stages, totals, scale: Fraction, y: int) -> str:
    """The figure at the end of a candidate's last bar, or the stage they were excluded at."""
    excluded = next((s["stage"] for s in stages if name in s["excluded"]), None)
    if excluded is not None:
        label = gettext("excluded at stage %(stage)s") % {"stage": excluded}
        return f'<text x="0" y="{y}" class="value">{escape(label)}</text>'
    end = float(totals[-1].get(name, Fraction(0)) * scale) if totals else 0.0
    last = stages[-1]["totals"].get(name, "0") if stages else "0"
    return f'<text x="{end + 4:.1f}" y="{y}" class="value">{escape(last)}</text>'


def stage_chart(result: Mapping, colours: Mapping[str, str] | None = None, title: str = "") -> SafeString:
    """The SVG for a result in the published JSON form; ``colours`` maps candidate -> slate colour."""
    colours = colours or {}
    stages = result["stages"]
    names = list(result["candidates"])
    withdrawn = set(result.get("withdrawn", []))
    names = [n for n in names if n not in withdrawn]
    elected = set(result.get("elected", []))
    quota = Fraction(result["quota"]) if result.get("quota") else None
    totals = [{n: Fraction(v) for n, v in s["totals"].items()} for s in stages]
    top = max([v for t in totals for v in t.values()] + ([quota] if quota else []) + [Fraction(1)])
    ends = [str(stages[-1]["totals"].get(n, "0")) for n in names] if stages else []
    room = max([VALUE_ROOM] + [int(len(e) * CHAR) + 8 for e in ends])  # every last figure fits
    scale = Fraction(WIDTH - room) / top
    block = LABEL + len(stages) * (BAR + GAP) + BLOCK_GAP
    height = TOP + block * len(names) + 8
    heading = title or result.get("title") or gettext("Count")
    n = len(stages)
    if quota:
        desc = ngettext(
            "Votes for each candidate at %(n)s stage, one bar per stage, stage 1 on top; the dashed "
            "line is the quota, %(quota)s. The stage table gives the same figures.",
            "Votes for each candidate at each of %(n)s stages, one bar per stage, stage 1 on top; the "
            "dashed line is the quota, %(quota)s. The stage table gives the same figures.",
            n,
        ) % {"n": n, "quota": result["quota"]}
    else:
        desc = ngettext(
            "Votes for each candidate at %(n)s stage, one bar per stage, stage 1 on top. The stage "
            "table gives the same figures.",
            "Votes for each candidate at each of %(n)s stages, one bar per stage, stage 1 on top. "
            "The stage table gives the same figures.",
            n,
        ) % {"n": n}
    legend = (
        gettext("Bars: stage 1 on top (light) to stage %(n)s (dark)") % {"n": n}
        if n > 1
        else gettext("One bar each: decided at the first stage")
    )
    chart_title = gettext("%(title)s: votes by stage") % {"title": heading}
    elected_mark = " — " + gettext("elected")
    out = [
        f'<svg class="stage-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="chart-title">{escape(chart_title)}</title>',
        f'<desc id="chart-desc">{escape(desc)}</desc>',
        f'<text x="0" y="14" class="legend">{escape(legend)}</text>',
    ]
    for i, name in enumerate(names):
        y = TOP + i * block
        mark = elected_mark if name in elected else ""
        out.append(
            f'<text x="0" y="{y + 14}" class="name{" elected" if mark else ""}">{escape(name)}{mark}</text>'
        )
        colour = escape(colours.get(name, NO_SLATE))
        for k, stage_totals in enumerate(totals):
            value = stage_totals.get(name, Fraction(0))
            opacity = 0.35 + 0.65 * (k + 1) / len(totals)
            by = y + LABEL + k * (BAR + GAP)
            tip = gettext("%(name)s, stage %(stage)s: %(votes)s") % {
                "name": name,
                "stage": k + 1,
                "votes": stages[k]["totals"].get(name, "0"),
            }
            out.append(
                f'<rect x="0" y="{by}" width="{_x(value, scale)}" height="{BAR}" fill="{colour}" '
                f'fill-opacity="{opacity:.2f}"><title>{escape(tip)}</title></rect>'
            )
        out.append(_end_label(name, stages, totals, scale, y + LABEL + len(stages) * (BAR + GAP) - 2))
    if quota:
        qx = _x(quota, scale)
        label = gettext("quota %(quota)s") % {"quota": result["quota"]}
        half = len(label) * CHAR / 2  # the label is centred on the line unless that would clip it
        anchor, lx = "middle", qx
        if float(qx) + half > WIDTH:
            anchor, lx = "end", str(WIDTH)
        elif float(qx) < half:
            anchor, lx = "start", "0"
        out.append(
            f'<line x1="{qx}" y1="{TOP - 6}" x2="{qx}" y2="{height - 4}" class="quota" '
            f'stroke="#b00020" stroke-width="1.5" stroke-dasharray="5 4"/>'
        )
        out.append(
            f'<text x="{lx}" y="{TOP - 10}" class="quota-label" text-anchor="{anchor}">{escape(label)}</text>'
        )
    out.append("</svg>")
    return mark_safe("\n".join(out))
