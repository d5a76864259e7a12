"""Forecasts: the canvass format, the slate Plackett-Luce ballots (against their probabilities and
against VoteKit's generator), reproducible seeds, and the Monte Carlo through exact counts."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from fractions import Fraction

import numpy as np
import pytest

from tallyroom.analysis.forecast import (
    Contest,
    Model,
    Unit,
    _running_sums,
    forecast,
    read_canvass,
    sample_ballots,
    sensitivity,
    shifted,
    simple_model,
)
from tallyroom.formats import FormatError

SUPPORT = {"L": {"a1": 0.7, "a2": 0.3, "b1": 0.5, "b2": 0.3, "b3": 0.2}}
MODEL = Model(
    ("a1", "a2", "b1", "b2", "b3"),
    {"L": ("a1", "a2"), "R": ("b1", "b2", "b3")},
    {"L": {"L": 0.75, "R": 0.25}},
    SUPPORT,
)


def positions(rankings: np.ndarray, n: int) -> np.ndarray:
    """share[c, j]: how often candidate c is at position j."""
    out = np.zeros((n, rankings.shape[1]))
    for j in range(rankings.shape[1]):
        out[:, j] = np.bincount(rankings[:, j], minlength=n) / len(rankings)
    return out


def test_slate_plackett_luce_has_the_model_probabilities():
    r = sample_ballots(MODEL, "L", 40_000, np.random.default_rng(1))
    assert (np.sort(r, axis=1) == np.arange(5)).all()  # full rankings
    share = positions(r, 5)
    # first position: slate L with 0.75, then a1 with 0.7 within L
    assert share[0, 0] == pytest.approx(0.75 * 0.7, abs=0.01)
    assert share[2, 0] == pytest.approx(0.25 * 0.5, abs=0.01)
    # slate sequence L L R R R: both L draws first, 0.75 * 0.75 (then only R is left)
    slate_l = np.isin(r, [0, 1])
    assert (slate_l[:, 0] & slate_l[:, 1]).mean() == pytest.approx(0.5625, abs=0.01)
    # R R R first: 0.25**3, then L L
    assert (~slate_l[:, :3]).all(axis=1).mean() == pytest.approx(0.25**3, abs=0.005)


def test_equal_support_draws_slate_plackett_luce_exactly():
    """Equal support within slates (each candidate at ``U x G``, one sort): every sequence of
    slates comes with its exact slate Plackett-Luce probability, and each slate's candidates
    fill its positions in every order equally often."""
    model = Model(MODEL.candidates, MODEL.slates, {"L": {"L": 0.75, "R": 0.25}})
    n = 60_000
    r = sample_ballots(model, "L", n, np.random.default_rng(3))
    assert (np.sort(r, axis=1) == np.arange(5)).all()

    def chance(left: dict[str, int]) -> dict[tuple[str, ...], float]:
        """Each sequence of the slates still to come, with its probability."""
        live = {s: k for s, k in left.items() if k}
        if not live:
            return {(): 1.0}
        weight = sum(model.cohesion["L"][s] for s in live)
        out: dict[tuple[str, ...], float] = {}
        for s in live:
            rest = chance({**left, s: left[s] - 1})
            for seq, p in rest.items():
                out[(s, *seq)] = out.get((s, *seq), 0.0) + model.cohesion["L"][s] / weight * p
        return out

    expected = chance({"L": 2, "R": 3})
    seen: dict[tuple[str, ...], int] = {}
    for row in np.where(r < 2, 0, 1):
        seq = tuple("LR"[x] for x in row)
        seen[seq] = seen.get(seq, 0) + 1
    assert set(seen) == set(expected)
    for seq, p in expected.items():
        assert seen[seq] / n == pytest.approx(p, abs=4 * (p * (1 - p) / n) ** 0.5 + 1e-4), seq
    a1_first = (np.argmax(r == 0, axis=1) < np.argmax(r == 1, axis=1)).mean()
    assert a1_first == pytest.approx(0.5, abs=0.01)
    b_orders = r[r >= 2].reshape(n, 3)
    perms, counts = np.unique(b_orders, axis=0, return_counts=True)
    assert len(perms) == 6 and np.allclose(counts / n, 1 / 6, atol=0.01)


def test_zero_cohesion_slates_come_last():
    model = Model(MODEL.candidates, MODEL.slates, {"L": {"L": 1.0, "R": 0.0}})
    r = sample_ballots(model, "L", 500, np.random.default_rng(2))
    assert np.isin(r[:, :2], [0, 1]).all() and np.isin(r[:, 2:], [2, 3, 4]).all()
    assert len({tuple(x) for x in r[:, 2:]}) == 6  # R's candidates in every order


def test_a_seed_draws_the_same_ballots_whatever_fresh_memory_holds(monkeypatch):
    """The zero-cohesion slates' places come after the live slates' last time, computed from those
    alone: once it took the maximum over an uninitialised array as well (a forecast that did not
    reproduce, and NaN warnings now and then)."""
    model = Model(MODEL.candidates, MODEL.slates, {"L": {"L": 1.0, "R": 0.0}})
    empty, drawn = np.empty, []
    for fill in (0.0, np.inf):
        poisoned = lambda shape, dtype=float, fill=fill, **k: np.full(shape, fill, dtype, **k)  # noqa: E731
        monkeypatch.setattr(np, "empty", poisoned)
        drawn.append(sample_ballots(model, "L", 200, np.random.default_rng(2)))
        monkeypatch.setattr(np, "empty", empty)
    assert (drawn[0] == drawn[1]).all()


@pytest.mark.crosscheck
@pytest.mark.skipif(
    importlib.util.find_spec("votekit") is None, reason="votekit is not installed (crosscheck)"
)
def test_votekit_slate_plackett_luce_draws_the_same_distribution():
    from votekit.ballot_generator import slate_pl_profile_generator
    from votekit.ballot_generator.bloc_slate_generator.config import BlocSlateConfig

    n = 30_000
    config = BlocSlateConfig(
        n_voters=n,
        slate_to_candidates={s: list(c) for s, c in MODEL.slates.items()},
        bloc_proportions={"L": 1.0},
        preference_mapping={"L": {"L": {"a1": 0.7, "a2": 0.3}, "R": {"b1": 0.5, "b2": 0.3, "b3": 0.2}}},
        cohesion_mapping={"L": {"L": 0.75, "R": 0.25}},
    )
    df = slate_pl_profile_generator(config, rng_seed=5, group_ballots=False).df
    index = {c: i for i, c in enumerate(MODEL.candidates)}
    theirs = np.array(
        [[index[next(iter(df[f"Ranking_{j + 1}"].iloc[i]))] for j in range(5)] for i in range(n)]
    )
    ours = sample_ballots(MODEL, "L", n, np.random.default_rng(5))
    assert np.abs(positions(ours, 5) - positions(theirs, 5)).max() < 0.02  # ~6 standard errors


def units():
    return [
        Unit("North", 0.6, 10, Fraction(1), {"Left": 50, "Right": 40}),
        Unit("South", 0.7, 5, Fraction(1), {"Left": 30, "Right": 60}),
        Unit("East", 0.5, 0, Fraction(2), {"Left": 20, "Right": 20}),
    ]


CANDIDATES = ["Ann", "Bob", "Cy", "Di"]
SLATES = {"Ann": "Left", "Bob": "Left", "Cy": "Right", "Di": "Right"}


def test_forecast_is_reproducible_whatever_the_workers_and_moves_with_the_bloc():
    model = simple_model(CANDIDATES, SLATES, 0.9)
    contest = Contest("scottish-stv", 2)
    one = forecast(model, units(), contest, 300, seed=11, workers=1)
    two = forecast(model, units(), contest, 300, seed=11, workers=2)
    assert one == two
    assert forecast(model, units(), contest, 300, seed=12, workers=1) != one
    assert sum(one.wins.values()) == 2 * 300  # two seats filled every time
    for s in ("Left", "Right"):
        assert sum(one.seats[s].values()) == 300
    moved = sensitivity(model, units(), contest, "Left", "Right", [0.0, 0.5], 300, seed=11, workers=1)
    assert moved[0][1] == one
    right_before = sum(k * v for k, v in moved[0][1].seats["Right"].items())
    right_after = sum(k * v for k, v in moved[1][1].seats["Right"].items())
    assert right_after > right_before


def test_shifted_moves_whole_members():
    moved = shifted(units(), "Left", "Right", 0.25)
    assert [u.supporters for u in moved][0] == {"Left": 38, "Right": 52}


def test_canvass_file_and_its_errors(tmp_path):
    path = tmp_path / "canvass.csv"
    path.write_text("unit,turnout,undecided,weight,Left,Right\nNorth,0.6,10,1.5,50,40\n", encoding="utf-8")
    (u,) = read_canvass(path)
    assert (u.name, u.turnout, u.undecided, u.weight, u.supporters) == (
        "North",
        0.6,
        10,
        Fraction(3, 2),
        {"Left": 50, "Right": 40},
    )
    for text, problem in [
        ("unit,turnout,Left\nA,1.2,3\n", ":2: turnout 1.2 is not between 0 and 1"),
        ("unit,turnout,Left\nA,0.5,x\n", ":2: Left 'x' is not a whole number"),
        ("unit,turnout,Left\nA,0.5\n", ":2: expected 3 cells, found 2"),
        ("unit,Left\nA,3\n", ":1: the header must start unit"),
        ("unit,turnout\nA,0.5\n", ":1: no slate columns"),
    ]:
        path.write_text(text, encoding="utf-8")
        with pytest.raises(FormatError, match=problem):
            read_canvass(path)


def test_the_slates_event_times_are_numpys_running_sums_to_the_bit():
    gaps = np.random.default_rng(8).standard_exponential((500, 8), dtype=np.float32)
    assert np.array_equal(_running_sums(gaps.copy()), np.cumsum(gaps, axis=1))


# Two seats; the Left bloc (80 of 100) ranks only its own two men, Ann and Bob, then Cy, the
# Right's woman: counted as the real count would, "woman>=1" gives Cy a seat every time.
RULED = ["Ann", "Bob", "Cy"]
RULED_SLATES = {"Ann": "Left", "Bob": "Left", "Cy": "Right"}


def ruled(contest: Contest, units_=None, candidates=RULED, slates=RULED_SLATES, n=40):
    model = simple_model(candidates, slates, 1.0)
    units_ = units_ or [Unit("All", 1.0, 0, Fraction(1), {"Left": 80, "Right": 20})]
    return forecast(model, units_, contest, n, seed=3, workers=1)


def test_a_forecast_counts_by_the_contests_constraints():
    free = ruled(Contest("scottish-stv", 2))
    assert (free.wins["Ann"], free.wins["Bob"], free.wins["Cy"]) == (40, 40, 0)
    bound = ruled(Contest("scottish-stv", 2, constraints=("woman>=1",), groups={"Cy": ("woman",)}))
    assert bound.wins["Cy"] == 40 and bound.wins["Ann"] + bound.wins["Bob"] == 40
    assert bound.seat_distribution()["Right"] == {1: 1.0}


def test_a_forecast_skips_the_withdrawn_and_counts_ron_as_the_count_does():
    assert ruled(Contest("scottish-stv", 2, withdrawn=("Bob",))).wins == {"Ann": 40, "Bob": 0, "Cy": 40}
    # the constraints bind the candidates, not RON (here Bob): RON may win a seat (to reopen it)
    women = {"constraints": ("woman>=2",), "groups": {"Ann": ("woman",), "Cy": ("woman",)}}
    assert ruled(Contest("scottish-stv", 2, **women)).wins["Bob"] == 0
    assert ruled(Contest("scottish-stv", 2, **women, ron="Bob")).wins["Bob"] > 0
    with pytest.raises(ValueError, match="no candidate named 'Zed'"):
        ruled(Contest("scottish-stv", 2, withdrawn=("Zed",)))
    with pytest.raises(ValueError, match="cannot meet the constraints"):
        ruled(Contest("scottish-stv", 2, constraints=("woman>=2",), groups={"Cy": ("woman",)}))


def test_a_forecast_of_a_contest_decided_by_colleges_scales_each_college_to_its_share():
    split = [
        Unit("CLPs", 1.0, 0, Fraction(1), {"Left": 160, "Right": 0}, "clp"),
        Unit("Affiliates", 1.0, 0, Fraction(1), {"Left": 10, "Right": 50}, "affiliates"),
    ]
    pooled = ruled(Contest("scottish-stv", 2), [replace(u, college="") for u in split])
    assert pooled.wins["Cy"] == 0  # 50 of 220 ballots
    halves = {"clp": Fraction(1, 2), "affiliates": Fraction(1, 2)}
    colleges = ruled(Contest("scottish-stv", 2, college_shares=halves), split)
    assert colleges.wins["Cy"] == 40  # 5/12 of the whole, over the quota of 1/3
    with pytest.raises(ValueError, match="unit CLPs: the contest is decided by the colleges"):
        ruled(Contest("scottish-stv", 2, college_shares=halves), [replace(u, college="") for u in split])
    with pytest.raises(ValueError, match="unit CLPs names college 'clp'; the contest has no colleges"):
        ruled(Contest("scottish-stv", 2), split)


def test_ties_the_rules_leave_unsettled_are_reported_and_the_shares_are_of_the_rest():
    two = {"A": "A", "B": "B"}
    tied = [Unit("All", 1.0, 2, Fraction(1), {"A": 1, "B": 1})]  # the undecided split 1:1 half the time
    found = ruled(Contest("irv", 1, {"ties": "backward"}), tied, ["A", "B"], two, n=200)
    assert 70 < found.unsettled < 130  # equal votes: no earlier stage, no lot
    assert found.wins["A"] + found.wins["B"] == found.settled
    assert sum(found.win_probability().values()) == pytest.approx(1.0)
    assert found.to_dict()["unsettled_ties"] == found.unsettled
    lot = ruled(Contest("irv", 1), tied, ["A", "B"], two, n=200)
    assert lot.unsettled == 0 and lot.wins["A"] + lot.wins["B"] == 200


def test_ron_is_no_slate_no_bloc_backs_it_and_it_comes_last():
    # Before, RON stood alone as a slate: a canvass column, and each bloc gave it a share of
    # 1 - cohesion (here 0.1 of 0.2), as if RON were a rival slate campaigning for votes.
    names = ["Ann", "Bob", "Cy", "RON"]
    slates = {"Ann": "Left", "Bob": "Left", "Cy": "Right", "RON": "RON"}
    model = simple_model(names, slates, 0.8, ron="RON")
    assert model.cohesion == {
        "Left": {"Left": 0.8, "Right": pytest.approx(0.2), "RON": 0.0},
        "Right": {"Left": pytest.approx(0.2), "Right": 0.8, "RON": 0.0},
    }
    assert model.slates["RON"] == ("RON",)
    ranked = sample_ballots(model, "Left", 200, np.random.default_rng(1))
    assert (ranked[:, -1] == names.index("RON")).all()
    contest = Contest("scottish-stv", 2, ron="RON")
    with pytest.raises(ValueError, match="the canvass names slates the model lacks: RON"):
        forecast(
            model, [Unit("W", 0.5, 0, Fraction(1), {"Left": 10, "RON": 5})], contest, 10, seed=1, workers=1
        )
    result = forecast(
        model, [Unit("W", 0.5, 0, Fraction(1), {"Left": 10, "Right": 8})], contest, 20, seed=1, workers=1
    )
    assert result.wins["RON"] == 0
