"""Banzhaf and Shapley-Shubik indices against brute force over every coalition and order, and
against the power-index libraries on PyPI (the ``crosscheck`` extra; skipped if absent)."""

from __future__ import annotations

import importlib.util
from fractions import Fraction
from itertools import permutations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tallyroom.analysis.power import banzhaf_swings, power, shapley_shubik, two_college


def brute_swings(weights, quota, wins=None):
    n = len(weights)
    wins = wins or (lambda members: sum(weights[i] for i in members) >= quota)
    swings = [0] * n
    for mask in range(1 << n):
        members = {i for i in range(n) if mask >> i & 1}
        if wins(members):
            continue
        for i in range(n):
            if i not in members and wins(members | {i}):
                swings[i] += 1
    return swings


def brute_shapley(n, wins):
    pivots = [0] * n
    orders = list(permutations(range(n)))
    for order in orders:
        before: set[int] = set()
        for i in order:
            if not wins(before) and wins(before | {i}):
                pivots[i] += 1
                break
            before.add(i)
    return [Fraction(p, len(orders)) for p in pivots]


games = st.lists(st.integers(0, 12), min_size=1, max_size=7).flatmap(
    lambda w: st.tuples(st.just(w), st.integers(1, max(1, sum(w))))
)


@settings(max_examples=60, deadline=None)
@given(games)
def test_both_indices_equal_brute_force(game):
    weights, quota = game
    if quota > sum(weights):
        return
    assert banzhaf_swings(weights, quota) == brute_swings(weights, quota)
    wins = lambda members: sum(weights[i] for i in members) >= quota  # noqa: E731
    assert shapley_shubik(weights, quota) == brute_shapley(len(weights), wins)


def test_a_known_game():
    # [6; 4, 3, 2, 1]: 4 swings for 5 coalitions of the others, 3 and 2 for 3 each, 1 for 1
    p = power([4, 3, 2, 1], 6)
    assert p.swings == [5, 3, 3, 1]
    assert p.banzhaf == [Fraction(5, 12), Fraction(3, 12), Fraction(3, 12), Fraction(1, 12)]
    assert sum(p.shapley_shubik) == 1
    assert p.penrose[0] == Fraction(5, 8)


def test_a_player_at_the_quota_is_a_dictator():
    assert power([10, 1, 1], 10).banzhaf == [1, 0, 0]


def test_bad_games_are_refused():
    for weights, quota in [([1, -1], 1), ([1, 2], 0), ([1, 2], 4), ([1.5, 2], 2)]:
        with pytest.raises(ValueError):
            power(weights, quota)


@pytest.mark.parametrize("rule", ["both", "either"])
def test_two_colleges_equal_brute_force(rule):
    a, qa, b, qb = [5, 3, 2, 2], 7, [4, 4, 1], 5
    n = len(a) + len(b)

    def wins(members):
        in_a = sum(a[i] for i in members if i < len(a)) >= qa
        in_b = sum(b[i - len(a)] for i in members if i >= len(a)) >= qb
        return (in_a and in_b) if rule == "both" else (in_a or in_b)

    pa, pb = two_college(a, qa, b, qb, rule=rule)
    assert pa.swings + pb.swings == brute_swings([0] * n, 1, wins)
    assert pa.shapley_shubik + pb.shapley_shubik == brute_shapley(n, wins)


needs_bdd = pytest.mark.skipif(
    importlib.util.find_spec("power_bdd") is None, reason="power-bdd is not installed (the crosscheck extra)"
)
needs_powerindex = pytest.mark.skipif(
    importlib.util.find_spec("powerindex") is None,
    reason="powerindex is not installed (the crosscheck extra)",
)


@pytest.mark.crosscheck
@needs_bdd
def test_power_bdd_agrees_on_random_games_and_on_two_colleges():
    from power_bdd.bdd import BDD, WeightedGame

    rng = np.random.default_rng(12)
    for _ in range(10):
        weights = [int(x) for x in rng.integers(0, 40, 14)]
        quota = sum(weights) // 2 + 1
        p = power(weights, quota)
        bdd = BDD(WeightedGame(quota, weights))
        assert np.allclose([float(x) for x in p.penrose], bdd.calc_banzhaf(), rtol=1e-12)
        assert np.allclose([float(x) for x in p.shapley_shubik], bdd.calc_shapley(), rtol=1e-12)
    a, b = [int(x) for x in rng.integers(1, 30, 8)], [int(x) for x in rng.integers(1, 90, 6)]
    qa, qb = sum(a) // 2 + 1, sum(b) * 2 // 3
    for rule in ("both", "either"):
        pa, pb = two_college(a, qa, b, qb, rule=rule)
        ga = BDD(WeightedGame(qa, a + [0] * len(b)))
        gb = BDD(WeightedGame(qb, [0] * len(a) + b))
        game = (ga & gb) if rule == "both" else (ga | gb)
        assert np.allclose([float(x) for x in pa.penrose + pb.penrose], game.calc_banzhaf(), rtol=1e-12)
        assert np.allclose([float(x) for x in pa.shapley_shubik + pb.shapley_shubik], game.calc_shapley())


@pytest.mark.crosscheck
@needs_powerindex
def test_powerindex_agrees_on_random_games():
    # Positive weights only: powerindex 0.3.5 miscounts Banzhaf swings when a player weighs 0
    # (e.g. [81; 19, 20, 26, 8, 28, 0, 29, 28] gives the 8 a smaller index than the 19 and the 20;
    # brute force and power-bdd give all three 24 swings).
    from powerindex import Game

    rng = np.random.default_rng(7)
    for _ in range(10):
        weights = [int(x) for x in rng.integers(1, 60, 16)]
        quota = sum(weights) // 2 + 1
        p = power(weights, quota)
        game = Game(quota, weights)
        game.calc()
        assert np.allclose([float(x) for x in p.banzhaf], game.banzhaf, rtol=1e-12)
        assert np.allclose([float(x) for x in p.shapley_shubik], game.shapley_shubik, rtol=1e-12)


def test_many_delegations_are_exact():
    # 200 equal delegations, majority quota: each swings C(199, 100) times.
    from math import comb

    assert set(banzhaf_swings([1] * 200, 101)) == {comb(199, 100)}
