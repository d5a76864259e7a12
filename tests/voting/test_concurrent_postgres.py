"""Many threads casting at once on PostgreSQL, with every code sent several times: each code is
used exactly once and no ballot is lost or doubled."""

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tallyroom import lifecycle
from tallyroom.ballotbox.models import Ballot
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import CodeError, cast
from tallyroom.voting.codes import issued_codes
from tallyroom.voting.models import BallotCode

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_casts_use_each_code_once(voting_election):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (concurrency on SQLite is serialised)")
    election, contests, members = voting_election(slug="crowd", voters=60)
    codes = [code for _, code in issued_codes(election)]
    attempts = [c for c in codes for _ in range(3)]
    random.Random(7).shuffle(attempts)

    def attempt(code):
        try:
            cast(
                code,
                {contests["chair"]: ["Hal"], contests["stv"]: ["Ada", "Bea"]} if code != codes[0] else {},
            )
            return code, True
        except CodeError:
            return code, False
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(attempt, attempts))
    wins = [code for code, ok in outcomes if ok]
    assert sorted(wins) == sorted(codes)  # each code won exactly once
    assert BallotCode.objects.filter(election=election, used_at__isnull=False).count() == len(codes)
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[:2])
    for contest in contests.values():
        on_roll = RollEntry.objects.filter(contest=contest, eligible=True).count()
        assert Ballot.objects.filter(contest=contest).count() == on_roll
    assert Ballot.objects.filter(contest=contests["chair"], preferences=["Hal"]).count() == len(codes) - 1
