import hashlib

import pytest

from tallyroom.count import TieBreaker, TieUnresolved
from tallyroom.count.ties import lot_index

NAMES = ["Ann", "Bob", "Cat", "Dan"]
A, B, C, D = range(4)


def published_draw(seed: str, draw: int, names: list[str]) -> str:
    """The lot formula as docs/methods/ties-and-constraints.md states it, written out again."""
    ordered = sorted(names)
    text = seed + "\n" + str(draw) + "\n" + "\n".join(ordered)
    return ordered[int(hashlib.sha256(text.encode()).hexdigest(), 16) % len(ordered)]


# Totals at stages 1..3: Ann and Bob tie at stage 3; Bob was lower at stage 2, Ann at stage 1.
HISTORY = [[1, 2, 9, 0], [4, 3, 9, 0], [5, 5, 9, 0]]


def test_backward_looks_at_the_latest_stage_that_differs():
    chosen, tie = TieBreaker(NAMES, ("backward",)).choose([A, B], "exclude", HISTORY)
    assert chosen == B
    assert (tie.settled_by, tie.purpose, tie.chosen, tie.candidates) == (
        "backward",
        "exclude",
        "Bob",
        ["Ann", "Bob"],
    )
    assert "stage 2" in tie.detail


def test_forward_looks_from_the_first_stage():
    chosen, tie = TieBreaker(NAMES, ("forward",)).choose([A, B], "exclude", HISTORY)
    assert chosen == A
    assert tie.settled_by == "forward" and "stage 1" in tie.detail


def test_for_election_the_highest_wins_the_tie():
    assert TieBreaker(NAMES, ("backward",)).choose([A, B], "elect", HISTORY)[0] == A
    assert TieBreaker(NAMES, ("forward",)).choose([A, B], "surplus", HISTORY)[0] == B


def test_backward_narrows_a_three_way_tie_stage_by_stage():
    history = [[2, 1, 9, 0], [3, 3, 4, 0], [6, 6, 6, 0]]
    # Stage 2 keeps Ann and Bob (lowest), stage 1 then picks Bob.
    chosen, tie = TieBreaker(NAMES, ("backward",)).choose([A, B, C], "exclude", history)
    assert chosen == B
    assert tie.detail == "stage 2 separated them; stage 1 separated them"


def test_no_tie_is_recorded_for_a_single_candidate():
    assert TieBreaker(NAMES).choose([C], "exclude") == (C, None)


def test_order_excludes_the_least_favoured_and_elects_the_most():
    ties = TieBreaker(NAMES, ("order",), order=["Cat", "Ann", "Dan", "Bob"])
    assert ties.choose([A, C, D], "exclude")[0] == D
    assert ties.choose([A, B, D], "elect")[0] == A
    assert ties.choose([A, B], "exclude")[1].settled_by == "order"


def test_backward_falls_through_to_order_when_totals_never_differed():
    ties = TieBreaker(NAMES, ("backward", "order"), order=NAMES)
    chosen, tie = ties.choose([A, B], "exclude", [[3, 3, 0, 0], [5, 5, 0, 0]])
    assert (chosen, tie.settled_by) == (B, "order")


def test_lot_follows_the_published_formula():
    ties = TieBreaker(NAMES, ("lot",), seed="2024-conference")
    drawn = [NAMES[ties.choose([A, B, C, D], "exclude")[0]] for _ in range(6)]
    assert drawn == [published_draw("2024-conference", k, NAMES) for k in range(1, 7)]
    assert ties.draws == 6
    assert lot_index("x", 1, ["Ann"]) == 0


def test_same_seed_same_draws_and_other_seeds_differ():
    def draws(seed):
        ties = TieBreaker(NAMES, ("backward", "lot"), seed=seed)
        return [ties.choose([A, B, C], "exclude", [[1, 1, 1, 0]])[0] for _ in range(20)]

    assert draws("seed-1") == draws("seed-1")
    assert draws("seed-1") != draws("seed-2")
    assert set(draws("seed-1")) == {A, B, C}


def test_lot_without_a_seed_is_unresolved():
    with pytest.raises(TieUnresolved, match="Ann, Bob.*tie seed"):
        TieBreaker(NAMES, ("backward", "lot")).choose([A, B], "exclude", [[1, 1, 0, 0]])


def test_rules_that_leave_a_tie_raise():
    with pytest.raises(TieUnresolved, match="leave Ann, Bob tied"):
        TieBreaker(NAMES, ("backward",)).choose([A, B], "exclude", [[1, 1, 0, 0]])


def test_bad_rules_and_orders_are_refused():
    with pytest.raises(ValueError, match="unknown tie rule 'coin'"):
        TieBreaker(NAMES, ("coin",))
    with pytest.raises(ValueError, match="needs an order"):
        TieBreaker(NAMES, ("order",))
    with pytest.raises(ValueError, match="Eve"):
        TieBreaker(NAMES, ("order",), order=["Ann", "Eve"])
    with pytest.raises(ValueError, match="a repeat"):
        TieBreaker(NAMES, ("order",), order=["Ann", "Ann"])
    with pytest.raises(ValueError, match="Eve"):
        TieBreaker(NAMES, ("lot",), order=["Eve"])
    with pytest.raises(ValueError, match="purpose"):
        TieBreaker(NAMES).choose([A, B], "win")
    # An order may leave out a withdrawn candidate, but not one in a tie.
    with pytest.raises(TieUnresolved, match="does not name Dan"):
        TieBreaker(NAMES, ("order",), order=["Ann", "Bob", "Cat"]).choose([C, D], "exclude")
