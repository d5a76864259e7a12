"""Ballots held compressed: each distinct ranking once, with its weight.

A ranking is a sequence of candidate indexes, most preferred first. Rankings are stored as one
2-D array of small integers padded with ``PAD``; weights are exact: ``weights[i] / denominator``
is the weight of ranking ``i`` (1 for an ordinary ballot paper, a delegate's card vote, or a
fraction for an electoral college). A ranking of length 0 is an empty ballot: it is kept so the
result can show it.

Ballots may carry electoral colleges: ``colleges`` names them and ``college[i]`` is the index of
ranking ``i``'s college (the same ranking cast in two colleges is two rows). ``count(...,
college_shares=...)`` scales each college to its share (see colleges.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np

PAD = -1


def index_dtype(ncandidates: int) -> np.dtype:
    """The smallest signed integer type that holds every candidate index and ``PAD``."""
    if ncandidates <= np.iinfo(np.int8).max:
        return np.dtype(np.int8)
    if ncandidates <= np.iinfo(np.int16).max:
        return np.dtype(np.int16)
    return np.dtype(np.int32)


def weighted_bincount(index: np.ndarray, weights: np.ndarray, n: int) -> np.ndarray:
    """Exact integer sums of non-negative ``weights`` by ``index``: int64, or Python ints for
    weights held as objects. np.bincount sums in floats, which is exact while every partial sum
    is below 2**53, so it is used when the weights' count times their largest is."""
    if weights.dtype != object and (not len(weights) or len(weights) * int(weights.max()) < 2**53):
        return np.bincount(index, weights, n).astype(np.int64)
    out = np.zeros(n, dtype=object if weights.dtype == object else np.int64)
    np.add.at(out, index.astype(np.intp), weights)
    return out


def exact_sum(weights: np.ndarray) -> int:
    """The sum of non-negative int64 ``weights`` as a Python int, in int64 when it cannot overflow."""
    if len(weights) == 0:
        return 0
    if len(weights) * int(weights.max()) < 2**63:
        return int(weights.sum())
    return int(weights.sum(dtype=object))


