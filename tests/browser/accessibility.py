"""axe-core (from npm, installed by scripts/ensure-axe) run inside a page by Playwright: the
violations of impact "serious" or "critical", each with the elements it found.

Playwright's ``add_script_tag`` injects axe.min.js by URL, a path of the site's own origin that the
browser context answers from the installed file (``serve_axe``): the site's Content-Security-Policy
(scripts from 'self' only, nothing inline) stays in force while axe runs."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe-core__/axe.min.js"  # never a URL of the site: the browser context answers it
SERIOUS = ("serious", "critical")
RUN = """async () => {
    const found = await axe.run(document, {resultTypes: ['violations']});
    return found.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary.replace(/\\s+/g, ' ')),
    }));
}"""


def require_axe() -> None:
    if not AXE.is_file():
        pytest.skip(f"no axe-core at {AXE}: scripts/ensure-axe installs it from npm")


def serve_axe(context, base: str) -> None:
    """Let pages of ``context`` load axe.min.js from ``base`` + AXE_PATH (answered here, not by the site)."""
    context.route(base + AXE_PATH, lambda route: route.fulfill(path=AXE, content_type="text/javascript"))


def serious_violations(page, base: str) -> list[str]:
    """axe's serious and critical violations on ``page`` as it is now, one line each (its context
    went through ``serve_axe``)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=base + AXE_PATH)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']}: " + " | ".join(v["nodes"])
        for v in page.evaluate(RUN)
        if v["impact"] in SERIOUS
    ]
