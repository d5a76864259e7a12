"""The stage chart: one bar per candidate per stage, scaled to the largest figure, with the quota."""

import re

from django.utils import translation

from tallyroom.results.chart import VALUE_ROOM, WIDTH, stage_chart

RESULT = {
    "title": "Section <A&B>",
    "candidates": ["Ann", "Bob", "Cy"],
    "withdrawn": ["Cy"],
    "elected": ["Ann"],
    "quota": "5.00",
    "stages": [
        {"stage": 1, "totals": {"Ann": "6.00", "Bob": "3.00"}, "excluded": []},
        {"stage": 2, "totals": {"Ann": "5.00", "Bob": "4.00"}, "excluded": []},
    ],
}


def bars(svg: str) -> list[tuple[str, float]]:
    return [
        (title, float(width))
        for width, title in re.findall(r'<rect [^>]*width="([\d.]+)"[^>]*><title>([^<]*)</title>', svg)
    ]


def test_a_bar_per_candidate_per_stage_scaled_to_the_largest_figure():
    svg = stage_chart(RESULT, {"Ann": "#aa0000"})
    full = WIDTH - VALUE_ROOM
    assert bars(svg) == [
        ("Ann, stage 1: 6.00", full),
        ("Ann, stage 2: 5.00", round(full * 5 / 6, 1)),
        ("Bob, stage 1: 3.00", full / 2),
        ("Bob, stage 2: 4.00", round(full * 4 / 6, 1)),
    ]
    assert svg.count('fill="#aa0000"') == 2 and svg.count('fill="#6b6b6b"') == 2
    quota_x = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    assert quota_x == round(full * 5 / 6, 1)


def test_the_chart_is_labelled_for_screen_readers_and_escapes_names():
    svg = stage_chart(RESULT)
    assert 'role="img"' in svg and 'aria-labelledby="chart-title chart-desc"' in svg
    assert '<title id="chart-title">Section &lt;A&amp;B&gt;: votes by stage</title>' in svg
    assert "quota, 5.00" in svg and "Ann — elected" in svg and "Cy" not in svg


def test_without_a_quota_there_is_no_quota_line():
    svg = stage_chart({**RESULT, "quota": None})
    assert "<line" not in svg and "quota" not in svg.split("</desc>")[1]


def test_an_excluded_candidate_is_labelled_with_the_stage():
    stages = [*RESULT["stages"], {"stage": 3, "totals": {"Ann": "5.00", "Bob": "0.00"}, "excluded": ["Bob"]}]
    svg = stage_chart({**RESULT, "stages": stages})
    assert "excluded at stage 3" in svg and ">5.00</text>" in svg and ">0.00</text>" not in svg


def test_long_figures_and_the_quota_label_stay_inside_the_chart():
    """Issue 7 (11): at 390 px the review page's chart label was clipped ("38.0000(")."""
    from tallyroom.results.chart import CHAR

    for quota, bob in (("38.000001", "1234.567891"), ("2000.000001", "1234.567891"), ("0.5", "99.99999")):
        wide = {
            **RESULT,
            "quota": quota,
            "stages": [{"stage": 1, "totals": {"Ann": "38.000001", "Bob": bob}, "excluded": []}],
        }
        svg = stage_chart(wide)
        texts = re.findall(r"<text ([^>]*)>([^<]*)</text>", svg)
        assert any(t.startswith("quota") for _, t in texts) and any(t == bob for _, t in texts)
        for attrs, text in texts:
            x = float(re.search(r'x="([\d.]+)"', attrs).group(1))
            anchor = re.search(r'text-anchor="(\w+)"', attrs)
            width = len(text) * CHAR
            start = x - {"middle": width / 2, "end": width}.get(anchor.group(1) if anchor else "", 0)
            assert start >= 0 and start + width <= WIDTH, (quota, text)


def test_the_chart_is_in_the_readers_language():
    with translation.override("cy"):
        svg = stage_chart(RESULT)
    assert "pleidleisiau fesul cam" in svg and "cwota" in svg and "y llinell doredig" in svg
    assert "votes by stage" not in svg and "dashed line" not in svg and "stage 1 on top" not in svg
