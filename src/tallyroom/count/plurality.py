"""First past the post, block vote and approval: one stage, the most votes win.

Which marks on a ballot count is the option ``marks``: ``first`` (plurality: the first preference
only), ``seats`` (block vote: the first N marks, N the seats), or ``all`` (approval: every mark).
Seats go to the candidates with most votes, in order; under constraints a candidate whose
election would make them impossible to meet is passed over (see constraints.py), RON left out
and a seat it wins counted as reopened (context.Context.constrained).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import notes
from .ballots import PAD, Ballots, weighted_bincount
from .context import Context
from .result import Result, Stage

MARKS = ("first", "seats", "all")


@dataclass(frozen=True)
class Options:
    marks: str = "first"
    ties: tuple[str, ...] = ("lot",)

    def __post_init__(self):
        if self.marks not in MARKS:
            raise ValueError(f"marks must be one of {', '.join(MARKS)}, not {self.marks!r}")


def first_marks(options: Options, seats: int) -> int | None:
    """How many marks of each ballot the count credits: the first, the first ``seats``, or all (None)."""
    return {"first": 1, "seats": seats, "all": None}[options.marks]


def mark_totals(ballots: Ballots, depth: int | None) -> np.ndarray:
    """Each candidate's votes (numerators over ``ballots.denominator``) from the first ``depth``
    marks of every ballot (all marks if None)."""
    marks = ballots.rankings if depth is None else ballots.rankings[:, :depth]
    weights = np.broadcast_to(ballots.weights[:, None], marks.shape)
    used = marks != PAD
    return weighted_bincount(marks[used], weights[used], len(ballots.candidates))


def count(ballots: Ballots, seats: int, options: Options, context: Context) -> Result:
    votes = mark_totals(ballots, first_marks(options, seats))
    names = ballots.candidates
    denominator = ballots.denominator
    stage = Stage(
        stage=1,
        action="count",
        subject=[],
        totals={names[c]: Fraction(int(votes[c]), denominator) for c in context.standing},
    )
    elected: list[int] = []
    continuing = list(context.standing)
    while continuing and len(elected) < seats:
        best = max(votes[c] for c in continuing)
        tied = [c for c in continuing if votes[c] == best]
        rest = [c for c in continuing if c not in tied]
        left = seats - len(elected) - len(tied)
        if len(tied) > 1 and left >= 0 and context.allows(elected, continuing, seats - len(elected), tied):
            # All of them take seats (the constraints allow it): the tie decides nothing.
            elected += tied
            stage.elected += [names[c] for c in tied]
            continuing = rest
            continue
        chosen, tie = context.ties.choose(tied, "elect", [])
        if tie:
            stage.ties.append(tie)
        allowed = chosen == context.ron or context.allows(elected, continuing, seats - len(elected), [chosen])
        continuing.remove(chosen)
        if not allowed:
            stage.excluded.append(names[chosen])
            continue
        elected.append(chosen)
        stage.elected.append(names[chosen])
    if context.ron in elected:
        stage.note = notes.RON
    return context.result(ballots, seats, elected, [stage])
