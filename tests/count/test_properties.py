"""Properties every counting method must have, checked on random small contests for each method
in rules.toml. Ties are settled by a named order (``ties = order``), so that renumbering the
candidates cannot change how a tie goes."""

import dataclasses
import importlib
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.count import Ballots, ConstraintError, count, method_names, rule_set
from tallyroom.count.rules import presets

METHODS = method_names()
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GROUPS = ("w", "b")


def algorithm(method):
    """The method's module, or a visible skip naming what is missing (see test_every_method_is_counted)."""
    name = presets()[method]["algorithm"]
    try:
        return importlib.import_module(f"tallyroom.count.{name}")
    except ModuleNotFoundError:
        pytest.skip(f"tallyroom.count.{name} (method {method}) does not exist yet")


def test_every_method_is_counted():
    missing = []
    for method in METHODS:
        try:
            rule_set(method)
        except ModuleNotFoundError as e:
            missing.append(f"{method}: {e}")
    assert not missing


def tie_options(method):
    fields = {f.name for f in dataclasses.fields(algorithm(method).Options)}
    assert "ties" in fields, f"{method} has no ties option"
    return {"ties": ("order",)}


@st.composite
def contests(draw, method, min_candidates=1):
    """Candidate names, ``(ranking, weight)`` rows with card votes among them, and seats."""
    m = draw(st.integers(min_candidates, 6))
    ranking = st.permutations(range(m)).flatmap(lambda p: st.integers(0, m).map(lambda k: tuple(p[:k])))
    weight = st.sampled_from([1, 1, 2, 3, 5, Fraction(1, 2), Fraction(3, 4)])
    rows = draw(st.lists(st.tuples(ranking, weight), max_size=25))
    seats = draw(st.integers(1, 1 if rule_set(method).algorithm == "irv" else 3))
    return [f"C{i}" for i in range(m)], rows, seats


def run(method, names, rows, seats, **kw):
    return count(
        Ballots.from_rankings(names, rows),
        method,
        seats=seats,
        options=tie_options(method),
        tie_order=[n for n in sorted(names) if n not in kw.get("withdrawn", ())],
        **kw,
    )


def summary(result):
    """What a count decided, stage by stage, in terms of names (candidates elected together in one
    stage as a set: their order within the stage follows the numbering)."""
    return {
        "elected": [frozenset(s.elected) for s in result.stages if s.elected],
        "winners": frozenset(result.elected),
        "valid_poll": result.valid_poll,
        "empty": result.empty,
        "quota": result.quota,
        "stages": [
            (s.action, frozenset(s.subject), s.totals, s.non_transferable, s.loss, frozenset(s.excluded))
            for s in result.stages
        ],
    }


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(data=st.data())
def test_votes_are_accounted_for_at_every_stage(method, data):
    names, rows, seats = data.draw(contests(method))
    r = run(method, names, rows, seats)
    marks = getattr(rule_set(method).options, "marks", "first")
    depth = {"first": 1, "seats": seats, "all": len(names)}[marks]
    # Plurality, IRV and STV: every valid vote is on a candidate, non-transferable or lost to
    # rounding. Block and approval count several marks a ballot: the totals hold them all.
    for s in r.stages:
        if marks == "first":
            assert sum(s.totals.values()) + s.non_transferable + s.loss == r.valid_poll, s
        else:
            assert sum(s.totals.values()) == sum(Fraction(w) * min(len(k), depth) for k, w in rows)
    assert r.valid_poll + r.empty == sum((Fraction(w) for _, w in rows), Fraction(0))


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(data=st.data())
def test_every_seat_is_filled_while_candidates_stand(method, data):
    names, rows, seats = data.draw(contests(method))
    withdrawn = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names) - 1))
    r = run(method, names, rows, seats, withdrawn=withdrawn)
    assert len(r.elected) == len(set(r.elected)) == min(seats, len(names) - len(withdrawn))
    assert not set(r.elected) & set(withdrawn)


def satisfiable(memberships, bounds, seats):
    take = min(seats, len(memberships))
    for chosen in combinations(memberships, take):
        if all(lo <= sum(g in m for m in chosen) <= hi for g, (lo, hi) in bounds.items()):
            return True
    return False


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(data=st.data())
def test_constraints_hold_whenever_they_can(method, data):
    names, rows, seats = data.draw(contests(method, min_candidates=2))
    memberships = data.draw(
        st.lists(st.sets(st.sampled_from(GROUPS)), min_size=len(names), max_size=len(names))
    )
    used = sorted({g for m in memberships for g in m})
    if not used:
        memberships[0] = {"w"}
        used = ["w"]
    bounds = {g: data.draw(st.sampled_from([(1, 9), (0, 1), (1, 1), (0, 0), (2, 9)])) for g in used}
    constraints = [
        f"{g}>={lo}" if hi == 9 else f"{g}<={hi}" if lo == 0 else f"{g}={lo}"
        for g, (lo, hi) in bounds.items()
    ]
    groups = {n: m for n, m in zip(names, memberships, strict=True) if m}
    kw = {"constraints": constraints, "groups": groups}
    if not satisfiable(memberships, bounds, seats):
        with pytest.raises(ConstraintError):
            run(method, names, rows, seats, **kw)
        return
    r = run(method, names, rows, seats, **kw)
    chosen = [memberships[names.index(n)] for n in r.elected]
    assert len(chosen) == min(seats, len(names))
    for g, (lo, hi) in bounds.items():
        assert lo <= sum(g in m for m in chosen) <= hi, (g, lo, hi, r.elected)


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(data=st.data())
def test_ballot_order_and_candidate_numbering_do_not_matter(method, data):
    names, rows, seats = data.draw(contests(method))
    # Renumber: candidate i keeps its name but takes index perm[i]; the papers come in another order.
    perm = data.draw(st.permutations(range(len(names))))
    renamed = [None] * len(names)
    for i, p in enumerate(perm):
        renamed[p] = names[i]
    shuffled = data.draw(st.permutations(rows))
    moved = [(tuple(perm[c] for c in k), w) for k, w in shuffled]
    assert summary(run(method, names, rows, seats)) == summary(run(method, renamed, moved, seats))


@pytest.mark.parametrize("method", METHODS)
@SETTINGS
@given(data=st.data())
def test_withdrawing_a_candidate_is_removing_them_from_the_ballots(method, data):
    names, rows, seats = data.draw(contests(method, min_candidates=2))
    gone = data.draw(st.integers(0, len(names) - 1))
    kept = [n for i, n in enumerate(names) if i != gone]
    renumber = {c: c - (c > gone) for c in range(len(names)) if c != gone}
    removed = [(tuple(renumber[c] for c in k if c != gone), w) for k, w in rows]
    withdrawn = run(method, names, rows, seats, withdrawn=[names[gone]])
    assert summary(withdrawn) == summary(run(method, kept, removed, seats))
