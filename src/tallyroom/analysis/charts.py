"""Charts as SVG text (no dependency), each with an HTML table that says the same, and PNG when
the optional ``cairosvg`` is installed (``pip install 'tallyroom[charts]'``).

- ``flow_svg``: the whole count as a Sankey-style flow: one column per stage, each candidate's
  votes as a block in their slate's colour, and between columns a band for every transfer, from
  the candidate whose votes moved to each receiver (and to non-transferable, at the foot); made of
  ``flow_chart`` (its shapes and figures, JSON-ready, kept by the web's analysis) and
  ``draw_flow`` (the SVG, in the language of a ``words`` function).
- ``bar_svg``: a ranked horizontal bar chart (regions, seat distributions, win probabilities).

Every chart is ``role="img"`` with a ``<title>`` and a ``<desc>`` saying where the full figures
are: the table from ``flow_table_html`` / ``bar_table_html``, which screen readers read and which
needs no JavaScript (``tallyroom analyse`` writes it beside each chart, as ``.html``). The charts'
words are in English unless a ``words`` function (``gettext``) is given: they are marked with the
engine's local ``gettext_noop`` for makemessages, so this package stays free of Django.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from tallyroom.count import Result
from tallyroom.stored_words import gettext_noop

from .slates import slate_of, slate_order
from .transfers import LOSS, NON_TRANSFERABLE, transfers

Translate = Callable[[str], str]  # a msgid -> its translation (``gettext``); ``str``: English as it stands

# Okabe-Ito's colour-blind-safe palette, then greys; slates take them in order of first standing.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
OTHER = "#8c8c8c"
NT_COLOUR = "#bdbdbd"
NODE_W = 10  # a flow chart's blocks' width


def slate_colours(candidates: Sequence[str], slates: Mapping[str, str]) -> dict[str, str]:
    """slate -> colour: the palette in order of the slates' first candidates; a candidate standing
    alone is grey."""
    named = [s for s in slate_order(candidates, slates) if s in set(slates.values())]
    colours = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(named)}
    return {s: colours.get(s, OTHER) for s in slate_order(candidates, slates)}


def _f(x: float) -> str:
    return f"{x:.1f}"


# The charts' words, in English: what ``words`` is asked to translate (the web gives ``gettext``).
FLOW_TITLE = gettext_noop("How the votes moved: %(title)s")
COUNT = gettext_noop("count")
FLOW_DESC = gettext_noop(
    "A flow chart of %(n)s stages: each column is a stage, each block a candidate's votes in "
    "their slate's colour, each band a transfer. The table of transfers gives the same figures."
)
BAND = gettext_noop("stage %(stage)s: %(source)s to %(target)s, %(votes)s")
BLOCK = gettext_noop("%(name)s, stage %(stage)s")
BAR_DESC = gettext_noop(
    "%(n)s bars, largest first where ranked; the table beside the chart gives the same figures."
)
NAMES = {NON_TRANSFERABLE: gettext_noop("non-transferable"), LOSS: gettext_noop("loss")}  # transfers' own


def flow_svg(
    result: Result, slates: Mapping[str, str], *, height: int = 420, embed: str = "", words: Translate = str
) -> str:
    """The count as a flow chart (see the module docstring) in the language of ``words``;
    ``embed``: see ``_svg``."""
    return draw_flow(flow_chart(result, slates, height=height), embed=embed, words=words)


def flow_chart(result: Result, slates: Mapping[str, str], *, height: int = 420) -> dict[str, Any]:
    """The flow chart's shapes, figures and names, without its words: JSON-ready, so that it is
    kept once and ``draw_flow`` writes it in the reader's language."""
    names = list(result.stages[0].totals)
    colours = slate_colours(names, slates)
    ncols = len(result.stages)
    label_room, node_w, gap = 230, NODE_W, 4
    col_gap = max(60, min(120, 900 // max(ncols, 1)))
    width = label_room + (ncols - 1) * col_gap + node_w + 20
    poll = float(result.valid_poll) or 1.0
    scale = (height - 60 - gap * (len(names) + 1)) / poll

    def column(i: int) -> dict[str, tuple[float, float]]:
        """name -> (top, height) of each block in stage ``i``'s column; NT and loss at the foot."""
        stage = result.stages[i]
        y, out = 40.0, {}
        for name in names:
            h = float(stage.totals.get(name, 0)) * scale
            if h > 0.05:
                out[name] = (y, h)
                y += h + gap
        lost = float(stage.non_transferable + stage.loss) * scale
        if lost > 0.05:
            out[NON_TRANSFERABLE] = (y, lost)
        return out

    cols = [column(i) for i in range(ncols)]
    chart: dict[str, Any] = {"width": width, "height": height, "title": result.title, "stages": ncols}
    chart |= {"bands": [], "columns": [], "labels": []}
    moves = {t.stage: t for t in transfers(result)}
    for i in range(1, ncols):
        x0, x1 = label_room + (i - 1) * col_gap + node_w, label_room + i * col_gap
        out_used = {k: 0.0 for k in cols[i - 1]}
        in_used = {k: 0.0 for k in cols[i]}
        stage, before = result.stages[i], result.stages[i - 1]
        t = moves.get(stage.stage)
        bands: list[tuple[str, str, float]] = []  # (from, to, votes): staying votes first
        for key in cols[i - 1]:
            if key == NON_TRANSFERABLE:
                stay = float(before.non_transferable + before.loss)
            else:
                stay = float(min(before.totals.get(key, 0), stage.totals.get(key, 0)))
            if stay > 0 and key in cols[i]:
                bands.append((key, key, stay))
        if t:
            outflow = {s: float(before.totals.get(s, 0) - stage.totals.get(s, 0)) for s in t.sources}
            total_out = sum(outflow.values()) or 1.0
            gains = {k: float(v) for k, v in t.received.items() if v > 0}
            lost = float(t.non_transferable + t.loss)
            if lost > 0:
                gains[NON_TRANSFERABLE] = lost
            for s in t.sources:
                for to, votes in gains.items():
                    bands.append((s, to, votes * outflow[s] / total_out))
        for a, b, votes in bands:
            if a not in cols[i - 1] or b not in cols[i]:
                continue
            h = votes * scale
            ya = cols[i - 1][a][0] + out_used[a]
            yb = cols[i][b][0] + in_used[b]
            out_used[a] += h
            in_used[b] += h
            colour = NT_COLOUR if a == NON_TRANSFERABLE else colours[slate_of(slates, a)]
            mid = (x0 + x1) / 2
            top = f"M{_f(x0)},{_f(ya)} C{_f(mid)},{_f(ya)} {_f(mid)},{_f(yb)} {_f(x1)},{_f(yb)} "
            yb2, ya2 = _f(yb + h), _f(ya + h)
            foot = f"L{_f(x1)},{yb2} C{_f(mid)},{yb2} {_f(mid)},{ya2} {_f(x0)},{ya2} Z"
            opacity = "0.25" if a == b else "0.6"
            chart["bands"].append([top + foot, colour, opacity, stage.stage, a, b, f"{votes:.2f}"])
    for i, col in enumerate(cols):
        blocks = [
            [
                _f(y),
                _f(max(h, 0.5)),
                NT_COLOUR if key == NON_TRANSFERABLE else colours[slate_of(slates, key)],
                key,
            ]
            for key, (y, h) in col.items()
        ]
        chart["columns"].append(
            {"x": _f(label_room + i * col_gap), "stage": result.stages[i].stage, "blocks": blocks}
        )
    for key, (y, h) in cols[0].items():
        slate = None if key == NON_TRANSFERABLE else slate_of(slates, key)
        chart["labels"].append([label_room - 6, _f(y + h / 2 + 4), key, slate])
    return chart


def draw_flow(chart: Mapping[str, Any], *, embed: str = "", words: Translate = str) -> str:
    """The SVG of a ``flow_chart``, its words through ``words``."""

    def name(key: str) -> str:
        return words(NAMES[key]) if key in NAMES else key

    parts = []
    for path, colour, opacity, stage, a, b, votes in chart["bands"]:
        tip = words(BAND) % {"stage": stage, "source": name(a), "target": name(b), "votes": votes}
        band = f'<path d="{path}" fill="{colour}" fill-opacity="{opacity}">'
        parts.append(f"{band}<title>{escape(tip)}</title></path>")
    for col in chart["columns"]:
        x, stage = col["x"], col["stage"]
        parts.append(f'<text x="{x}" y="28" class="stage">{stage}</text>')
        for y, h, colour, key in col["blocks"]:
            tip = words(BLOCK) % {"name": name(key), "stage": stage}
            parts.append(
                f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{h}" fill="{colour}">'
                f"<title>{escape(tip)}</title></rect>"
            )
    for x, y, key, slate in chart["labels"]:
        label = name(key) if slate is None else f"{key} ({slate})"
        parts.append(f'<text x="{x}" y="{y}" class="name">{escape(_short(label))}</text>')
    title = words(FLOW_TITLE) % {"title": chart["title"] or words(COUNT)}
    desc = words(FLOW_DESC) % {"n": chart["stages"]}
    return _svg(chart["width"], chart["height"], title, desc, "".join(parts), embed)


def _short(text: str, n: int = 31) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _svg(width: float, height: float, title: str, desc: str, body: str, embed: str = "") -> str:
    """A standalone SVG file; with ``embed`` (an id prefix), for a web page instead: no ``<style>``
    element (a page's Content-Security-Policy may forbid inline styles: its stylesheet styles the
    classes, under ``svg.analysis-chart``), ids prefixed so that several charts share a page."""
    style = (
        "<style>text{font-family:sans-serif;font-size:11px;fill:#222}.name{text-anchor:end}"
        ".stage{text-anchor:start;font-weight:bold}.value{font-size:10px}</style>"
    )
    t, d = (f"{embed}-title", f"{embed}-desc") if embed else ("t", "d")
    css_class, style = (' class="analysis-chart"', "") if embed else ("", style)
    if not embed:  # a file on its own says what it shows: the title above the chart
        heading = f'<text x="8" y="16" class="heading" aria-hidden="true">{escape(title)}</text>'
        body, height = f'{heading}<g transform="translate(0,24)">{body}</g>', height + 24
        style = style.replace("</style>", ".heading{font-size:14px;font-weight:bold}</style>")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_f(width)}" height="{_f(height)}" '
        f'viewBox="0 0 {_f(width)} {_f(height)}" role="img" aria-labelledby="{t} {d}"{css_class}>'
        f'<title id="{t}">{escape(title)}</title><desc id="{d}">{escape(desc)}</desc>{style}{body}</svg>\n'
    )


