"""cast(): the mark and the ballots together, or nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tallyroom.ballotbox import box, keys
from tallyroom.ballotbox.marking import BallotError
from tallyroom.ballotbox.models import Channel, SealedBallot
from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.models import Election
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import CodeError, cast
from tallyroom.voting.models import BallotCode

pytestmark = pytest.mark.django_db


def stored(contest):
    """The contest's sealed ballots, opened with the trustees' shares (as only they can)."""
    open_ = keys.opener(keys.recover(box.public_key(contest.election), contest.election.shares))
    return sorted(
        (b["p"], b["w"], b["c"])
        for b in map(open_, (bytes(s.sealed) for s in SealedBallot.objects.filter(contest=contest)))
    )


Ballot = SealedBallot


def test_cast_stores_a_ballot_per_contest_on_the_voters_rolls(setup):
    election, contests, members, codes = setup
    for c in contests.values():
        c.election = election
    receipt = cast(codes[2], {contests["stv"]: ["Cy", RON_NAME, "Ada"], contests["block"].pk: ["Gus", "Eve"]})
    assert [c.slug for c, _ in receipt.trackers] == ["stv", "block", "chair"]
    assert len({t for _, t in receipt.trackers}) == 3
    assert stored(contests["stv"]) == [(["Cy", RON_NAME, "Ada"], "1", "")]
    assert stored(contests["block"]) == [(["Eve", "Gus"], "1", "")]  # marks kept in ballot order
    assert stored(contests["chair"]) == [([], "1", "")]  # abstained
    assert BallotCode.objects.get(member=members[2]).used_at is not None
    marks = RollEntry.objects.filter(member=members[2]).values_list("voted_at", "channel")
    assert all(at is not None and channel == Channel.ONLINE for at, channel in marks)
    for contest, tracker in receipt.trackers:
        assert Ballot.objects.filter(contest=contest, tracker=tracker, channel=Channel.ONLINE).count() == 1


def test_weight_and_college_come_from_the_roll(setup):
    election, contests, members, codes = setup
    contests["chair"].election = election
    receipt = cast(codes[0], {contests["chair"]: ["Ivy"]})
    assert [c.slug for c, _ in receipt.trackers] == ["chair"]
    assert stored(contests["chair"]) == [(["Ivy"], "5/2", "affiliates")]


def test_used_code_is_refused(setup):
    election, contests, members, codes = setup
    contests["chair"].election = election
    cast(codes[3], {contests["chair"]: ["Hal"]})
    with pytest.raises(CodeError, match="already been used"):
        cast(codes[3], {contests["chair"]: ["Ivy"]})
    assert stored(contests["chair"]) == [(["Hal"], "1", "")]


def test_wrong_code_is_refused(setup):
    election, contests, members, codes = setup
    wrong = codes[3][:-1] + ("A" if codes[3][-1] != "A" else "B")
    with pytest.raises(CodeError, match="not a valid ballot code"):
        cast(wrong, {})
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("state", [Election.State.DRAFT, Election.State.CLOSED])
def test_code_refused_unless_voting_is_open(setup, state):
    election, contests, members, codes = setup
    Election.objects.filter(pk=election.pk).update(state=state)
    with pytest.raises(CodeError, match="not open"):
        cast(codes[2], {})
    assert not Ballot.objects.exists() and not BallotCode.objects.filter(used_at__isnull=False).exists()


def test_contest_off_the_voters_roll_is_refused(setup):
    election, contests, members, codes = setup
    with pytest.raises(BallotError, match="not on the roll"):
        cast(codes[1], {contests["block"]: ["Eve"]})  # voter 1 is excluded from block
    with pytest.raises(BallotError, match="not on the roll"):
        cast(codes[0], {contests["stv"]: ["Ada"]})  # voter 0 is on chair's roll only
    assert not Ballot.objects.exists() and not BallotCode.objects.filter(used_at__isnull=False).exists()


def test_code_of_a_voter_on_no_roll_is_refused(setup):
    election, contests, members, codes = setup
    members[3].roll_entries.update(eligible=False)
    with pytest.raises(BallotError, match="not on the roll of any contest"):
        cast(codes[3], {})
    assert BallotCode.objects.get(member=members[3]).used_at is None


@pytest.mark.parametrize(
    ("contest", "names", "message"),
    [
        ("chair", ["Hal", "Ivy"], "at most 1"),
        ("block", ["Eve", "Fay", "Gus"], "at most 2"),
        ("stv", ["Ada", "Ada"], "more than once"),
        ("stv", ["Zed"], "not on this ballot"),
    ],
)
def test_ballot_breaking_its_marking_is_refused_whole(setup, contest, names, message):
    election, contests, members, codes = setup
    with pytest.raises(BallotError, match=message):
        cast(codes[4], {contests["stv"]: ["Ada"], contests[contest]: names})
    assert not Ballot.objects.exists() and BallotCode.objects.get(member=members[4]).used_at is None


def test_failure_while_writing_ballots_leaves_neither_mark_nor_ballots(setup, monkeypatch):
    election, contests, members, codes = setup
    trackers = iter(["SAME-SAME-SAME"] * 3)  # the second ballot's insert breaks tracker uniqueness
    Ballot.objects.create(
        contest=contests["block"], tracker="SAME-SAME-SAME", channel="online", sealed=b"", mac=""
    )
    monkeypatch.setattr(box, "new_tracker", lambda: next(trackers))
    with pytest.raises(Exception, match="(?i)unique"):
        cast(codes[4], {contests["stv"]: ["Ada"]})
    assert BallotCode.objects.get(member=members[4]).used_at is None
    assert Ballot.objects.count() == 1
    monkeypatch.undo()
    cast(codes[4], {contests["stv"]: ["Ada"]})
    assert Ballot.objects.count() == 4


@pytest.mark.parametrize("shift", [timedelta(minutes=-1), timedelta(days=20)])
def test_ballot_refused_outside_the_timetable_even_if_nobody_pressed_close(setup, shift):
    election, contests, members, codes = setup
    now = timezone.now()
    if shift < timedelta(0):
        Election.objects.filter(pk=election.pk).update(voting_closes=now + shift)
        message = "closed at"
    else:
        Election.objects.filter(pk=election.pk).update(
            voting_opens=now + shift, voting_closes=now + 2 * shift
        )
        message = "opens at"
    with pytest.raises(BallotError, match=message):
        cast(codes[2], {contests["chair"]: ["Hal"]})
    assert not Ballot.objects.exists() and not BallotCode.objects.filter(used_at__isnull=False).exists()


def test_a_sealed_ballot_is_the_same_size_whatever_it_says(setup):
    election, contests, members, codes = setup
    cast(codes[2], {contests["stv"]: ["Ada"]})
    cast(codes[3], {contests["stv"]: ["Cy", RON_NAME, "Ada", "Bea", "Di"]})
    assert len({len(bytes(s.sealed)) for s in Ballot.objects.filter(contest=contests["stv"])}) == 1
