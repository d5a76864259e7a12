"""Turnout over time as a server-rendered SVG: the share of codes used, hour by hour (a step line),
with the table on the same page as its text alternative. Colours are presentation attributes, not
a <style> element, which the site's Content-Security-Policy blocks."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 360, 180, 40, 28, 12


def _gridline(y: float, label: str) -> str:
    return (
        f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid" stroke="#ccc"/>'
        f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
    )


def turnout_chart(hours: list[tuple], issued: int) -> SafeString:
    """``hours`` as ``(hour, voted in it, voted so far)``; the y axis is the share of ``issued``."""
    if not hours or not issued:
        return mark_safe("")
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    step = plot_w / len(hours)
    points = [f"{LEFT},{TOP + plot_h}"]
    for i, (_, _, total) in enumerate(hours):
        y = TOP + plot_h - plot_h * total / issued
        points += [f"{LEFT + i * step:.1f},{y:.1f}", f"{LEFT + (i + 1) * step:.1f},{y:.1f}"]
    last = hours[-1][2]
    share = f"{100 * last / issued:.1f}%"
    first, end = hours[0][0], hours[-1][0]
    title = gettext("Turnout over time")
    first_label, end_label = date_format(first, "d M H:00"), date_format(end, "d M H:00")
    desc = gettext("Turnout rose to %(share)s (%(voted)s of %(issued)s) between %(first)s and %(end)s.") % {
        "share": share,
        "voted": f"{last:,}",
        "issued": f"{issued:,}",
        "first": first_label,
        "end": end_label,
    }
    grid = "".join(_gridline(TOP + plot_h * (1 - f), f"{int(f * 100)}%") for f in (0, 0.5, 1))
    return mark_safe(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        'aria-labelledby="turnout-title turnout-desc" '
        f'class="turnout-chart" font-size="11"><title id="turnout-title">{escape(title)}</title>'
        f'<desc id="turnout-desc">{escape(desc)}</desc>{grid}'
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#0b5394" stroke-width="2"/>'
        f'<text x="{LEFT}" y="{HEIGHT - 8}">{escape(first_label)}</text>'
        f'<text x="{WIDTH - 8}" y="{HEIGHT - 8}" text-anchor="end">{escape(end_label)}</text></svg>'
    )
