"""ERS97 STV: the booklet's model election (first two stages) and each rule worked by hand."""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tallyroom.count import Ballots, TieUnresolved, count, ers97
from tallyroom.count.numbers import decimal_str
from tallyroom.formats.blt import read_blt

DATA = Path(__file__).parent.parent / "data" / "ers97"
MODEL = DATA / "model-stages-1-2.blt"


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


# --- the total active vote and the votes required (issue 11) ------------------------------------


@dataclass
class Check:
    """One check for election the count made (5.1.7, 5.3.13, 5.4.9): the stage it belongs to, the
    votes required it used, and the count's state before and after it."""

    stage: int
    action: str
    required: Fraction
    places: int  # places not yet filled, before the check
    totals: list[Fraction]  # every candidate's votes, by index
    continuing: list[int]
    elected: list[int]
    excluded: list[int]
    newly: list[str]  # deemed elected by this check
    after: tuple[list[int], list[int], int]  # continuing, elected, places left after it


@contextmanager
def checks():
    """Record every check for election an ERS97 count makes (by watching stv.CountState.settle)."""
    seen: list[Check] = []

    class Watched(ers97.CountState):
        def settle(self, stage, totals, quota):
            before = len(self.elected)
            state = (list(self.continuing), list(self.elected), list(self.excluded), self.seats_left)
            super().settle(stage, totals, quota)
            seen.append(
                Check(
                    stage.stage or len(self.stages) + 1,  # an exclusion's stage is recorded after it
                    stage.action,
                    quota.value,
                    state[3],
                    [Fraction(t) for t in totals],
                    *state[:3],
                    newly=[self.names[c] for c in self.elected[before:]],
                    after=(list(self.continuing), list(self.elected), self.seats_left),
                )
            )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ers97, "CountState", Watched)
        yield seen


def figures(seen: list[Check], stage: int) -> list[tuple[str, list[str]]]:
    """The votes required at each check of ``stage`` (as decimal strings), and who each elected."""
    return [(decimal_str(c.required, 2), c.newly) for c in seen if c.stage == stage]


def test_papers_awaiting_transfer_count_in_the_total_active_vote():
    # 14 candidates, 4 seats, 286 valid papers: quota 286 / 5 = 57.20 exactly (5.1.6).
    # 1: C04 87 elected. 2: C04's surplus 29.80 over its 70 transferable papers (of 87; 5.3.1):
    #    29.80 / 70 -> 0.42, 29.40 moves, 0.40 non-transferable difference.
    # 3: C05 0.84 + C13 2.10 + C12 3.36 + C11 8.68 = 14.98 <= C03 15.10, and adding C03 (30.08)
    #    exceeds C01 17.68: the four go together (5.2.5). 4: C03. 5: C09 (18 papers at 1.00, 5 at
    #    0.42). After its 1.00 batch, nt 19.52: the total active vote is 286 - 57.20 - 19.52 - 0.40 =
    #    208.88 (C09's 2.10 still waiting included), / 4 = 52.22: C02 54.82 is elected (5.4.9(b));
    #    again without C02's 54.82, 154.06 / 3 = 51.36, nobody; after the 0.42 batch (C02 passed
    #    over, 5.4.10) 152.80 / 3 = 50.94. 6: C07. 7: C01: after its 1.00 batch 133.38 / 3 = 44.46
    #    elects C10 45.46; then 87.92 / 2 = 43.96; after the 0.42 batch 86.24 / 2 = 43.12.
    # 8: C08 and C14 27.94 tie lowest; C14 had fewer at stage 1 (18 < 20) and goes (5.2.5). Its 25
    #    papers at 1.00 give C06 +6, C08 +8, 11 non-transferable: C06 36.36, C08 35.94, and C14's 7
    #    papers at 0.42 (2.94) wait. Total active vote 36.36 + 35.94 + 2.94 = 75.24
    #    (= 286 - 57.20 - 54.82 - 45.46 - 52.88 - 0.40), / 2 = 37.62: nobody. The 0.42 batch gives
    #    C06 +0.84, C08 +1.68, 0.42 non-transferable: 74.82 / 2 = 37.41 and C08 37.62 is elected.
    # (Leaving the 2.94 out, 72.30 / 2 = 36.15 elected C06 after the first batch.)
    with checks() as seen:
        r = count(read_blt(DATA / "exclusion-threshold.blt"), "ers97", seats=4)
    assert r.quota == F("57.20")
    assert [(s.action, sorted(s.subject), s.elected) for s in r.stages] == [
        ("first", [], ["C04"]),
        ("surplus", ["C04"], []),
        ("exclusion", ["C05", "C11", "C12", "C13"], []),
        ("exclusion", ["C03"], []),
        ("exclusion", ["C09"], ["C02"]),
        ("exclusion", ["C07"], []),
        ("exclusion", ["C01"], ["C10"]),
        ("exclusion", ["C14"], ["C08"]),
    ]
    assert r.stages[1].transfer_value == F("0.42") and r.stages[1].loss == F("0.40")
    assert figures(seen, 5) == [("52.22", ["C02"]), ("51.36", []), ("50.94", [])]
    assert figures(seen, 7) == [("44.46", ["C10"]), ("43.96", []), ("43.12", [])]
    assert figures(seen, 8) == [("37.62", []), ("37.41", ["C08"])]
    last = r.stages[7]
    assert (last.totals["C06"], last.totals["C08"], last.totals["C14"]) == (F("37.20"), F("37.62"), 0)
    assert last.non_transferable == F("53.30")
    assert last.ties[0].chosen == "C14" and last.ties[0].settled_by == "forward"
    assert "votes required 37.41 = total active vote 74.82 / (1 place left + 1): C08 elected" in last.note
    assert r.elected == ["C04", "C02", "C10", "C08"]


