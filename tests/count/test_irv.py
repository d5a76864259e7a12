from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tallyroom.count import Ballots, ConstraintError, TieUnresolved, count

NAMES = ["Ann", "Bob", "Cat", "Dan", "Eve"]
ANN, BOB, CAT, DAN, EVE = range(5)
GROUPS = {"Ann": ["woman"], "Cat": ["woman"], "Eve": ["woman"]}


def ballots(*rows, names=NAMES):
    return Ballots.from_rankings(names, rows)


def totals(stage):
    return {name: str(v) for name, v in stage.totals.items()}


# Worked by hand: A 8, B 7, C 6, D 4; D's papers go to C (10); then B (7) is lowest and its papers
# go to C, who has 17 of the 25 continuing votes. Three papers are blank.
HAND = [((ANN, BOB), 8), ((BOB, CAT), 7), ((CAT, BOB), 6), ((DAN, CAT), 4), ((), 3)]


def test_a_count_worked_by_hand():
    r = count(ballots(*HAND, names=NAMES[:4]), "irv")
    assert r.elected == ["Cat"]
    assert (r.valid_poll, r.empty) == (25, 3)
    assert [(s.action, s.subject, s.elected) for s in r.stages] == [
        ("first", [], []),
        ("exclusion", ["Dan"], []),
        ("exclusion", ["Bob"], ["Cat"]),
    ]
    assert [totals(s) for s in r.stages] == [
        {"Ann": "8", "Bob": "7", "Cat": "6", "Dan": "4"},
        {"Ann": "8", "Bob": "7", "Cat": "10", "Dan": "0"},
        {"Ann": "8", "Bob": "0", "Cat": "17", "Dan": "0"},
    ]
    assert r.to_dict()["method"] == "irv"


def test_a_majority_of_continuing_votes_not_of_the_poll():
    # A 4, B 3, C 3. B and C tie at every stage, so the order decides: C (least favoured) goes,
    # its 3 votes exhaust, and A has 4 of the 7 continuing.
    b = ballots(((ANN,), 4), ((BOB,), 3), ((CAT,), 3), names=NAMES[:3])
    r = count(b, "irv", options={"ties": "backward,order"}, tie_order=NAMES[:3])
    assert r.elected == ["Ann"]
    last = r.stages[-1]
    assert (last.subject, last.non_transferable, sum(last.totals.values())) == (["Cat"], 3, 7)
    assert last.ties[0].settled_by == "order" and last.ties[0].candidates == ["Bob", "Cat"]
    assert r.valid_poll == 10  # 4 is not a majority of the poll, but it is of the continuing votes


def test_the_backward_rule_settles_an_exclusion_tie():
    b = ballots(((ANN,), 8), ((BOB, CAT), 5), ((CAT, BOB), 4), ((DAN, CAT), 1), names=NAMES[:4])
    r = count(b, "irv")
    # Stage 2: A 8, B 5, C 5. C had 4 to B's 5 at stage 1, so C goes: B 9 of the 17 continuing
    # (D's paper exhausts: its next preference, C, is gone).
    assert [s.subject for s in r.stages] == [[], ["Dan"], ["Cat"]]
    tie = r.stages[2].ties[0]
    assert (tie.settled_by, tie.chosen, tie.candidates) == ("backward", "Cat", ["Bob", "Cat"])
    assert (r.elected, r.stages[2].non_transferable) == (["Bob"], 1)


def test_an_unbreakable_tie_needs_a_seed_and_the_seed_decides():
    b = ballots(((ANN,), 2), ((BOB,), 2), names=NAMES[:2])
    with pytest.raises(TieUnresolved, match="tie seed"):
        count(b, "irv")
    first = count(b, "irv", tie_seed="published-1")
    assert first.elected == count(b, "irv", tie_seed="published-1").elected
    assert first.stages[1].ties[0].settled_by == "lot"
    winners = {count(b, "irv", tie_seed=f"s{i}").elected[0] for i in range(12)}
    assert winners == {"Ann", "Bob"}


def test_fractional_card_votes():
    b = ballots(((ANN,), "2.5"), ((BOB, ANN), "1.25"), ((CAT, BOB), "2"), ((DAN,), "0.5"), names=NAMES[:4])
    r = count(b, "irv")
    # D 0.5 exhausts; B 1.25 goes to A: A 3.75 of 5.75.
    assert r.elected == ["Ann"]
    assert r.stages[-1].totals == {"Ann": Fraction(15, 4), "Bob": 0, "Cat": 2, "Dan": 0}
    assert r.stages[-1].non_transferable == Fraction(1, 2)
    assert r.to_dict()["stages"][-1]["totals"]["Ann"] == "3.75"


def test_bulk_exclusion_gives_the_same_winner_in_fewer_stages():
    b = ballots(
        ((ANN,), 20), ((BOB, ANN), 15), ((CAT, BOB), 3), ((DAN, CAT), 2), ((EVE, BOB), 1), ((BOB,), 4)
    )
    one_by_one = count(b, "irv")
    bulk = count(b, "irv", options={"bulk_exclusion": True})
    assert one_by_one.elected == bulk.elected
    # E 1, D 2, C 3 have 6 < B's 19 (E+D = 3 is not fewer than C's 3): all three go at once.
    # B then has 23 of the 43 continuing votes (D's paper exhausts).
    assert [s.subject for s in bulk.stages] == [[], ["Eve", "Dan", "Cat"]]
    assert [s.subject for s in one_by_one.stages] == [[], ["Eve"], ["Dan"], ["Cat"]]
    assert bulk.elected == ["Bob"] and bulk.stages[1].non_transferable == 2
    assert bulk.stages[1].totals == one_by_one.stages[3].totals


