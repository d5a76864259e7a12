"""What every counting algorithm is handed besides the ballots and its options."""

from __future__ import annotations

from dataclasses import dataclass

from .constraints import Constraints
from .ties import TieBreaker


@dataclass
class Context:
    """The contest's settings that are not the method's own: how ties are settled, the
    constraints on who is elected, and which candidate (if any) is RON."""

    standing: list[int]  # candidate indexes, withdrawn candidates left out
    ties: TieBreaker
    constraints: Constraints
    ron: int | None = None

    def names(self, candidates) -> list[str]:
        return [candidates[c] for c in self.standing]
