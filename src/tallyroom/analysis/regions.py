"""First preferences and the final round by region, with small regions merged so that no small
group's ballots can be read off.

``by_region(regions, result)`` takes each region's ballots (same candidates throughout) and the
result of counting them all together, and gives one *cell* per region, or per group of merged
regions:

- ``first``: each candidate's first-preference votes there;
- ``final``: each ballot there counted, at its full weight, for the candidate it ranks highest
  among the *finalists*: those still holding votes at the last stage of the count. For AV/IRV
  this is exactly the last round; for STV it is the finalists' share of the region's ballots
  (transfer values are not followed region by region). Ballots ranking no finalist are
  ``exhausted``.

**Merging rule.** A cell's size is its ballot papers (``papers``, default: the total weight of
its ballots). While a cell is smaller than ``minimum`` (default 50) and there is more than one
cell, the smallest cell (ties: the name first in alphabetical order) is merged with the next
smallest (the same tie rule), and the merged cell is named by its regions joined with `` + ``
in alphabetical order. Merging the smallest first keeps large regions whole. Every cell shown
then has at least ``minimum`` papers, so neither a cell nor the difference of a cell and the
whole contest shows fewer than ``minimum`` ballots; if the whole contest is smaller, the single
cell is marked ``below_minimum``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from tallyroom.count import Ballots, Result
from tallyroom.count.ballots import PAD, exact_sum, weighted_bincount

MINIMUM = 50
EXHAUSTED = "exhausted"


@dataclass(frozen=True)
class Cell:
    regions: tuple[str, ...]
    papers: Fraction
    first: dict[str, Fraction]
    final: dict[str, Fraction]  # finalists, then EXHAUSTED
    below_minimum: bool = False

    @property
    def name(self) -> str:
        return " + ".join(self.regions)


def finalists(result: Result) -> list[str]:
    """Those holding votes at the last stage of the count (the elected keep theirs)."""
    last = result.stages[-1].totals
    return [c for c, v in last.items() if v > 0]


def merge_plan(papers: Mapping[str, Fraction], minimum: int = MINIMUM) -> list[tuple[str, ...]]:
    """The groups of regions shown, by the merging rule above."""
    cells = [((name,), Fraction(size)) for name, size in papers.items()]
    while len(cells) > 1:
        cells.sort(key=lambda c: (c[1], c[0]))
        if cells[0][1] >= minimum:
            break
        (a, sa), (b, sb) = cells[0], cells[1]
        cells = [(tuple(sorted(a + b)), sa + sb), *cells[2:]]
    return sorted((c[0] for c in cells), key=lambda names: names[0])


def _first(ballots: Ballots) -> np.ndarray:
    marked = ballots.marked()
    return weighted_bincount(ballots.rankings[marked, 0], ballots.weights[marked], len(ballots.candidates))


def _final(ballots: Ballots, among: list[int]) -> tuple[np.ndarray, int]:
    """Weight for each finalist (the highest ranked of ``among``), and the exhausted weight."""
    rank = ballots.rankings
    hit = np.isin(rank, among) & (rank != PAD)
    has = hit.any(axis=1)
    pick = rank[np.arange(len(rank)), hit.argmax(axis=1)] if rank.shape[1] else np.zeros(0, int)
    votes = weighted_bincount(pick[has], ballots.weights[has], len(ballots.candidates))
    return votes, exact_sum(ballots.weights[~has])


def by_region(
    regions: Mapping[str, Ballots],
    result: Result,
    *,
    minimum: int = MINIMUM,
    papers: Mapping[str, int] | None = None,
) -> list[Cell]:
    """The cells (module docstring), in alphabetical order of their first region."""
    if not regions:
        raise ValueError("no regions")
    names = next(iter(regions.values())).candidates
    for region, b in regions.items():
        if b.colleges:
            raise ValueError(
                f"region {region}: ballots in electoral colleges are not broken down by region yet"
            )
        if b.candidates != names:
            raise ValueError(f"region {region} has other candidates than the first region")
    sizes = {r: Fraction(papers[r]) if papers else b.total for r, b in regions.items()}
    top = finalists(result)
    among = [names.index(c) for c in top]
    cells = []
    total = sum(sizes.values(), Fraction(0))
    for group in merge_plan(sizes, minimum):
        first = np.zeros(len(names), dtype=object)
        final = np.zeros(len(names), dtype=object)
        exhausted = Fraction(0)
        for region in group:
            b = regions[region]
            first += [Fraction(int(v), b.denominator) for v in _first(b)]
            votes, lost = _final(b, among)
            final += [Fraction(int(v), b.denominator) for v in votes]
            exhausted += Fraction(lost, b.denominator)
        cells.append(
            Cell(
                group,
                sum((sizes[r] for r in group), Fraction(0)),
                {c: Fraction(first[i]) for i, c in enumerate(names) if c not in result.withdrawn},
                {**{c: Fraction(final[names.index(c)]) for c in top}, EXHAUSTED: exhausted},
                below_minimum=total < minimum,
            )
        )
    return cells
