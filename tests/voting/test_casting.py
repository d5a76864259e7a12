"""cast(): the mark and the ballots together, or nothing."""

from decimal import Decimal

import pytest

from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.models import Election
from tallyroom.voting import casting
from tallyroom.voting.casting import CodeError, cast
from tallyroom.voting.marking import BallotError
from tallyroom.voting.models import Ballot, BallotCode

pytestmark = pytest.mark.django_db


def stored(contest):
    return sorted((b.preferences, b.weight, b.college) for b in Ballot.objects.filter(contest=contest))


def test_cast_stores_a_ballot_per_contest_on_the_voters_rolls(setup):
    election, contests, members, codes = setup
    receipt = cast(codes[2], {contests["stv"]: ["Cy", RON_NAME, "Ada"], contests["block"].pk: ["Gus", "Eve"]})
    assert [c.slug for c, _ in receipt.trackers] == ["stv", "block", "chair"]
    assert len({t for _, t in receipt.trackers}) == 3
    assert stored(contests["stv"]) == [(["Cy", RON_NAME, "Ada"], Decimal(1), "")]
    assert stored(contests["block"]) == [(["Eve", "Gus"], Decimal(1), "")]  # marks kept in ballot order
    assert stored(contests["chair"]) == [([], Decimal(1), "")]  # abstained
    assert BallotCode.objects.get(member=members[2]).voted_at is not None
    for contest, tracker in receipt.trackers:
        assert Ballot.objects.filter(contest=contest, tracker=tracker).count() == 1


def test_weight_and_college_come_from_the_roll(setup):
    election, contests, members, codes = setup
    receipt = cast(codes[0], {contests["chair"]: ["Ivy"]})
    assert [c.slug for c, _ in receipt.trackers] == ["chair"]
    assert stored(contests["chair"]) == [(["Ivy"], Decimal("2.5"), "affiliates")]


def test_used_code_is_refused(setup):
    election, contests, members, codes = setup
    cast(codes[3], {contests["chair"]: ["Hal"]})
    with pytest.raises(CodeError, match="already been used"):
        cast(codes[3], {contests["chair"]: ["Ivy"]})
    assert stored(contests["chair"]) == [(["Hal"], Decimal(1), "")]


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
    assert not Ballot.objects.exists() and not BallotCode.objects.filter(voted_at__isnull=False).exists()


def test_contest_off_the_voters_roll_is_refused(setup):
    election, contests, members, codes = setup
    with pytest.raises(BallotError, match="not on the roll"):
        cast(codes[1], {contests["block"]: ["Eve"]})  # voter 1 is excluded from block
    with pytest.raises(BallotError, match="not on the roll"):
        cast(codes[0], {contests["stv"]: ["Ada"]})  # voter 0 is on chair's roll only
    assert not Ballot.objects.exists() and not BallotCode.objects.filter(voted_at__isnull=False).exists()


def test_code_of_a_voter_on_no_roll_is_refused(setup):
    election, contests, members, codes = setup
    members[3].roll_entries.update(eligible=False)
    with pytest.raises(CodeError, match="not on the roll of any contest"):
        cast(codes[3], {})
    assert BallotCode.objects.get(member=members[3]).voted_at is None


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
    assert not Ballot.objects.exists() and BallotCode.objects.get(member=members[4]).voted_at is None


def test_failure_while_writing_ballots_leaves_neither_mark_nor_ballots(setup, monkeypatch):
    election, contests, members, codes = setup
    trackers = iter(["SAME-SAME-SAME"] * 3)  # the second ballot's insert breaks tracker uniqueness
    Ballot.objects.create(contest=contests["block"], tracker="SAME-SAME-SAME")
    monkeypatch.setattr(casting, "new_tracker", lambda: next(trackers))
    with pytest.raises(Exception, match="(?i)unique"):
        cast(codes[4], {contests["stv"]: ["Ada"]})
    assert BallotCode.objects.get(member=members[4]).voted_at is None
    assert Ballot.objects.count() == 1
    monkeypatch.undo()
    cast(codes[4], {contests["stv"]: ["Ada"]})
    assert Ballot.objects.count() == 4
