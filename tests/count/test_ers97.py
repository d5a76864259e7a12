"""ERS97 STV: the booklet's model election (first two stages) and each rule worked by hand."""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path

import pytest

from tallyroom.count import Ballots, TieUnresolved, count
from tallyroom.formats.blt import read_blt

MODEL = Path(__file__).parent.parent / "data" / "ers97" / "model-stages-1-2.blt"


def F(text: str) -> Fraction:
    return Fraction(text)


def ballots(names: str, rows) -> Ballots:
    return Ballots.from_rankings(list(names), rows)


def test_model_election_first_two_stages():
    r = count(read_blt(MODEL), "ers97", seats=6)
    first, second = r.stages[:2]
    assert r.valid_poll == 753
    assert r.quota == F("107.58")
    assert first.totals["Smith"] == 134 and first.elected == ["Smith"]
    assert sorted(first.totals.values())[:2] == [23, 24]
    # 26.42 > 24 - 23: transferred, not deferred
    assert (second.action, second.subject, second.transfer_value) == ("surplus", ["Smith"], F("0.21"))
    assert second.totals["Smith"] == F("107.58")
    given = {"B": 20, "C": 18, "D": 15, "E": 14, "F": 12, "G": 12, "H": 10, "I": 9, "J": 7, "K": 6}
    for name, papers in given.items():
        assert second.totals[name] - first.totals[name] == F("0.21") * papers
    assert sum(second.totals.values()) - second.totals["Smith"] - sum(
        v for k, v in first.totals.items() if k != "Smith"
    ) == F("25.83")
    # the booklet's "non-transferable" line: the neglected remainder
    assert second.non_transferable + second.loss == F("0.59")
    for s in r.stages:
        assert sum(s.totals.values()) + s.non_transferable + s.loss == 753


def test_quota_is_rounded_up_to_two_places():
    r = count(ballots("ABCD", [((0,), 4), ((1,), 3), ((2, 0), 2), ((3,), 1)]), "ers97", seats=2)
    assert r.stages[0].elected == ["A"]  # 10/3 = 3.333.. -> 3.34; A's 4 reaches it, B's 3 does not
    assert r.quota == F("3.34")


def test_small_surplus_is_deferred_and_lowest_excluded_first():
    # 2 seats, 21 votes, quota 7.00. A 10 (6 A>B, 4 A>C), B 6, C 4, D 1 (D>C). A's surplus of 3
    # does not exceed C - D = 3 (5.2.2), so D is excluded first; then C 5, B 6 and 5 + 3 > 6, so
    # the surplus moves: 3/10 = 0.30 a paper, B 7.80 reaches the quota.
    rows = [((0, 1), 6), ((0, 2), 4), ((1,), 6), ((2,), 4), ((3, 2), 1)]
    r = count(ballots("ABCD", rows), "ers97", seats=2)
    assert [(s.action, s.subject) for s in r.stages] == [
        ("first", []),
        ("exclusion", ["D"]),
        ("surplus", ["A"]),
    ]
    assert r.stages[1].totals == {"A": 10, "B": 6, "C": 5, "D": 0}
    assert r.stages[2].transfer_value == F("0.3")
    assert r.stages[2].totals == {"A": 7, "B": F("7.8"), "C": F("6.2"), "D": 0}
    assert r.elected == ["A", "B"]


def test_active_vote_elects_below_the_quota():
    # 20 votes, 2 seats, quota 6.67. A's surplus 3.33 at 0.33 (10 papers) gives B 6.98 and C 6.32
    # (loss 0.03). No one else reaches 6.67, but B's 6.98 reaches the active vote
    # (6.98 + 6.32) / 2 = 6.65 (5.3.13(b)).
    rows = [((0, 1), 6), ((0, 2), 4), ((1,), 5), ((2,), 4), ((3, 2), 1)]
    r = count(ballots("ABCD", rows), "ers97", seats=2)
    second = r.stages[1]
    assert second.totals == {"A": F("6.67"), "B": F("6.98"), "C": F("5.32"), "D": 1}
    assert second.loss == F("0.03")
    assert second.elected == ["B"]


