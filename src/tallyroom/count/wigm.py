"""The weighted inclusive Gregory method (WIGM) of STV, and Scottish STV as its preset.

Scottish STV is The Scottish Local Government Elections Order 2007 (SSI 2007/42), Schedule 1,
rules 45-52, re-made as SSI 2011/399 (see docs/methods/wigm.md):

- stage 1 credits each candidate with the first preferences; the quota (rule 46) follows from the
  valid poll, and a candidate reaching it is elected (rule 47);
- a surplus passes on every paper the candidate holds (inclusive), each at
  ``surplus x value of the paper / candidate's votes``, truncated to 5 decimal places (rule 48);
  the largest surplus goes first, equal ones by the look-back rule then lot (rule 49);
- with no surplus left, the lowest candidate is excluded and all their papers pass on at the value
  they arrived with, in one stage (rule 50); equal lowest by the look-back rule then lot (rule 51);
- when no more candidates continue than vacancies are left, they are elected and nothing more is
  transferred (rule 52).

Ballots are held per distinct ranking: a pointer to its current preference, and for each candidate
the rankings it holds grouped by their value (a fixed-point int with ``places`` decimals). A transfer
touches only the transferring candidate's rankings: pointers advance past candidates no longer
continuing, and the weights are summed by receiving candidate exactly (integers, by sorting and
``np.add.reduceat``). Values are computed once per distinct value, in Python ints; every total is
an int, in units of ``1 / (denominator x 10**places)`` of a vote.

A small count (``SMALL``: rankings times candidates, about 4,000 rankings of 30) holds its papers
as ``FewPapers`` instead, the same papers in fewer NumPy calls a transfer: at that size the cost
of a call, not the papers, is what counts (a forecast's Monte Carlo counts thousands of such
contests; above it ``Papers`` is faster). Both give the same groups, so the same figures
(tests/count/test_wigm_papers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import notes
from .ballots import PAD, Ballots, weighted_bincount
from .context import Context
from .quotas import check as check_quota
from .quotas import quota as make_quota
from .result import Result
from .stv import CountState

ROUNDINGS = ("down", "nearest")
SMALL = 1 << 17  # rankings x candidates up to which a count holds its papers as FewPapers
SURPLUS_ORDERS = ("largest", "elected")


@dataclass(frozen=True)
class Options:
    quota: str = "droop"
    places: int = 5  # decimal places of paper values and transfer values
    rounding: str = "down"  # transfer values truncated ("down") or rounded half up ("nearest")
    surplus_order: str = "largest"  # largest surplus first, or in the order the candidates were elected
    ties: tuple[str, ...] = ("backward", "lot")

    def __post_init__(self):
        check_quota(self.quota)
        if not 0 <= self.places <= 9:
            raise ValueError(f"places must be from 0 to 9, not {self.places}")
        if self.rounding not in ROUNDINGS:
            raise ValueError(f"rounding must be one of {', '.join(ROUNDINGS)}, not {self.rounding!r}")
        if self.surplus_order not in SURPLUS_ORDERS:
            raise ValueError(
                f"surplus_order must be one of {', '.join(SURPLUS_ORDERS)}, not {self.surplus_order!r}"
            )


class Papers:
    """Where every distinct ranking stands: the candidate holding it and at what value."""

    def __init__(self, ballots: Ballots, standing: list[int]):
        n, width = len(ballots.candidates), ballots.rankings.shape[1]
        if len(ballots) and int(ballots.weights.max()) * len(ballots) >= 2**63:
            raise ValueError("ballot weights are too large to sum exactly in 64-bit integers")
        # One column of padding more, so a pointer past the last preference reads PAD.
        padded = np.full((len(ballots), width + 1), PAD, dtype=ballots.rankings.dtype)
        padded[:, :width] = ballots.rankings
        self.width = width + 1
        self.flat = padded.ravel()
        self.weights = ballots.weights
        self.pointer = np.full(len(ballots), -1, dtype=np.int32)
        # skip[c] is True for a candidate a paper passes over; index -1 (PAD) stops it.
        self.skip = np.ones(n + 1, dtype=bool)
        self.skip[standing] = False
        self.skip[-1] = False
        self.held: list[dict[int, list[np.ndarray]]] = [{} for _ in range(n)]

    def leave(self, candidates: list[int]) -> None:
        """Papers pass over these candidates from now on."""
        self.skip[candidates] = True

    def advance(self, rows: np.ndarray) -> np.ndarray:
        """Move the papers ``rows`` to their next continuing preference; returns it (PAD if none)."""
        pointer = self.pointer[rows] + 1
        base = rows * self.width
        marks = self.flat[base + pointer]
        todo = np.flatnonzero(self.skip[marks])
        while len(todo):
            pointer[todo] += 1
            marks[todo] = self.flat[base[todo] + pointer[todo]]
            todo = todo[self.skip[marks[todo]]]
        self.pointer[rows] = pointer
        return marks

    def deal(self, parts: list[tuple[int, np.ndarray]]) -> list[tuple[int, int, int]]:
        """Advance the papers of ``parts``, ``(value, rows)`` pairs, and give them to their next
        preferences. Returns ``(candidate or PAD, value, total weight)`` for each receiving group.
        All values' papers are advanced in one call (its cost is mostly per call, not per paper)."""
        parts = [(v, r) for v, r in parts if len(r)]
        if not parts:
            return []
        every = self.advance(np.concatenate([r for _, r in parts]) if len(parts) > 1 else parts[0][1])
        groups = []
        offset = 0
        for value, rows in parts:
            marks = every[offset : offset + len(rows)]
            offset += len(rows)
            order = np.argsort(marks, kind="stable")
            rows, marks = rows[order], marks[order]
            starts = np.concatenate(([0], np.flatnonzero(marks[1:] != marks[:-1]) + 1))
            sums = np.add.reduceat(self.weights[rows], starts)
            ends = [*starts[1:], len(rows)]
            for start, end, total in zip(starts, ends, sums, strict=True):
                c = int(marks[start])
                if c != PAD and value:
                    self.held[c].setdefault(value, []).append(rows[start:end])
                groups.append((c, value, int(total)))
        return groups

    def take(self, c: int) -> dict[int, np.ndarray]:
        """Remove and return the papers ``c`` holds, by value."""
        held, self.held[c] = self.held[c], {}
        return {v: np.concatenate(parts) for v, parts in held.items()}