def test_the_votes_required_are_counted_again_after_each_election():
    # 6 candidates, 5 seats, 853 valid papers: quota 853 / 6 = 142.1666.. -> 142.17.
    # 1: C04 642 and C05 185 elected; 853 / 6, 710.83 / 5 and 568.66 / 4 all round up to 142.17.
    # 2: C04's surplus 499.83 over its 642 papers: 369 are transferable (C01 135, C02 89, C03 74,
    #    C06 71), worth 369 <= 499.83, so they move at their value, 1.00 (5.3.7), and 130.83 cannot
    #    move. Total active vote: continuing 150 + 100 + 74 + 71 = 395, plus C05's surplus 42.83
    #    awaiting transfer = 437.83, / (3 places + 1) = 109.46: C01 150 is elected. C01 now holds
    #    the quota (its 7.83 surplus waits): 295.66 / (2 + 1) = 98.56, so C02 100 is elected at this
    #    stage too (5.3.13 "each continuing candidate in turn", 5.6.1), holding its 100: 195.66 / 2
    #    = 97.83 and C03 74 is not.
    # 3: surpluses 42.83 + 7.83 exceed C03 - C06 = 3: C05's goes, all 185 papers (a first-stage
    #    surplus): 51 go to C03, 37 to C06, 97 have no continuing preference; 42.83 / 88 -> 0.48,
    #    C03 +24.48 = 98.48, C06 +17.76 = 88.76, 0.59 difference. 98.48 + 88.76 + 7.83 = 195.07,
    #    / 2 = 97.54: C03 is elected and the seats are filled.
    # (One threshold per stage elected C02 only at stage 3, at 112.15.)
    with checks() as seen:
        r = count(read_blt(DATA / "threshold-after-election.blt"), "ers97", seats=5)
    assert r.quota == F("142.17")
    assert [(s.action, s.subject, s.elected) for s in r.stages] == [
        ("first", [], ["C04", "C05"]),
        ("surplus", ["C04"], ["C01", "C02"]),
        ("surplus", ["C05"], ["C03"]),
    ]
    assert figures(seen, 1) == [("142.17", ["C04", "C05"]), ("142.17", [])]
    assert figures(seen, 2) == [("109.46", ["C01"]), ("98.56", ["C02"]), ("97.83", [])]
    assert figures(seen, 3) == [("97.54", ["C03"])]
    second, third = r.stages[1], r.stages[2]
    assert second.transfer_value == 1 and second.non_transferable == F("130.83")
    assert (second.totals["C01"], second.totals["C02"], second.totals["C03"]) == (150, 100, 74)
    assert "98.56 = total active vote 295.66 / (2 places left + 1): C02 elected" in second.note
    assert third.transfer_value == F("0.48") and third.loss == F("0.59")
    assert (third.totals["C03"], third.totals["C06"]) == (F("98.48"), F("88.76"))
    assert r.elected == ["C04", "C05", "C01", "C02", "C03"]


