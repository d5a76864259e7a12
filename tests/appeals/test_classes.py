"""Class decisions: one decision for everyone excluded by the same rule, in bulk."""

from datetime import date

import pytest
from django.core import mail

from tallyroom.appeals import provisional
from tallyroom.appeals.cases import AppealRefused, lodge
from tallyroom.appeals.classes import covered, decide_class, touched_members
from tallyroom.appeals.models import Outcome
from tallyroom.audit.events import verify
from tallyroom.audit.models import Event
from tallyroom.jobs.models import Job
from tallyroom.roll.eligibility import JOINED_LATE
from tallyroom.roll.models import RollDecision, RollEntry
from tallyroom.voting.models import BallotCode

from .conftest import late_member

pytestmark = pytest.mark.django_db
WINDOW = (date(2026, 1, 12), date(2026, 7, 12))


@pytest.fixture
def joiners(appeals):
    """300 joined inside the window, 40 after it, 20 inside it but also lapsed."""
    contests = list(appeals.contests.values())
    inside = [late_member(f"W{i:04d}", contests, joined=date(2026, 2, 1 + i % 28)) for i in range(300)]
    after = [late_member(f"A{i:04d}", contests, joined=date(2026, 8, 1)) for i in range(40)]
    both = [late_member(f"B{i:04d}", contests, joined=date(2026, 3, 1)) for i in range(20)]
    RollEntry.objects.filter(member__in=both).update(reason=f"status lapsed; {JOINED_LATE}")
    return inside, after, both


def upheld_for_the_window(appeals):
    """The panel's class decision: upheld in the STV and chair contests for all who joined late
    inside ``WINDOW``."""
    return decide_class(
        appeals.election,
        [appeals.contests["stv"], appeals.contests["chair"]],
        JOINED_LATE,
        Outcome.UPHELD,
        "the retrospective freeze date is set aside for those who joined by 12 July",
        appeals.panel[:2],
        appeals.panel[0],
        *WINDOW,
    )


def test_class_decision_upheld_for_hundreds(appeals, joiners, django_capture_on_commit_callbacks):
    inside, after, both = joiners
    stv = appeals.contests["stv"]
    pending = lodge(inside[0], appeals.election, [stv], "joined in February")
    assert covered([stv], JOINED_LATE, *WINDOW).count() == 300 + 2  # with L1 and L2 (joined 1 Feb)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decision = upheld_for_the_window(appeals)
    assert decision.touched == 2 * 302
    on = set(RollEntry.objects.filter(contest=stv, eligible=True).values_list("member__number", flat=True))
    assert {m.number for m in inside} <= on and not on & {m.number for m in after + both}
    assert not RollEntry.objects.filter(
        member__in=inside, contest=appeals.contests["block"], eligible=True
    ).exists()
    listed = touched_members(decision)
    assert listed.count() == 604 and {d.entry.member.number for d in listed} >= {m.number for m in inside}
    assert RollDecision.objects.filter(reason__startswith=f"class decision {decision.pk}: ").count() == 604
    assert BallotCode.objects.filter(member__in=inside, sent_at__isnull=False).count() == 300
    assert not BallotCode.objects.filter(member__in=after + both).exists()
    pending.refresh_from_db()
    assert pending.outcome == Outcome.UPHELD and pending.class_decision == decision
    event = Event.objects.get(verb="appeals.class_decision")
    assert (
        event.data["touched"] == 604
        and event.data["cases_settled"] == 1
        and event.data["rule"] == JOINED_LATE
    )
    assert Event.objects.filter(verb="roll.decisions").count() == 2
    assert sum(1 for m in mail.outbox if m.subject.startswith("Your ballot code")) == 300 + 2
    assert verify() == []


def test_class_decision_mails_no_code_to_whom_a_provisional_ballot_counted(
    appeals, joiners, django_capture_on_commit_callbacks
):
    """A case the class decision settles admits its provisional ballot: that member has voted in
    every contest they are on, so the issuing job leaves them out, and the progress still ends at
    its total."""
    inside, _after, _both = joiners
    stv, chair = appeals.contests["stv"], appeals.contests["chair"]
    case = lodge(inside[0], appeals.election, [stv, chair], "joined in February")
    provisional.cast(case, {stv.pk: ["Di"]})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        upheld_for_the_window(appeals)
    assert RollEntry.objects.filter(member=inside[0], eligible=True, voted_at__isnull=False).count() == 2
    assert not BallotCode.objects.filter(member=inside[0]).exists()
    assert BallotCode.objects.filter(member__in=inside[1:], sent_at__isnull=False).count() == 299
    assert sum(1 for m in mail.outbox if m.subject.startswith("Your ballot code")) == 299 + 2
    job = Job.objects.filter(kind=Job.Kind.ISSUE_CODES).latest("pk")
    assert job.done == job.total


