"""The demo shows appeals in every state, through the ordinary functions, and loads twice alike."""

import pytest
from django.test import Client
from django.urls import reverse

from tallyroom import demo
from tallyroom.appeals.cases import is_overdue
from tallyroom.appeals.models import Case, ClassDecision, Outcome
from tallyroom.audit.models import Event
from tallyroom.ballotbox.models import SealedBallot
from tallyroom.roll.models import RollEntry
from tallyroom.web.access import APPEALS_PANEL

pytestmark = pytest.mark.django_db


def test_demo_has_appeals_in_every_state_and_loads_twice_alike(settings, tmp_path, user_with):
    settings.VAR_DIR = tmp_path
    election, _ = demo.load()
    cases = list(Case.objects.filter(election=election).select_related("member"))
    outcomes = sorted(c.outcome for c in cases)
    assert outcomes == ["dismissed", "pending", "pending", "pending", "upheld", "upheld"]
    assert [c.member.number for c in cases if is_overdue(c)] == ["T9003"]
    waiting = SealedBallot.objects.exclude(provisional_for="")
    tendered = Case.objects.get(member__number="T9004")
    assert {w.provisional_for for w in waiting} == {tendered.provisional_key}
    assert len(waiting) == tendered.contests.count() > 0 and tendered.outcome == Outcome.PENDING
    assert Case.objects.exclude(hearing_at=None).get().member.status == "lapsed"
    (decision,) = ClassDecision.objects.filter(election=election)
    assert decision.outcome == Outcome.UPHELD and decision.touched > 0
    settled = Case.objects.get(class_decision=decision)
    assert not RollEntry.objects.filter(
        member=settled.member, contest__in=settled.contests.all(), eligible=False
    )
    upheld = Case.objects.get(outcome=Outcome.UPHELD, class_decision=None)
    assert (
        upheld.member.status == "suspended" and upheld.roll_decisions.count() == upheld.contests.count() > 0
    )
    reasons = set(
        RollEntry.objects.filter(contest__election=election, eligible=False).values_list("reason", flat=True)
    )
    assert {"status lapsed", "status suspended", "joined after freeze date"} <= reasons
    events = Event.objects.order_by("-seq").values_list("seq", flat=True).first()
    demo.load()
    assert Case.objects.count() == len(cases) and ClassDecision.objects.count() == 1
    assert not Event.objects.filter(seq__gt=events, verb__startswith="appeals.").exists()
    client = Client()
    client.force_login(user_with("viewer", APPEALS_PANEL))  # the demo logins ask for a second factor
    page = client.get(reverse("appeals:cases", args=[election.slug])).content.decode()
    assert "1 overdue" in page and "T9004" in page