def test_candidates_are_excluded_together():
    # 1 seat, quota 11. D 1, E 1, C 2: together with nothing deferred they do not exceed B's 8
    # (5.2.5), and D + E + C + B would exceed A: D, E and C go in one stage.
    rows = [((0,), 10), ((1,), 8), ((2, 1), 2), ((3, 0), 1), ((4, 0), 1)]
    r = count(ballots("ABCDE", rows), "ers97", seats=1)
    assert r.stages[1].action == "exclusion" and sorted(r.stages[1].excluded) == ["C", "D", "E"]
    assert r.stages[1].totals == {"A": 12, "B": 10, "C": 0, "D": 0, "E": 0}
    assert r.elected == ["A"]


def test_quota_falls_when_papers_exhaust_before_anyone_is_elected():
    # 1 seat, 9 votes, quota 4.50; C's 2 papers exhaust, so the quota becomes 7/2 = 3.50 (5.4.8)
    r = count(ballots("ABC", [((0,), 4), ((1,), 3), ((2,), 2)]), "ers97", seats=1)
    assert r.stages[1].non_transferable == 2
    assert "3.50" in r.stages[1].note
    assert r.quota == F("3.5") and r.elected == ["A"]


def test_only_the_last_batch_is_examined_for_a_surplus():
    # 2 seats, 20 votes, quota 6.67. Z (Z>X>W) is excluded and X reaches 8 with that batch of 3.
    # X's surplus 1.33 is taken from those 3 papers only (5.3.2): 0.44 each to W, none to Y,
    # although X's own 5 papers name Y next. 1.33 - 1.32 = 0.01 is lost in rounding.
    rows = [((0, 1), 5), ((1,), 6), ((2, 0, 3), 3), ((3,), 6)]
    r = count(ballots("XYZW", rows), "ers97", seats=2)
    third = r.stages[2]
    assert (third.action, third.subject, third.transfer_value) == ("surplus", ["X"], F("0.44"))
    assert third.totals == {"X": F("6.67"), "Y": 6, "Z": 0, "W": F("7.32")}
    assert third.loss == F("0.01")
    assert r.elected == ["X", "W"]


def test_a_candidate_reaching_the_quota_during_an_exclusion_is_elected_in_that_stage():
    # 1 seat, 17 votes, quota 8.50. A 8, B 5 (B>A), C 4 (C>B): C goes,
    # B 9 reaches 8.50 and is elected in that stage; no further transfer.
    rows = [((0,), 8), ((1, 0), 5), ((2, 1), 4)]
    r = count(ballots("ABC", rows), "ers97", seats=1)
    assert r.stages[1].excluded == ["C"] and r.stages[1].elected == ["B"]
    assert r.stages[1].totals == {"A": 8, "B": 9, "C": 0}


def test_exclusion_ties_are_settled_by_lot_with_the_seed():
    rows = [((0,), 3), ((1,), 2), ((2,), 2)]  # quota 3.50: no one elected, B and C level throughout
    with pytest.raises(TieUnresolved):
        count(ballots("ABC", rows), "ers97", seats=1)
    r = count(ballots("ABC", rows), "ers97", seats=1, tie_seed="seed")
    tie = r.ties[0]
    assert tie.purpose == "exclude" and tie.settled_by == "lot"


def test_constraints_exclude_one_at_a_time_and_never_the_guarded():
    # woman>=1, only C is a woman: C is never excluded although lowest; the other lowest goes.
    rows = [((0,), 6), ((1,), 5), ((3,), 4), ((2,), 1)]
    r = count(ballots("ABCD", rows), "ers97", seats=2, constraints=["woman>=1"], groups={"C": {"woman"}})
    assert "C" in r.elected
    assert all("C" not in s.excluded for s in r.stages)


def test_every_stage_accounts_for_every_vote():
    rng = random.Random(97)
    for _ in range(200):
        n = rng.randint(2, 8)
        rows = [
            (rng.sample(range(n), rng.randint(1, n)), rng.randint(1, 6)) for _ in range(rng.randint(1, 40))
        ]
        seats = rng.randint(1, n)
        r = count(
            Ballots.from_rankings([f"C{i}" for i in range(n)], rows), "ers97", seats=seats, tie_seed="t"
        )
        assert len(r.elected) == seats
        for s in r.stages:
            assert sum(s.totals.values()) + s.non_transferable + s.loss == r.valid_poll
            assert s.non_transferable >= 0 and s.loss >= 0
            assert all(v * 100 == int(v * 100) for v in s.totals.values())
