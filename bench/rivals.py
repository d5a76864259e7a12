"""The counters on PyPI, each behind an adapter from our ballots to theirs.

An adapter takes the candidates' names, the distinct rankings (tuples of candidate indexes, most
preferred first) with their whole-number weights, the seats and the method ("stv" or "irv"), builds
the library's own ballots, and returns a function that counts them and gives the winners' names.
Libraries without ballot weights get one object per ballot paper (``INDIVIDUAL``).

Each count runs in a child process, so the parent can stop it at its time budget:

    python bench/rivals.py LIBRARY METHOD BALLOTS.npz SEATS

reads the ballots saved by ``polls.save`` and prints one JSON line: the winners, the seconds spent
building the library's ballots and counting them (wall, and CPU for the count), and how many
ballot objects it was given.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from polls import load

from tallyroom.count import Ballots

Rankings = Sequence[tuple[int, ...]]
Counter = Callable[[], list[str]]

# What each library's methods are, as it names them, and whether it needs one object per ballot.
METHODS = {
    "pyrankvote": {"stv": "single_transferable_vote", "irv": "instant_runoff_voting"},
    "pyrcv": {"stv": "run_rcv (fractional surplus)", "irv": "run_rcv, 1 winner"},
    "stvpoll": {"stv": "calculate_scottish_stv", "irv": "calculate_irv"},
    "votekit": {"stv": "FastSTV (fractional)", "irv": "FastIRV"},
    "pref_voting": {"stv": "stv_scottish", "irv": "instant_runoff_for_truncated_linear_orders"},
}
INDIVIDUAL = {"pyrankvote"}
SEED = 2025


def pyrankvote(names: Sequence[str], rankings: Rankings, weights: Sequence[int], seats: int, method: str):
    import pyrankvote as prv

    people = [prv.Candidate(n) for n in names]
    papers = []
    for ranking, weight in zip(rankings, weights, strict=True):
        paper = prv.Ballot([people[c] for c in ranking])
        papers.extend([paper] * weight)  # the library reads each paper; sharing one object is safe

    def run() -> list[str]:
        if method == "irv":
            result = prv.instant_runoff_voting(people, papers)
        else:
            result = prv.single_transferable_vote(people, papers, seats)
        return [c.name for c in result.get_winners()]

    return run, len(papers)


def pyrcv(names: Sequence[str], rankings: Rankings, weights: Sequence[int], seats: int, method: str):
    from pyrcv.pyrcv import run_rcv
    from pyrcv.types import RaceData, RaceMetadata

    race = RaceData(
        RaceMetadata("bench", 1 if method == "irv" else seats, list(names)),
        [[c + 1 for c in r] for r in rankings],  # pyrcv numbers candidates from 1
        list(weights),
    )

    def run() -> list[str]:
        result = run_rcv(race)
        return [names[c - 1] for r in result.rounds for c in r.elected]

    return run, len(rankings)


def stvpoll(names: Sequence[str], rankings: Rankings, weights: Sequence[int], seats: int, method: str):
    from stvpoll.irv import calculate_irv
    from stvpoll.scottish_stv import calculate_scottish_stv

    data = [(tuple(names[c] for c in r), w) for r, w in zip(rankings, weights, strict=True)]

    def run() -> list[str]:
        if method == "irv":
            return list(calculate_irv(tuple(names), data))
        return list(calculate_scottish_stv(tuple(names), data, seats))

    return run, len(data)


def votekit(names: Sequence[str], rankings: Rankings, weights: Sequence[int], seats: int, method: str):
    """Built through RankProfile's DataFrame form (cells are sets of names, "~" pads), which its
    constructor documents; a list of a million RankBallot objects takes minutes more to build."""
    import pandas as pd
    from votekit.elections import FastSTV
    from votekit.elections.election_types.ranking.stv.stv import FastIRV
    from votekit.pref_profile import RankProfile

    width = len(names)
    cells = np.array([*(frozenset({n}) for n in names), frozenset({"~"})], dtype=object)
    padded = np.full((len(rankings), width), len(names))  # the index of the "~" cell
    for i, r in enumerate(rankings):
        padded[i, : len(r)] = r
    frame = pd.DataFrame(cells[padded], columns=[f"Ranking_{i + 1}" for i in range(width)])
    frame["Weight"] = np.asarray(weights, dtype=float)
    frame["Voter Set"] = [frozenset()] * len(rankings)
    frame.index.name = "Ballot Index"
    profile = RankProfile(df=frame, candidates=tuple(names), max_ranking_length=width)

    def run() -> list[str]:
        if method == "irv":
            election = FastIRV(profile, tiebreak="random", rng_seed=SEED)
        else:
            election = FastSTV(profile, n_seats=seats, tiebreak="random", rng_seed=SEED)
        return [c for group in election.get_elected() for c in group]

    return run, len(rankings)


def pref_voting(names: Sequence[str], rankings: Rankings, weights: Sequence[int], seats: int, method: str):
    from pref_voting.iterative_methods import instant_runoff_for_truncated_linear_orders
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.proportional_methods import stv_scottish

    profile = ProfileWithTies(
        [{c: place for place, c in enumerate(r, 1)} for r in rankings],
        rcounts=list(weights),
        candidates=list(range(len(names))),
    )

    def run() -> list[str]:
        if method == "irv":
            winners = instant_runoff_for_truncated_linear_orders(profile)
        else:
            winners = stv_scottish(profile, num_seats=seats, rng=random.Random(SEED))
        return [names[c] for c in winners]

    return run, len(rankings)


ADAPTERS = {f.__name__: f for f in (pyrankvote, pyrcv, stvpoll, votekit, pref_voting)}


def lists(ballots: Ballots) -> tuple[list[str], list[tuple[int, ...]], list[int]]:
    """The names, distinct rankings (empty ones dropped: no library counts them) and weights."""
    if ballots.denominator != 1:
        raise ValueError("the counters on PyPI take whole-number ballot counts")
    rows = ballots.compressed()
    marked = rows.marked()
    rankings = [tuple(int(c) for c in r[r >= 0]) for r in rows.rankings[marked]]
    return list(rows.candidates), rankings, [int(w) for w in rows.weights[marked]]


def main(library: str, method: str, path: str, seats: int) -> None:
    random.seed(SEED)
    np.random.seed(SEED)
    names, rankings, weights = lists(load(Path(path)))
    start = time.perf_counter()
    run, objects = ADAPTERS[library](names, rankings, weights, seats, method)
    built = time.perf_counter()
    print(f"built {built - start:.3f}", file=sys.stderr, flush=True)  # read if stopped at the budget
    cpu = time.process_time()
    winners = run()
    done = time.perf_counter()
    cpu = time.process_time() - cpu
    times = {"build": built - start, "count": done - built, "cpu": cpu}
    print(json.dumps({"winners": winners, **times, "objects": objects}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]))