@dataclass(frozen=True, eq=False)
class Ballots:
    """Compressed ballots for one contest."""

    candidates: tuple[str, ...]
    rankings: np.ndarray
    weights: np.ndarray
    denominator: int = 1
    title: str = ""
    colleges: tuple[str, ...] = ()
    college: np.ndarray | None = None  # per row, an index into ``colleges``; None without colleges

    def __post_init__(self):
        if len(set(self.candidates)) != len(self.candidates):
            raise ValueError("candidate names must be distinct")
        if self.rankings.ndim != 2 or len(self.rankings) != len(self.weights):
            raise ValueError("rankings must be a 2-D array with one row per weight")
        if self.denominator < 1:
            raise ValueError("denominator must be a positive integer")
        if len(self.weights) and int(self.weights.min()) < 0:
            raise ValueError("weights must not be negative")
        # PAD is -1, so a mark out of range is below PAD or at least the number of candidates.
        if self.rankings.size and (
            int(self.rankings.min()) < PAD or int(self.rankings.max()) >= len(self.candidates)
        ):
            raise ValueError("a ranking names a candidate index out of range")
        for at in range(0, len(self.rankings), 1 << 16):  # in blocks, so the temporaries stay small
            marked = self.rankings[at : at + (1 << 16)] != PAD
            if (marked[:, 1:] > marked[:, :-1]).any():  # a mark after the padding
                raise ValueError("a ranking has a gap: every mark must come before the padding")
        if (self.college is None) != (not self.colleges):
            raise ValueError("ballots with colleges need both the college names and each row's college")
        if self.colleges:
            if len(set(self.colleges)) != len(self.colleges) or not all(self.colleges):
                raise ValueError("college names must be distinct and not empty")
            if self.college.shape != self.weights.shape:
                raise ValueError("college must give one college per row")
            if len(self) and not (
                int(self.college.min()) >= 0 and int(self.college.max()) < len(self.colleges)
            ):
                raise ValueError("a row names a college index out of range")

    @classmethod
    def from_rankings(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[tuple[Sequence[int], int | Fraction | str]],
        title: str = "",
    ) -> Ballots:
        """Build from ``(ranking, weight)`` pairs; identical rankings are merged.

        A weight may be an int, a Fraction or a decimal string such as ``"2.5"``. A ranking that
        repeats a candidate raises ValueError: readers decide how to report it.
        """
        merged = _merge((ranking, weight, None) for ranking, weight in ballots)
        return cls.from_weighted(candidates, [(r, w) for (r, _), w in merged.items()], title)

    @classmethod
    def from_college_rankings(
        cls,
        candidates: Sequence[str],
        ballots: Iterable[tuple[Sequence[int], int | Fraction | str, str]],
        title: str = "",
        colleges: Sequence[str] = (),
    ) -> Ballots:
        """Build from ``(ranking, weight, college)`` triples; identical rankings of one college are
        merged. The colleges are ``colleges``, then any others in order of first appearance."""
        merged = _merge(ballots)
        names = list(dict.fromkeys([*colleges, *(college for _, college in merged)]))
        index = {name: i for i, name in enumerate(names)}
        rows = [(r, w) for (r, _), w in merged.items()]
        return cls.from_weighted(candidates, rows, title, names, [index[c] for _, c in merged])

    @classmethod
    def from_weighted(
        cls,
        candidates: Sequence[str],
        rows: Sequence[tuple[tuple[int, ...], Fraction]],
        title: str = "",
        colleges: Sequence[str] = (),
        college: Sequence[int] | None = None,
    ) -> Ballots:
        """Build from distinct rankings with exact weights, without merging (``college``: each
        row's index into ``colleges``, when the ballots carry colleges)."""
        denominator = lcm(1, *(Fraction(w).denominator for _, w in rows))
        width = max((len(r) for r, _ in rows), default=0)
        rankings = np.full((len(rows), width), PAD, dtype=index_dtype(len(candidates)))
        for i, (ranking, _) in enumerate(rows):
            if any(not 0 <= c < len(candidates) for c in ranking):
                raise ValueError(f"ranking {tuple(ranking)} names a candidate index out of range")
            rankings[i, : len(ranking)] = ranking
        try:
            weights = np.array([int(Fraction(w) * denominator) for _, w in rows], dtype=np.int64)
        except OverflowError:
            raise ValueError(f"weights over the common denominator {denominator} exceed 64 bits") from None
        if not colleges:
            return cls(tuple(candidates), rankings, weights, denominator, title)
        of_row = np.array(college if college is not None else [], dtype=np.int32)
        return cls(tuple(candidates), rankings, weights, denominator, title, tuple(colleges), of_row)

    def __len__(self) -> int:
        return len(self.weights)

    @property
    def total(self) -> Fraction:
        """The total weight of all ballots, empty ones included."""
        return Fraction(exact_sum(self.weights), self.denominator)

    @property
    def valid_poll(self) -> Fraction:
        """The total weight of ballots with at least one mark (empty ones are not valid votes)."""
        return Fraction(exact_sum(self.weights[self.marked()]), self.denominator)

    def marked(self) -> np.ndarray:
        """Which ballots have at least one mark."""
        if self.rankings.shape[1] == 0:
            return np.zeros(len(self), dtype=bool)
        return self.rankings[:, 0] != PAD

    def lengths(self) -> np.ndarray:
        """The number of preferences on each ranking."""
        return (self.rankings != PAD).sum(axis=1)

    def ranking(self, i: int) -> tuple[int, ...]:
        row = self.rankings[i]
        return tuple(int(c) for c in row[row != PAD])

    def weight(self, i: int) -> Fraction:
        return Fraction(int(self.weights[i]), self.denominator)

    def __iter__(self):
        """Yield ``(ranking, weight)`` pairs."""
        for i in range(len(self)):
            yield self.ranking(i), self.weight(i)

    def college_of(self, i: int) -> str | None:
        """The name of row ``i``'s college (None for ballots without colleges)."""
        return None if self.college is None else self.colleges[int(self.college[i])]

    def by_college(self) -> dict[str, Ballots]:
        """Each college's rows as Ballots of their own (same candidates, denominator and title)."""
        return {
            name: Ballots(
                self.candidates,
                self.rankings[self.college == k],
                self.weights[self.college == k],
                self.denominator,
                self.title,
            )
            for k, name in enumerate(self.colleges)
        }

    def reweighted(self, weights: np.ndarray, denominator: int = 1) -> Ballots:
        """The same rankings with new weights, without colleges (the count input of a combination)."""
        return Ballots(self.candidates, self.rankings, weights, denominator, self.title)

    def index(self, name: str) -> int:
        try:
            return self.candidates.index(name)
        except ValueError:
            raise KeyError(f"no candidate named {name!r}") from None

    def without(self, names: Iterable[str]) -> Ballots:
        """The same ballots with the named candidates withdrawn: their marks are skipped over and
        later preferences move up. Candidate numbering is kept."""
        drop = [self.index(n) for n in names]
        if not drop:
            return self
        keep = ~np.isin(self.rankings, drop)
        order = np.argsort(~keep, axis=1, kind="stable")
        rankings = np.where(
            np.take_along_axis(keep, order, axis=1), np.take_along_axis(self.rankings, order, axis=1), PAD
        ).astype(self.rankings.dtype)
        return Ballots(
            self.candidates, rankings, self.weights, self.denominator, self.title, self.colleges, self.college
        )

    def compressed(self) -> Ballots:
        """Merge identical rankings of one college (the order of distinct rows is by first appearance)."""
        if len(self) == 0:
            return self
        rows = self.rankings if self.college is None else np.column_stack((self.rankings, self.college))
        groups = _row_groups(rows)
        if groups is None:  # every row distinct already
            return self
        first, inverse = groups
        weights = np.zeros(len(first), dtype=np.int64)
        np.add.at(weights, inverse, self.weights)
        order = np.full(len(self), -1, dtype=np.intp)  # groups by first appearance, without a sort
        order[first] = np.arange(len(first))
        order = order[order >= 0]
        kept = first[order]
        return Ballots(
            self.candidates,
            self.rankings[kept],
            weights[order],
            self.denominator,
            self.title,
            self.colleges,
            None if self.college is None else self.college[kept],
        )


