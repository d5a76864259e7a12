"""Issue 7 (11) in a real browser at 390 px: staff tables scroll inside their wrappers (the page
never does) and a wrapper that scrolls says so; the review page's chart keeps its labels."""

import pytest

from browser.test_election_day import sign_in
from tallyroom import demo
from tallyroom.elections.models import Contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRAPPERS = """() => [...document.querySelectorAll('.table-scroll')].map(box => ({
    scrolls: box.scrollWidth > box.clientWidth + 1,
    hint: !!(box.nextElementSibling && box.nextElementSibling.classList.contains('scroll-hint')
             && box.nextElementSibling.offsetHeight > 0),
}))"""


def test_tables_at_phone_width(browser, live_server, shoot, viewports, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    election, codes = demo.load()
    base = live_server.url
    context = browser.new_context(viewport=viewports["phone"])
    page = context.new_page()
    sign_in(page, base, "ro")
    contest = Contest.objects.filter(election=election).first()
    seen = {}
    for name, path in (
        ("dashboard", f"/results/officer/{demo.SLUG}/"),
        ("roll", f"/roll/contests/{contest.pk}/"),
        ("election", f"/elections/{demo.SLUG}/"),
    ):
        page.goto(base + path)
        shoot(page, f"phone-tables-{name}")
        seen[name] = {
            "page_width": page.evaluate("document.documentElement.scrollWidth"),
            "wrappers": page.evaluate(WRAPPERS),
        }
    context.close()
    for name, found in seen.items():
        assert found["page_width"] <= viewports["phone"]["width"], f"{name}: the page scrolls sideways"
        assert found["wrappers"], name
        assert all(w["hint"] for w in found["wrappers"] if w["scrolls"]), f"{name}: a table scrolls unseen"
    assert any(w["scrolls"] for found in seen.values() for w in found["wrappers"])  # the cue was tested


# A glyph may overhang its origin by a pixel (a "J" at x=0): the chart's SVG lets it show
# (overflow: visible); what is sought is a label cut off, like "38.0000(" was.
CLIPPED = """() => [...document.querySelectorAll('svg.stage-chart')].flatMap(svg => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')]
        .map(t => Object.assign(t.getBoundingClientRect().toJSON(), {text: t.textContent}))
        .filter(r => r.left < box.left - 2 || r.right > box.right + 2)
        .map(r => [r.text, r.left, r.right, box.left, box.right]);
})"""


def test_review_chart_labels_fit_at_phone_width(browser, live_server, shoot, viewports, settings, tmp_path):
    """Issue 7 (11): the review page's chart label was clipped ("38.0000(") at 390 px."""
    from django.contrib.auth.models import User

    from tallyroom import lifecycle

    settings.VAR_DIR = tmp_path
    election, codes = demo.load()
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, [p.read_text() for p in demo.share_files()[:2]])
    ro = User.objects.get(username="ro")
    contests = list(Contest.objects.filter(election=election))
    for contest in contests:
        lifecycle.count(contest, ro)
    context = browser.new_context(viewport=viewports["phone"])
    page = context.new_page()
    sign_in(page, live_server.url, "ro")
    clipped = {}
    for contest in contests:
        page.goto(f"{live_server.url}/results/officer/{demo.SLUG}/{contest.slug}/")
        shoot(page, f"phone-review-{contest.slug}")
        clipped[contest.slug] = page.evaluate(CLIPPED)
    context.close()
    assert clipped and all(found == [] for found in clipped.values()), clipped
