"""tallyroom against independent counters from PyPI, on random and real profiles.

Each library that is not installed is skipped, naming it (``pip install -e '.[crosscheck]'``).
Profiles on which tallyroom met a tie are left out (libraries break ties their own way); every other
profile must give the same winners. No library on PyPI implements the ERS97 rules.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

from tallyroom.count import Ballots, count
from tallyroom.formats.blt import read_blt

pytestmark = pytest.mark.crosscheck

SCOTLAND = Path(__file__).parent.parent / "data" / "scotland"
RANDOM_PROFILES = 60


def random_profiles(seed: int, n: int, min_seats: int = 1, max_seats: int = 4):
    rng = random.Random(seed)
    for _ in range(n):
        ncand = rng.randint(max(3, min_seats + 1), 7)
        seats = rng.randint(min_seats, min(max_seats, ncand - 1))
        rows = [
            (rng.sample(range(ncand), rng.randint(1, ncand)), rng.randint(1, 9))
            for _ in range(rng.randint(5, 40))
        ]
        yield Ballots.from_rankings([f"C{i}" for i in range(ncand)], rows), seats


def scottish_wards(limit: int):
    with open(SCOTLAND / "manifest.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if not r["note"]]
    for row in sorted(rows, key=lambda r: int(r["ballots_cast"]))[:limit]:
        yield read_blt(SCOTLAND / row["ballots"]).compressed(), int(row["seats"])


def ours(ballots: Ballots, method: str, seats: int, leave_out=None) -> list[str] | None:
    """tallyroom's winners, or None where it met a tie (or ``leave_out(result)`` holds)."""
    result = count(ballots, method, seats=seats, tie_seed="crosscheck")
    if result.ties or (leave_out and leave_out(result)):
        return None
    return sorted(result.elected)


def compare(profiles, method, theirs, leave_out=None) -> tuple[int, int]:
    """(profiles compared, profiles left out); fails on the first disagreement."""
    compared = tied = 0
    for ballots, seats in profiles:
        mine = ours(ballots, method, seats, leave_out)
        if mine is None:
            tied += 1
            continue
        assert sorted(theirs(ballots, seats)) == mine, (method, seats, list(ballots))
        compared += 1
    assert compared > 0
    return compared, tied


# --- adapters ----------------------------------------------------------------------------


def pref_voting_profile(ballots: Ballots):
    profiles = pytest.importorskip("pref_voting.profiles_with_ties", reason="pref_voting is not installed")
    rankings, counts = [], []
    for ranking, weight in ballots:
        if ranking:
            rankings.append({c: i + 1 for i, c in enumerate(ranking)})
            counts.append(int(weight))
    return profiles.ProfileWithTies(rankings, rcounts=counts, candidates=list(range(len(ballots.candidates))))


def names(ballots: Ballots, winners) -> list[str]:
    return [ballots.candidates[int(c)] for c in winners]


def stvpoll_count(factory_name: str):
    def run(ballots: Ballots, seats: int) -> list[str]:
        module = pytest.importorskip(f"stvpoll.{factory_name}", reason="stvpoll is not installed")
        factory = module.ScottishSTV if factory_name == "scottish_stv" else module.IRV
        poll = factory(seats=seats, candidates=list(ballots.candidates))
        for ranking, weight in ballots:
            if ranking:
                poll.add_ballot([ballots.candidates[c] for c in ranking], int(weight))
        return list(poll.calculate())

    return run


# --- Meek ----------------------------------------------------------------------------------


def pref_voting_meek(ballots: Ballots, seats: int) -> list[str]:
    methods = pytest.importorskip("pref_voting.proportional_methods", reason="pref_voting is not installed")
    return names(ballots, methods.stv_meek(pref_voting_profile(ballots), num_seats=seats))


def test_meek_against_pref_voting_on_random_profiles():
    # pref_voting's Meek runs in floats to 1e-10 and is slow: fewer profiles
    compared, _ = compare(random_profiles(11, 30, min_seats=2), "meek", pref_voting_meek)
    assert compared >= 25


# --- Scottish STV --------------------------------------------------------------------------


def pref_voting_scottish(ballots: Ballots, seats: int) -> list[str]:
    methods = pytest.importorskip("pref_voting.proportional_methods", reason="pref_voting is not installed")
    return names(ballots, methods.stv_scottish(pref_voting_profile(ballots), num_seats=seats))


