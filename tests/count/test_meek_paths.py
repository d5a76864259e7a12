"""Meek's pass over paths (meek._Votes) against the straightforward pass over every ranking.

The reference below is the pass as the regulation states it: each ranking's vote, from 1, passes
down its preferences, every candidate taking the vote in hand times their keep value, rounded up.
Random contests are passed at random keep values while candidates are elected and excluded one
after another, so that rankings move between paths as they do in a count."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.count import Ballots
from tallyroom.count.ballots import PAD
from tallyroom.count.meek import _Votes

UNIT = 10**9


def reference_pass(ballots: Ballots, keep: list[int]) -> tuple[list[int], int]:
    """Each candidate's votes and the excess, in units over the denominator, ranking by ranking."""
    votes, excess = [0] * len(ballots.candidates), 0
    for i in range(len(ballots)):
        row, weight = ballots.rankings[i], int(ballots.weights[i])
        if row.size == 0 or row[0] == PAD:
            continue  # an empty ballot is not a vote
        in_hand = UNIT
        for c in row[row != PAD].tolist():
            kept = min(-((-in_hand * keep[c]) // UNIT), in_hand)
            votes[c] += kept * weight
            in_hand -= kept
        excess += in_hand * weight
    return votes, excess


@st.composite
def contests(draw):
    """Ballots, the candidates standing, and a sequence of (candidate, elected?) events."""
    m = draw(st.integers(1, 7))
    ranking = st.permutations(range(m)).flatmap(lambda p: st.integers(0, m).map(lambda k: list(p[:k])))
    weight = st.sampled_from([1, 2, 7, 10**6, 2**40])
    rows = draw(st.lists(st.tuples(ranking, weight), max_size=40))
    ballots = Ballots.from_rankings([f"C{i}" for i in range(m)], rows)
    standing = draw(st.lists(st.sampled_from(range(m)), unique=True, min_size=1)) if m else []
    events = draw(st.permutations(standing))[: draw(st.integers(0, len(standing)))]
    fates = draw(st.lists(st.booleans(), min_size=len(events), max_size=len(events)))
    return ballots, sorted(standing), list(zip(events, fates, strict=True))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contests(), st.data())
def test_passing_by_paths_gives_what_passing_every_ranking_gives(contest, data):
    ballots, standing, events = contest
    votes_of = _Votes(ballots, UNIT, standing)
    keep = [UNIT if c in standing else 0 for c in range(len(ballots.candidates))]
    elected, excluded = [], []
    for c, is_elected in [(None, None), *events]:
        if c is not None:
            (elected if is_elected else excluded).append(c)
            keep[c] = UNIT if is_elected else 0
        for e in elected:  # a new keep value for every elected candidate at every pass
            keep[e] = data.draw(st.integers(0, UNIT))
        votes_of.update(elected, excluded)
        votes, excess = votes_of.pass_votes(np.array(keep, dtype=np.int64))
        assert ([int(v) for v in votes], excess) == reference_pass(ballots, keep)
