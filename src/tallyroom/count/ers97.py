"""STV by the Electoral Reform Society's 1997 rules: How to conduct an election by the Single
Transferable Vote, 3rd edition, sections 4-6 (the rules for a count by hand).

- Quota (5.1.6): valid poll / (seats + 1), to two decimal places, rounded up. Before anyone is
  elected it is recomputed without the non-transferable votes (5.4.8).
- Election (5.1.7, 5.3.13, 5.4.9): a continuing candidate whose votes equal or exceed the quota,
  or (rarely lower) the total active vote / (places not yet filled + 1), likewise rounded up. The
  total active vote counts every vote awaiting transfer (6.20), an excluded candidate's papers not
  yet moved included: it is the valid vote less the elected candidates' quotas (their votes if
  less) and the non-transferable votes (5.6.1). It is counted again after each election, at the
  same point, until nobody more is elected (each candidate "in turn", 5.3.13).
- Surpluses (5.2.2-5.2.4, 5.3): the largest first, ties by the tie rules (``forward`` then lot).
  Only the last batch of papers received, which gave rise to the surplus, is examined (at the
  first stage: all the candidate's papers). Its transferable papers move at transfer value
  surplus / papers, to two places, rounded down, or at their present value if that does not exceed
  the surplus. The neglected remainder is shown as ``loss``; the value of papers that could not move
  when their present value did not exceed the surplus as ``non_transferable``. (The booklet's result
  sheet shows the two together as "non-transferable".)
- Deferral (5.2.2): surpluses wait while their total does not exceed the gap between the lowest
  candidate(s) that could be excluded together and the candidate next above.
- Exclusion (5.2.5, 5.4): as many of the lowest together as possible, provided enough candidates
  remain and their votes plus the deferred surpluses do not exceed the vote of the next above; one
  at a time when constraints apply. Their papers are transferred in batches, highest value first,
  each at its own value; after each batch candidates may be elected and take no more papers.
- Completion (5.5): when an exclusion would leave as many continuing candidates as seats left they
  are all elected; when the seats are filled the count ends.

Tie rules: ties are settled by the contest's rules (``forward``: the stage at which the tied
candidates first differed, then ``lot``). The booklet looks at every batch within a stage too, and
for a tie among candidates reaching the quota with too few seats, where their votes were equal at
every point, elects none of them at that stage; tallyroom looks at stages and goes on to the next
rule.

Values are exact: Fractions rounded to two places only where the rules say. Papers are held per
distinct ranking in NumPy arrays (``_Papers``): a batch is an array of rows, and a sort advances
those rows' pointers to their next continuing preference, all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import notes
from .ballots import PAD, Ballots, exact_sum
from .context import Context
from .numbers import decimal_str, to_fixed
from .quotas import Quota
from .result import Result, Stage
from .stv import CountState

PLACES = 2
CENT = Fraction(1, 10**PLACES)
_NO_ROWS = np.zeros(0, dtype=np.intp)


@dataclass(frozen=True)
class Options:
    ties: tuple[str, ...] = ("forward", "lot")


def _down(value: Fraction) -> Fraction:
    return Fraction(to_fixed(value, PLACES, "down"), 10**PLACES)


def _up(value: Fraction) -> Fraction:
    return Fraction(to_fixed(value, PLACES, "up"), 10**PLACES)


@dataclass
class _Batch:
    """Papers of one value credited to a candidate in one transfer: their ranking rows (each row's
    pointer is at the preference for that candidate)."""

    value: Fraction
    rows: np.ndarray
    amount: Fraction = Fraction(0)  # the votes they were credited with


class _Papers:
    """Each candidate's batches, and where each distinct ranking stands: a pointer to the
    preference for the candidate holding it (as wigm.Papers keeps them). Weights are summed in
    64-bit integers, or in Python's where their total could overflow them."""

    def __init__(self, ballots: Ballots):
        width = ballots.rankings.shape[1] + 1  # a pointer past the last preference reads PAD
        padded = np.full((len(ballots), width), PAD, dtype=ballots.rankings.dtype)
        padded[:, : width - 1] = ballots.rankings
        self.width, self.flat = width, padded.ravel()
        self.pointer = np.zeros(len(ballots), dtype=np.int32)
        self.weights = ballots.weights
        if exact_sum(self.weights) >= 2**63:
            self.weights = self.weights.astype(object)
        self.denominator = ballots.denominator
        self.ncandidates = len(ballots.candidates)
        self.batches: dict[int, list[_Batch]] = {}
        rows = np.flatnonzero((padded[:, 0] != PAD) & (ballots.weights != 0))
        for c, pile in self._piles(rows, padded[rows, 0]).items():
            self.batches[c] = [_Batch(Fraction(1), pile, self.weight(pile))]

    def weight(self, rows: np.ndarray) -> Fraction:
        return Fraction(int(self.weights[rows].sum()), self.denominator)

    def sort(self, rows: np.ndarray, continuing: Iterable[int]) -> dict[int | None, np.ndarray]:
        """Papers by next available preference for a continuing candidate (None: non-transferable)."""
        skip = np.ones(self.ncandidates + 1, dtype=bool)
        skip[list(continuing)] = False
        skip[-1] = False  # PAD: the end of a ranking
        pointer = self.pointer[rows] + 1
        base = rows * self.width
        marks = self.flat[base + pointer]
        todo = np.flatnonzero(skip[marks])
        while len(todo):
            pointer[todo] += 1
            marks[todo] = self.flat[base[todo] + pointer[todo]]
            todo = todo[skip[marks[todo]]]
        self.pointer[rows] = pointer
        return self._piles(rows, marks)

    @staticmethod
    def _piles(rows: np.ndarray, marks: np.ndarray) -> dict[int | None, np.ndarray]:
        """``rows`` by their mark (None for PAD)."""
        if not len(rows):
            return {}
        order = np.argsort(marks, kind="stable")  # a radix sort of small integers
        marks, rows = marks[order], rows[order]
        cuts = np.flatnonzero(np.concatenate(([True], marks[1:] != marks[:-1], [True])))
        return {
            None if marks[a] == PAD else int(marks[a]): rows[a:b]
            for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True)
        }


