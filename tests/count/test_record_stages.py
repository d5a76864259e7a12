"""``count(..., record_stages=False)``, the count a forecast's Monte Carlo makes, elects the same
candidates in the same order as the full count with its stage sheets: random contests with every
option, constraints, RON and withdrawals, and many small random profiles full of ties settled by
the same tie seed (the tie rules look back at the same totals and draw the same lots)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.analysis.forecast import sample_ballots, simple_model
from tallyroom.count import Ballots, ConstraintError, count

from .test_wigm_papers import contests

METHODS = ["scottish-stv", "wigm", "meek", "ers97"]


def decided(ballots, *args, **kw):
    """What the count decides: the elected in order, the quota and the valid poll (or its error)."""
    try:
        r = count(ballots, *args, **kw)
    except (ConstraintError, ValueError) as e:
        return repr(e)
    return r.elected, r.quota, r.valid_poll, r.empty


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contest=contests(), method=st.sampled_from(METHODS))
def test_without_stage_sheets_the_same_candidates_are_elected(contest, method):
    ballots, seats, options, kw = contest
    if method in ("meek", "ers97"):
        options = {}  # their own options differ from wigm's; the defaults suffice here
    full = decided(ballots, method, seats, options=options, **kw)
    light = decided(ballots, method, seats, options=options, record_stages=False, **kw)
    assert light == full


@pytest.mark.parametrize("method", METHODS)
def test_tied_random_profiles_elect_the_same_with_or_without_sheets(method):
    """Few ballots of weight 1 or 2 among 6-9 candidates: most counts meet ties, settled by the
    look-back rule and by lot from the same seed."""
    rng = np.random.default_rng(12)
    tied = 0
    for k in range(150):
        m = int(rng.integers(6, 10))
        rows = []
        for _ in range(int(rng.integers(8, 30))):
            ranking = rng.permutation(m)[: int(rng.integers(1, m + 1))]
            rows.append((ranking.tolist(), int(rng.integers(1, 3))))
        ballots = Ballots.from_rankings([f"C{i}" for i in range(m)], rows)
        seats = int(rng.integers(2, m - 1))
        full = count(ballots, method, seats, tie_seed=f"tie-{k}")
        light = count(ballots, method, seats, tie_seed=f"tie-{k}", record_stages=False)
        assert light.elected == full.elected
        assert light.quota == full.quota
        assert light.stages == [] and full.stages
        tied += any(t.settled_by == "lot" for t in full.ties)
    assert tied >= 20  # the lots were really drawn, and drawn alike


def test_monte_carlo_sized_contests_elect_the_same():
    """Contests like the forecast's: 20 candidates in three slates, about 2,000 weighted ballots."""
    names = [f"R{i}" for i in range(8)] + [f"B{i}" for i in range(8)] + [f"G{i}" for i in range(4)]
    model = simple_model(names, {c: c[0] for c in names}, 0.8)
    rng = np.random.default_rng(7)
    for k in range(20):
        rankings = np.concatenate(
            [sample_ballots(model, b, n, rng) for b, n in (("R", 800), ("B", 800), ("G", 300))]
        )
        ballots = Ballots(tuple(names), rankings.astype(np.int8), rng.integers(1, 5, len(rankings)))
        full = count(ballots, "scottish-stv", 8, tie_seed=f"mc-{k}")
        light = count(ballots, "scottish-stv", 8, tie_seed=f"mc-{k}", record_stages=False)
        assert (light.elected, light.quota) == (full.elected, full.quota)
