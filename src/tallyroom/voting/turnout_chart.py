"""Turnout over time as a server-rendered SVG: the share of codes used, hour by hour (a step line),
with the table on the same page as its text alternative. Colours are presentation attributes, not
a <style> element, which the site's Content-Security-Policy blocks."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
    desc = (
        f"Turnout rose to {share} ({last:,} of {issued:,}) between {first:%d %b %H:00} and {end:%d %b %H:00}."
    )
    grid = "".join(_gridline(TOP + plot_h * (1 - f), f"{int(f * 100)}%") for f in (0, 0.5, 1))
    return mark_safe(
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        'aria-labelledby="turnout-title turnout-desc" '
        f'class="turnout-chart" font-size="11"><title id="turnout-title">Turnout over time</title>'
        f'<desc id="turnout-desc">{escape(desc)}</desc>{grid}'
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#0b5394" stroke-width="2"/>'
        f'<text x="{LEFT}" y="{HEIGHT - 8}">{first:%d %b %H:00}</text>'
        f'<text x="{WIDTH - 8}" y="{HEIGHT - 8}" text-anchor="end">{end:%d %b %H:00}</text></svg>'
    )
