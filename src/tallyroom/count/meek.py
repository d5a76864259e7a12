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

All arithmetic is in integers (units of ``10**-places``); in 64-bit integers, or Python's where
weights that large (a count by colleges) could overflow them. A pass works on paths, not rankings
(``_Votes``): rankings that meet the same elected candidates in the same order before the same
hopeful are passed once, with their weights summed, which gives the same figures exactly.
Constraints (doomed excluded at once, guarded never excluded, guarded elected when they alone fill
the seats) and RON are handled by stv.CountState.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import notes
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


HOPEFUL, ELECTED, PASSED = 0, 1, 2  # how a vote meets a candidate: stops whole, is shared, passes on


class _Votes:
    """Passes each distinct ranking's vote down its preferences at the current keep values.

    A vote passes over excluded candidates, is shared by the elected ones and stops whole at the
    first hopeful (keep value 1), so what a ranking gives each candidate depends only on its path:
    the elected candidates it meets before its first hopeful, in order, and that hopeful (its
    terminal; PAD if none). Rankings of one path round alike, so a pass works on the paths, each
    with its rankings' summed weight, and gives exactly what passing every ranking would. Paths
    change only when a candidate is elected or excluded, and then only for the rankings whose
    terminal it was: those advance to their next hopeful (as wigm.Papers moves a candidate's papers).
    """

    def __init__(self, ballots: Ballots, unit: int, standing: list[int]):
        marked = ballots.lengths() > 0
        rankings = ballots.rankings[marked]
        self.weights = ballots.weights[marked]
        self.denominator = ballots.denominator
        self.ncandidates = n = len(ballots.candidates)
        self.unit = unit
        if exact_sum(self.weights) * unit >= 2**63:  # heavy weights (electoral colleges): Python ints
            self.weights = self.weights.astype(object)
        self.valid = exact_sum(self.weights) * unit  # in units over the denominator
        # One column of padding more, so a pointer past the last preference reads PAD.
        width = rankings.shape[1] + 1
        padded = np.full((len(rankings), width), PAD, dtype=rankings.dtype)
        padded[:, : width - 1] = rankings
        self.width, self.flat = width, padded.ravel()
        self.pointer = np.zeros(len(rankings), dtype=np.int32)
        self.path = np.zeros(len(rankings), dtype=np.int32)  # an index into self.paths
        self.paths: list[tuple[int, ...]] = [()]  # the elected candidates met, in order
        self.extended: dict[tuple[int, int], int] = {}  # (path, candidate) -> the path one longer
        self.status = np.full(n + 1, PASSED, dtype=np.int8)  # index -1 (PAD) ends a ranking
        self.status[standing] = HOPEFUL
        self.status[-1] = HOPEFUL
        self.held: dict[int, list[np.ndarray]] = {}  # terminal -> its rankings
        self.groups: dict[int, dict[int, int]] = {}  # terminal -> path -> summed weight
        self.table: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._advance(np.arange(len(rankings), dtype=np.intp))

    def update(self, elected: list[int], excluded: list[int]) -> None:
        """Move the rankings whose terminal has been elected or excluded since the last pass."""
        changed = [c for c in elected if self.status[c] != ELECTED]
        changed += [c for c in excluded if self.status[c] != PASSED]
        if not changed:
            return
        self.status[elected] = ELECTED
        self.status[excluded] = PASSED
        for c in changed:
            self.groups.pop(c, None)
            rows = self.held.pop(c, [])
            if rows:
                self._advance(np.concatenate(rows))
        self.table = None

    def _advance(self, rows: np.ndarray) -> None:
        """Move ``rows`` from their pointer to their next hopeful, extending their paths by the
        elected candidates met; add their weights to their new groups."""
        if not len(rows):
            return
        pointer, path = self.pointer[rows], self.path[rows]
        base = rows * self.width
        marks = self.flat[base + pointer]
        todo = np.flatnonzero(self.status[marks] != HOPEFUL)
        while len(todo):
            met = todo[self.status[marks[todo]] == ELECTED]
            if len(met):
                path[met] = self._extend(path[met], marks[met])
            pointer[todo] += 1
            marks[todo] = self.flat[base[todo] + pointer[todo]]
            todo = todo[self.status[marks[todo]] != HOPEFUL]
        self.pointer[rows], self.path[rows] = pointer, path
        npaths = len(self.paths)
        key = (marks.astype(np.intp) + 1) * npaths + path
        sums = weighted_bincount(key, self.weights[rows], (self.ncandidates + 1) * npaths)
        for k in np.flatnonzero(sums).tolist():
            terminal, p = divmod(k, npaths)
            group = self.groups.setdefault(terminal - 1, {})
            group[p] = group.get(p, 0) + sums[k]
        order = np.argsort(marks, kind="stable")  # a radix sort of small integers
        terminals, rows = marks[order], rows[order]
        cuts = np.flatnonzero(np.concatenate(([True], terminals[1:] != terminals[:-1], [True])))
        for start, end in zip(cuts[:-1], cuts[1:], strict=True):
            if terminals[start] != PAD:  # an exhausted ranking never moves again
                self.held.setdefault(int(terminals[start]), []).append(rows[start:end])

    def _extend(self, paths: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        """Each path with its candidate appended (as indexes into self.paths)."""
        pairs, inverse = np.unique(
            paths.astype(np.int64) * (self.ncandidates + 1) + candidates, return_inverse=True
        )
        longer = np.empty(len(pairs), dtype=np.int32)
        for i, pair in enumerate(pairs.tolist()):
            p, c = divmod(pair, self.ncandidates + 1)
            if (p, c) not in self.extended:
                self.extended[p, c] = len(self.paths)
                self.paths.append((*self.paths[p], c))
            longer[i] = self.extended[p, c]
        return longer[inverse.reshape(-1)]

    def _table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every group: its path (padded with the index ncandidates), terminal and weight."""
        if self.table is None:
            rows = [(p, t, w) for t, group in self.groups.items() for p, w in group.items()]
            depth = max((len(self.paths[p]) for p, _, _ in rows), default=0)
            paths = np.full((len(rows), depth), self.ncandidates, dtype=np.intp)
            for i, (p, _, _) in enumerate(rows):
                paths[i, : len(self.paths[p])] = self.paths[p]
            terminals = np.array([t for _, t, _ in rows], dtype=np.intp)
            weights = np.array([w for _, _, w in rows], dtype=self.weights.dtype)
            self.table = paths, terminals, weights
        return self.table

    def pass_votes(self, keep: np.ndarray) -> tuple[np.ndarray, int]:
        """Each candidate's votes and the excess, in units over the denominator."""
        unit, n = self.unit, self.ncandidates
        paths, terminals, weights = self._table()
        keep = np.append(keep, 0)  # the padding of paths keeps nothing
        in_hand = np.full(len(terminals), unit, dtype=np.int64)
        votes = np.zeros(n + 1, dtype=weights.dtype)
        for j in range(paths.shape[1]):
            column = paths[:, j]
            kept = np.minimum(-((-in_hand * keep[column]) // unit), in_hand)
            in_hand -= kept
            votes += weighted_bincount(column, kept * weights, n + 1)
        stops = terminals != PAD
        votes[:n] += weighted_bincount(terminals[stops], in_hand[stops] * weights[stops], n)
        return votes[:n], int((in_hand[~stops] * weights[~stops]).sum())


def count(ballots: Ballots, seats: int, options: Options, context: Context) -> Result:
    unit = 10**options.places
    tolerance = to_fixed(Fraction(options.tolerance), options.places, "up")
    votes_of = _Votes(ballots, unit, context.standing)
    den = votes_of.denominator
    state = CountState(ballots, seats, context, options.places)
    keep = np.zeros(len(ballots.candidates), dtype=np.int64)
    keep[context.standing] = unit

    def measure() -> tuple[np.ndarray, int, int]:
        """Votes and excess (units over the denominator) and the quota (units)."""
        votes_of.update(state.elected, state.excluded)
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
            stage("exclusion", doomed, doomed, note=notes.DOOMED)
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
            stage("surplus", subject, note=notes.KEEP_VALUES % {"passes": passes})
            if passes < MAX_PASSES or state.finished:
                continue
        lowest = state.lowest([Fraction(int(v)) for v in votes])
        state.exclude([lowest])
        keep[lowest] = 0
        votes, excess, quota = measure()
        stage("exclusion", [lowest], [lowest])
    return state.result(ballots, Fraction(quota, unit))
