"""The box: it opens only as it was at the close, gives the count exact input, and keeps nothing
of the sealed ballots once opened."""

from fractions import Fraction

import pytest

from tallyroom import lifecycle
from tallyroom.audit.models import Event
from tallyroom.ballotbox import box, keys
from tallyroom.ballotbox.models import Ballot, Channel, ContestBox, SealedBallot
from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.models import Candidate
from tallyroom.roll.decisions import DecisionRefused, decide
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import cast

pytestmark = pytest.mark.django_db


def as_dict(ballots):
    out = {}
    for ranking, weight in ballots:
        key = tuple(ballots.candidates[i] for i in ranking)
        out[key] = out.get(key, 0) + weight
    return out


def cast_some(setup):
    election, contests, members, codes = setup
    cast(codes[0], {contests["chair"]: ["Ivy"]})  # weight 2.5, college affiliates
    cast(codes[1], {contests["stv"]: ["Di", "Ada"], contests["chair"]: ["Ivy"]})
    cast(codes[2], {contests["stv"]: ["Di", "Ada"], contests["chair"]: ["Hal"]})
    cast(codes[3], {contests["stv"]: [RON_NAME]})
    cast(codes[4], {})
    lifecycle.close_voting(election, None)
    return election, contests


def test_the_opened_box_gives_the_count_exact_input(setup):
    election, contests = cast_some(setup)
    assert lifecycle.open_box(election, None, election.shares[:2]) == {"stv": 4, "block": 3, "chair": 5}
    stv = box.count_input(contests["stv"])
    assert stv.ballots.candidates == ("Ada", "Bea", "Cy", "Di", RON_NAME) and stv.ron == RON_NAME
    assert stv.ballots.title == "Executive" and stv.withdrawn == ()
    assert as_dict(stv.ballots) == {("Di", "Ada"): 2, (RON_NAME,): 1, (): 1}
    chair = box.count_input(contests["chair"]).ballots
    assert as_dict(chair) == {("Ivy",): Fraction(7, 2), ("Hal",): 1, (): 2}
    assert chair.total == Fraction(13, 2) and chair.valid_poll == Fraction(9, 2)
    assert not SealedBallot.objects.exists()
    assert sorted(Ballot.objects.filter(contest=contests["chair"]).values_list("college", flat=True)) == [
        "",
        "",
        "",
        "",
        "affiliates",
    ]
    opened = Event.objects.get(verb="ballotbox.open").data
    assert opened["ballots"] == {"stv": 4, "block": 3, "chair": 5}
    assert opened["trackers_sha256"]["stv"] == ContestBox.objects.get(contest=contests["stv"]).trackers_sha256


def test_a_candidate_withdrawn_after_casting_is_passed_as_withdrawn(setup):
    election, contests, members, codes = setup
    cast(codes[2], {contests["stv"]: ["Bea", "Ada"]})
    Candidate.objects.filter(name="Bea").update(withdrawn=True)
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[:2])
    stv = box.count_input(contests["stv"])
    assert stv.ballots.candidates == ("Ada", "Cy", "Di", RON_NAME, "Bea") and stv.withdrawn == ("Bea",)
    assert as_dict(stv.ballots) == {("Bea", "Ada"): 1}


def test_nothing_is_counted_or_listed_before_the_trustees_open_the_box(setup):
    election, contests = cast_some(setup)
    with pytest.raises(lifecycle.Refused, match="once the trustees have opened the box"):
        lifecycle.count(contests["stv"], None)
    with pytest.raises(box.BoxError, match="once the trustees have opened the box"):
        box.count_input(contests["stv"])


def test_the_box_opens_once_and_only_after_the_close(setup):
    election, contests, members, codes = setup
    cast(codes[2], {})
    with pytest.raises(lifecycle.Refused, match="once voting has closed"):
        lifecycle.open_box(election, None, election.shares[:2])
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[:2])
    with pytest.raises(lifecycle.Refused, match="opened already"):
        lifecycle.open_box(election, None, election.shares[1:])


def test_a_wrong_share_opens_nothing_and_writes_nothing(setup):
    election, contests = cast_some(setup)
    with pytest.raises(lifecycle.Refused, match="2 trustees' shares are needed"):
        lifecycle.open_box(election, None, election.shares[:1])
    assert SealedBallot.objects.count() == 12 and not Ballot.objects.exists()
    assert not Event.objects.filter(verb="ballotbox.open").exists()


def forged(contest, mac=None):
    """A sealed ballot as someone holding the database could make it: sealed to the public key
    (which anyone can), with a MAC they cannot compute without the server's secret."""
    key = box.public_key(contest.election)
    sealed = keys.seal(key.public, {"p": ["Hal"], "w": "1", "c": ""}, keys.pad_size(["Hal", "Ivy"]))
    return SealedBallot(
        contest=contest, tracker="FORG-EDXX-XXXX", channel=Channel.ONLINE, sealed=sealed, mac=mac or "0" * 64
    )


def refused_whole(election, message):
    with pytest.raises(lifecycle.Refused, match=message):
        lifecycle.open_box(election, None, election.shares[:2])
    assert not Ballot.objects.exists() and not ContestBox.objects.filter(opened_at__isnull=False).exists()


def test_a_ballot_added_after_the_close_is_found(setup):
    election, contests = cast_some(setup)
    forged(contests["chair"]).save()
    refused_whole(election, "Chair: the box holds 6 sealed ballots but held 5 at the close")


def test_a_ballot_removed_after_the_close_is_found(setup):
    election, contests = cast_some(setup)
    SealedBallot.objects.filter(contest=contests["chair"]).first().delete()
    refused_whole(election, "Chair: the box holds 4 sealed ballots but held 5 at the close")


