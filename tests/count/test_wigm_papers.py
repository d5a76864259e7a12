"""WIGM's two ways of holding papers, ``Papers`` (large counts) and ``FewPapers`` (small counts,
fewer NumPy calls a transfer), count every contest to the same figures: random small contests
with card votes, fractional weights, truncated rankings, withdrawals, constraints and every
option, and real Scottish wards, each counted both ways (``wigm.SMALL`` chooses)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.count import Ballots, ConstraintError, count, wigm
from tallyroom.formats.blt import read_blt

WARDS = sorted(
    (Path(__file__).parent.parent / "data" / "scotland" / "ballots" / "2012-edinburgh").glob("*.blt")
)


def both(ballots, *args, **kw):
    """The count with ``Papers`` and with ``FewPapers``, each as exact stage figures."""
    out = []
    for small in (0, 1 << 40):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(wigm, "SMALL", small)
            try:
                result = count(ballots, *args, **kw)
            except (ConstraintError, ValueError) as e:
                out.append(repr(e))
                continue
        out.append(
            (
                result.to_dict(),
                [(s.totals, s.non_transferable, s.loss, s.transfer_value) for s in result.stages],
            )
        )
    return out


@st.composite
def contests(draw):
    m = draw(st.integers(1, 9))
    ranking = st.permutations(range(m)).flatmap(lambda p: st.integers(0, m).map(lambda k: tuple(p[:k])))
    weight = st.sampled_from([1, 1, 1, 2, 3, 250, Fraction(1, 2), Fraction(1000, 3), Fraction(3, 4)])
    rows = draw(st.lists(st.tuples(ranking, weight), max_size=60))
    names = [f"C{i}" for i in range(m)]
    kw = {"tie_seed": "papers"}
    options = {}
    if draw(st.booleans()):
        options = {
            "quota": draw(st.sampled_from(["droop", "droop-exact", "hare"])),
            "places": draw(st.integers(0, 9)),
            "rounding": draw(st.sampled_from(["down", "nearest"])),
            "surplus_order": draw(st.sampled_from(["largest", "elected"])),
        }
    extra = draw(st.sampled_from(["none", "withdrawn", "constraint", "ron"]))
    if extra == "withdrawn" and m > 1:
        kw["withdrawn"] = draw(st.lists(st.sampled_from(names), unique=True, max_size=m - 1))
    elif extra == "constraint" and m > 1:
        women = draw(st.lists(st.sampled_from(names), unique=True, min_size=1, max_size=m - 1))
        kw["groups"] = {n: {"w"} for n in women}
        kw["constraints"] = [draw(st.sampled_from(["w>=1", "w<=1", "w=1", "w>=2"]))]
    elif extra == "ron":
        kw["ron"] = draw(st.sampled_from(names))
    seats = draw(st.integers(1, max(1, m - 1)))
    return Ballots.from_rankings(names, rows), seats, options, kw


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contest=contests(), method=st.sampled_from(["scottish-stv", "wigm"]))
def test_both_ways_of_holding_papers_give_every_stage_the_same_figures(contest, method):
    ballots, seats, options, kw = contest
    large, small = both(ballots, method, seats, options=options, **kw)
    assert large == small


@pytest.mark.parametrize("path", WARDS, ids=[p.stem for p in WARDS])
def test_real_wards_are_counted_alike_both_ways(path):
    ballots = read_blt(path)
    large, small = both(ballots, "scottish-stv", 3)
    assert large == small and len(large[1]) > 3


def test_many_candidates_passed_over_at_once():
    """Papers that skip a long run of excluded and elected candidates land where they should."""
    rng = np.random.default_rng(3)
    rows = [(tuple(int(c) for c in rng.permutation(20)), int(rng.integers(1, 5))) for _ in range(400)]
    rows += [((19, *range(18)), 40)]  # a bloc ranking the weakest first, then all the rest
    ballots = Ballots.from_rankings([f"C{i}" for i in range(20)], rows)
    large, small = both(ballots, "scottish-stv", 8, tie_seed="skip")
    assert large == small


def test_weights_too_large_for_float_sums_are_summed_exactly_both_ways():
    """Card votes near 2**50: the sums of a transfer pass 2**53, so bincount's floats would round."""
    rng = np.random.default_rng(1)
    rows = [
        (tuple(int(c) for c in rng.permutation(6)[: rng.integers(1, 7)]), int(rng.integers(1, 2**50)))
        for _ in range(300)
    ]
    ballots = Ballots.from_rankings([f"C{i}" for i in range(6)], rows)
    large, small = both(ballots, "scottish-stv", 3, tie_seed="big")
    assert large == small
    assert sum(small[0]["stages"][0]["totals"][c] != "0.00000" for c in ballots.candidates) >= 5
