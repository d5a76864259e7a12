"""Counterfactual recounts (which delegations decided a seat) and results by region with small
regions merged."""

from __future__ import annotations

from fractions import Fraction
from functools import partial
from pathlib import Path

import numpy as np
import pytest

from tallyroom.analysis.pivotal import (
    Delegation,
    ballots_of,
    by_weight,
    counterfactuals,
    decisive,
    read_delegations,
    stacked,
    switched,
)
from tallyroom.analysis.regions import EXHAUSTED, by_region, combined, merge_plan
from tallyroom.count import Ballots, count
from tallyroom.formats import FormatError
from tallyroom.formats.blt import read_blt

ALMOND = (
    Path(__file__).resolve().parents[1]
    / "data"
    / "scotland"
    / "ballots"
    / "2012-edinburgh"
    / "edinburgh_2012_ward1.blt"
)
DELEGATIONS = """candidates,,Ann,Bob,Cy,Di
delegation,weight,1st,2nd,3rd
GMB,30,Ann,Bob
Unite,25,Cy,Di
Unite,5,Di,Cy
Unison,20,Bob,Ann
CLP North,12,Di,Cy,Ann
CLP South,9,Ann,Cy
"""
SLATES = {"Ann": "Left", "Bob": "Left", "Cy": "Right", "Di": "Right"}


def recount(ballots):
    return count(ballots, "scottish-stv", 2, tie_seed="test")


def test_decisive_delegations_are_those_whose_change_changes_the_seats(tmp_path):
    path = tmp_path / "delegations.csv"
    path.write_text(DELEGATIONS, encoding="utf-8")
    names, delegations = read_delegations(path)
    assert names == ["Ann", "Bob", "Cy", "Di"] and [d.name for d in delegations][:2] == ["GMB", "Unite"]
    assert delegations[1].weight == 30
    actual, found = counterfactuals(names, delegations, recount, SLATES)
    assert sorted(actual.elected) == ["Ann", "Cy"]
    # one abstention and one switch per delegation (two slates)
    assert len(found) == 2 * len(delegations)
    by = {(c.delegation, c.change): c for c in found}
    gmb = by["GMB", "abstain"]  # without GMB's 30 for Ann, Unison's Bob takes the Left seat
    assert (gmb.lost, gmb.gained) == (("Ann",), ("Bob",))
    assert by["GMB", "switch to Right"].gained == ("Di",)
    assert not by["Unison", "abstain"].decisive
    # every counterfactual is an honest recount of the changed ballots
    for c in found:
        d = next(x for x in delegations if x.name == c.delegation)
        others = [x for x in delegations if x is not d]
        if c.change != "abstain":
            ticket = [i for i, n in enumerate(names) if SLATES[n] == c.change.removeprefix("switch to ")]
            others.append(switched(d, ticket))
        ballots = Ballots.from_rankings(names, [b for x in others for b in x.ballots])
        assert tuple(recount(ballots).elected) == c.elected
    assert all(c.decisive for c in decisive(found)) and len(decisive(found)) == 5


def test_switched_puts_the_ticket_first_and_keeps_the_rest():
    d = Delegation("X", (((3, 0, 2), Fraction(2)),))
    assert switched(d, [2, 3]).ballots == (((2, 3, 0), Fraction(2)),)


