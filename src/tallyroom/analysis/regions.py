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

**Colleges**: in a contest decided by electoral colleges a ballot of college ``k`` counts its
weight times the college's factor (``College.factor`` of the result: each college scaled to its
share of the whole contest, as the count scaled it), so ``first`` and ``final`` are in the
count's own figures and the cells add up to its first stage. A cell's papers are still the
ballots' weights as cast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from tallyroom.count import Ballots, Result
from tallyroom.count.ballots import PAD, exact_sum, weighted_bincount
from tallyroom.stored_words import gettext_noop

# The default cell size and the floor a contest or the CLI may set: issue 12 promised cells of at
# least 50 ballots, so no small group's ballots can be read off; a lower minimum (down to a cell of
# one ballot) would let anyone who knows a region's few voters read their votes from its figures.
MINIMUM = 50
EXHAUSTED = gettext_noop("exhausted")  # the final round's column of ballots ranking no finalist


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
    """The groups of regions shown, by the merging rule above (``minimum`` at least 1)."""
    if minimum < 1:
        raise ValueError(f"the minimum cell size must be at least 1 ballot, not {minimum}")
    cells = [((name,), Fraction(size)) for name, size in papers.items()]
    while len(cells) > 1:
        cells.sort(key=lambda c: (c[1], c[0]))
        if cells[0][1] >= minimum:
            break
        (a, sa), (b, sb) = cells[0], cells[1]
        cells = [(tuple(sorted(a + b)), sa + sb), *cells[2:]]
    return sorted((c[0] for c in cells), key=lambda names: names[0])


def combined(regions: Mapping[str, Ballots], title: str = "") -> Ballots:
    """The regions' ballots together (identical rankings merged; within their colleges, when
    they carry colleges): what ``by_region``'s ``result`` counts."""
    parts = list(regions.values())
    names = parts[0].candidates
    if not any(b.colleges for b in parts):
        return Ballots.from_rankings(names, [row for b in parts for row in b], title)
    if not all(b.colleges for b in parts):
        raise ValueError("either every region's ballots carry colleges or none do")
    colleges = list(dict.fromkeys(c for b in parts for c in b.colleges))
    rows = [(r, w, b.college_of(i)) for b in parts for i, (r, w) in enumerate(b)]
    return Ballots.from_college_rankings(names, rows, title, colleges)


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


def _counted(region: str, ballots: Ballots, result: Result) -> list[tuple[Ballots, Fraction]]:
    """The region's ballots in parts that count alike, each with what one unit of its weights
    counts: the whole at ``1 / denominator``, or each college at its factor too."""
    if not ballots.colleges:
        return [(ballots, Fraction(1, ballots.denominator))]
    factors = {c.name: c.factor for c in result.colleges}
    missing = [c for c in ballots.colleges if c not in factors]
    if missing:
        raise ValueError(f"region {region}: the count has no college {', '.join(missing)}")
    return [(b, factors[c] / b.denominator) for c, b in ballots.by_college().items()]


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
        if b.candidates != names:
            raise ValueError(f"region {region} has other candidates than the first region")
    sizes = {r: Fraction(papers[r]) if papers else b.total for r, b in regions.items()}
    top = finalists(result)
    among = [names.index(c) for c in top]
    cells = []
    total = sum(sizes.values(), Fraction(0))
    for group in merge_plan(sizes, minimum):
        first = [Fraction(0)] * len(names)
        final = [Fraction(0)] * len(names)
        exhausted = Fraction(0)
        for region in group:
            for part, unit in _counted(region, regions[region], result):
                votes, lost = _final(part, among)
                for i, (f, v) in enumerate(zip(_first(part).tolist(), votes.tolist(), strict=True)):
                    first[i] += f * unit
                    final[i] += v * unit
                exhausted += lost * unit
        cells.append(
            Cell(
                group,
                sum((sizes[r] for r in group), Fraction(0)),
                {c: first[i] for i, c in enumerate(names) if c not in result.withdrawn},
                {**{c: final[names.index(c)] for c in top}, EXHAUSTED: exhausted},
                below_minimum=total < minimum,
            )
        )
    return cells
