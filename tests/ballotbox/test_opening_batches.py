"""The opening decrypts in batches on several threads: the ballots come out whole, progress is
reported after each batch, and a ballot that will not open, in any batch, stops the opening with
nothing written."""

import pytest

from tallyroom import lifecycle
from tallyroom.ballotbox import box
from tallyroom.ballotbox.models import Ballot, ContestBox, SealedBallot
from tallyroom.voting.casting import cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(box, "WRITE_BATCH", 2)


def cast_five(setup):
    election, contests, members, codes = setup
    chosen = [["Di", "Ada"], ["Cy"], ["Bea", "Cy", "Di"], ["Ada"], []]
    for code, ranking in zip(codes[1:], chosen, strict=True):
        cast(code, {contests["stv"]: ranking})
    lifecycle.close_voting(election, None)
    return election, contests, chosen


def test_ballots_opened_in_many_batches_come_out_whole(setup, small_batches):
    election, contests, chosen = cast_five(setup)
    reports = []
    lifecycle.open_box(election, None, election.shares[:2], lambda done, total: reports.append((done, total)))
    opened = Ballot.objects.filter(contest=contests["stv"]).values_list("preferences", flat=True)
    assert sorted(opened) == sorted(chosen)
    total = SealedBallot.objects.count() + Ballot.objects.count()  # the sealed ones are gone
    assert reports[-1] == (total, total) and [d for d, _ in reports] == sorted(d for d, _ in reports)
    assert len(reports) > 3  # a report after each batch of 2, in each contest


def test_a_ballot_that_will_not_open_stops_the_opening_from_any_batch(setup, small_batches):
    """The insider swaps a ciphertext for one sealed to another key and rewrites the MAC and the
    close record (as only someone holding the server's secret could): decryption itself refuses."""
    election, contests, chosen = cast_five(setup)
    stv = contests["stv"]
    last = SealedBallot.objects.filter(contest=stv).order_by("tracker").last()
    other, _ = box.keys.ceremony(["X"], 1)
    last.sealed = box.keys.seal(other.public, {"p": [], "w": "1", "c": ""}, len(bytes(last.sealed)) - 48)
    last.mac = box.box_mac(stv.pk, last.tracker, last.channel, last.sealed)
    last.save()
    ContestBox.objects.filter(contest=stv).update(sealed_digest=box._digest(box._sealed_rows(stv)))
    with pytest.raises(lifecycle.Refused, match="does not open with this election's key"):
        lifecycle.open_box(election, None, election.shares[:2])
    assert not Ballot.objects.exists() and SealedBallot.objects.filter(contest=stv).count() == len(chosen)
    assert not ContestBox.objects.filter(opened_at__isnull=False).exists()