class FewPapers:
    """Papers of a small count (the methods of ``Papers``, the same groups), moved in few NumPy
    calls a transfer: the per-call cost, not the papers, is what counts at that size. Each
    ranking's place (``at``: the flat index of the mark it stands at), holder (PAD: none) and
    value are arrays; a transfer's papers are summed by receiver in one ``bincount``; and its
    papers advance together, one call per mark passed over, all of them each time."""

    def __init__(self, ballots: Ballots, standing: list[int]):
        n, width = len(ballots.candidates), ballots.rankings.shape[1]
        rows = len(ballots)
        if rows and int(ballots.weights.max()) * rows >= 2**63:
            raise ValueError("ballot weights are too large to sum exactly in 64-bit integers")
        padded = np.full((rows, width + 1), PAD, dtype=ballots.rankings.dtype)
        padded[:, :width] = ballots.rankings  # a pointer past the last preference reads PAD
        self.flat = padded.ravel()
        self.at = np.arange(rows, dtype=np.intp) * (width + 1) - 1  # one before the first mark
        self.skip = np.ones(n + 1, dtype=bool)  # index -1 (PAD) stops a paper
        self.skip[standing] = False
        self.skip[-1] = False
        self.passed = self.skip[self.flat]  # per mark: whether a paper passes over it
        self.n = n
        self.weights = ballots.weights
        # np.bincount sums in floats: exact while every partial sum is below 2**53
        self.float_exact = ballots.weights.dtype != object and (
            not rows or rows * int(ballots.weights.max()) < 2**53
        )
        self.holder = np.full(rows, PAD, dtype=np.int32)
        self.value = np.zeros(rows, dtype=np.int64)

    def leave(self, candidates: list[int]) -> None:
        """Papers pass over these candidates from now on."""
        self.skip[candidates] = True
        for c in candidates:
            self.passed |= self.flat == c

    def advance(self, rows: np.ndarray) -> np.ndarray:
        """Move the papers ``rows`` to their next continuing preference; returns it (PAD if none)."""
        at = self.at[rows] + 1
        passing = self.passed[at]
        while np.count_nonzero(passing):
            at += passing
            passing = self.passed[at]
        self.at[rows] = at
        return self.flat[at]

    def deal(self, parts: list[tuple[int, np.ndarray]]) -> list[tuple[int, int, int]]:
        """As ``Papers.deal``: the papers of ``(value, rows)`` pairs go to their next preferences;
        returns ``(candidate or PAD, value, total weight)`` for each receiving group."""
        parts = [(v, r) for v, r in parts if len(r)]
        if not parts:
            return []
        values = [v for v, _ in parts]
        groups = self.n + 1  # keys (part, receiver), PAD first
        if len(parts) == 1:
            rows = parts[0][1]
            marks = self.advance(rows)
            self.value[rows] = values[0]
            key = marks + 1
        else:
            rows = np.concatenate([r for _, r in parts])
            marks = self.advance(rows)
            sizes = [len(r) for _, r in parts]
            self.value[rows] = np.repeat(np.array(values, dtype=np.int64), sizes)
            key = np.repeat(np.arange(1, len(parts) * groups, groups), sizes) + marks
        self.holder[rows] = marks  # a paper of no value is kept (Papers drops it): it counts nothing
        if self.float_exact:
            sums = np.bincount(key, self.weights[rows], len(parts) * groups).astype(np.int64)
        else:
            sums = weighted_bincount(key, self.weights[rows], len(parts) * groups)
        # a group of no weight changes no total, so it is left out
        found = sums.tolist()
        return [(k % groups - 1, values[k // groups], found[k]) for k in sums.nonzero()[0].tolist()]

    def take(self, c: int) -> dict[int, np.ndarray]:
        """Remove and return the papers ``c`` holds, by value."""
        rows = (self.holder == c).nonzero()[0]
        if not len(rows):
            return {}
        self.holder[rows] = PAD
        values = self.value[rows]
        if (values == values[0]).all():
            return {int(values[0]): rows}
        order = np.argsort(values, kind="stable")
        rows, values = rows[order], values[order]
        starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
        return {int(values[a]): rows[a:b] for a, b in zip(starts, [*starts[1:], len(rows)], strict=True)}


def count(ballots: Ballots, seats: int, options: Options, context: Context) -> Result:
    scale = 10**options.places
    unit = ballots.denominator * scale  # every figure is an int: units of 1/unit of a vote
    small = len(ballots) * len(ballots.candidates) <= SMALL
    papers = (FewPapers if small else Papers)(ballots, context.standing)
    state = CountState(ballots, seats, context, options.places, unit)
    n = len(ballots.candidates)
    totals = [0] * n

    def credit(groups: list[tuple[int, int, int]]) -> int:
        """Add each receiving candidate's votes; returns the units that found no continuing
        preference (non-transferable)."""
        lost = 0
        for c, value, weight in groups:
            if c == PAD:
                lost += weight * value
            else:
                totals[c] += weight * value
        return lost

    everyone = np.arange(len(ballots), dtype=np.intp)
    first = papers.deal([(scale, everyone)])
    credit([g for g in first if g[0] != PAD])
    empty = Fraction(sum(w for c, _, w in first if c == PAD), ballots.denominator)
    quota = make_quota(options.quota, ballots.total - empty, seats)
    counted = quota.in_units(unit)
    non_transferable = loss = 0
    surplus_due: list[int] = []  # elected, surplus not yet transferred, in order of election

    stage = state.record("first", [], totals, non_transferable, loss)
    while True:
        before = len(state.elected)
        state.settle(stage, totals, counted)
        papers.leave(state.elected[before:])
        surplus_due += [c for c in state.elected[before:] if totals[c] > counted.value]
        if state.finished:
            break
        doomed = state.doomed()
        if doomed:
            state.exclude(doomed)
            papers.leave(doomed)
            for c in doomed:
                non_transferable += credit(papers.deal(list(papers.take(c).items())))
                totals[c] = 0
            stage = state.record("exclusion", doomed, totals, non_transferable, loss, excluded=doomed)
            stage.note = notes.DOOMED_BREAK
            continue
        if surplus_due:
            if options.surplus_order == "largest":
                c = state.largest(surplus_due, [totals[d] - counted.value for d in surplus_due])
            else:
                c = surplus_due[0]
            surplus_due.remove(c)
            surplus, held = totals[c] - counted.value, totals[c]
            groups = papers.deal(
                [(_share(surplus * v, held, options.rounding), r) for v, r in papers.take(c).items()]
            )
            non_transferable += credit(groups)
            loss += surplus - sum(w * value for _, value, w in groups)
            totals[c] = counted.value
            tv = Fraction(_share(surplus * scale, held, options.rounding), scale)
            stage = state.record("surplus", [c], totals, non_transferable, loss, transfer_value=tv)
            continue
        c = state.lowest(totals)
        state.exclude([c])
        papers.leave([c])
        non_transferable += credit(papers.deal(list(papers.take(c).items())))
        totals[c] = 0
        stage = state.record("exclusion", [c], totals, non_transferable, loss, excluded=[c])
    return state.result(ballots, quota.value)


def _share(numerator: Fraction | int, denominator: int, rounding: str) -> int:
    """``numerator / denominator`` as a whole number, truncated (``down``) or rounded half up."""
    if rounding == "nearest":
        numerator = 2 * numerator + denominator
        denominator *= 2
    return numerator // denominator
