"""Electoral colleges: each college's valid votes scaled exactly to its share, then counted as one.

A contest decided by colleges (CLP delegates 50%, affiliates 50%) is counted on one set of
ballots in which every ballot of college ``k`` weighs ``w * share_k * L / T_k``: ``w`` the weight
it was cast with (1, or a delegate's card vote), ``T_k`` the college's valid poll in those weights
and ``L`` the scale, the combined valid poll. Whatever the method, the college's valid votes then
count exactly ``share_k`` of the whole.

The scale ``L`` (docs/methods/colleges.md gives the reasoning):

1. the least ``L`` that makes every counted weight a whole number, so first preferences and
   quotas are computed exactly as on paper ballots, and a rule set's own rounding (ERS97's two
   places, the Scottish five) acts on whole votes, never on a weight;
2. times the least power of ten that makes the lightest ballot (a row of identical ballots of
   one college, as Ballots hold them) count at least ``MIN_WEIGHT`` units, so what a rule rounds
   to one unit or less (Droop's "+1", ERS97's quota to 0.01, Meek's to 10**-9) is at most a
   millionth of any ballot; fewer powers of ten where 64-bit sums leave no room for them.

``L`` depends only on the shares and the ratios of the weights within each college: multiplying
one college's weights by a constant changes nothing.

A college with no valid votes (no ballots, only empty ones, or only marks for withdrawn
candidates) has nothing to scale: its share goes to the other colleges in proportion to theirs,
so the shares counted still add up to 1 (CLP 1/2, affiliates 1/4, societies 1/4 with no valid
society vote: CLP 2/3, affiliates 1/3). ``College.counted_share`` is the share a college's votes
counted for. If no college has a valid vote, there is nothing to count.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np

from .ballots import Ballots, exact_sum
from .numbers import exact_str
from .plurality import mark_totals
from .result import College

MIN_WEIGHT = 10**6  # units the lightest ballot counts, at least (where 64 bits allow)
_ROOM = 2**63  # counted weights are summed in 64-bit integers
_SHARE = re.compile(r"([0-9]+(?:\.[0-9]+)?|\.[0-9]+|[0-9]+/[0-9]+)(%?)")


class CollegeError(ValueError):
    """Colleges and shares that do not fit together; ``college`` names the one at fault, if one."""

    def __init__(self, college: str | None, problem: str):
        self.college = college
        super().__init__(problem)


@dataclass(frozen=True)
class Combination:
    """The count input of a contest decided by colleges, and each college's figures."""

    ballots: Ballots  # every weight a whole number; valid_poll is the scale L
    colleges: list[College]


def parse_share(text: str) -> Fraction:
    """A share written as a fraction (``1/2``), a decimal (``0.5``) or a percentage (``50%``),
    exactly; ValueError otherwise."""
    match = _SHARE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"a share is a fraction (1/2), a decimal (0.5) or a percentage (50%), not {text!r}")
    number, percent = match.groups()
    if "/" in number and int(number.partition("/")[2]) == 0:
        raise ValueError(f"share {text!r} divides by zero")
    return Fraction(number) / (100 if percent else 1)


def _share(college: str, share: Fraction | int | str) -> Fraction:
    """A share given as a Fraction, an int or text (``parse_share``); a float is refused, since
    0.1 is not a tenth."""
    if isinstance(share, str):
        return parse_share(share)
    if not isinstance(share, Fraction | int):
        raise CollegeError(
            college, f"college {college!r}: give its share as a fraction or text, not {share!r}"
        )
    return Fraction(share)


def check_shares(colleges: Sequence[str], shares: Mapping[str, Fraction]) -> None:
    """Every college has a share, each share is above 0 and they add up to exactly 1;
    CollegeError names what is wrong. A share may name a college with no ballots: it has no
    valid votes (see the module's docstring)."""
    for name in colleges:
        if name not in shares:
            raise CollegeError(name, f"college {name!r} has no share")
    for name, share in shares.items():
        if share <= 0:
            raise CollegeError(
                name, f"college {name!r} has share {exact_str(share)}: a share must be above 0"
            )
    total = sum(shares.values(), Fraction(0))
    if total != 1:
        given = ", ".join(f"{n}={exact_str(s)}" for n, s in shares.items())
        raise CollegeError(None, f"the college shares add up to {exact_str(total)}, not 1 ({given})")