def _merge(
    ballots: Iterable[tuple[Sequence[int], int | Fraction | str, str | None]],
) -> dict[tuple[tuple[int, ...], str | None], Fraction]:
    """Weights summed by (ranking, college), in order of first appearance."""
    merged: dict[tuple[tuple[int, ...], str | None], Fraction] = {}
    for ranking, weight, college in ballots:
        key = tuple(int(c) for c in ranking)
        if len(set(key)) != len(key):
            raise ValueError(f"ranking {key} names a candidate twice")
        w = Fraction(weight)
        if w < 0:
            raise ValueError(f"negative weight {weight}")
        merged[key, college] = merged.get((key, college), Fraction(0)) + w
    return merged


def _row_groups(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(first, inverse)`` as ``np.unique(rows, axis=0, return_index=True, return_inverse=True)``
    gives them, found faster: each row's bytes as 64-bit words, hashed to one key; a hash
    collision (checked) falls back to np.unique. None when the keys, so the rows, are all distinct."""
    n, width = len(rows), rows.shape[1] * rows.itemsize
    key = np.zeros(n, dtype=np.uint64)
    block = 1 << 16  # rows hashed at a time, so the padded copy stays small
    padded = np.zeros((min(n, block), -(-width // 8) * 8), dtype=np.uint8)
    for at in range(0, n if width else 0, block):
        part = np.ascontiguousarray(rows[at : at + block]).view(np.uint8).reshape(-1, width)
        padded[: len(part), :width] = part
        words = padded[: len(part)].view(np.uint64)
        hashed = key[at : at + block]
        hashed[:] = words[:, 0]
        for j in range(1, words.shape[1]):
            hashed *= np.uint64(0x9E3779B97F4A7C15)
            hashed ^= words[:, j]
    ordered = np.sort(key)
    if n < 2 or (ordered[1:] != ordered[:-1]).all():
        return None
    order = np.argsort(key)  # unstable (fast); the first of each group is its least index
    ordered = key[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    first = np.minimum.reduceat(order, np.flatnonzero(new))
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = np.cumsum(new) - 1
    if width > 8 and not np.array_equal(rows[first[inverse]], rows):
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)
