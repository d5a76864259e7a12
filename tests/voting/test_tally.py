"""contest_ballots: the stored ballots as the engine's Ballots, exactly."""

from fractions import Fraction

import pytest

from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.models import Candidate
from tallyroom.voting.casting import cast
from tallyroom.voting.tally import contest_ballots

pytestmark = pytest.mark.django_db


def as_dict(ballots):
    out = {}
    for ranking, weight in ballots:
        key = tuple(ballots.candidates[i] for i in ranking)
        out[key] = out.get(key, 0) + weight
    return out


def test_contest_ballots_are_exact(setup):
    election, contests, members, codes = setup
    cast(codes[0], {contests["chair"]: ["Ivy"]})  # weight 2.5
    cast(codes[1], {contests["stv"]: ["Di", "Ada"], contests["chair"]: ["Ivy"]})
    cast(codes[2], {contests["stv"]: ["Di", "Ada"], contests["chair"]: ["Hal"]})
    cast(codes[3], {contests["stv"]: [RON_NAME]})
    cast(codes[4], {})
    stv = contest_ballots(contests["stv"])
    assert stv.candidates == ("Ada", "Bea", "Cy", "Di", RON_NAME)
    assert stv.title == "Executive"
    assert as_dict(stv) == {("Di", "Ada"): 2, (RON_NAME,): 1, (): 1}
    chair = contest_ballots(contests["chair"])
    assert as_dict(chair) == {("Ivy",): Fraction(7, 2), ("Hal",): 1, (): 2}
    assert chair.total == Fraction(13, 2) and chair.valid_poll == Fraction(9, 2)


def test_candidate_withdrawn_after_casting_follows_the_ballot_order(setup):
    election, contests, members, codes = setup
    cast(codes[2], {contests["stv"]: ["Bea", "Ada"]})
    Candidate.objects.filter(name="Bea").update(withdrawn=True)
    stv = contest_ballots(contests["stv"])
    assert stv.candidates == ("Ada", "Cy", "Di", RON_NAME, "Bea")
    assert as_dict(stv) == {("Bea", "Ada"): 1}
