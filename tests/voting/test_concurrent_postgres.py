"""Many threads casting at once on PostgreSQL, with every code sent several times: each code is
used exactly once and no ballot is lost or doubled."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from tallyroom import lifecycle
from tallyroom.ballotbox.models import Ballot
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import CodeError, cast, voter
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


def test_two_sweeps_give_every_voter_one_working_code(voting_election, settings, tmp_path):
    from tallyroom.voting.codes import issue_and_send
    from tallyroom.voting.models import Delivery

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (one sweep on SQLite)")
    settings.TALLYROOM_POSTAL_DIR = tmp_path
    election, contests, members = voting_election(slug="sweeps", voters=60)
    pairs, seen, threads = [], [], set()

    def keep(batch):
        pairs.extend(batch)
        threads.add(threading.current_thread().name)

    sent = issue_and_send(election, size=5, sweeps=2, keep=keep, progress=lambda d, t: seen.append(d))
    assert len(threads) == 2 and all(name.startswith("codes") for name in threads)
    assert sorted(r.pk for r, _ in pairs) == sorted(m.pk for m in members)
    assert len({c for _, c in pairs}) == 60 and seen[-1] == 60 and seen == sorted(seen)
    for recipient, code in pairs:
        assert voter(code).member_id == recipient.pk
    postal = [m for m in members if not m.email]
    assert (sent.emailed, sent.posted) == (60 - len(postal), len(postal))
    assert list(tmp_path.iterdir()) == [sent.postal_file]
    assert len(sent.postal_file.read_text().splitlines()) == 1 + 2 * len(postal)  # header; two-line addresses
    assert not BallotCode.objects.filter(delivery=Delivery.PENDING).exists()


def test_a_mail_failure_in_one_sweep_stops_both_and_leaves_no_unmailed_code(voting_election, flaky):
    from django.core import mail

    from tallyroom.voting.codes import DeliveryFailed, code_hash, issue_and_send
    from tallyroom.voting.models import Delivery

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (one sweep on SQLite)")
    election, contests, members = voting_election(slug="sweepfail", voters=60)
    flaky.down_after = 12
    with pytest.raises(DeliveryFailed, match="the rest have none yet"):
        issue_and_send(election, size=5, sweeps=2)
    mailed = {m.to[0]: m.body for m in mail.outbox}
    assert len(mailed) == 12
    stored = BallotCode.objects.filter(election=election).select_related("member")
    assert not stored.filter(delivery=Delivery.PENDING).exists()
    emailed = [c for c in stored if c.delivery == Delivery.SENT]
    assert sorted(c.member.email for c in emailed) == sorted(mailed)
    for c in emailed:  # the code in each message handed over is the one stored
        assert c.code_hash in {code_hash(w) for w in mailed[c.member.email].split()}
    flaky.down_after = None
    issue_and_send(election, size=5, sweeps=2)
    assert BallotCode.objects.filter(election=election).count() == 60
    assert len(mail.outbox) == len([m for m in members if m.email])
