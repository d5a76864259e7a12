"""The alternative vote (instant-runoff): one seat, the lowest excluded until a candidate has a
majority of the continuing votes.

Stage 1 counts first preferences. While no continuing candidate holds more than half of the votes
still on continuing candidates (exhausted ballots drop out of the majority), the lowest is excluded
and each of their ballots passes at its full weight to its next continuing preference, or is
exhausted. Every stage shows the totals after its transfer and the exhausted votes so far as
``non_transferable``. Ties for exclusion follow the stated tie rules (default: backward, then lot).

Options:

- ``bulk_exclusion`` (default off): exclude together the lowest candidates whose combined votes are
  fewer than the votes of the next candidate up. None of them can win, and the winner is the same as
  excluding them one by one; fewer stages are shown, and ties among them need no draw (so later lot
  draws take other numbers than in the one-by-one count).

Constraints on one seat can only say who may not take it (``man<=0``, or ``woman>=1``, which dooms
everyone else): doomed candidates are excluded together before any majority is looked for. RON is
counted like any candidate and is never doomed: if it wins, nominations reopen.

Ballots are held once per distinct ranking with a pointer to its current preference; an exclusion
moves only the excluded candidates' ballots, in NumPy, with exact integer sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import notes
from .ballots import PAD, Ballots, exact_sum, weighted_bincount
from .context import Context
from .result import Result, Stage


@dataclass(frozen=True)
class Options:
    ties: tuple[str, ...] = ("backward", "lot")
    bulk_exclusion: bool = False


class _Piles:
    """Each distinct ranking's current preference, and the candidates' totals (numerators)."""

    def __init__(self, ballots: Ballots, continuing: list[int]):
        n, width = ballots.rankings.shape
        self.ncandidates = len(ballots.candidates)
        # The rankings end to end, each closed by PAD, and each ballot's cursor into them.
        padded = np.full((n, width + 1), PAD, dtype=ballots.rankings.dtype)
        padded[:, :width] = ballots.rankings
        self.marks = padded.reshape(-1)
        self.cursor = np.arange(n, dtype=np.intp) * (width + 1)
        self.current = padded[:, 0].copy()
        # Empty ballots weigh nothing here: they are not in the valid poll, so not exhausted either.
        self.weights = np.where(self.current != PAD, ballots.weights, 0)
        # stop[c]: a ballot whose current preference is c stays there (c continuing, or PAD = -1,
        # which indexes the last slot: the ballot is exhausted).
        self.stop = np.zeros(self.ncandidates + 1, dtype=bool)
        self.stop[continuing] = True
        self.stop[PAD] = True
        self.totals = np.zeros(self.ncandidates, dtype=np.int64)
        self.exhausted = 0
        self._settle(np.arange(n, dtype=np.intp), advance=False)

    def exclude(self, candidates: list[int]) -> None:
        """Move the ballots of ``candidates`` on to their next continuing preferences."""
        self.stop[candidates] = False
        moving = self.current == candidates[0]
        for c in candidates[1:]:
            moving |= self.current == c
        self.totals[candidates] = 0
        self._settle(np.flatnonzero(moving), advance=True)

    def _settle(self, ballots: np.ndarray, advance: bool) -> None:
        """Advance ``ballots`` past candidates no longer continuing, then add them to the totals."""
        step = ballots if advance else ballots[~self.stop[self.current]]
        while len(step):
            cursor = self.cursor[step] + 1
            self.cursor[step] = cursor
            nxt = self.marks[cursor]
            self.current[step] = nxt
            step = step[~self.stop[nxt]]
        landed = self.current[ballots]
        weights = self.weights[ballots]
        live = landed != PAD
        self.totals += weighted_bincount(landed[live], weights[live], self.ncandidates)
        self.exhausted += exact_sum(weights[~live])


def _bulk(continuing: list[int], totals: np.ndarray) -> list[int]:
    """The largest set (of at least two) of the lowest candidates whose combined votes are fewer than
    the next candidate's, or [] if there is none."""
    ranked = sorted(continuing, key=lambda c: totals[c])
    best: list[int] = []
    below = 0
    for k in range(1, len(ranked)):
        below += int(totals[ranked[k - 1]])
        if below < totals[ranked[k]] and k >= 2:
            best = ranked[:k]
    return best


def count(ballots: Ballots, seats: int, options: Options, context: Context) -> Result:
    if seats != 1:
        raise ValueError("the alternative vote fills one seat; count more seats by an STV method")
    names = ballots.candidates
    denominator = ballots.denominator
    continuing = list(context.standing)
    piles = _Piles(ballots, continuing)
    history: list[np.ndarray] = []
    stages: list[Stage] = []
    elected: list[int] = []

    def record(action: str, excluded: list[int], note: str = "") -> Stage:
        history.append(piles.totals.copy())
        stage = Stage(
            stage=len(stages) + 1,
            action=action,
            subject=[names[c] for c in excluded],
            totals={names[c]: Fraction(int(piles.totals[c]), denominator) for c in context.standing},
            non_transferable=Fraction(piles.exhausted, denominator),
            excluded=[names[c] for c in excluded],
            note=note,
        )
        stages.append(stage)
        return stage

    stage = record("first", [])
    while continuing:
        doomed = context.constraints.doomed(*context.constrained([], continuing, 1))
        if doomed:
            continuing = [c for c in continuing if c not in doomed]
            piles.exclude(doomed)
            stage = record("exclusion", doomed, notes.BARRED)
            continue
        votes = {c: int(piles.totals[c]) for c in continuing}
        top = max(votes.values())
        if len(continuing) == 1 or 2 * top > sum(votes.values()):
            leaders = [c for c in continuing if votes[c] == top]
            elected.append(leaders[0])
            stage.elected.append(names[leaders[0]])
            if leaders[0] == context.ron:
                stage.add_note(notes.RON)
            break
        out = _bulk(continuing, piles.totals) if options.bulk_exclusion else []
        tie = None
        if not out:
            low = min(votes.values())
            loser, tie = context.ties.choose([c for c in continuing if votes[c] == low], "exclude", history)
            out = [loser]
        continuing = [c for c in continuing if c not in out]
        piles.exclude(out)
        stage = record("exclusion", out)
        if tie:
            stage.ties.append(tie)
    return context.result(ballots, seats, elected, stages)
