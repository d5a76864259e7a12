"""What every counting algorithm is handed besides the ballots and its options."""

from __future__ import annotations

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