def flow_table_html(report: Mapping[str, Any], level: str = "candidates") -> str:
    """The transfers of a contest report (``report.contest_report``) as an HTML table."""
    caption = f"Transfers by {level[:-1]}, stage by stage: {report.get('title') or 'count'}"
    rows = [
        (stage["stage"], stage["action"], a, b, votes)
        for stage in report["transfers"]
        for a, b, votes in stage[level]
    ]
    return table_html(caption, ["Stage", "Action", "From", "To", "Votes"], rows)


def table_html(caption: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain HTML table with a caption and column headers (``scope="col"``)."""
    head = "".join(f'<th scope="col">{escape(str(h))}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>\n" for row in rows)
    return (
        f"<table>\n<caption>{escape(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{body}</tbody>\n</table>\n"
    )


def bar_svg(
    title: str,
    rows: Sequence[tuple[str, float]],
    *,
    unit: str = "",
    colours=None,
    embed: str = "",
    words: Translate = str,
) -> str:
    """Horizontal bars, one per ``(label, value)`` row, in the order given (rank them first), its
    description in the language of ``words``; ``embed``: see ``_svg``."""
    colours = colours or {}
    bar, gap, label_room, width = 16, 6, 200, 640
    top = max((v for _, v in rows), default=0) or 1.0
    span = width - label_room - 80
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 20 + i * (bar + gap)
        w = value / top * span
        parts.append(
            f'<text x="{label_room - 6}" y="{y + 12}" class="name">{escape(_short(label))}</text>'
            f'<rect x="{label_room}" y="{y}" width="{_f(w)}" height="{bar}" '
            f'fill="{colours.get(label, PALETTE[0])}"><title>{escape(label)}: {value:g}{unit}</title></rect>'
            f'<text x="{_f(label_room + w + 4)}" y="{y + 12}" class="value">{value:g}{unit}</text>'
        )
    height = 30 + len(rows) * (bar + gap)
    desc = words(BAR_DESC) % {"n": len(rows)}
    return _svg(width, height, title, desc, "".join(parts), embed)


def bar_table_html(title: str, rows: Sequence[tuple[str, float]], *, unit: str = "") -> str:
    """The figures of ``bar_svg`` as an HTML table, in the same order."""
    return table_html(title, ["", f"value{f' ({unit})' if unit else ''}"], [(k, f"{v:g}") for k, v in rows])


def write_chart(svg: str, path: str | Path) -> None:
    """Write ``svg`` to ``path``: SVG text, or PNG (by the suffix ``.png``) through cairosvg."""
    path = Path(path)
    if path.suffix.lower() != ".png":
        path.write_text(svg, encoding="utf-8")
        return
    try:
        import cairosvg
    except (ImportError, OSError):  # OSError: the package is there but the cairo library is not
        raise ValueError(
            f"{path}: PNG needs the optional cairosvg (pip install 'tallyroom[charts]'); write .svg instead"
        ) from None
    cairosvg.svg2png(bytestring=svg.encode("utf-8"), write_to=str(path), output_width=None)
