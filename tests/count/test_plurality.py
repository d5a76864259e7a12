from fractions import Fraction

import pytest

from tallyroom.count import Ballots, ConstraintError, count

NAMES = ["Ann", "Bob", "Cat", "Dan"]
ANN, BOB, CAT, DAN = range(4)
GROUPS = {"Ann": ["woman"], "Cat": ["woman"]}


def ballots(*rows):
    return Ballots.from_rankings(NAMES, rows)


def test_plurality_counts_first_preferences():
    r = count(ballots(((BOB, ANN), 3), ((ANN,), 2), ((CAT, ANN, BOB), 4), ((), 1)), "plurality")
    assert r.elected == ["Cat"]
    stage = r.stages[0]
    assert stage.totals == {"Ann": 2, "Bob": 3, "Cat": 4, "Dan": 0}
    assert (r.valid_poll, r.empty) == (9, 1)
    assert r.to_dict()["stages"][0]["totals"] == {"Ann": "2", "Bob": "3", "Cat": "4", "Dan": "0"}


def test_block_counts_the_first_marks_up_to_the_seats():
    b = ballots(((BOB, DAN, ANN), 5), ((DAN, BOB), 4), ((ANN, CAT, BOB), 3), ((CAT,), 2))
    r = count(b, "block", seats=2)
    # Bob 5+4, Dan 5+4, Ann 3, Cat 3+2; Ann's third mark on Bob's first ballots does not count.
    assert r.stages[0].totals == {"Ann": 3, "Bob": 9, "Cat": 5, "Dan": 9}
    assert sorted(r.elected) == ["Bob", "Dan"]


def test_block_with_at_least_one_woman_of_two_seats():
    b = ballots(((BOB, DAN, ANN), 5), ((DAN, BOB), 4), ((ANN, CAT, BOB), 3), ((CAT,), 2))
    r = count(b, "block", seats=2, constraints=["woman>=1"], groups=GROUPS, tie_seed="s")
    # Bob and Dan tie on 9: the first drawn is elected, the other is passed over for Cat (5).
    assert len(r.elected) == 2 and r.elected[1] == "Cat"
    assert r.stages[0].excluded == [name for name in ("Bob", "Dan") if name not in r.elected]
    assert r.constraints == ["woman>=1"]
    assert r.stages[0].ties[0].settled_by == "lot"


def test_approval_counts_every_mark():
    b = ballots(((BOB, DAN, ANN), 5), ((DAN, BOB), 4), ((ANN, CAT, BOB), 3), ((CAT,), 2))
    r = count(b, "approval", seats=1)
    assert r.stages[0].totals == {"Ann": 8, "Bob": 12, "Cat": 5, "Dan": 9}
    assert r.elected == ["Bob"]


def test_fractional_card_votes_are_exact():
    b = ballots(((ANN,), "1.25"), ((BOB,), Fraction(1, 2)), ((BOB,), "0.75"), ((CAT, ANN), "1.2"))
    r = count(b, "plurality", seats=3)
    assert r.stages[0].totals["Bob"] == Fraction(5, 4)
    assert r.valid_poll == Fraction(37, 10)
    assert r.places == 2
    assert r.to_dict()["valid_poll"] == "3.70"
    # Ann and Bob tie exactly on 1.25 for one seat: the tie needs the stated rule.
    with pytest.raises(ValueError, match="tie seed"):
        count(b, "plurality")
    r = count(b, "plurality", tie_order=["Bob", "Ann", "Cat", "Dan"], options={"ties": "order"})
    assert r.elected == ["Bob"] and r.ties[0].candidates == ["Ann", "Bob"]
    # For two seats the tie decides nothing, so no rule is needed.
    r = count(b, "plurality", seats=2)
    assert sorted(r.elected) == ["Ann", "Bob"] and r.ties == []
    assert count(b, "approval", seats=1).stages[0].totals["Ann"] == Fraction(49, 20)


def test_withdrawn_and_ron():
    b = ballots(((BOB, ANN), 3), ((ANN,), 2), ((DAN, CAT), 4))
    r = count(b, "plurality", withdrawn=["Dan"], ron="Bob")
    assert r.stages[0].totals == {"Ann": 2, "Bob": 3, "Cat": 4}
    assert r.elected == ["Cat"]
    assert r.to_dict()["withdrawn"] == ["Dan"]
    r = count(ballots(((BOB, ANN), 5), ((ANN,), 2), ((DAN, CAT), 4)), "plurality", ron="Bob")
    assert r.elected == ["Bob"] and r.seats_reopened == 1
    # RON is never passed over for the constraints: nominations reopen instead.
    b = ballots(((BOB,), 5), ((DAN,), 4), ((CAT,), 1))
    r = count(b, "block", seats=2, ron="Bob", constraints=["woman>=1"], groups=GROUPS)
    assert r.elected == ["Bob", "Cat"] and r.stages[0].excluded == ["Dan"]


def test_count_refuses_bad_settings():
    b = ballots(((BOB, ANN), 3))
    with pytest.raises(ValueError, match="seats"):
        count(b, "plurality", seats=0)
    with pytest.raises(KeyError, match="Eve"):
        count(b, "plurality", withdrawn=["Eve"])
    with pytest.raises(ValueError, match="cannot be withdrawn"):
        count(b, "plurality", withdrawn=["Bob"], ron="Bob")
    with pytest.raises(ConstraintError, match="cannot meet"):
        count(b, "block", seats=2, constraints=["woman>=1"], groups=GROUPS, withdrawn=["Ann", "Cat"])
    with pytest.raises(ValueError, match="leaves out Dan"):
        count(b, "plurality", tie_order=["Ann", "Bob", "Cat"])
