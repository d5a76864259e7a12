"""The audit trail's hash chain: events verify, and any alteration is found."""

import pytest

from tallyroom.audit.events import GENESIS, record, verify
from tallyroom.audit.models import Event

pytestmark = pytest.mark.django_db


def test_events_chain_and_verify():
    first = record(None, "election.create", "election:1", name="London regional board")
    second = record(None, "election.close", "election:1")
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert verify() == []


def test_altered_event_is_found():
    record(None, "roll.decision", "roll-entry:5", eligible=True)
    record(None, "contest.count", "contest:1")
    Event.objects.filter(verb="roll.decision").update(data={"eligible": False})
    problems = verify()
    assert len(problems) == 1 and "hash does not match" in problems[0]


def test_removed_event_breaks_the_chain():
    for verb in ("a", "b", "c"):
        record(None, verb)
    Event.objects.filter(verb="b").delete()
    assert any("prev_hash" in p for p in verify())
