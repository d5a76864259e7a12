"""Counting through the engine, storing the count, publishing it, and the refusals."""

import hashlib

import pytest

from tallyroom.audit.events import verify
from tallyroom.audit.models import Event
from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.models import Candidate
from tallyroom.formats import parse_blt
from tallyroom.lifecycle import Refused, publish
from tallyroom.lifecycle import count as count_contest

pytestmark = pytest.mark.django_db


def test_count_is_refused_while_voting_is_open(open_election, officer):
    election, _ = open_election
    with pytest.raises(Refused, match="only once voting has closed"):
        count_contest(election.contests.get(slug="section"), officer)
    assert not Event.objects.filter(verb="contest.count").exists()


def test_count_stores_the_result_ballots_and_seed(closed_election, officer):
    section = closed_election.contests.get(slug="section")
    stored = count_contest(section, officer)
    assert stored.elected == ["Tom", "Amy"]
    assert stored.result["quota"].startswith("4")
    assert stored.result["constraints"] == ["woman>=1"]
    assert stored.tie_seed == "vale-seed-42" == stored.result["tie_seed"]
    assert stored.ballots_sha256 == hashlib.sha256(stored.ballots_blt.encode()).hexdigest()
    blt = parse_blt(stored.ballots_blt.encode())
    assert blt.seats == 2 and blt.ballots.title == "CLP section"
    assert _first_preferences(blt.ballots) == {"Tom": 4, "Dan": 3, "Amy": 2}
    event = Event.objects.get(verb="contest.count")
    assert event.data["ballots_sha256"] == stored.ballots_sha256 and event.data["elected"] == ["Tom", "Amy"]
    assert not stored.published


def test_irv_with_ron_counts_ron_as_a_candidate(closed_election, officer):
    stored = count_contest(closed_election.contests.get(slug="chair"), officer)
    assert stored.elected == ["Bob"]
    assert stored.result["ron"] == RON_NAME
    excluded = [name for stage in stored.result["stages"] for name in stage["excluded"]]
    assert excluded == [RON_NAME, "Cat"]


def test_publish_marks_the_count_and_records_it(closed_election, officer):
    stored = count_contest(closed_election.contests.get(slug="section"), officer)
    publish(stored, officer)
    stored.refresh_from_db()
    assert stored.published and stored.published_at is not None
    assert Event.objects.get(verb="contest.publish").data["count"] == stored.pk
    assert verify() == []


def test_a_published_contest_is_neither_recounted_nor_republished(closed_election, officer):
    section = closed_election.contests.get(slug="section")
    stored = count_contest(section, officer)
    publish(stored, officer)
    with pytest.raises(Refused, match="published result already"):
        count_contest(section, officer)
    with pytest.raises(Refused, match="published result already"):
        publish(stored, officer)
    assert section.counts.count() == 1


def test_only_the_newest_count_can_be_published(closed_election, officer):
    section = closed_election.contests.get(slug="section")
    older = count_contest(section, officer)
    newer = count_contest(section, officer)
    with pytest.raises(Refused, match="counted again"):
        publish(older, officer)
    publish(newer, officer)
    assert list(section.counts.filter(published=True)) == [newer]


def test_a_count_the_engine_refuses_is_reported_and_not_stored(closed_election, officer):
    section = closed_election.contests.get(slug="section")
    section.constraints = "woman>=2"
    section.save()
    with pytest.raises(Refused, match="could not be counted"):
        count_contest(section, officer)
    assert not section.counts.exists()


def _first_preferences(ballots):
    totals = {}
    for ranking, weight in ballots:
        if ranking:
            name = ballots.candidates[ranking[0]]
            totals[name] = totals.get(name, 0) + weight
    return totals


def test_a_candidate_withdrawn_before_voting_with_groups_does_not_stop_the_count(closed_election, officer):
    """Zoe (woman) withdrew before voting and is on no ballot: her groups are not the count's (the
    engine refuses groups naming candidates it is not counting), and the section is counted."""
    section = closed_election.contests.get(slug="section")
    Candidate.objects.create(contest=section, name="Zoe", groups="woman", position=9, withdrawn=True)
    stored = count_contest(section, officer)
    assert stored.result["candidates"] == ["Tom", "Dan", "Amy"] and "Zoe" not in stored.groups
    assert stored.groups == {"Amy": ["woman"]}