def two_elected_at_once(result) -> bool:
    return any(len(s.elected) > 1 for s in result.stages)


def test_scottish_stv_on_random_profiles_against_pref_voting():
    compare(random_profiles(12, RANDOM_PROFILES, min_seats=2), "scottish-stv", pref_voting_scottish)


def test_scottish_stv_on_random_profiles_against_stvpoll():
    # stvpoll transfers the surpluses of candidates elected at the same stage in one round, where
    # rule 49 transfers them one at a time, largest first (a later one passes over the earlier
    # one's papers' recipients once elected): profiles where two are elected at once are left out.
    compared, _ = compare(
        random_profiles(12, RANDOM_PROFILES, min_seats=2),
        "scottish-stv",
        stvpoll_count("scottish_stv"),
        leave_out=two_elected_at_once,
    )
    assert compared >= 20


@pytest.mark.parametrize(
    "theirs", [stvpoll_count("scottish_stv"), pref_voting_scottish], ids=["stvpoll", "pref_voting"]
)
def test_scottish_stv_on_real_wards(theirs):
    compare(scottish_wards(8), "scottish-stv", theirs)


@pytest.mark.slow
def test_meek_on_real_wards_against_pref_voting():
    # the smallest ward only: pref_voting's float Meek takes about 40 s a ward
    compare(scottish_wards(1), "meek", pref_voting_meek)


# --- IRV -----------------------------------------------------------------------------------


def pref_voting_irv(ballots: Ballots, seats: int) -> list[str]:
    methods = pytest.importorskip("pref_voting.voting_methods", reason="pref_voting is not installed")
    return names(ballots, methods.instant_runoff(pref_voting_profile(ballots)))


def pyrankvote_irv(ballots: Ballots, seats: int) -> list[str]:
    pyrankvote = pytest.importorskip("pyrankvote", reason="pyrankvote is not installed")
    people = [pyrankvote.Candidate(n) for n in ballots.candidates]
    papers = []
    for ranking, weight in ballots:
        if ranking:
            papers += [pyrankvote.Ballot(ranked_candidates=[people[c] for c in ranking])] * int(weight)
    return [c.name for c in pyrankvote.instant_runoff_voting(people, papers).get_winners()]


def pyrcv_irv(ballots: Ballots, seats: int) -> list[str]:
    pytest.importorskip("pyrcv", reason="pyrcv is not installed")
    from pyrcv import pyrcv, types

    rows = [(ranking, weight) for ranking, weight in ballots if ranking]
    race = types.RaceData(
        types.RaceMetadata("crosscheck", 1, list(ballots.candidates)),
        [[c + 1 for c in ranking] for ranking, _ in rows],
        [int(w) for _, w in rows],
    )
    result = pyrcv.run_rcv(race)
    return [ballots.candidates[c - 1] for c in result.rounds[-1].elected]


def votekit_irv(ballots: Ballots, seats: int) -> list[str]:
    votekit = pytest.importorskip("votekit", reason="votekit is not installed")
    from votekit.elections import IRV

    papers = [
        votekit.RankBallot(ranking=[{ballots.candidates[c]} for c in ranking], weight=int(weight))
        for ranking, weight in ballots
        if ranking
    ]
    elected = IRV(votekit.PreferenceProfile(ballots=papers)).get_elected()
    return [name for group in elected for name in group]


@pytest.mark.parametrize(
    "theirs",
    [pref_voting_irv, stvpoll_count("irv"), pyrankvote_irv, pyrcv_irv, votekit_irv],
    ids=["pref_voting", "stvpoll", "pyrankvote", "pyrcv", "votekit"],
)
def test_irv_on_random_profiles(theirs):
    compare(random_profiles(13, RANDOM_PROFILES, max_seats=1), "irv", theirs)


# --- plurality -----------------------------------------------------------------------------


def test_plurality_against_pref_voting():
    methods = pytest.importorskip("pref_voting.voting_methods", reason="pref_voting is not installed")
    compare(
        random_profiles(14, RANDOM_PROFILES, max_seats=1),
        "plurality",
        lambda b, s: names(b, methods.plurality(pref_voting_profile(b))),
    )
