"""An in-room poll in a real browser: the chair signs in and opens a motion, twenty delegates vote
For or Against from phone-sized pages with their badges' codes, the chair closes the poll with
two trustees' shares, and the projector shows the result. Screenshots go to test-artifacts/."""

import pytest
from django.contrib.auth.models import Group, User

from tallyroom.ballotbox import keys
from tallyroom.conference import delegations, polls, seating
from tallyroom.conference.models import AFFILIATES_COLLEGE, Delegate, Delegation
from tallyroom.organisation.models import Affiliate
from tallyroom.roll.models import Member
from tallyroom.web.access import CHAIR

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "chair-password-for-tests"


def add_unite(conference, staff, n=16):
    """A union of ``n`` delegates (16 with the conference's 7: 23 present)."""
    unite = Affiliate.objects.create(code="unite", name="Unite", affiliated_members=16000)
    d = Delegation.objects.create(
        conference=conference,
        kind="affiliate",
        affiliate=unite,
        name="Unite",
        college=AFFILIATES_COLLEGE,
        declared_members=16000,
        delegates_allowed=n,
    )
    delegations.compute_entitlements(conference, staff)
    d.refresh_from_db()
    for i in range(n):
        m = Member.objects.create(
            number=f"un{i:05d}", name=f"Unite Delegate {i}", affiliate=unite, joined="2020-01-01"
        )
        delegations.name_delegate(d, m, staff)


def test_chair_opens_twenty_phones_vote_projector_shows_result(
    browser, live_server, conference, staff, check_in_all, shoot, viewports
):
    add_unite(conference, staff)
    check_in_all(conference)
    key, shares = keys.ceremony(["Tessa", "Umar", "Vera"], 2)
    polls.create_poll(
        conference,
        "Motion 4: a people's railway",
        key,
        staff,
        college_shares={"clp": "1/2", "affiliates": "1/2"},
    )
    base = live_server.url
    people = list(
        Delegate.objects.filter(delegation__conference=conference, checked_in=True).select_related("member")
    )
    badges = seating.issue_badges(
        people, lambda code: f"{base}/conference/{conference.slug}/v/{code}/", staff
    )
    badges.sort(key=lambda b: b.delegate.delegation.kind != "clp")  # the 3 CLP delegates vote first
    chair = User.objects.create_user("chair", password=PASSWORD)
    chair.groups.add(Group.objects.get_or_create(name=CHAIR)[0])

    desk = browser.new_context(viewport=viewports["desktop"])
    page = desk.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("chair")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    page.goto(f"{base}/conference/{conference.slug}/chair/")
    page.get_by_role("button", name="Open the poll").click()
    page.get_by_text("is open.").wait_for()
    shoot(page, "conference-1-chair-opened")

    phones = browser.new_context(viewport=viewports["phone"])
    phone = phones.new_page()
    votes = {}
    for i, badge in enumerate(badges[:20]):
        choice = "Against" if i % 3 == 0 else "For"
        phone.goto(badge.url)
        phone.get_by_label(choice, exact=True).check()
        if i == 0:
            shoot(phone, "conference-2-phone-ballot")
            assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        phone.get_by_role("button", name="Cast my vote").click()
        phone.get_by_text("Your vote is cast").wait_for()
        votes[badge.delegate.member.number] = choice
    shoot(phone, "conference-3-phone-receipt")

    screen = desk.new_page()
    screen.goto(f"{base}/conference/{conference.slug}/projector/")
    assert "20 of 23 delegates present have voted" in screen.locator("#turnout").inner_text()
    shoot(screen, "conference-4-projector-turnout")

    page.goto(f"{base}/conference/{conference.slug}/chair/")
    page.get_by_role("button", name="Close the poll").click()
    page.get_by_text("is closed.").wait_for()
    inputs = page.get_by_label("Share")
    inputs.nth(0).fill(shares[0].text)
    inputs.nth(1).fill(shares[2].text)
    page.get_by_role("button", name="Close, open the box, count and declare").click()
    shoot(page, "conference-4b-chair-declares")
    assert "result declared" in page.locator(".messages").inner_text()

    screen.close()  # it reloads itself every 3 s: a fresh page, so no reload races the visit
    screen = desk.new_page()
    screen.goto(f"{base}/conference/{conference.slug}/projector/")
    result = screen.locator("#result")
    result.wait_for()
    shoot(screen, "conference-5-projector-result")
    text = result.inner_text()
    # recount by hand: CLP delegates weigh 1, each affiliate's card vote is shared among its present
    weight = {"cm": 1, "hk": 1, "fb": 300, "gm": 3000, "un": 1000}
    college = {p[:2]: ("clp" if p[:2] in ("cm", "hk") else "affiliates") for p in votes}
    totals = {c: {"For": 0, "Against": 0} for c in ("clp", "affiliates")}
    for number, choice in votes.items():
        totals[college[number[:2]]][choice] += weight[number[:2]]
    share_for = sum(t["For"] / (t["For"] + t["Against"]) / 2 for t in totals.values())
    assert f"Elected: {'For' if share_for > 0.5 else 'Against'}" in text
    for c in totals:
        assert f"{c} (0.5)" in text
    for choice in ("For", "Against"):  # each college's own votes, affiliates first (by name)
        assert f"{choice}\t{totals['affiliates'][choice]}\t{totals['clp'][choice]}\t" in text
    desk.close()
    phones.close()
