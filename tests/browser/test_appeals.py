"""Appeals in a real browser: a member barred for joining after the freeze date looks up their
standing, appeals with a file, the panel upholds, the member receives a ballot code and votes;
another appeals, casts a provisional ballot and is dismissed, and is told why. Then: the lookup
answering an unknown number as a known one, a provisional ballot counted after an upheld appeal, a
class decision for 300 members, an appeal after the deadline refused, the box reconciled.
Screenshots go to test-artifacts/."""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from tallyroom import lifecycle
from tallyroom.appeals.models import AppealRules, Case, Outcome
from tallyroom.ballotbox.models import Ballot, SealedBallot
from tallyroom.elections.models import Contest
from tallyroom.roll.eligibility import JOINED_LATE
from tallyroom.roll.models import Member, RollEntry
from tallyroom.voting.codes import issued_codes
from tallyroom.voting.models import BallotCode
from tallyroom.web.access import APPEALS_PANEL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def barred(number, name, contests, unit):
    member = Member.objects.create(
        number=number,
        name=name,
        email=f"{number.lower()}@example.org",
        unit=unit,
        joined=timezone.now().date(),
    )
    for contest in contests:
        RollEntry.objects.create(contest=contest, member=member, eligible=False, reason=JOINED_LATE)
    return member