def _with_absent(colleges: Sequence[str], shares: Mapping[str, Fraction]) -> list[str]:
    """``colleges`` with each college given a share but no ballots inserted before the first
    college named after it: in name order where ``colleges`` are (as the ballot box gives them,
    and a CSV download reads back), so a recount from the download lists them alike."""
    names = list(colleges)
    for name in sorted(set(shares) - set(colleges)):
        names.insert(next((i for i, n in enumerate(names) if n > name), len(names)), name)
    return names


def combine(
    ballots: Ballots, shares: Mapping[str, Fraction | int | str], marks: int | None = 1
) -> Combination:
    """Scale each college of ``ballots`` to its share (see the module's docstring).

    ``marks`` is how many marks of each ballot the method's first stage counts (1: first
    preferences; None: every mark), for each college's ``votes``. CollegeError if the shares do
    not fit the colleges or a college has no valid votes; ValueError if the exact weights cannot
    be summed in 64 bits."""
    if not ballots.colleges:
        raise CollegeError(None, "these ballots carry no colleges, so there is nothing to give shares to")
    shares = {name: _share(name, share) for name, share in shares.items()}
    check_shares(ballots.colleges, shares)
    marked = ballots.marked()
    valid = {
        name: exact_sum(ballots.weights[(ballots.college == k) & marked])
        for k, name in enumerate(ballots.colleges)
    }
    voting = [name for name in shares if valid.get(name, 0) > 0]
    if not voting:
        raise CollegeError(None, "no college has a valid vote: there is nothing to count")
    # A college without valid votes gives its share to the others, in proportion to theirs.
    left = sum((shares[name] for name in voting), Fraction(0))
    counted_share = {name: shares[name] / left if name in voting else Fraction(0) for name in shares}
    parts = ballots.by_college()
    # Per college: counted weight per numerator of a cast weight, before the scale (q_k), the
    # numerators' gcd, and the least positive marked numerator (the lightest ballot).
    per: dict[str, tuple[Fraction, int, int]] = {}
    scale = 1
    for k, name in enumerate(ballots.colleges):
        if name not in voting:
            continue
        rows = ballots.college == k
        weights = ballots.weights[rows]
        q = counted_share[name] / valid[name]  # the weights are numerators over ballots.denominator
        common = int(np.gcd.reduce(weights))
        least = int(weights[marked[rows] & (weights > 0)].min())
        per[name] = (q, common, least)
        scale = lcm(scale, (q * common).denominator)
    total_at = sum((q * exact_sum(parts[n].weights) for n, (q, _, _) in per.items()), Fraction(0))
    if total_at * scale >= _ROOM:
        raise ValueError(
            f"the exact weights of these colleges need a combined total of {total_at * scale}, "
            "beyond 64-bit sums"
        )
    lightest = min(q * least * scale for q, _, least in per.values())
    while lightest < MIN_WEIGHT and total_at * scale * 10 < _ROOM:
        scale *= 10
        lightest *= 10
    counted = np.zeros(len(ballots), dtype=np.int64)
    colleges = []
    for name in _with_absent(ballots.colleges, shares):
        q = per[name][0] * scale if name in per else Fraction(0)  # per numerator of a cast weight
        if name in ballots.colleges:
            rows = ballots.college == ballots.colleges.index(name)
            counted[rows] = ballots.weights[rows] // q.denominator * q.numerator
            part = parts[name]
            votes = mark_totals(part, marks)
            valid_poll, empty = part.valid_poll, part.total - part.valid_poll
        else:  # a share given for a college that cast no ballot
            votes, valid_poll, empty = [0] * len(ballots.candidates), Fraction(0), Fraction(0)
        colleges.append(
            College(
                name=name,
                share=shares[name],
                valid_poll=valid_poll,
                empty=empty,
                factor=q * ballots.denominator,
                votes={
                    c: Fraction(int(votes[i]), ballots.denominator) for i, c in enumerate(ballots.candidates)
                },
                counted_share=counted_share[name],
            )
        )
    return Combination(ballots.reweighted(counted), colleges)
