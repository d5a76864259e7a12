"""What every counting algorithm is handed besides the ballots and its options."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .ballots import Ballots
from .constraints import Constraints
from .numbers import places_for
from .result import Result, Stage
from .ties import TieBreaker


@dataclass
class Context:
    """The contest's settings that are not the method's own: how ties are settled, the
    constraints on who is elected, and which candidate (if any) is RON."""

    standing: list[int]  # candidate indexes, withdrawn candidates left out
    ties: TieBreaker
    constraints: Constraints
    ron: int | None = None
    record_stages: bool = True  # False: STV methods keep no stage sheets, only who is elected

    def constrained(
        self, elected: Sequence[int], continuing: Sequence[int], seats_left: int
    ) -> tuple[list[int], list[int], int, int]:
        """Elected, continuing, seats left and the minimums' slack as the constraints judge them:
        RON is left out of both lists, and a seat it has won lowers the minimums only once the
        other seats can no longer meet them (constraints.py)."""
        ron = self.ron
        mine = [c for c in elected if c != ron]
        others = [c for c in continuing if c != ron]
        reopened = int(ron is not None and ron in elected)
        if reopened and self.constraints.feasible(mine, others, seats_left):
            reopened = 0
        return mine, others, seats_left, reopened

    def allows(
        self, elected: Sequence[int], continuing: Sequence[int], seats_left: int, chosen: Sequence[int]
    ) -> bool:
        """Whether electing ``chosen`` (continuing) leaves the constraints possible to meet."""
        mine, others, _, reopened = self.constrained(elected, continuing, seats_left)
        return self.constraints.feasible(
            [*mine, *(c for c in chosen if c != self.ron)],
            [c for c in others if c not in chosen],
            seats_left - len(chosen),
            max(reopened, int(self.ron in chosen)),
        )

    def names(self, candidates) -> list[str]:
        return [candidates[c] for c in self.standing]

    def result(
        self,
        ballots: Ballots,
        seats: int,
        elected: list[int],
        stages: list[Stage],
        places: int | None = None,
        quota: Fraction | None = None,
    ) -> Result:
        """The Result of a count of ``ballots`` (``method`` and the contest's settings are filled in
        by ``tallyroom.count.count``). ``places`` defaults to what shows the ballot weights exactly."""
        valid = ballots.valid_poll
        return Result(
            method="",
            seats=seats,
            candidates=self.names(ballots.candidates),
            valid_poll=valid,
            places=places_for(ballots.denominator) if places is None else places,
            elected=[ballots.candidates[c] for c in elected],
            stages=stages,
            quota=quota,
            empty=ballots.total - valid,
        )
