"""Nomination thresholds and the ballot's candidates (with RON)."""

from datetime import timedelta

import pytest

from tallyroom.elections.ballot import RON_NAME, ballot_candidates, is_ron
from tallyroom.elections.models import Candidate, Nomination
from tallyroom.elections.nominations import valid_candidates

pytestmark = pytest.mark.django_db


@pytest.fixture
def field(contest, places):
    contest.nomination_threshold = 2
    contest.save()
    ann = Candidate.objects.create(contest=contest, name="Ann", position=2)
    bob = Candidate.objects.create(contest=contest, name="Bob", position=1)
    cat = Candidate.objects.create(contest=contest, name="Cat", position=3)
    for who in (ann, bob, cat):
        Nomination.objects.create(candidate=who, unit=places["hackney"])
    Nomination.objects.create(candidate=ann, affiliate=places["unison"])
    Nomination.objects.create(candidate=bob, unit=places["leeds"])
    return contest


def names(candidates):
    return [c.name for c in candidates]


def test_threshold_is_checked(field):
    assert names(valid_candidates(field)) == ["Bob", "Ann"]  # ballot order; Cat has one nomination of two
    field.nomination_threshold = 1
    assert names(valid_candidates(field)) == ["Bob", "Ann", "Cat"]


def test_withdrawn_candidates_leave_the_ballot(field):
    Candidate.objects.filter(name="Bob").update(withdrawn=True)
    assert names(ballot_candidates(field)) == ["Ann"]


def test_ron_is_last_and_unsaved(field):
    field.ron = True
    ballot = ballot_candidates(field)
    assert names(ballot) == ["Bob", "Ann", RON_NAME]
    assert is_ron(ballot[-1]) and ballot[-1].pk is None
    assert not any(is_ron(c) for c in ballot[:-1])


def test_nominations_after_the_close_do_not_count(field, places):
    election = field.election
    election.nominations_close = Nomination.objects.get(candidate__name="Bob", unit=places["leeds"]).received
    election.save()
    Nomination.objects.filter(candidate__name="Ann", affiliate=places["unison"]).update(
        received=election.nominations_close + timedelta(minutes=1)
    )
    field.refresh_from_db()
    assert names(valid_candidates(field)) == ["Bob"]