def test_weight_classes_and_delegation_file_errors(tmp_path):
    ballots = Ballots.from_rankings(["A", "B"], [((0,), 3), ((1, 0), 3), ((1,), 1)])
    classes = by_weight(ballots)
    assert [(d.name, len(d.ballots)) for d in classes] == [("weight 3", 2), ("weight 1", 1)]
    path = tmp_path / "d.csv"
    for text, problem in [
        ("GMB,3,Ann\n", ":1: the first row must be the header"),
        ("delegation,weight\nGMB,x,Ann\n", ":2: weight 'x' is not a number"),
        ("candidates,,Ann\ndelegation,weight\nGMB,1,Zed\n", ":3: 'Zed' is not among the candidates"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(FormatError, match=problem):
            read_delegations(path)


def test_merge_plan_merges_the_smallest_first():
    plan = merge_plan({"A": 400, "B": 30, "C": 25, "D": 60, "E": 10}, minimum=50)
    # E (10) + C (25) = 35, still small, + B (30) = 65; A and D stand alone
    assert plan == [("A",), ("B", "C", "E"), ("D",)]
    assert merge_plan({"A": 10, "B": 20}, minimum=50) == [("A", "B")]
    assert merge_plan({"A": 50, "B": 50}, minimum=50) == [("A",), ("B",)]


def test_regions_of_a_real_ward_add_up_and_never_show_a_small_cell():
    ballots = read_blt(ALMOND)
    rng = np.random.default_rng(4)
    region = rng.choice(["North", "South", "East"], size=len(ballots), p=[0.5, 0.3, 0.2])
    region[np.flatnonzero(ballots.weights == 1)[:30]] = "Isle"  # 30 single papers
    parts = {
        r: Ballots(ballots.candidates, ballots.rankings[region == r], ballots.weights[region == r])
        for r in ["North", "South", "East", "Isle"]
    }
    assert parts["Isle"].total < 50
    result = count(ballots, "scottish-stv", 3)
    cells = by_region(parts, result)
    assert all(c.papers >= 50 for c in cells)
    assert "Isle" not in [c.name for c in cells]  # merged into the next smallest
    assert sum(c.papers for c in cells) == ballots.total
    first = result.stages[0].totals
    for name in ballots.candidates:
        assert sum(c.first[name] for c in cells) == first[name]
    # the final round: every ballot once, for its highest-ranked finalist, or exhausted
    assert all(sum(c.final.values()) == c.papers for c in cells)
    assert set(cells[0].final) == {*(c for c, v in result.stages[-1].totals.items() if v > 0), EXHAUSTED}


def test_a_contest_smaller_than_the_minimum_is_one_cell_marked():
    ballots = Ballots.from_rankings(["A", "B"], [((0,), 5), ((1,), 3)])
    result = count(ballots, "irv", 1)
    split = {
        "x": Ballots.from_rankings(["A", "B"], [((0,), 5)]),
        "y": Ballots.from_rankings(["A", "B"], [((1,), 3)]),
    }
    (cell,) = by_region(split, result)
    assert cell.below_minimum and cell.regions == ("x", "y")
    assert cell.final == {"A": 5, "B": 3, EXHAUSTED: 0}  # both hold votes at the last stage


# A contest decided by colleges, CLP 1/2 and affiliates 1/2, counted by IRV for one seat. CLP
# delegates (weight 1): A, AB, B in the North, AC, BC in the South, and a CLP of two votes BA
# (weight 2): the CLP's 7 votes give A 3/7 and B 4/7 of its half. Affiliates' card votes: 300 A in
# the North; 100 B and 250 CA in the South: of their half 300, 100 and 250 in 650.
# First stage, as shares of the whole: A 3/14 + 3/13 = 81/182, B 2/7 + 1/13 = 33/91, C 5/26;
# C is excluded and its 250 go to A: A 58/91 wins.
COLLEGE_NORTH = [((0,), 1, "CLP"), ((0, 1), 1, "CLP"), ((1,), 1, "CLP"), ((0,), 300, "Aff")]
COLLEGE_SOUTH = [((0, 2), 1, "CLP"), ((1, 2), 1, "CLP"), ((1, 0), 2, "CLP"), ((1,), 100, "Aff")]
COLLEGE_SOUTH.append(((2, 0), 250, "Aff"))
SHARES = {"CLP": Fraction(1, 2), "Aff": Fraction(1, 2)}


def college_count(ballots):
    return count(ballots, "irv", 1, college_shares=SHARES)


def test_weight_classes_of_a_college_contest_are_recounted_with_each_college_scaled():
    ballots = Ballots.from_college_rankings(["A", "B", "C"], COLLEGE_NORTH + COLLEGE_SOUTH)
    classes = by_weight(ballots)
    assert [(d.name, d.college, len(d.ballots)) for d in classes] == [
        ("CLP: weight 2", "CLP", 1),
        ("CLP: weight 1", "CLP", 5),
        ("Aff: weight 300", "Aff", 1),
        ("Aff: weight 250", "Aff", 1),
        ("Aff: weight 100", "Aff", 1),
    ]
    counted = []

    def recount(b):
        counted.append(college_count(b))
        return counted[-1]

    actual, found = counterfactuals(["A", "B", "C"], classes, recount)
    assert actual.elected == ["A"] and actual.stages[0].totals["A"] / actual.valid_poll == Fraction(81, 182)
    by = {c.delegation: c for c in found}
    # Without the five single CLP votes the CLP's half is all B's: B 1/2 + 1/13 has a majority.
    assert (by["CLP: weight 1"].lost, by["CLP: weight 1"].gained) == (("A",), ("B",))
    # Without the 300 for A the affiliates' half is 100 B, 250 C of 350: A 3/14, B 2/7 + 1/7 = 3/7,
    # C 5/14; A is excluded, AB and AC pass on 1/14 each, and B's 1/2 is a majority of 13/14.
    assert by["Aff: weight 300"].gained == ("B",)
    without_300 = counted[1 + [d.name for d in classes].index("Aff: weight 300")]
    assert without_300.stages[0].totals["B"] / without_300.valid_poll == Fraction(3, 7)
    assert without_300.stages[1].totals["B"] / without_300.valid_poll == Fraction(1, 2)
    # The CLP of two (A 3/5 then: 3/10 + 3/13 > 1/2), the 250 and the 100 change nothing.
    assert [c.delegation for c in decisive(found)] == ["CLP: weight 1", "Aff: weight 300"]


def test_a_weight_class_with_all_its_college_s_votes_abstaining_leaves_the_other_college_alone():
    rows = [((0,), 1, "CLP"), ((0, 1), 1, "CLP"), ((1,), 1, "CLP"), ((1, 0), 300, "Aff"), ((0,), 301, "Aff")]
    ballots = Ballots.from_college_rankings(["A", "B"], rows)
    slates = {"A": "Left", "B": "Right"}
    actual, found = counterfactuals(["A", "B"], by_weight(ballots), college_count, slates)
    assert actual.elected == ["A"]  # A: 2/3 of the CLP's half, 301/601 of the affiliates'
    # abstaining, a weight class that is all its college leaves it without valid votes: the
    # other college's share is then the whole
    assert [(c.delegation, c.change) for c in found] == [
        ("CLP: weight 1", "abstain"),
        ("CLP: weight 1", "switch to Right"),
        ("Aff: weight 301", "abstain"),
        ("Aff: weight 301", "switch to Right"),
        ("Aff: weight 300", "abstain"),
        ("Aff: weight 300", "switch to Left"),
    ]
    assert found[0].elected == ("A",)  # the affiliates alone: 301 A to 300 B
    assert found[1].gained == ("B",)  # the CLP's half all B's: B 1/2 + 300/601 of a half
    assert found[2].elected == ("B",)  # without the 301 the affiliates' half is all B's: 1/2 + 1/6


def test_regions_of_a_college_contest_count_each_college_at_its_factor():
    names = ["A", "B", "C"]
    north = Ballots.from_college_rankings(names, COLLEGE_NORTH)
    south = Ballots.from_college_rankings(names, COLLEGE_SOUTH, colleges=["CLP", "Aff"])
    together = combined({"North": north, "South": south})
    assert together.colleges == ("CLP", "Aff") and together.total == 3 + 300 + 2 + 2 + 100 + 250
    result = college_count(together)
    whole = result.valid_poll
    cells = {c.name: c for c in by_region({"North": north, "South": south}, result, minimum=1)}
    assert (cells["North"].papers, cells["South"].papers) == (303, 354)  # as cast
    # North: A has 2 CLP votes (2/14 of the whole) and the 300 (3/13); B 1 CLP vote.
    assert cells["North"].first == {"A": whole * Fraction(34, 91), "B": whole / 14, "C": 0}
    assert cells["South"].first == {
        "A": whole / 14,
        "B": whole * Fraction(53, 182),
        "C": whole * Fraction(5, 26),
    }
    # The finalists are A and B; the 250 CA count for A in the final round.
    assert cells["South"].final == {
        "A": whole * Fraction(24, 91),
        "B": whole * Fraction(53, 182),
        EXHAUSTED: 0,
    }
    for name in names:
        assert sum(c.first[name] for c in cells.values()) == result.stages[0].totals[name]
    for name in ("A", "B"):
        assert sum(c.final[name] for c in cells.values()) == result.stages[-1].totals[name]


def random_delegations(rng, candidates, n, colleges, denominators, shortest=1) -> list[Delegation]:
    """``n`` delegations of 1 to 3 ballots (rankings of ``shortest`` or more candidates, weights
    1 to 6 over one of ``denominators``), the k-th in college ``colleges[k % len]`` if any."""
    return [
        Delegation(
            f"D{k}",
            tuple(
                (
                    tuple(
                        int(c) for c in rng.permutation(candidates)[: rng.integers(shortest, candidates + 1)]
                    ),
                    Fraction(int(rng.integers(1, 7)), int(rng.choice(denominators))),
                )
                for _ in range(rng.integers(1, 4))
            ),
            colleges[k % len(colleges)] if colleges else "",
        )
        for k in range(n)
    ]


@pytest.mark.parametrize("method", ["scottish-stv", "wigm", "meek", "ers97", "irv"])
def test_counterfactuals_without_stage_sheets_are_the_same(method):
    """The pivotal recounts read only who is elected, so they count with ``record_stages=False``:
    on small random delegations full of ties (settled by one tie seed), with a constraint and
    colleges, every counterfactual elects the same candidates in the same order."""
    rng = np.random.default_rng(5)
    names = ["Ann", "Bob", "Cy", "Di", "Ed"]
    groups = {"Cy": ["woman"], "Di": ["woman"]}
    seen = []  # decisive counterfactuals per trial
    for trial in range(12):
        colleges = trial % 3 == 2
        delegations = random_delegations(rng, 5, 5, ("clp", "aff") if colleges else (), (1,))
        seats = 1 if method == "irv" else 2
        rules = {"constraints": ["woman>=1"], "groups": groups} if trial % 2 else {}
        if colleges:
            rules["college_shares"] = {"clp": Fraction(1, 2), "aff": Fraction(1, 2)}

        rules |= {"tie_seed": f"t{trial}"}
        found = [
            counterfactuals(
                names,
                delegations,
                partial(count, method=method, seats=seats, record_stages=record, **rules),
                SLATES | {"Ed": "Ed"},
            )
            for record in (True, False)
        ]
        full, light = found
        seen.append(sum(c.decisive for c in full[1]))
        assert light[0].elected == full[0].elected and light[1] == full[1], trial
    assert sum(seen) > 20  # the recounts do change seats


def test_stacked_ballots_are_those_ballots_of_builds():
    """The recounts' ballots, put together from each delegation's arrays, are exactly the Ballots
    built from all their ballots at once: the same rows in the same order, weights over the same
    denominator, the same colleges; so every recount counts the same ballots."""
    rng = np.random.default_rng(9)
    names = ["Ann", "Bob", "Cy", "Di"]
    for trial in range(60):
        colleges = trial % 2 == 1
        delegations = random_delegations(
            rng, 4, int(rng.integers(1, 6)), ("clp", "aff", "soc") if colleges else (), (1, 2, 3), shortest=0
        )
        parts = [ballots_of(names, [d], "T") for d in delegations]
        ours, theirs = stacked(names, parts, "T"), ballots_of(names, delegations, "T")
        assert (ours.candidates, ours.denominator, ours.title, ours.colleges) == (
            theirs.candidates,
            theirs.denominator,
            theirs.title,
            theirs.colleges,
        )
        assert np.array_equal(ours.rankings, theirs.rankings) and ours.rankings.dtype == theirs.rankings.dtype
        assert np.array_equal(ours.weights, theirs.weights)
        assert (ours.college is None) == (theirs.college is None) and (
            ours.college is None or np.array_equal(ours.college, theirs.college)
        )
