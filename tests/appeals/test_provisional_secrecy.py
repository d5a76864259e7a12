"""A provisional ballot admitted after an upheld appeal joins the box with no link to the member:
the attack is someone holding the database (and the audit trail) trying to tie the member, or their
case, to a ballot row, before and after the box is opened."""

import json

import pytest

from tallyroom import lifecycle
from tallyroom.appeals import provisional
from tallyroom.appeals.cases import decide_case, lodge
from tallyroom.appeals.models import Case, Outcome
from tallyroom.audit.models import Event
from tallyroom.ballotbox.models import Ballot, ContestBox, SealedBallot
from tallyroom.voting.casting import cast

pytestmark = pytest.mark.django_db


def identifiers(case: Case) -> set[str]:
    member = case.member
    found = {case.provisional_key, member.number, member.name, member.email, f'"member_id": {member.pk}'}
    return {i for i in found if i}


def _dumped(value) -> str:
    # Binary columns as hex, as a dump shows them: their repr could spell a short membership
    # number ("L1") by chance in random ciphertext, which is no link.
    return bytes(value).hex() if isinstance(value, (bytes, memoryview)) else str(value)


def rows_text(model) -> list[str]:
    """Every stored row of ``model`` as text, every column (what a database dump shows)."""
    return [json.dumps(row, default=_dumped) for row in model.objects.values()]


def test_admitted_provisional_ballot_cannot_be_tied_to_the_member(appeals, officer):
    stv = appeals.contests["stv"]
    case = lodge(appeals.lena, appeals.election, [stv], "in time")
    receipt = provisional.cast(case, {stv.pk: ["Di"]})
    (tracker,) = [t for _, t in receipt.trackers]
    waiting = SealedBallot.objects.filter(provisional_for=case.provisional_key)
    assert waiting.count() == 1  # while pending it is filed under the case (and so tied to it)
    for member in appeals.members[2:5]:
        cast(appeals.codes[member.number], {stv.pk: ["Ada"]})
    decide_case(case, Outcome.UPHELD, "postmarked in time", appeals.panel[:2], appeals.panel[0])

    # The attack on the stored rows once admitted: join the box to the case, or find the member
    # or case anywhere in a ballot row.
    assert not [key for key in SealedBallot.objects.values_list("provisional_for", flat=True) if key], (
        "no sealed ballot is filed under a case any more"
    )
    assert SealedBallot.objects.filter(contest=stv).count() == 4
    sealed = rows_text(SealedBallot)
    assert not [row for row in sealed if any(i in row for i in identifiers(case))]
    # the audit trail names the case but never the ballot's tracker, so it cannot join the two
    trail = [json.dumps(e.data) + e.subject for e in Event.objects.all()]
    assert any(case.provisional_key in t for t in trail)
    assert not [t for t in trail if tracker in t]
    assert tracker not in json.dumps(Case.objects.values().get(pk=case.pk), default=str)

    lifecycle.close_voting(appeals.election, officer)
    lifecycle.open_box(appeals.election, officer, appeals.election.shares[:2])
    # After the opening: the sealed rows are gone; the plaintext rows carry no tracker, channel,
    # time or voter, and the trackers are kept sorted, so neither order nor content leads back.
    assert not SealedBallot.objects.exists()
    assert {f.name for f in Ballot._meta.get_fields()} == {
        "id",
        "contest",
        "preferences",
        "weight",
        "college",
        "region",
    }
    opened = rows_text(Ballot)
    in_stv = Ballot.objects.filter(contest=stv).values_list("preferences", flat=True)
    assert sorted(in_stv) == [["Ada"]] * 3 + [["Di"]]
    assert not [row for row in opened if any(i in row for i in identifiers(case)) or tracker in row]
    box = ContestBox.objects.get(contest=stv)
    assert box.tracker_list() == sorted(box.tracker_list()) and tracker in box.tracker_list()
