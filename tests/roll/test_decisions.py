"""Decisions: the only route by which a frozen roll changes, recorded and signalled."""

import pytest
from django.core.exceptions import PermissionDenied

from tallyroom.audit.events import verify
from tallyroom.audit.models import Event
from tallyroom.roll.decisions import DecisionRefused, decide
from tallyroom.roll.eligibility import build_roll, freeze_rolls
from tallyroom.roll.models import RollDecision, RollEntry
from tallyroom.roll.signals import roll_changed

from .conftest import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(places, contest):
    member("m1", places["hackney"], status="lapsed")
    return contest


def entry_of(contest):
    return RollEntry.objects.get(contest=contest, member__number="m1")


def test_refused_before_freeze(lapsed, officer):
    build_roll(lapsed)
    with pytest.raises(DecisionRefused, match="not frozen"):
        decide(entry_of(lapsed), eligible=True, reason="paid on time", user=officer)
    assert not RollDecision.objects.exists()


def test_decision_changes_frozen_roll_with_event_and_signal(
    lapsed, officer, django_capture_on_commit_callbacks
):
    freeze_rolls(lapsed.election, officer)
    heard = []

    def listener(sender, entry, decision, **kwargs):
        heard.append((entry.pk, decision.eligible_after))

    roll_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            decision = decide(entry_of(lapsed), eligible=True, reason="renewal lost in post", user=officer)
            assert heard == []  # sent only after the transaction commits
    finally:
        roll_changed.disconnect(listener)
    entry = entry_of(lapsed)
    assert entry.eligible and entry.reason == ""
    assert (decision.eligible_before, decision.eligible_after, decision.decided_by) == (False, True, officer)
    assert heard == [(entry.pk, True)]
    event = Event.objects.get(verb="roll.decision")
    assert event.data["member"] == "m1" and event.data["reason"] == "renewal lost in post"
    assert event.subject == f"roll-entry:{entry.pk}" and verify() == []

    decide(entry, eligible=False, reason="appeal reopened and refused", user=officer, kind="correction")
    entry = entry_of(lapsed)
    assert not entry.eligible and "appeal reopened and refused" in entry.reason
    assert entry.decisions.count() == 2


@pytest.mark.parametrize(
    "kwargs, problem",
    [
        ({"eligible": True, "reason": "  "}, "give the reason"),
        ({"eligible": False, "reason": "x"}, "already excluded"),
        ({"eligible": True, "reason": "x", "kind": "whim"}, "kind 'whim'"),
    ],
)
def test_refusals(lapsed, officer, kwargs, problem):
    freeze_rolls(lapsed.election, officer)
    with pytest.raises(DecisionRefused, match=problem):
        decide(entry_of(lapsed), user=officer, **kwargs)
    assert not entry_of(lapsed).eligible


def test_refused_after_voting_closes(lapsed, officer):
    freeze_rolls(lapsed.election, officer)
    lapsed.election.state = "closed"
    lapsed.election.save()
    with pytest.raises(DecisionRefused, match="closed"):
        decide(entry_of(lapsed), eligible=True, reason="late appeal", user=officer)


def test_only_the_returning_officer_decides(lapsed, officer, staff):
    freeze_rolls(lapsed.election, officer)
    with pytest.raises(PermissionDenied):
        decide(entry_of(lapsed), eligible=True, reason="x", user=staff)
    assert not entry_of(lapsed).eligible
