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


def test_casting_goes_on_while_a_batch_of_codes_is_being_mailed(voting_election, flaky):
    """Issuing holds no lock on the election while it hands a batch to the mail backend: a voter
    casts (in another connection) while the mail backend is busy, and is not kept waiting."""
    import threading

    from tallyroom.voting.codes import issue_and_send

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (concurrency on SQLite is serialised)")
    election, contests, members = voting_election(slug="busy", voters=8)
    codes = dict((r.pk, code) for r, code in issued_codes(election))
    late = [m.pk for m in members[4:]]
    BallotCode.objects.filter(member_id__in=late).delete()  # the voters a decision put back
    early = codes[members[1].pk]
    outcomes = []

    def cast_now(message):
        if outcomes:
            return
        done = threading.Event()

        def vote():
            try:
                cast(early, {contests["chair"]: ["Hal"]})
                outcomes.append("cast")
            finally:
                connections.close_all()
                done.set()

        threading.Thread(target=vote).start()
        outcomes.append("in time" if done.wait(10) else "held up")

    flaky.on_send = cast_now
    issue_and_send(election)
    assert outcomes[:1] == ["cast"] and "held up" not in outcomes
    assert BallotCode.objects.filter(election=election).count() == 8
    assert BallotCode.objects.get(member=members[1]).used_at is not None
