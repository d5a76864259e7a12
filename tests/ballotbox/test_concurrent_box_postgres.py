"""Many voters casting at once on PostgreSQL, each code sent twice with different choices: every
acknowledged ballot is in the opened box exactly once, as acknowledged, and nothing else is."""

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tallyroom import lifecycle
from tallyroom.ballotbox.marking import BallotError, current_marking
from tallyroom.ballotbox.models import Ballot, ContestBox
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import CodeError, cast
from tallyroom.voting.codes import issued_codes

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VOTERS = 150


def test_every_acknowledged_ballot_is_opened_exactly_once(voting_election):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (concurrency on SQLite is serialised)")
    election, contests, _ = voting_election(slug="rush", voters=VOTERS)
    pairs = issued_codes(election)
    codes = [code for _, code in pairs]
    names = {slug: current_marking(c).candidates for slug, c in contests.items()}
    rng = random.Random(11)
    attempts = []
    for member, code in pairs:
        on_roll = set(
            RollEntry.objects.filter(member=member, eligible=True).values_list("contest_id", flat=True)
        )
        for _ in range(2):
            stv = list(names["stv"])
            rng.shuffle(stv)
            choice = {
                contests["stv"].pk: stv[: rng.randint(0, len(stv))],
                contests["block"].pk: rng.sample(names["block"], rng.randint(0, 2)),
                contests["chair"].pk: rng.sample(names["chair"], 1),
            }
            attempts.append((code, {pk: v for pk, v in choice.items() if pk in on_roll}))
    rng.shuffle(attempts)

    def attempt(job):
        code, choice = job
        try:
            return code, choice, cast(code, choice)
        except (CodeError, BallotError):
            return code, choice, None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = [o for o in pool.map(attempt, attempts) if o[2] is not None]
    assert sorted(code for code, _, _ in outcomes) == sorted(codes)  # each code acknowledged once

    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[1:])
    for slug, contest in contests.items():
        acknowledged = [
            (choice.get(contest.pk, []), tracker)
            for _, choice, receipt in outcomes
            for voted, tracker in receipt.trackers
            if voted.pk == contest.pk
        ]
        mark = current_marking(contest)
        expected = Counter(tuple(mark.check(ranking)) for ranking, _ in acknowledged)
        opened = Counter(
            tuple(p) for p in Ballot.objects.filter(contest=contest).values_list("preferences", flat=True)
        )
        assert opened == expected, slug
        box = ContestBox.objects.get(contest=contest)
        assert box.tracker_list() == sorted(tracker for _, tracker in acknowledged), slug
        assert box.sealed_count == len(acknowledged) == Ballot.objects.filter(contest=contest).count()
