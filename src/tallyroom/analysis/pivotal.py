"""Counterfactual recounts on the real ballots: would the result change if a delegation had
abstained, or had gone the way of another slate?

A *delegation* is a named group of ballots: a union's or a constituency party's delegates, or a
weight class (all ballots of one weight: ``by_weight``; with colleges, of one weight in one
college). Each counterfactual recounts the contest by the same rules with that one delegation
changed, its ballots kept in their college, so the recount scales each college to its share as
the count does:

- *abstain*: its ballots are removed (the only delegation of an electoral college leaves its
  college without valid votes, whose share then goes to the other colleges: count.colleges);
- *switch to S*: each of its ballots becomes slate S's ticket (S's candidates in the order they
  stand on the ballot file), followed by the ballot's own preferences for everyone else, in its
  order. A delegation is switched to every slate but its own (the slate of most of its
  first-preference weight).

``decisive`` returns the counterfactuals that change who is elected: the delegations whose
choice decided a seat, with the candidates who would have lost and gained one.

Delegation files are CSV: a header ``delegation,weight,1st,2nd,...`` then one row per ballot:
the delegation's name, the ballot's weight (whole or decimal) and the candidates' names in order
of preference. For a contest decided by electoral colleges the header is
``delegation,college,weight,1st,...`` and each row names the delegation's college too. A row
``candidates,,NAME,NAME,...`` (``candidates,,,NAME,...`` with colleges) may come first to list
every candidate in the order the results show them (otherwise: every name ranked, alphabetically).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from math import gcd, lcm
from pathlib import Path

import numpy as np

from tallyroom.count import Ballots, Result
from tallyroom.count.ballots import PAD, index_dtype
from tallyroom.formats.ballotfile import WEIGHT, clean_name, decode_text
from tallyroom.formats.errors import FormatError

from .slates import slate_of, slate_order

Ranking = tuple[int, ...]


@dataclass(frozen=True)
class Delegation:
    name: str
    ballots: tuple[tuple[Ranking, Fraction], ...]
    college: str = ""  # the electoral college it votes in, if the contest is decided by colleges

    @property
    def weight(self) -> Fraction:
        return sum((w for _, w in self.ballots), Fraction(0))


@dataclass(frozen=True)
class Counterfactual:
    delegation: str
    change: str  # "abstain" or "switch to SLATE"
    elected: tuple[str, ...]
    lost: tuple[str, ...]  # elected in fact, not in the counterfactual
    gained: tuple[str, ...]  # elected in the counterfactual, not in fact

    @property
    def decisive(self) -> bool:
        return bool(self.lost or self.gained)

    def to_dict(self) -> dict:
        return {
            "delegation": self.delegation,
            "change": self.change,
            "decisive": self.decisive,
            "lost": list(self.lost),
            "gained": list(self.gained),
            "elected": list(self.elected),
        }


def by_weight(ballots: Ballots) -> list[Delegation]:
    """One delegation per weight class: all ballots of the same weight, named by the weight,
    heaviest first; with colleges, one per weight class of each college (``"CLP: weight 1"``),
    college by college, so that every recount scales each college to its share as the count does."""
    classes: dict[tuple[int, Fraction], list[tuple[Ranking, Fraction]]] = defaultdict(list)
    for i, (ranking, weight) in enumerate(ballots):
        college = -1 if ballots.college is None else int(ballots.college[i])
        classes[college, weight].append((ranking, weight))
    order = sorted(classes, key=lambda key: (key[0], -key[1]))
    if ballots.college is None:
        return [Delegation(f"weight {w}", tuple(classes[k, w])) for k, w in order]
    return [
        Delegation(f"{ballots.colleges[k]}: weight {w}", tuple(classes[k, w]), ballots.colleges[k])
        for k, w in order
    ]


def read_delegations(path: str | Path) -> tuple[list[str], list[Delegation]]:
    """Read a delegation CSV (module docstring): the candidates and the delegations."""
    source = str(path)
    reader = csv.reader(io.StringIO(decode_text(Path(path).read_bytes()), newline=""))
    declared: list[str] | None = None
    rows: list[tuple[int, str, str, str, list[str]]] = []
    header = False
    colleges = False
    try:
        for cells in reader:
            line = reader.line_num
            cells = [clean_name(c) for c in cells]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            first = cells[0].casefold()
            if first == "candidates" and not rows and declared is None:
                declared = [c for c in cells[2:] if c]
            elif first == "delegation" and not header and not rows:
                header = True
                colleges = len(cells) > 1 and cells[1].casefold() == "college"
            elif not header:
                raise FormatError(source, line, "the first row must be the header delegation,weight,1st,...")
            else:
                college = cells.pop(1) if colleges and len(cells) > 1 else ""
                if len(cells) < 2 or not cells[0] or (colleges and not college):
                    needs = (
                        "a delegation name, a college and a weight"
                        if colleges
                        else "a delegation name and a weight"
                    )
                    raise FormatError(source, line, f"a row needs {needs}")
                if not WEIGHT.fullmatch(cells[1]):
                    raise FormatError(source, line, f"weight {cells[1]!r} is not a number")
                rows.append((line, cells[0], college, cells[1], cells[2:]))
    except csv.Error as e:
        raise FormatError(source, reader.line_num, f"not CSV: {e}") from None
    names = declared or sorted({n for *_, ranked in rows for n in ranked if n})
    index = {n: i for i, n in enumerate(names)}
    groups: dict[str, list[tuple[Ranking, Fraction]]] = {}
    college_of: dict[str, str] = {}
    for line, name, college, weight, ranked in rows:
        if college_of.setdefault(name, college) != college:
            raise FormatError(source, line, f"{name} is in college {college_of[name]}, not {college}")
        ranking: list[int] = []
        for cell in ranked:
            if not cell:
                break
            if cell not in index:
                raise FormatError(source, line, f"{cell!r} is not among the candidates")
            if index[cell] in ranking:
                break
            ranking.append(index[cell])
        groups.setdefault(name, []).append((tuple(ranking), Fraction(weight)))
    if not groups:
        raise FormatError(source, None, "no ballots")
    return names, [Delegation(n, tuple(b), college_of[n]) for n, b in groups.items()]


def ballots_of(candidates: Sequence[str], delegations: Sequence[Delegation], title: str = "") -> Ballots:
    """The delegations' ballots together (each in its delegation's college, if they have one)."""
    if any(d.college for d in delegations):
        rows = [(r, w, d.college) for d in delegations for r, w in d.ballots]
        return Ballots.from_college_rankings(candidates, rows, title)
    return Ballots.from_rankings(candidates, [b for d in delegations for b in d.ballots], title)


def stacked(candidates: Sequence[str], parts: Sequence[Ballots], title: str = "") -> Ballots:
    """The ballots of ``parts`` (each one delegation's, from ``ballots_of``) together, identical
    rankings merged: the very Ballots ``ballots_of`` builds from all their delegations, made from
    arrays (a recount's ballots are most of its cost when built again from Python tuples)."""
    denominator = lcm(1, *(p.denominator for p in parts))
    width = max((int((p.rankings != PAD).sum(axis=1).max()) for p in parts if len(p)), default=0)
    dtype = index_dtype(len(candidates))
    rankings = np.full((sum(len(p) for p in parts), width), PAD, dtype=dtype)
    at = 0
    for p in parts:
        k = min(width, p.rankings.shape[1])
        rankings[at : at + len(p), :k] = p.rankings[:, :k]
        at += len(p)
    if any(len(p) and int(p.weights.max()) * (denominator // p.denominator) >= 2**63 for p in parts):
        raise ValueError(f"weights over the common denominator {denominator} exceed 64 bits")
    weights = np.concatenate(
        [p.weights * (denominator // p.denominator) for p in parts] or [np.zeros(0, np.int64)]
    )
    colleges = tuple(dict.fromkeys(c for p in parts for c in p.colleges))
    college = None
    if colleges:
        index = {c: i for i, c in enumerate(colleges)}
        college = np.concatenate(
            [np.array([index[c] for c in p.colleges], dtype=np.int32)[p.college] for p in parts]
        )
    together = Ballots(
        tuple(candidates), rankings, weights, denominator, title, colleges, college
    ).compressed()
    common = gcd(denominator, int(np.gcd.reduce(together.weights)))  # 0 for no weights
    if common == 1:  # the least denominator already, as from exact weights summed
        return together
    return replace(together, weights=together.weights // common, denominator=denominator // common)


def own_slate(delegation: Delegation, candidates: Sequence[str], slates: Mapping[str, str]) -> str | None:
    """The slate of most of the delegation's first-preference weight (None: no first preference)."""
    weight: dict[str, Fraction] = defaultdict(Fraction)
    for ranking, w in delegation.ballots:
        if ranking:
            weight[slate_of(slates, candidates[ranking[0]])] += w
    return max(weight, key=lambda s: weight[s]) if weight else None


def switched(delegation: Delegation, ticket: Sequence[int]) -> Delegation:
    """The delegation with every ballot turned into ``ticket`` then its own other preferences."""
    first = tuple(ticket)
    rows = tuple((first + tuple(c for c in r if c not in first), w) for r, w in delegation.ballots)
    return replace(delegation, ballots=rows)


def counterfactuals(
    candidates: Sequence[str],
    delegations: Sequence[Delegation],
    recount: Callable[[Ballots], Result],
    slates: Mapping[str, str] | None = None,
    title: str = "",
) -> tuple[Result, list[Counterfactual]]:
    """The actual result, and for each delegation the result had it abstained or (with
    ``slates``) switched to each other slate. ``recount`` counts a Ballots by the contest's rules;
    only who it elects is read, so it may count with ``record_stages=False``."""
    parts = [ballots_of(candidates, [d], title) for d in delegations]
    actual = recount(stacked(candidates, parts, title))
    elected = set(actual.elected)
    tickets = {}
    if slates:
        for s in slate_order(candidates, slates):
            if s in set(slates.values()):
                tickets[s] = [i for i, c in enumerate(candidates) if slate_of(slates, c) == s]
    out = []
    for i, d in enumerate(delegations):
        others = [*parts[:i], *parts[i + 1 :]]
        changes = [("abstain", others)]
        mine = own_slate(d, candidates, slates) if slates else None
        for s, ticket in tickets.items():
            if s != mine:
                changes.append(
                    (f"switch to {s}", [*others, ballots_of(candidates, [switched(d, ticket)], title)])
                )
        for change, group in changes:
            result = recount(stacked(candidates, group, title))
            now = set(result.elected)
            out.append(
                Counterfactual(
                    d.name,
                    change,
                    tuple(result.elected),
                    tuple(c for c in actual.elected if c not in now),
                    tuple(c for c in result.elected if c not in elected),
                )
            )
    return actual, out


def decisive(found: Sequence[Counterfactual]) -> list[Counterfactual]:
    """The counterfactuals that change who is elected."""
    return [c for c in found if c.decisive]