def test_class_decision_dismissed_changes_nothing(appeals, joiners):
    stv = appeals.contests["stv"]
    decision = decide_class(
        appeals.election,
        [stv],
        JOINED_LATE,
        Outcome.DISMISSED,
        "the NEC's freeze date stands",
        appeals.panel[:2],
        appeals.panel[0],
        *WINDOW,
    )
    assert decision.touched == 302 and not touched_members(decision).exists()
    assert not RollEntry.objects.filter(contest=stv, eligible=True, member__number__startswith="W").exists()


def test_class_decision_needs_quorum(appeals, joiners):
    with pytest.raises(AppealRefused, match="quorum of 2"):
        decide_class(
            appeals.election,
            [appeals.contests["stv"]],
            JOINED_LATE,
            Outcome.UPHELD,
            "r",
            appeals.panel[:1],
            appeals.panel[0],
        )
    assert not RollEntry.objects.filter(member__number__startswith="W", eligible=True).exists()


def test_a_candidate_may_not_sit_on_a_class_decision_nor_may_staff_make_one(appeals, client, staff):
    from django.urls import reverse

    from tallyroom.appeals.models import ClassDecision, Panellist
    from tallyroom.elections.models import Candidate

    stv = appeals.contests["stv"]
    one, two, three = appeals.panel
    Panellist.objects.create(user=three, member=appeals.members[2])  # Lena's unit: no bar on a class
    Candidate.objects.filter(contest=appeals.contests["chair"], name="Hal").update(member=appeals.members[3])
    Panellist.objects.create(user=two, member=appeals.members[3])
    with pytest.raises(AppealRefused, match="panel1 is a candidate in"):
        decide_class(appeals.election, [stv], JOINED_LATE, Outcome.UPHELD, "r", [one, two], one)
    on_roll = RollEntry.objects.filter(contest=stv, member__in=[appeals.lena, appeals.leo], eligible=True)
    assert not ClassDecision.objects.exists() and not on_roll.exists()
    form = {
        "contests": [stv.pk],
        "rule": JOINED_LATE,
        "outcome": "upheld",
        "reason": "r",
        "panel": [one.pk, three.pk],
    }
    client.force_login(staff)
    assert (
        client.post(reverse("appeals:class_decision", args=[appeals.election.slug]), form).status_code == 403
    )
    assert not ClassDecision.objects.exists()
    decision = decide_class(appeals.election, [stv], JOINED_LATE, Outcome.UPHELD, "r", [one, three], one)
    assert decision.touched == 2 and on_roll.count() == 2


def test_a_mistyped_window_is_refused_not_widened(appeals, joiners, client):
    """A joining date the page cannot read names its field and decides nothing: read as blank it
    would cover everyone excluded for joining late, not the window the panel meant."""
    from django.urls import reverse

    from tallyroom.appeals.models import ClassDecision

    url = reverse("appeals:class_decision", args=[appeals.election.slug])
    form = {
        "contests": [appeals.contests["stv"].pk],
        "rule": JOINED_LATE,
        "joined_from": "2026-01-12",
        "joined_to": "12/07/2026",
        "outcome": "upheld",
        "reason": "set aside for those who joined by 12 July",
        "panel": [p.pk for p in appeals.panel[:2]],
    }
    client.force_login(appeals.panel[0])
    preview = client.post(url, {**form, "preview": "1"})
    assert (
        preview.status_code == 400
        and "Joined to: &#x27;12/07/2026&#x27; is not a date" in preview.content.decode()
    )
    decided = client.post(url, {**form, "decide": "1"})
    assert decided.status_code == 400 and "nothing was decided" in decided.content.decode()
    assert not ClassDecision.objects.exists()
    assert not RollEntry.objects.filter(member__number__startswith="A", eligible=True).exists()
    counted = client.post(url, {**form, "joined_to": "2026-07-12", "preview": "1"})
    assert counted.status_code == 200 and counted.context["preview"] == 302  # 300 joiners, L1 and L2
