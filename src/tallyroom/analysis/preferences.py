"""Where each slate's voters' preferences go next, read from the ballots themselves (not the count).

``next_preferences``: for the ballots whose first preference is for slate S, the weight whose
next preference *for a candidate of another slate* is for each other slate, and the weight with
none (``only S``: the ballot ranks no one outside S). This is how Ballot Box Scotland tallies
"second" preferences between parties ("LE22: Party Preference Patterns",
https://ballotbox.scot/le22-party-preference-patterns/): same-party preferences are skipped, so
``Lab 1, Lab 2, LD 3`` counts as Labour to Lib Dem.

``party_line``: of the ballots whose first-preference slate has two or more candidates standing
and which give a second preference, the weight whose second preference stays on that slate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from tallyroom.count import Ballots
from tallyroom.count.ballots import PAD

from .slates import slate_of

ONLY = "only"


@dataclass
class NextPreferences:
    """A slate's first-preference ballots by where their next other-slate preference went."""

    slate: str
    ballots: Fraction = Fraction(0)
    to: dict[str, Fraction] = field(default_factory=lambda: defaultdict(Fraction))  # ONLY: none
    party_line: Fraction = Fraction(0)  # second preference on the same slate ...
    could_party_line: Fraction = Fraction(0)  # ... of ballots that could and gave a second

    def add(self, other: NextPreferences) -> None:
        self.ballots += other.ballots
        for k, v in other.to.items():
            self.to[k] += v
        self.party_line += other.party_line
        self.could_party_line += other.could_party_line


def next_preferences(ballots: Ballots, slates: Mapping[str, str]) -> dict[str, NextPreferences]:
    """``NextPreferences`` for each slate with first preferences (module docstring)."""
    names = list(dict.fromkeys(slate_of(slates, c) for c in ballots.candidates))
    code = np.array([names.index(slate_of(slates, c)) for c in ballots.candidates] + [-1])
    marks = ballots.rankings
    slate = code[marks]  # PAD (-1) indexes the appended -1
    slate[marks == PAD] = -1
    size = np.bincount(code[:-1], minlength=len(names))
    out: dict[str, NextPreferences] = {}
    marked = ballots.marked()
    if not marked.any():
        return out
    slate, weights = slate[marked], ballots.weights[marked]
    first = slate[:, 0]
    other = (slate != first[:, None]) & (slate >= 0)
    has = other.any(axis=1)
    nxt = np.where(has, slate[np.arange(len(slate)), other.argmax(axis=1)], -1)
    second = slate[:, 1] if slate.shape[1] > 1 else np.full(len(slate), -1)
    could = (size[first] >= 2) & (second >= 0)
    d = ballots.denominator
    for s in np.unique(first):
        mine = first == s
        row = NextPreferences(names[s], Fraction(int(weights[mine].sum()), d))
        for t in np.unique(nxt[mine]):
            row.to[ONLY if t < 0 else names[t]] += Fraction(int(weights[mine & (nxt == t)].sum()), d)
        row.could_party_line = Fraction(int(weights[mine & could].sum()), d)
        row.party_line = Fraction(int(weights[mine & could & (second == s)].sum()), d)
        out[names[s]] = row
    return out
