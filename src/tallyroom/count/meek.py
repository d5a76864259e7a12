"""Meek STV as in the New Zealand Local Electoral Regulations 2001, Schedule 1A (after Hill,
Wichmann & Woodall, Algorithm 123, The Computer Journal 30(3), 1987).

Every candidate has a keep value: 1 while hopeful, 0 once excluded, and for an elected candidate
the fraction of each vote reaching them that they keep. Each ballot's single vote starts at 1 and
passes down its ranking: each candidate takes the vote in hand times their keep value, rounded up
to ``places`` decimal places (9), and the rest passes on; what passes the last preference is
non-transferable (the excess). The quota is recomputed from the votes not exhausted at every pass:
``(valid_poll - excess) / (seats + 1)`` truncated to 9 places, plus 0.000000001. A hopeful
candidate whose votes equal or exceed it is elected. While the elected candidates' total surplus
is at least ``tolerance`` (0.0001), each elected candidate's keep value becomes
``keep * quota / votes`` rounded up, and the votes are passed again. When the surplus is below the
tolerance, or the keep values stop changing (the regulation's exceptional case of a count that
cannot converge in fixed precision), the hopeful with fewest votes is excluded (keep value 0);
ties are settled by the contest's tie rules, ``forward`` ("ahead at first difference") then a lot.
Counting ends when the seats are filled, or when the hopefuls are no more than the seats left
(they are all elected).

Stages: stage 1 shows first preferences (every keep value 1). A ``surplus`` stage shows the totals
after the keep values have been recomputed until either a hopeful reaches the quota (it is elected
there) or the count is stable (its note gives the number of passes). An ``exclusion`` stage shows
the totals after one pass with the excluded candidate's keep value at 0. ``non_transferable`` is
the excess; every ballot's vote is split exactly between the candidates and the excess, so
``loss`` is 0 and ``sum(totals) + non_transferable == valid_poll`` at every stage.

All arithmetic is in integers (units of ``10**-places``), vectorised over distinct rankings; in
64-bit integers, or Python's where weights that large (a count by colleges) could overflow them.
Constraints (doomed excluded at once, guarded never excluded, guarded elected when they alone fill
the seats) and RON are handled by stv.CountState.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .ballots import PAD, Ballots, exact_sum, weighted_bincount
from .context import Context
from .numbers import to_fixed
from .quotas import Quota
from .result import Result
from .stv import CountState

MAX_PASSES = 10_000


@dataclass(frozen=True)
class Options:
    places: int = 9
    tolerance: str = "0.0001"
    ties: tuple[str, ...] = ("forward", "lot")

    def __post_init__(self):
        if not 1 <= self.places <= 9:
            raise ValueError("places must be between 1 and 9 (products must fit in 64 bits)")
        try:
            tolerance = Fraction(self.tolerance)
        except ValueError:
            raise ValueError(f"tolerance must be a decimal number, not {self.tolerance!r}") from None
        if tolerance <= 0:
            raise ValueError("tolerance must be positive")


class _Votes:
    """Passes each distinct ranking's vote down its preferences at the current keep values."""

    def __init__(self, ballots: Ballots, unit: int):
        marked = ballots.lengths() > 0
        self.rankings = ballots.rankings[marked].astype(np.intp)
        self.weights = ballots.weights[marked]
        self.denominator = ballots.denominator
        self.ncandidates = len(ballots.candidates)
        self.unit = unit
        if exact_sum(self.weights) * unit >= 2**63:  # heavy weights (electoral colleges): Python ints
            self.weights = self.weights.astype(object)
        self.valid = exact_sum(self.weights) * unit  # in units over the denominator

    def pass_votes(self, keep: np.ndarray) -> tuple[np.ndarray, int]:
        """Each candidate's votes and the excess, in units over the denominator."""
        unit = self.unit
        remaining = np.full(len(self.rankings), unit, dtype=np.int64)
        votes = np.zeros(self.ncandidates, dtype=self.weights.dtype)
        for j in range(self.rankings.shape[1]):
            column = self.rankings[:, j]
            live = (column != PAD) & (remaining > 0)
            if not live.any():
                break
            candidates = column[live]
            in_hand = remaining[live]
            kept = np.minimum(-((-in_hand * keep[candidates]) // unit), in_hand)
            remaining[live] = in_hand - kept
            votes += weighted_bincount(candidates, kept * self.weights[live], self.ncandidates)
        return votes, exact_sum(remaining * self.weights)


def count(ballots: Ballots, seats: int, options: Options, context: Context) -> Result:
    unit = 10**options.places
    tolerance = to_fixed(Fraction(options.tolerance), options.places, "up")
    votes_of = _Votes(ballots, unit)
    den = votes_of.denominator
    state = CountState(ballots, seats, context, options.places)
    keep = np.zeros(len(ballots.candidates), dtype=np.int64)
    keep[context.standing] = unit

    def measure() -> tuple[np.ndarray, int, int]:
        """Votes and excess (units over the denominator) and the quota (units)."""
        votes, excess = votes_of.pass_votes(keep)
        return votes, excess, (votes_of.valid - excess) // (den * (seats + 1)) + 1

    def stage(action: str, subject: list[int], excluded: list[int] = (), note: str = "") -> None:
        scale = den * unit
        totals = [Fraction(int(v), scale) for v in votes]
        recorded = state.record(
            action, subject, totals, Fraction(excess, scale), Fraction(0), excluded=excluded
        )
        recorded.note = note
        state.settle(recorded, totals, Quota("meek", Fraction(quota, unit), exceed=False))

    def surplus() -> int:
        return sum(max(int(votes[c]) - quota * den, 0) for c in state.elected)

    votes, excess, quota = measure()
    stage("first", [])
    while not state.finished:
        doomed = state.doomed()
        if doomed:
            state.exclude(doomed)
            keep[doomed] = 0
            votes, excess, quota = measure()
            stage("exclusion", doomed, doomed, note="doomed by the constraints")
            continue
        passes = 0
        subject = [c for c in state.elected if int(votes[c]) > quota * den]
        while surplus() >= tolerance * den and passes < MAX_PASSES:
            new_keep = keep.copy()
            for c in state.elected:
                new_keep[c] = -((-int(keep[c]) * quota * den) // int(votes[c]))
            if np.array_equal(new_keep, keep):
                break
            keep = new_keep
            votes, excess, quota = measure()
            passes += 1
            if any(int(votes[c]) >= quota * den for c in state.continuing):
                break
        if passes:
            stage("surplus", subject, note=f"keep values recomputed {passes} times")
            if passes < MAX_PASSES or state.finished:
                continue
        lowest = state.lowest([Fraction(int(v)) for v in votes])
        state.exclude([lowest])
        keep[lowest] = 0
        votes, excess, quota = measure()
        stage("exclusion", [lowest], [lowest])
    return state.result(ballots, Fraction(quota, unit))