def _required(c: Check, quota: Fraction | None, elected: list[int], continuing: list[int], places: int):
    """The votes required, counted from the papers: those on continuing candidates, the surpluses
    of elected candidates and the excluded candidates' papers not yet moved (6.20), over one more
    than the places not yet filled, rounded up to two places, at least 0.01, at most the quota."""
    waiting = sum((c.totals[e] for e in c.excluded), Fraction(0))
    surpluses = sum((max(c.totals[e] - quota, Fraction(0)) for e in elected), Fraction(0))
    active = sum((c.totals[k] for k in continuing), Fraction(0)) + waiting + surpluses
    share = active / (places + 1)
    votes = Fraction(-((-share.numerator * 100) // share.denominator), 100)
    return votes if quota is None else min(quota, max(votes, F("0.01")))


@st.composite
def exclusions(draw):
    """Contests of 4-9 candidates for 2-4 seats in which C0 is popular: its surplus moves at a
    fractional value, so the candidates excluded later hold papers of several values."""
    n = draw(st.integers(4, 9))

    def rankings(first):
        rest = [c for c in range(n) if c != first] if first is not None else list(range(n))
        head = () if first is None else (first,)
        return st.permutations(rest).flatmap(
            lambda p: st.integers(0 if head else 1, len(p)).map(lambda k: head + tuple(p[:k]))
        )

    rows = draw(st.lists(st.tuples(rankings(None), st.integers(1, 6)), min_size=1, max_size=30))
    rows += draw(st.lists(st.tuples(rankings(0), st.integers(3, 15)), min_size=1, max_size=8))
    return [f"C{i}" for i in range(n)], rows, draw(st.integers(2, min(4, n - 2)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contest=exclusions())
def test_at_every_step_of_an_exclusion_the_total_active_vote_counts_every_paper_not_held(contest):
    # Every paper neither held by an elected candidate (their quota, or votes if less) nor
    # non-transferable counts in the votes required, at every batch of every exclusion, and the
    # votes required are counted again after each election until nobody continuing reaches them.
    names, rows, seats = contest
    with checks() as seen:
        r = count(Ballots.from_rankings(names, rows), "ers97", seats=seats, tie_seed="property")

    def quota_at(c: Check, elected: list[int]) -> Fraction:
        """Fixed from the first election on; before it, the votes not non-transferable over one
        more than the seats (5.4.8), which is what the total active vote gives then."""
        return r.quota if elected else _required(c, None, [], c.continuing, seats)

    for i, c in enumerate(seen):
        assert c.required == _required(c, quota_at(c, c.elected), c.elected, c.continuing, c.places), c
        if c.action == "exclusion" and any(c.totals[e] for e in c.excluded):
            event("papers waiting in an exclusion")
        continuing, elected, places = c.after
        point_ends = i + 1 == len(seen) or seen[i + 1].totals != c.totals or seen[i + 1].stage != c.stage
        if point_ends and places:
            required = _required(c, quota_at(c, elected), elected, continuing, places)
            assert all(c.totals[k] < required for k in continuing), (c.stage, c)


def test_a_doomed_exclusion_without_votes_still_fills_the_last_seats():
    # One ballot, for C0 (elected). b<=1, w>=1: C2 (w, b) is the only woman, so C3 (b) is doomed.
    # The zero-vote exclusions moved no papers, so nothing was settled after them: the count then
    # excluded C1 although C1 and C2 were needed for the two seats left, and elected two of three.
    names = ["C0", "C1", "C2", "C3", "C4", "C5"]
    groups = {"C2": {"w", "b"}, "C3": {"b"}, "C4": {"w"}}
    r = count(
        Ballots.from_rankings(names, [((0,), 1)]),
        "ers97",
        seats=3,
        constraints=["b<=1", "w>=1"],
        groups=groups,
        options={"ties": ["order"]},
        tie_order=names,
    )
    assert sorted(r.elected) == ["C0", "C1", "C2"]
