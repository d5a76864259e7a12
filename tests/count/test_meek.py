"""Meek STV (NZ Schedule 1A): figures worked by hand from the regulation's arithmetic."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from tallyroom.count import Ballots, TieUnresolved, count
from tallyroom.count.meek import Options


def F(text: str) -> Fraction:
    return Fraction(text)


def ballots(names: str, rows) -> Ballots:
    return Ballots.from_rankings(list(names), rows)


def test_surplus_moves_by_keep_value_rounded_up():
    # 60 A>B, 20 B, 30 C; 2 seats. Quota 110/3 = 36.666666666.. truncated, + 0.000000001.
    # A's keep value: 36.666666667 / 60 = 0.61111111111.. rounded up to 0.611111112, so A keeps
    # 60 x 0.611111112 = 36.66666672 and B receives 60 x 0.388888888 = 23.33333328.
    r = count(ballots("ABC", [((0, 1), 60), ((1,), 20), ((2,), 30)]), "meek", seats=2)
    first, second = r.stages
    assert first.action == "first" and first.elected == ["A"]
    assert first.totals == {"A": 60, "B": 20, "C": 30}
    assert second.action == "surplus" and second.subject == ["A"] and second.elected == ["B"]
    assert second.totals == {"A": F("36.66666672"), "B": F("43.33333328"), "C": 30}
    assert r.quota == F("36.666666667")
    assert r.elected == ["A", "B"]


def test_exhausted_votes_lower_the_quota():
    # 6 A, 3 B, 2 C; 2 seats. Quota 11/3 -> 3.666666667; A elected keeps 0.611111112 of each vote
    # (3.666666672), 2.333333328 is non-transferable, and the quota falls to
    # (11 - 2.333333328)/3 = 2.888888890 + 0.000000001, which B's 3 votes reach.
    r = count(ballots("ABC", [((0,), 6), ((1,), 3), ((2,), 2)]), "meek", seats=2)
    second = r.stages[1]
    assert second.totals == {"A": F("3.666666672"), "B": 3, "C": 2}
    assert second.non_transferable == F("2.333333328")
    assert second.loss == 0
    assert second.elected == ["B"]
    assert r.quota == F("2.888888891")


def test_one_seat_is_the_alternative_vote():
    # 4 A, 3 B, 2 C>B: no one reaches 9/2; C is excluded and B wins 5 to 4.
    r = count(ballots("ABC", [((0,), 4), ((1,), 3), ((2, 1), 2)]), "meek", seats=1)
    assert [s.action for s in r.stages] == ["first", "exclusion"]
    assert r.stages[1].excluded == ["C"]
    assert r.stages[1].totals == {"A": 4, "B": 5, "C": 0}
    assert r.elected == ["B"]


def test_exclusion_waits_for_the_surplus_to_settle():
    # 2 seats: A 7 (A>C), B 4, C 3, D 1 (D>B). A's surplus lifts C above B only after it is
    # passed on, so D goes first and B then leads C. Every stage keeps the total exact.
    rows = [((0, 2), 7), ((1,), 4), ((2,), 3), ((3, 1), 1)]
    r = count(ballots("ABCD", rows), "meek", seats=2)
    assert r.elected[0] == "A"
    excluded = [s.excluded for s in r.stages if s.action == "exclusion"]
    assert excluded[0] == ["D"]
    for s in r.stages:
        assert sum(s.totals.values()) + s.non_transferable + s.loss == r.valid_poll == 15


def test_a_tie_for_exclusion_is_settled_by_lot_with_the_seed():
    rows = [((0,), 3), ((1,), 2), ((2,), 2)]
    with pytest.raises(TieUnresolved):
        count(ballots("ABC", rows), "meek", seats=1)
    r = count(ballots("ABC", rows), "meek", seats=1, tie_seed="published-seed")
    tie = r.stages[1].ties[0]
    assert tie.purpose == "exclude" and tie.settled_by == "lot" and set(tie.candidates) == {"B", "C"}
    assert r.stages[1].excluded == [tie.chosen]


def test_tie_looks_forward_to_the_first_difference():
    # 1 seat. Stage 1: A 15, B 8, C 7, D 3 (1 D>B), E 2 (E>C). E goes: C 9 > B 8. D goes: B 9 = C 9.
    # Ahead at first difference (stage 1: B 8 > C 7) excludes C; looking back from the latest
    # stage (stage 2: C 9 > B 8) would exclude B.
    rows = [((0,), 15), ((1,), 8), ((2,), 7), ((3, 1), 1), ((3,), 2), ((4, 2), 2)]
    r = count(ballots("ABCDE", rows), "meek", seats=1)
    tie = r.stages[3].ties[0]
    assert (tie.settled_by, tie.chosen, r.stages[3].excluded) == ("forward", "C", ["C"])
    assert r.elected == ["A"]
    backward = count(ballots("ABCDE", rows), "meek", seats=1, options={"ties": "backward"})
    assert backward.stages[3].excluded == ["B"]


def test_constraints_elect_the_guarded_and_exclude_the_doomed():
    # 2 seats, woman>=1 and only C is a woman: with A elected, C alone can fill the last seat
    # and meet the constraint, so C is elected at once although B has more votes.
    rows = [((0,), 5), ((1,), 4), ((2,), 3)]
    r = count(ballots("ABC", rows), "meek", seats=2, constraints=["woman>=1"], groups={"C": {"woman"}})
    assert r.elected == ["A", "C"]
    assert r.stages[0].elected == ["A", "C"] and "guarded" in r.stages[0].note
    # woman<=0 with D standing too: C is doomed and excluded at once, before any transfer
    rows = [*rows, ((3,), 2)]
    r = count(ballots("ABCD", rows), "meek", seats=2, constraints=["woman<=0"], groups={"C": {"woman"}})
    assert r.elected == ["A", "B"]
    assert r.stages[1].excluded == ["C"] and "doomed" in r.stages[1].note


def test_withdrawn_candidates_are_skipped_and_ron_can_win():
    rows = [((0, 1), 4), ((1,), 3), ((2, 1), 3)]
    r = count(ballots("ABC", rows), "meek", seats=1, withdrawn=["A"])
    assert "A" not in r.stages[0].totals
    assert r.stages[0].totals == {"B": 7, "C": 3}
    assert r.elected == ["B"]
    r = count(ballots("ABR", [((2,), 5), ((0,), 2), ((1,), 2)]), "meek", seats=1, ron="R")
    assert r.elected == ["R"] and r.seats_reopened == 1


def test_fractional_weights_count_exactly():
    rows = [((0, 1), "2.5"), ((1,), "1.25"), ((2,), 2)]
    r = count(ballots("ABC", rows), "meek", seats=2)
    for s in r.stages:
        assert sum(s.totals.values()) + s.non_transferable == r.valid_poll == F("5.75")


def test_every_stage_accounts_for_every_vote():
    rng = random.Random(2024)
    for _ in range(150):
        n = rng.randint(2, 7)
        rows = [
            (rng.sample(range(n), rng.randint(1, n)), rng.randint(1, 6)) for _ in range(rng.randint(1, 30))
        ]
        seats = rng.randint(1, n)
        r = count(Ballots.from_rankings([f"C{i}" for i in range(n)], rows), "meek", seats=seats, tie_seed="t")
        assert len(r.elected) == seats
        for s in r.stages:
            assert sum(s.totals.values()) + s.non_transferable == r.valid_poll
            assert s.loss == 0


@pytest.mark.parametrize(
    ("options", "message"),
    [({"places": 10}, "places"), ({"tolerance": "x"}, "tolerance"), ({"tolerance": "0"}, "positive")],
)
def test_bad_options_are_refused(options, message):
    with pytest.raises(ValueError, match=message):
        Options(**options)
