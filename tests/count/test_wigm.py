"""WIGM and Scottish STV on small hand-checked counts (every expected figure worked by hand)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from tallyroom.count import Ballots, Result, TieUnresolved, count
from tallyroom.count.ties import lot_index


def ballots(names: str, papers: dict[str, int]) -> Ballots:
    """``ballots("ABCD", {"AB": 7, "": 1})``: each key a ranking by candidate letter."""
    return Ballots.from_rankings(list(names), [([names.index(c) for c in r], w) for r, w in papers.items()])


def balanced(result: Result) -> None:
    for stage in result.stages:
        assert sum(stage.totals.values()) + stage.non_transferable + stage.loss == result.valid_poll


# A 13 (7 then B, 4 then C, 2 plain), B 4, C 5 (then D), D 3: 25 valid, 2 seats, quota 9.
SURPLUS = ballots("ABCD", {"AB": 7, "AC": 4, "A": 2, "B": 4, "CD": 5, "D": 3})


def test_surplus_transfer_values_are_truncated_and_the_loss_recorded():
    result = count(SURPLUS, "scottish-stv", seats=2)
    first, surplus = result.stages[0], result.stages[1]
    assert result.quota == 9 and result.valid_poll == 25
    assert first.action == "first" and first.elected == ["A"]
    # surplus 4 of 13: 4/13 = 0.307692... truncated to 0.30769 a paper
    assert surplus.action == "surplus" and surplus.subject == ["A"]
    assert surplus.transfer_value == F("0.30769")
    assert surplus.totals == {"A": 9, "B": F("6.15383"), "C": F("6.23076"), "D": 3}
    assert surplus.non_transferable == F("0.61538")  # the 2 papers with no next preference
    assert surplus.loss == F("0.00003")  # 4 - 13 x 0.30769
    balanced(result)


def test_exclusion_moves_papers_at_their_value_and_the_last_vacancy_is_filled():
    result = count(SURPLUS, "scottish-stv", seats=2)
    assert [(s.action, s.excluded) for s in result.stages[2:]] == [("exclusion", ["D"]), ("exclusion", ["B"])]
    last = result.stages[3]
    # B's 4 own papers and the 7 that came from A at 0.30769 have no further preference
    assert last.non_transferable == F("0.61538") + 3 + 4 + 7 * F("0.30769")
    assert last.totals["B"] == 0 and last.totals["C"] == F("6.23076")
    assert last.elected == ["C"] and "last vacancies" in last.note
    assert result.elected == ["A", "C"]
    balanced(result)


def test_places_option_sets_the_precision_of_transfer_values():
    result = count(SURPLUS, "wigm", seats=2, options={"places": 2})
    surplus = result.stages[1]
    assert surplus.transfer_value == F("0.30")
    assert surplus.totals["B"] == F("6.10") and surplus.loss == 4 - 13 * F("0.30")
    balanced(result)


def test_a_paper_transfers_at_surplus_times_its_own_value_over_the_total():
    # A 13 (10 then B then C, 3 plain), B 3, C 3, D 6: 25 valid, 3 seats, quota 7.
    # A's surplus 6/13 -> 0.46153; B: 3 + 10 x 0.46153 = 7.6153, surplus 0.6153.
    # A paper worth 0.46153 passes on at 0.6153 x 0.46153 / 7.6153 = 0.037290..., so 0.03729
    # (not trunc(0.6153 / 7.6153) x 0.46153 = 0.08079 x 0.46153 = 0.037287...).
    b = ballots("ABCD", {"ABC": 10, "A": 3, "B": 3, "C": 3, "D": 6})
    result = count(b, "scottish-stv", seats=3)
    third = result.stages[2]
    assert third.subject == ["B"] and third.transfer_value == F("0.08079")
    assert third.totals["C"] == 3 + 10 * F("0.03729")
    balanced(result)


def test_an_exact_quota_gets_no_surplus_stage():
    b = ballots("ABC", {"A": 4, "B": 3, "C": 2, "BA": 1})  # 10 valid, 2 seats, quota 4
    result = count(b, "scottish-stv", seats=2)
    assert result.stages[0].elected == ["A", "B"]
    assert len(result.stages) == 1


def test_equal_lowest_are_separated_by_the_latest_stage_they_differed():
    # stage 1: A 9, B 3, C 4, D 2; D goes, one paper to B: B 4 = C 4; at stage 1 B had fewer.
    b = ballots("ABCD", {"A": 9, "BC": 3, "C": 4, "DB": 1, "D": 1})
    result = count(b, "scottish-stv", seats=1)
    assert result.stages[1].totals["B"] == result.stages[1].totals["C"] == 4
    third = result.stages[2]
    assert third.excluded == ["B"]
    (tie,) = third.ties
    assert (tie.purpose, tie.settled_by, tie.chosen) == ("exclude", "backward", "B")
    assert tie.detail == "stage 1 separated them"
    assert result.elected == ["A"]


def test_a_tie_equal_at_every_stage_is_settled_by_the_published_lot():
    b = ballots("ABC", {"A": 4, "B": 2, "C": 2})
    result = count(b, "scottish-stv", seats=1, tie_seed="seed-1")
    (tie,) = result.stages[1].ties
    assert tie.settled_by == "lot"
    assert tie.chosen == ["B", "C"][lot_index("seed-1", 1, ["B", "C"])]
    assert result.stages[1].excluded == [tie.chosen]
    with pytest.raises(TieUnresolved):
        count(b, "scottish-stv", seats=1)


def test_equal_surpluses_are_taken_in_an_order_settled_by_the_tie_rules():
    b = ballots("ABCD", {"AC": 5, "BD": 5, "C": 1, "D": 1})  # 12 valid, 3 seats, quota 4
    result = count(b, "scottish-stv", seats=3, tie_seed="s")
    (tie,) = result.stages[1].ties
    assert (tie.purpose, tie.settled_by) == ("surplus", "lot")
    assert result.stages[1].subject == [tie.chosen]


def test_surplus_order_elected_takes_the_first_elected_first():
    # 31 valid, 4 seats, quota 7. A 10 and B 8 are elected at stage 1; A's surplus (3, at 0.3 a
    # paper) brings C to 9. Then C's surplus (2) is larger, but B (1) was elected first.
    b = ballots("ABCDE", {"AC": 10, "B": 8, "C": 6, "D": 4, "E": 3})
    by_size = count(b, "wigm", seats=4)
    by_order = count(b, "wigm", seats=4, options={"surplus_order": "elected"})
    for result in (by_size, by_order):
        assert result.stages[0].elected == ["A", "B"]
        assert result.stages[1].subject == ["A"] and result.stages[1].elected == ["C"]
        balanced(result)
    assert by_size.stages[2].subject == ["C"]
    assert by_order.stages[2].subject == ["B"]


def test_droop_exact_quota_must_be_exceeded():
    b = ballots("ABCDE", {"A": 5, "B": 6, "C": 4, "D": 3, "E": 2})  # 20 valid, 3 seats
    exact = count(b, "wigm", seats=3, options={"quota": "droop-exact"})
    assert exact.quota == 5
    assert exact.stages[0].elected == ["B"]  # A's 5 only reaches it
    droop = count(b, "wigm", seats=3)
    assert droop.quota == 6 and droop.stages[0].elected == ["B"]


def test_hare_quota():
    b = ballots("ABC", {"A": 5, "B": 4, "C": 3})
    assert count(b, "wigm", seats=2, options={"quota": "hare"}).quota == 6


def test_empty_and_withdrawn():
    b = ballots("ABC", {"BA": 3, "B": 2, "A": 2, "C": 3, "": 1})
    result = count(b, "scottish-stv", seats=1, withdrawn=["B"])
    assert set(result.stages[0].totals) == {"A", "C"}
    assert result.stages[0].totals == {"A": 5, "C": 3}
    assert result.valid_poll == 8 and result.empty == 3  # the blank paper and the 2 only for B
    assert result.elected == ["A"]


def test_ron_counts_like_any_candidate_and_its_seat_is_reopened():
    b = ballots("ABR", {"R": 6, "A": 5, "B": 2})
    result = count(b, "scottish-stv", seats=2, ron="R")
    assert result.elected == ["R", "A"]
    assert result.seats_reopened == 1


def test_doomed_candidates_are_excluded_at_once_in_one_stage():
    b = ballots("ABCD", {"AC": 6, "B": 5, "C": 2, "D": 3})
    result = count(b, "scottish-stv", seats=1, constraints=["w>=1"], groups={"C": {"w"}, "D": {"w"}})
    doom = result.stages[1]
    assert doom.action == "exclusion" and doom.excluded == ["A", "B"] and "doomed" in doom.note
    assert doom.totals == {"A": 0, "B": 0, "C": 8, "D": 3} and doom.non_transferable == 5
    assert result.elected == ["C"]
    balanced(result)


def test_a_candidate_on_quota_is_passed_over_when_doomed():
    b = ballots("ABCD", {"A": 10, "B": 8, "C": 2, "D": 3})  # 23 valid, 2 seats, quota 8
    result = count(b, "scottish-stv", seats=2, constraints=["w>=1"], groups={"C": {"w"}, "D": {"w"}})
    assert result.stages[0].elected == ["A"]
    assert "B" not in result.elected and "B" in result.stages[1].excluded
    assert result.elected[1] in ("C", "D")


def test_a_guarded_candidate_is_never_excluded():
    # D, the only woman, is lowest with G, but G goes; then F, then B; A and D fill the seats.
    b = ballots("ABDFG", {"A": 5, "B": 4, "F": 3, "D": 2, "G": 2})
    result = count(b, "scottish-stv", seats=2, constraints=["w>=1"], groups={"D": {"w"}})
    assert [s.excluded for s in result.stages[1:]] == [["G"], ["F"], ["B"]]
    assert all(not s.ties for s in result.stages)
    assert sorted(result.elected) == ["A", "D"]


def test_guarded_candidates_who_alone_fill_the_seats_are_elected():
    b = ballots("ABCD", {"A": 6, "B": 5, "C": 2, "D": 1})
    result = count(b, "scottish-stv", seats=2, constraints=["w>=2"], groups={"C": {"w"}, "D": {"w"}})
    assert result.stages[0].elected == ["C", "D"] and "guarded" in result.stages[0].note
    assert len(result.stages) == 1


def test_bad_options_are_refused():
    with pytest.raises(ValueError, match="quota"):
        count(SURPLUS, "wigm", seats=2, options={"quota": "imperiali"})
    with pytest.raises(ValueError, match="rounding"):
        count(SURPLUS, "wigm", seats=2, options={"rounding": "up"})
    with pytest.raises(ValueError, match="surplus_order"):
        count(SURPLUS, "wigm", seats=2, options={"surplus_order": "random"})