def count(ballots: Ballots, seats: int, options: Options, context: Context) -> Result:
    state = CountState(ballots, seats, context, PLACES)
    papers = _Papers(ballots)
    valid = ballots.valid_poll
    votes = [
        sum((b.amount for b in papers.batches.get(c, [])), Fraction(0))
        for c in range(len(ballots.candidates))
    ]
    moved: set[int] = set()  # elected candidates whose surplus has been transferred
    spent = {"non_transferable": Fraction(0), "loss": Fraction(0)}
    quota = _up(valid / (seats + 1))

    def surpluses() -> dict[int, Fraction]:
        return {c: votes[c] - quota for c in state.elected if c not in moved and votes[c] > quota}

    def active_vote() -> Fraction:
        """The total active vote (6.20), kept as the Count Control Form does (5.6.1): the valid vote
        less the elected candidates' quotas (their votes if less) and the non-transferable votes.
        So it counts every paper awaiting transfer: surpluses not yet transferred, and the batches
        of excluded candidates not yet moved."""
        held = sum((min(votes[c], quota) for c in state.elected), Fraction(0))
        return valid - held - spent["non_transferable"] - spent["loss"]

    def threshold(active: Fraction) -> Quota:
        """The quota, or the total active vote / (places not yet filled + 1) where that is lower."""
        lower = max(_up(active / (state.seats_left + 1)), CENT) if state.seats_left else quota
        return Quota("ers97", min(quota, lower), exceed=False)

    def settle(stage: Stage, papers_at: str = "") -> None:
        """Deem elected who reaches the votes required, checked again after each election: the one
        elected takes their quota out of the total active vote and fills a place (5.1.7, 5.3.13,
        5.4.9, 5.6.1). A check that elects below the quota is noted with its figures (and, after
        one of several batches of an exclusion, ``papers_at``: that batch's value)."""
        while not state.finished:
            active, places, before = active_vote(), state.seats_left, len(state.elected)
            required = threshold(active)
            state.settle(stage, votes, required)
            chosen = state.elected[before:]
            if not chosen:
                return
            reached = [state.names[c] for c in chosen if required.reached(votes[c])]
            if reached and required.value < quota:
                template = notes.REQUIRED_ONE_PLACE if places == 1 else notes.REQUIRED
                text = template % {
                    "required": decimal_str(required.value, PLACES),
                    "active": decimal_str(active, PLACES),
                    "places": places,
                    "names": ", ".join(reached),
                }
                stage.add_note(notes.AFTER_PAPERS % {"value": papers_at, "note": text} if papers_at else text)

    def record(action: str, subject: list[int], excluded=(), transfer_value=None, scratch=None) -> Stage:
        stage = state.record(
            action, subject, votes, spent["non_transferable"], spent["loss"], transfer_value, excluded
        )
        if scratch is not None:
            stage.elected, stage.ties, stage.note = scratch.elected, stage.ties + scratch.ties, scratch.note
        return stage

    def credit(recipient: int, value: Fraction, pile: np.ndarray) -> Fraction:
        """Credit ``pile`` at ``value`` a paper (rounded down to two places); return the amount."""
        amount = _down(value * papers.weight(pile))
        votes[recipient] += amount
        papers.batches.setdefault(recipient, []).append(_Batch(value, pile, amount))
        return amount

    def transfer_surplus(c: int) -> Fraction:
        surplus = votes[c] - quota
        last = papers.batches[c][-1]
        piles = papers.sort(last.rows, state.continuing)
        last.rows = piles.pop(None, _NO_ROWS)
        transferable = sum((papers.weight(pile) for pile in piles.values()), Fraction(0))
        value = _down(surplus / transferable) if transferable * last.value > surplus else last.value
        moved_value = sum((credit(r, value, pile) for r, pile in piles.items()), Fraction(0))
        if value == last.value:  # every paper moves at its value; the rest of the surplus cannot move
            spent["non_transferable"] += surplus - moved_value
        else:  # the remainder neglected in rounding the transfer value down
            spent["loss"] += surplus - moved_value
        votes[c] = quota
        moved.add(c)
        return value

    def exclude(group: Sequence[int], note: str = "") -> None:
        nonlocal quota
        state.exclude(group)
        scratch = Stage(0, "exclusion", [], {}, note=note)
        batches = {c: papers.batches.pop(c, []) for c in group}
        values = sorted({b.value for bs in batches.values() for b in bs}, reverse=True)
        for value in values:
            if state.finished:
                break
            taken = [(c, b) for c, bs in batches.items() for b in bs if b.value == value]
            for c, b in taken:
                votes[c] -= b.amount
            piles = papers.sort(np.concatenate([b.rows for _, b in taken]), state.continuing)
            gone = _down(value * papers.weight(piles.pop(None, _NO_ROWS)))
            moved_value = sum((credit(r, value, pile) for r, pile in piles.items()), Fraction(0))
            spent["non_transferable"] += gone
            spent["loss"] += sum((b.amount for _, b in taken), Fraction(0)) - moved_value - gone
            if gone and not state.elected:
                quota = _up((valid - spent["non_transferable"] - spent["loss"]) / (seats + 1))
                scratch.note = notes.QUOTA_REDUCED % {"quota": decimal_str(quota, PLACES)}
            settle(scratch, decimal_str(value, PLACES) if len(values) > 1 else "")
        if not values:  # nothing to transfer (no votes): the last vacancies may still be filled
            settle(scratch)
        record("exclusion", list(group), group, scratch=scratch)

    settle(record("first", []))
    while not state.finished:
        doomed = state.doomed()
        if doomed:
            exclude(doomed, notes.DOOMED)
            continue
        pending = surpluses()
        deferred = sum(pending.values(), Fraction(0))
        group = _bulk(state, votes, deferred) if not context.constraints else []
        if pending and not group:
            c = state.largest(list(pending), list(pending.values()))
            value = transfer_surplus(c)
            settle(record("surplus", [c], transfer_value=value))
            continue
        if not group:
            group = [state.lowest(votes)]
        if len(state.continuing) - len(group) <= state.seats_left:
            state.exclude(group)
            stage = record("exclusion", group, group)
            stage.note = notes.LEFT_FILL
            stage.add_note(notes.NO_TRANSFER)
            state.fill_last(stage, votes)
            continue
        exclude(group)
    return state.result(ballots, quota)


def _bulk(state: CountState, votes: Sequence[Fraction], deferred: Fraction) -> list[int]:
    """The lowest candidates that can be excluded together with ``deferred`` surpluses waiting
    (rules 5.2.2 and 5.2.5): the most of them whose votes plus ``deferred`` do not exceed the vote
    of the next above, leaving enough candidates to fill the seats. With nothing deferred and no
    such group of two or more, the empty list (exclude the lowest alone)."""
    ordered = sorted(state.continuing, key=lambda c: votes[c])
    best: list[int] = []
    total = Fraction(0)
    for k in range(1, len(ordered)):
        total += votes[ordered[k - 1]]
        if len(ordered) - k < state.seats_left:
            break
        separated = votes[ordered[k - 1]] < votes[ordered[k]]
        if separated and total + deferred <= votes[ordered[k]]:
            best = ordered[:k]
    if len(best) == 1 and not deferred:
        return []
    return best
