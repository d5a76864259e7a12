"""A published result with its analyses in a real browser: nothing breaks the
Content-Security-Policy (no inline style or script: the charts are styled by the stylesheet), and
at 390 px the page never scrolls sideways, the flow chart fits and the wide tables scroll in their
boxes."""

import pytest

from results.conftest import (  # noqa: F401 (fixtures)
    closed_election,
    draft_election,
    open_election,
    shares,
    voted_and_closed,
)
from tallyroom.lifecycle import count, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIOLATIONS = """() => new Promise(done => {
    const seen = window.__violations || [];
    setTimeout(() => done(seen), 300);
})"""
LISTEN = """window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective));"""


def test_the_result_page_with_its_analyses(browser, live_server, shoot, viewports, closed_election, officer):  # noqa: F811
    for contest in closed_election.contests.all():
        publish(count(contest, officer), officer)
    for size in ("phone", "desktop"):
        context = browser.new_context(viewport=viewports[size])
        context.add_init_script(LISTEN)
        page = context.new_page()
        page.goto(f"{live_server.url}/results/vale-2026/chair/")
        shoot(page, f"analysis-chair-{size}")
        assert page.locator("svg.analysis-chart").count() == 1
        assert page.evaluate(VIOLATIONS) == []  # no inline style or script was blocked
        # the stylesheet styles the chart's labels (its <style> element is left out on the page)
        anchor = page.evaluate(
            "getComputedStyle(document.querySelector('svg.analysis-chart text.name')).textAnchor"
        )
        assert anchor == "end"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewports[size]["width"], f"{size}: the page scrolls sideways"
        chart = page.evaluate("document.querySelector('svg.analysis-chart').getBoundingClientRect().width")
        assert 0 < chart <= viewports[size]["width"]
        context.close()
