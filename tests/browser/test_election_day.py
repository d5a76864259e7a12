"""Election day in a real browser: a voter votes with a code on the ballot page; the returning
officer signs in and closes voting, two trustees' shares open the box, the officer counts, reviews
and publishes; the public page shows the winners and the stage table. Screenshots of each step, on a
phone and a desktop, go to test-artifacts/."""

import pytest

from tallyroom import demo
from tallyroom.results.models import ContestCount
from tallyroom.voting.codes import code_hash
from tallyroom.voting.models import BallotCode
from tallyroom.web.twofactor import code_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHAIR = "Regional chair"


def vote(page, base, code, shoot, viewport):
    page.goto(f"{base}/vote/")
    page.get_by_label("Your ballot code").fill(code)
    page.get_by_role("button", name="Continue to the ballot").click()
    chair = page.locator("fieldset", has_text=CHAIR)
    chair.get_by_label("Imran Qureshi").fill("1")
    chair.get_by_label("Ruth Ellison").fill("2")
    shoot(page, f"{viewport}-1-ballot")
    page.get_by_role("button", name="Review my ballot").click()
    page.get_by_role("button", name="Cast my vote").wait_for()  # the review page, not the ballot
    assert page.locator("section", has_text=CHAIR).locator("ol li").all_inner_texts() == [
        "Imran Qureshi",
        "Ruth Ellison",
    ]
    shoot(page, f"{viewport}-2-review-ballot")
    page.get_by_role("button", name="Cast my vote").click()
    trackers = page.locator(".receipt table")
    trackers.wait_for()  # the receipt, not the review page
    shoot(page, f"{viewport}-3-receipt")
    assert trackers.evaluate("t => t.scrollWidth <= t.clientWidth"), "every tracker shows whole"


def watched(browser, size, violations: list):
    """A browser context whose console messages about the Content-Security-Policy are kept."""
    context = browser.new_context(viewport=size)
    context.on(
        "console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None
    )
    return context


def demo_code(username):
    """The second-factor code, computed from the key the demo wrote (as ``make demo-code`` does)."""
    keys = dict(line.split()[:2] for line in demo.totp_file().read_text().splitlines())
    return code_now(keys[username])


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(demo.LOGINS[username][0])
    page.get_by_label("Code from your authenticator app").fill(demo_code(username))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()  # signed in before going anywhere else


def scrutineer_reads(page, base, shoot, viewport) -> dict:
    sign_in(page, base, "scrutineer")
    page.goto(f"{base}/results/officer/{demo.SLUG}/")
    seen = {"turnout": page.locator(".turnout-overall").inner_text()}
    seen["buttons"] = sum(page.get_by_role(r, name="Close voting").count() for r in ("button", "link"))
    shoot(page, f"{viewport}-7-scrutineer-dashboard")
    page.get_by_role("link", name="Audit trail").first.click()
    seen["audit"] = page.locator("main").inner_text()
    shoot(page, f"{viewport}-8-audit-trail")
    return seen


def officer_counts_and_publishes(page, base, shoot, viewport):
    sign_in(page, base, "ro")
    page.goto(f"{base}/results/officer/{demo.SLUG}/")
    shoot(page, f"{viewport}-4-dashboard")
    page.get_by_role("link", name="Close voting").click()
    page.get_by_role("alert").wait_for()  # the demo closes early: the page says so
    shoot(page, f"{viewport}-4a-close-confirmation")
    page.get_by_role("button", name="Close voting now, before the scheduled close").click()
    page.get_by_text("Voting is closed.").wait_for()
    first, second, _ = demo.share_files()
    page.get_by_label("Share 1").fill(first.read_text())
    page.get_by_label("Share 2").fill(second.read_text())
    shoot(page, f"{viewport}-4b-trustees-open-the-box")
    page.get_by_role("button", name="Open the ballot box").click()
    page.get_by_text("The box is open").wait_for()
    page.get_by_role("button", name=f"Count {CHAIR}").click()
    review = page.get_by_role("link", name="Review the count")  # the count runs as a job: its page
    review.wait_for()
    shoot(page, f"{viewport}-5a-count-job")
    review.click()
    page.get_by_role("button", name="Publish this result").wait_for()
    shoot(page, f"{viewport}-5-review-count")
    page.get_by_role("button", name="Publish this result").click()
    page.get_by_text("result published").wait_for()


def test_vote_close_count_publish(browser, live_server, shoot, viewports, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the demo's codes and mail-merge files stay out of var/
    settings.TALLYROOM_REQUIRE_2FA = True  # staff sign in with the demo's TOTP keys
    election, codes = demo.load()
    base = live_server.url

    violations = []
    voter = watched(browser, viewports["phone"], violations)  # voters mostly use phones
    vote(voter.new_page(), base, codes[0], shoot, "phone")
    voter.close()
    officer = watched(browser, viewports["desktop"], violations)
    officer_counts_and_publishes(officer.new_page(), base, shoot, "desktop")
    officer.close()
    scrutineer = watched(browser, viewports["phone"], violations)
    scrutiny = scrutineer_reads(scrutineer.new_page(), base, shoot, "phone")
    scrutineer.close()

    seen = {}
    for viewport, size in viewports.items():
        reader = watched(browser, size, violations)  # anonymous
        page = reader.new_page()
        page.goto(f"{base}/results/")
        page.get_by_role("link", name=CHAIR).click()
        table = page.locator("table.stages")
        seen[viewport] = {
            "winners": page.locator("ul.winners").inner_text(),
            "rows": table.locator("tbody th").all_inner_texts(),
            "stages": len(table.locator("thead th").all()) - 1,
            "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
        }
        shoot(page, f"{viewport}-6-public-result")
        reader.close()

    assert not violations, violations  # nothing the CSP blocked (no inline script or style)
    assert BallotCode.objects.get(code_hash=code_hash(codes[0])).is_used
    voted = BallotCode.objects.filter(election=election, used_at__isnull=False).count()
    assert f"{voted} of {BallotCode.objects.filter(election=election).count()} voters" in scrutiny["turnout"]
    assert scrutiny["buttons"] == 0
    assert "The chain verifies" in scrutiny["audit"] and "Result published" in scrutiny["audit"]
    published = ContestCount.objects.get(contest__election=election, contest__slug="chair", published=True)
    for viewport, page in seen.items():
        assert published.elected and all(name in page["winners"] for name in published.elected)
        for name in ("Samuel Achebe", "Ruth Ellison", "Imran Qureshi"):
            assert any(row.startswith(name) for row in page["rows"])
        assert page["stages"] == len(published.result["stages"])
        assert page["scroll_width"] <= viewports[viewport]["width"], "the page must not scroll sideways"