def test_doomed_candidates_are_excluded_at_once():
    b = ballots(((ANN,), 3), ((BOB, CAT), 6), ((CAT,), 2), ((DAN, EVE), 5))
    r = count(b, "irv", constraints=["woman>=1"], groups=GROUPS)
    assert r.stages[1].subject == ["Bob", "Dan"]
    assert "constraints" in r.stages[1].note
    assert r.stages[1].totals == {"Ann": 3, "Bob": 0, "Cat": 8, "Dan": 0, "Eve": 5}
    assert r.elected == ["Cat"]
    unconstrained = count(b, "irv")
    assert unconstrained.elected == ["Bob"]
    with pytest.raises(ConstraintError):
        count(b, "irv", constraints=["woman<=0"], groups=dict.fromkeys(NAMES, ["woman"]))


def test_ron_counts_like_a_candidate_and_is_never_doomed():
    b = ballots(((ANN,), 3), ((BOB,), 6), ((CAT,), 2))
    r = count(b, "irv", ron="Bob", constraints=["woman>=1"], groups=GROUPS, withdrawn=["Dan", "Eve"])
    assert r.elected == ["Bob"] and r.seats_reopened == 1
    assert list(r.stages[0].totals) == ["Ann", "Bob", "Cat"]
    assert "its seat is left vacant" in r.stages[-1].note


def test_irv_fills_one_seat():
    with pytest.raises(ValueError, match="one seat"):
        count(ballots(((ANN,), 1)), "irv", seats=2)


def test_no_votes_at_all_still_fill_the_seat_by_the_tie_rules():
    r = count(ballots(((), 2), names=NAMES[:3]), "irv", options={"ties": "order"}, tie_order=NAMES[:3])
    assert r.elected == ["Ann"] and r.valid_poll == 0 and r.empty == 2
    assert [s.subject for s in r.stages] == [[], ["Cat"], ["Bob"]]


def reference_irv(m, rows, order):
    """Plain IRV, written for clarity: recount every round from the papers; exclude the lowest
    (a tie: the one latest in ``order``); stop at a majority of continuing votes."""
    continuing = list(range(m))
    rounds = []
    while True:
        tally = dict.fromkeys(continuing, Fraction(0))
        for ranking, weight in rows:
            for c in ranking:
                if c in continuing:
                    tally[c] += weight
                    break
        rounds.append(tally)
        top = max(tally.values())
        if len(continuing) == 1 or 2 * top > sum(tally.values()):
            return [c for c in continuing if tally[c] == top][0], rounds
        low = min(tally.values())
        continuing.remove(max((c for c in continuing if tally[c] == low), key=order.index))


@settings(max_examples=200, deadline=None)
@given(
    m=st.integers(1, 6),
    data=st.data(),
)
def test_agrees_with_a_plain_recount_every_round(m, data):
    rows = data.draw(
        st.lists(
            st.tuples(
                st.permutations(range(m)).flatmap(
                    lambda p: st.integers(0, len(p)).map(lambda k: tuple(p[:k]))
                ),
                st.sampled_from([1, 2, 3, Fraction(1, 2), Fraction(5, 4)]),
            ),
            max_size=30,
        )
    )
    order = data.draw(st.permutations(range(m)))
    names = [f"C{i}" for i in range(m)]
    r = count(
        Ballots.from_rankings(names, rows),
        "irv",
        options={"ties": "order"},
        tie_order=[names[c] for c in order],
    )
    winner, rounds = reference_irv(m, rows, list(order))
    assert r.elected == [names[winner]]
    assert len(r.stages) == len(rounds)
    valid = sum((w for ranking, w in rows if ranking), Fraction(0))
    for stage, tally in zip(r.stages, rounds, strict=True):
        # Excluded candidates show 0; the continuing ones what a recount from the papers gives.
        assert stage.totals == {names[c]: tally.get(c, 0) for c in range(m)}
        assert stage.non_transferable == valid - sum(tally.values())


@pytest.mark.crosscheck
@settings(max_examples=100, deadline=None)
@given(
    m=st.integers(2, 6),
    data=st.data(),
)
def test_agrees_with_pref_voting_when_no_tie_arises(m, data):
    pytest.importorskip("pref_voting")
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.voting_methods import instant_runoff_for_truncated_linear_orders

    rankings = st.permutations(range(m)).flatmap(lambda p: st.integers(1, m).map(lambda k: tuple(p[:k])))
    rows = data.draw(
        st.lists(st.tuples(rankings, st.integers(1, 40)), min_size=1, max_size=12, unique_by=lambda r: r[0])
    )
    names = [f"C{i}" for i in range(m)]
    r = count(Ballots.from_rankings(names, rows), "irv", tie_seed="crosscheck")
    if r.ties:
        return
    profile = ProfileWithTies(
        [{c: i + 1 for i, c in enumerate(k)} for k, _ in rows],
        rcounts=[w for _, w in rows],
        candidates=range(m),
    )
    assert [names[c] for c in instant_runoff_for_truncated_linear_orders(profile)] == r.elected