def signed_in_context(browser, base, user, viewport):
    """A browser context holding a session of ``user`` (made by the test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context


def emailed(to: str, pattern: str) -> str:
    bodies = [m.body for m in mail.outbox if m.to == [to]]
    found = [re.search(pattern, b) for b in bodies]
    return [f for f in found if f][-1].group(1)


def look_up_and_appeal(page, base, member, shoot, name, tmp_path, drop=()):
    page.set_default_timeout(10_000)
    page.goto(f"{base}/appeals/")
    page.get_by_label("Membership number").fill(member.number)
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_role("heading", name="Check your email or post").wait_for()
    page.goto(emailed(member.email, r"(http\S+/appeals/link/\S+/)"))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=f"Your standing, {member.name}").wait_for()
    shoot(page, f"{name}-1-standing")
    standing = page.locator("main").inner_text()
    page.get_by_role("link", name="Appeal").click()
    page.get_by_label("Your grounds").fill(
        "I joined at the January meeting; the form was handed in that night."
    )
    receipt = tmp_path / f"{member.number}-receipt.pdf"
    receipt.write_bytes(b"%PDF-1.4 membership form receipt")
    page.get_by_label("Files (optional)").set_input_files(str(receipt))
    for contest in drop:
        page.get_by_label(contest).uncheck()
    shoot(page, f"{name}-2-appeal")
    page.get_by_role("button", name="Send my appeal").click()
    page.get_by_text("has been lodged").wait_for()
    return standing


def cast_provisional(page, first_choice: str) -> None:
    """From the standing page: a provisional ballot ranking ``first_choice`` first in Executive."""
    page.get_by_role("link", name="Cast a provisional ballot").click()
    page.locator("fieldset", has_text="Executive").get_by_label(first_choice).fill("1")
    page.get_by_role("button", name="Review my ballot").click()
    page.get_by_role("button", name="Cast my vote").click()
    page.get_by_role("heading", name="Your provisional ballot is cast").wait_for()


def panel_decides(browser, base, panellist, case, outcome, reason, viewport, shoot, name):
    context = signed_in_context(browser, base, panellist, viewport)
    page = context.new_page()
    page.goto(f"{base}/appeals/elections/{case.election.slug}/cases/")
    page.get_by_role("link", name=str(case.pk), exact=True).click()
    page.get_by_label(outcome.capitalize(), exact=False).first.check()
    page.get_by_label("Reason (the member is told it)").fill(reason)
    for username in ("panel0", "panel1"):
        page.get_by_label(username).check()
    shoot(page, f"{name}-3-panel")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text(f"Appeal {case.pk} decided.").wait_for()
    context.close()


def test_barred_member_appeals_is_upheld_and_votes(
    browser, live_server, shoot, viewports, user_with, voting_election, settings, tmp_path
):
    settings.TALLYROOM_APPEALS_LOOKUP_SECONDS = 0
    settings.TALLYROOM_POSTAL_DIR = str(tmp_path / "post")
    settings.TALLYROOM_SITE_URL = live_server.url
    election, contests, members = voting_election()
    Contest.objects.filter(election=election).update(roll_frozen_at=timezone.now())
    AppealRules.objects.create(election=election, appeals_close=timezone.now() + timedelta(days=3))
    unit = members[2].unit
    rita = barred("N100", "Rita Newjoin", [contests["stv"], contests["chair"]], unit)
    sam = barred("N200", "Sam Latecomer", [contests["stv"]], unit)
    issued_codes(election)  # codes are out: voting has begun
    panel = [user_with(f"panel{i}", APPEALS_PANEL) for i in range(2)]
    base = live_server.url

    member = browser.new_context(viewport=viewports["phone"])
    page = member.new_page()
    standing = look_up_and_appeal(page, base, rita, shoot, "phone-upheld", tmp_path, drop=["Chair"])
    assert "you are not on the roll" in standing and "after the freeze date of 1 January 2026" in standing
    case = Case.objects.get(member=rita)
    assert [c.slug for c in case.contests.all()] == ["stv"] and case.files.count() == 1

    panel_decides(
        browser,
        base,
        panel[0],
        case,
        "upheld",
        "The form was handed in before the freeze.",
        viewports["desktop"],
        shoot,
        "desktop-upheld",
    )
    case.refresh_from_db()
    assert case.outcome == Outcome.UPHELD
    assert RollEntry.objects.get(member=rita, contest=contests["stv"]).eligible

    code = emailed(rita.email, r"\n    (\S{4}-\S{4}-\S{4}-\S{4})\n")
    page.goto(f"{base}/vote/")
    page.get_by_label("Your ballot code").fill(code)
    page.get_by_role("button", name="Continue to the ballot").click()
    page.locator("fieldset", has_text="Executive").get_by_label("Ada").fill("1")
    assert page.locator("fieldset", has_text="Chair").count() == 0  # still excluded there
    page.get_by_role("button", name="Review my ballot").click()
    page.get_by_role("button", name="Cast my vote").click()
    page.locator(".receipt table").wait_for()
    shoot(page, "phone-upheld-4-receipt")
    assert BallotCode.objects.get(member=rita).is_used
    member.close()

    other = browser.new_context(viewport=viewports["desktop"])
    page = other.new_page()
    look_up_and_appeal(page, base, sam, shoot, "desktop-dismissed", tmp_path)
    sam_case = Case.objects.get(member=sam)
    cast_provisional(page, "Cy")
    assert SealedBallot.objects.filter(provisional_for=sam_case.provisional_key).count() == 1
    panel_decides(
        browser,
        base,
        panel[0],
        sam_case,
        "dismissed",
        "You joined after the freeze date.",
        viewports["desktop"],
        shoot,
        "desktop-dismissed",
    )
    assert not SealedBallot.objects.filter(provisional_for=sam_case.provisional_key).exists()
    assert "You joined after the freeze date." in emailed(sam.email, r"(?s)(dismissed.*)")
    page.goto(f"{base}/appeals/")
    page.get_by_label("Membership number").fill(sam.number)
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_role("heading", name="Check your email or post").wait_for()
    page.goto(emailed(sam.email, r"(http\S+/appeals/link/\S+/)"))
    page.get_by_role("button", name="Continue").click()
    assert (
        "Dismissed. The panel's reason: You joined after the freeze date."
        in page.locator("main").inner_text()
    )
    shoot(page, "desktop-dismissed-4-standing")
    other.close()


def test_lookup_deadline_provisional_upheld_and_a_class_decision_for_hundreds(
    browser, live_server, shoot, viewports, user_with, voting_election, settings, tmp_path
):
    """The rest of issue 8's path in a browser: the lookup answers an unknown number as a known
    one; a provisional ballot counted after an upheld appeal (and no useless code mailed); a class
    decision putting 300 members back, previewed first; an appeal after the deadline refused with
    the reason; the box opened and reconciled with the marks."""
    settings.TALLYROOM_APPEALS_LOOKUP_SECONDS = 0
    settings.TALLYROOM_POSTAL_DIR = str(tmp_path / "post")
    settings.TALLYROOM_SITE_URL = live_server.url
    election, contests, members = voting_election()
    stv, chair = contests["stv"], contests["chair"]
    Contest.objects.filter(election=election).update(roll_frozen_at=timezone.now())
    rules = AppealRules.objects.create(election=election, appeals_close=timezone.now() + timedelta(days=3))
    unit = members[2].unit
    pia = barred("P100", "Pia Lapsed", [stv], unit)
    RollEntry.objects.filter(member=pia).update(reason="status lapsed")
    joiners = Member.objects.bulk_create(
        Member(
            number=f"J{i:04d}",
            name=f"Joiner {i}",
            email=f"j{i:04d}@example.org",
            unit=unit,
            joined=timezone.now().date(),
        )
        for i in range(300)
    )
    RollEntry.objects.bulk_create(
        RollEntry(contest=c, member=m, eligible=False, reason=JOINED_LATE)
        for m in joiners
        for c in (stv, chair)
    )
    issued_codes(election)
    panel = [user_with(f"panel{i}", APPEALS_PANEL) for i in range(2)]
    base = live_server.url

    context = browser.new_context(viewport=viewports["phone"])
    page = context.new_page()
    answers = []
    for number in ("NO-SUCH-NUMBER", pia.number):
        page.goto(f"{base}/appeals/")
        page.get_by_label("Membership number").fill(number)
        page.get_by_role("button", name="Send me a link").click()
        page.get_by_role("heading", name="Check your email or post").wait_for()
        answers.append(page.locator("main").inner_text())
    assert answers[0] == answers[1]
    shoot(page, "phone-lookup-sent")

    standing = look_up_and_appeal(page, base, pia, shoot, "phone-provisional-upheld", tmp_path)
    assert "Your membership is recorded as lapsed." in standing
    case = Case.objects.get(member=pia)
    cast_provisional(page, "Bea")
    mail.outbox.clear()
    panel_decides(
        browser,
        base,
        panel[0],
        case,
        "upheld",
        "Paid by standing order in time.",
        viewports["desktop"],
        shoot,
        "desktop-provisional-upheld",
    )
    assert not SealedBallot.objects.filter(provisional_for=case.provisional_key).exists()  # admitted
    assert [m.subject for m in mail.outbox if m.to == [pia.email]] == [
        f"Your appeal in {election.name}: upheld"
    ]
    assert not BallotCode.objects.filter(member=pia).exists()  # the provisional ballot was their vote
    context.close()

    officer_side = signed_in_context(browser, base, panel[0], viewports["desktop"])
    page = officer_side.new_page()
    page.goto(f"{base}/appeals/elections/{election.slug}/class/")
    for name in ("Executive", "Chair"):
        page.get_by_label(name, exact=True).check()
    page.get_by_label("Rule (the recorded reason)").select_option(JOINED_LATE)
    page.get_by_role("button", name="Count who it covers").click()
    assert page.locator(".preview strong").inner_text() == "600"
    page.get_by_label("Upheld for all").check()
    page.get_by_label("Reason", exact=True).fill("The retrospective freeze date is set aside.")
    for username in ("panel0", "panel1"):
        page.get_by_label(username).check()
    shoot(page, "desktop-class-decision")
    page.get_by_role("button", name="Record the class decision").click()
    assert page.locator(".touched").inner_text() == "600"
    shoot(page, "desktop-class-decision-done")
    officer_side.close()
    assert RollEntry.objects.filter(member__in=joiners, eligible=True).count() == 600
    assert BallotCode.objects.filter(member__in=joiners, sent_at__isnull=False).count() == 300

    voter = browser.new_context(viewport=viewports["phone"])
    page = voter.new_page()
    code = emailed(joiners[7].email, r"\n    (\S{4}-\S{4}-\S{4}-\S{4})\n")
    page.goto(f"{base}/vote/")
    page.get_by_label("Your ballot code").fill(code)
    page.get_by_role("button", name="Continue to the ballot").click()
    page.locator("fieldset", has_text="Executive").get_by_label("Cy").fill("1")
    page.get_by_role("button", name="Review my ballot").click()
    page.get_by_role("button", name="Cast my vote").click()
    page.locator(".receipt table").wait_for()

    late = barred("Q100", "Quentin Late", [stv], unit)
    rules.appeals_close = timezone.now() - timedelta(minutes=5)
    rules.save()
    page.goto(f"{base}/appeals/")
    page.get_by_label("Membership number").fill(late.number)
    page.get_by_role("button", name="Send me a link").click()
    page.goto(emailed(late.email, r"(http\S+/appeals/link/\S+/)"))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name=f"Your standing, {late.name}").wait_for()
    assert page.get_by_role("link", name="Appeal").count() == 0
    assert "The deadline for appeals in" in page.locator("main").inner_text()
    page.goto(f"{base}/appeals/standing/{election.slug}/appeal/")
    assert "The deadline for appeals in" in page.locator("main").inner_text()
    shoot(page, "phone-after-the-deadline")
    voter.close()
    assert not Case.objects.filter(member=late).exists()

    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[:2])
    ballots = sorted(p for (p,) in Ballot.objects.filter(contest=stv).values_list("preferences"))
    assert ballots == [["Bea"], ["Cy"]]  # Pia's provisional ballot and a re-enfranchised joiner's
    assert RollEntry.objects.filter(contest=stv, eligible=True, voted_at__isnull=False).count() == len(
        ballots
    )
