"""The bench's polls: the synthetic ballots of ``tallyroom.formats.synthetic``, smaller polls cut
from them, and a file format (``.npz``) for handing ballots to child processes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tallyroom.count import Ballots


def prefix(ballots: Ballots, n: int) -> Ballots:
    """The first ``n`` ballots of ``ballots`` (a smaller poll of the same voters)."""
    return Ballots(ballots.candidates, ballots.rankings[:n], ballots.weights[:n], ballots.denominator)


def distinct(ballots: Ballots) -> int:
    """How many distinct rankings there are among ``ballots``."""
    return len(ballots.compressed())


def save(ballots: Ballots, path: Path) -> None:
    """Save ``ballots`` for a child process to ``load``."""
    np.savez(
        path,
        rankings=ballots.rankings,
        weights=ballots.weights,
        denominator=ballots.denominator,
        candidates=np.array(ballots.candidates),
    )


def load(path: Path) -> Ballots:
    with np.load(path) as data:
        return Ballots(
            tuple(str(n) for n in data["candidates"]),
            data["rankings"],
            data["weights"],
            int(data["denominator"]),
        )