def test_a_ballot_swapped_after_the_close_is_found(setup):
    election, contests = cast_some(setup)
    victim = SealedBallot.objects.filter(contest=contests["chair"]).first()
    replacement = forged(contests["chair"])
    SealedBallot.objects.filter(pk=victim.pk).update(sealed=replacement.sealed)
    refused_whole(election, "Chair: the sealed ballots differ from those in the box at the close")


def test_a_ballot_slipped_in_during_voting_with_its_close_record_rewritten_is_found(setup):
    """The insider adds a ballot and a voter's mark, and rewrites the close record to match: the
    ballot's MAC, keyed with a secret the database does not hold, still gives it away."""
    election, contests, members, codes = setup
    cast(codes[2], {})
    forged(contests["chair"]).save()
    RollEntry.objects.filter(contest=contests["chair"], member=members[5]).update(
        voted_at="2026-01-01T00:00Z"
    )
    lifecycle.close_voting(election, None)
    refused_whole(election, "ballot FORG-EDXX-XXXX was not sealed by this server")


def test_a_ballot_deleted_with_its_record_but_not_the_voters_mark_is_found(setup):
    election, contests, members, codes = setup
    cast(codes[2], {contests["chair"]: ["Hal"]})
    cast(codes[3], {contests["chair"]: ["Ivy"]})
    SealedBallot.objects.filter(contest=contests["chair"]).first().delete()
    lifecycle.close_voting(election, None)
    refused_whole(election, "Chair: 2 voters are marked as having voted but the box holds 1 ballots")


def test_deposit_by_another_channel_takes_only_its_contests(setup):
    election, contests, members, codes = setup
    receipt = box.deposit(
        election.pk, members[2].pk, {contests["chair"].pk: ["Ivy"]}, Channel.IN_ROOM, [contests["chair"].pk]
    )
    assert [c.slug for c, _ in receipt.trackers] == ["chair"]
    assert SealedBallot.objects.get().channel == Channel.IN_ROOM
    marks = dict(RollEntry.objects.filter(member=members[2]).values_list("contest__slug", "channel"))
    assert marks == {"stv": "", "block": "", "chair": Channel.IN_ROOM}
    with pytest.raises(box.BallotError, match="already voted"):
        box.deposit(election.pk, members[2].pk, {}, Channel.PAPER, [contests["chair"].pk])
    with pytest.raises(ValueError, match="unknown channel"):
        box.deposit(election.pk, members[2].pk, {}, "carrier-pigeon")


def provisional_voter(setup):
    """Voter 1 is excluded from ``block``; they appeal and cast a provisional ballot there."""
    election, contests, members, codes = setup
    receipt = box.deposit(
        election.pk,
        members[1].pk,
        {contests["block"].pk: ["Eve"]},
        Channel.PROVISIONAL,
        provisional_for="case:1",
    )
    assert [c.slug for c, _ in receipt.trackers] == ["block"]
    return election, contests, members[1]


def test_a_provisional_ballot_counts_only_once_its_appeal_is_upheld(setup, officer):
    election, contests, member = provisional_voter(setup)
    with pytest.raises(box.BoxError, match="not yet on the roll"):
        box.admit_provisional("case:1", member.pk, None)
    entry = RollEntry.objects.get(member=member, contest=contests["block"])
    contests["block"].freeze_roll()
    decide(entry, eligible=True, reason="appeal upheld: paid up in time", user=officer)
    assert box.admit_provisional("case:1", member.pk, None) == 1
    receipt = box.deposit(election.pk, member.pk, {contests["stv"].pk: ["Ada"]}, Channel.ONLINE)
    assert [c.slug for c, _ in receipt.trackers] == ["stv", "chair"]  # block was voted provisionally
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[:2])
    assert list(Ballot.objects.filter(contest=contests["block"]).values_list("preferences", flat=True)) == [
        ["Eve"]
    ]
    assert Event.objects.filter(verb="ballotbox.admit_provisional").get().data == {
        "case": "case:1",
        "ballots": 1,
    }


def test_a_provisional_ballot_still_pending_at_the_close_is_destroyed_unread(setup):
    election, contests, member = provisional_voter(setup)
    lifecycle.close_voting(election, None)
    assert not SealedBallot.objects.exists()
    assert Event.objects.get(verb="ballotbox.destroy_provisional").data == {"case": "case:1", "ballots": 1}
    lifecycle.open_box(election, None, election.shares[:2])
    assert not Ballot.objects.filter(contest=contests["block"]).exists()


def test_a_dismissed_appeals_provisional_ballot_is_destroyed_and_the_member_cannot_vote_twice(setup):
    election, contests, member = provisional_voter(setup)
    with pytest.raises(box.BallotError, match="already voted"):
        box.deposit(election.pk, member.pk, {}, Channel.PROVISIONAL, provisional_for="case:2")
    assert box.destroy_provisional("case:1", None) == 1
    assert not SealedBallot.objects.exists()
    with pytest.raises(ValueError, match="names the case"):
        box.deposit(election.pk, member.pk, {}, Channel.PROVISIONAL)


def test_a_voter_who_has_voted_is_not_struck_off_the_roll(setup, officer):
    """Their ballot is in the box: striking them off would leave the box and the marks unequal."""
    election, contests, members, codes = setup
    cast(codes[2], {})
    contests["chair"].freeze_roll()
    entry = RollEntry.objects.get(member=members[2], contest=contests["chair"])
    with pytest.raises(DecisionRefused, match="has voted in Chair"):
        decide(entry, eligible=False, reason="lapsed after all", user=officer)
