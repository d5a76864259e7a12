"""The published ballots say nothing of the order they were cast in: the same ballots cast in two
different orders give byte-identical BLT files, their lines in a canonical sorted order."""

import random

import pytest

from tallyroom import lifecycle
from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.models import Contest
from tallyroom.voting.casting import cast
from tallyroom.voting.codes import issued_codes

pytestmark = pytest.mark.django_db

# Executive (Scottish STV, 3 seats): ten ballots, some identical, one abstention, one for RON.
EXECUTIVE = (
    [["Ada", "Bea"]] * 3 + [["Bea", "Cy"]] * 2 + [["Cy"], ["Di", "Ada"], ["Bea", "Ada", "Di"], [RON_NAME], []]
)


def counted_blt(voting_election, officer, slug: str, order: list[list[str]]) -> str:
    election, contests, members = voting_election(slug=slug, voters=len(order) + 1)
    Contest.objects.filter(pk=contests["stv"].pk).update(tie_seed="published-seed")
    codes = {m.pk: code for m, code in issued_codes(election)}
    for member, ranking in zip(members[1:], order, strict=True):  # voter 0 is not on this roll
        cast(codes[member.pk], {contests["stv"]: ranking, contests["chair"]: ["Hal"]})
    lifecycle.close_voting(election, None)
    lifecycle.open_box(election, None, election.shares[:2])
    return lifecycle.count(Contest.objects.get(pk=contests["stv"].pk), officer).ballots_blt


def test_the_same_ballots_cast_in_two_orders_publish_the_same_blt(voting_election, officer):
    first = counted_blt(voting_election, officer, "first", EXECUTIVE)
    again = list(EXECUTIVE)
    random.Random(6).shuffle(again)
    assert again != EXECUTIVE
    second = counted_blt(voting_election, officer, "second", list(reversed(EXECUTIVE)))
    third = counted_blt(voting_election, officer, "third", again)
    assert first.encode() == second.encode() == third.encode()
    lines = first.splitlines()
    ballots = [[int(x) for x in line.split()[1:-1]] for line in lines[1 : lines.index("0")]]
    assert ballots == sorted(ballots), "ballot lines are in sorted order of their rankings"
    assert len(ballots) >= 6  # identical rankings may be merged, but distinct ones are all there
