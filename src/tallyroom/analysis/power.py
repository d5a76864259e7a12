"""Exact voting power in weighted voting games: Banzhaf and Shapley-Shubik, for one college and
for two colleges composed.

A weighted game ``[q; w1, ..., wn]`` (non-negative integer weights, integer quota ``q >= 1``):
a coalition wins when its weight is at least ``q``. Player ``i`` *swings* for a coalition ``S``
of the others when ``S`` loses and ``S + i`` wins.

- Banzhaf: ``swings_i`` counts those ``S``; the normalised index is ``swings_i / sum(swings)``,
  the absolute (Penrose) index ``swings_i / 2**(n-1)``.
- Shapley-Shubik: the share of the ``n!`` orders of the players in which ``i`` turns the
  coalition before it from losing to winning: ``sum over swing S of |S|! (n-1-|S|)! / n!``.

Both come from the generating function ``P(x) = prod (1 + x**w_j)`` (coefficient ``k``: the
coalitions of weight ``k``), kept only below ``x**q``. The others' coalitions are
``P(x) / (1 + x**w_i)``, and their number in the swing window ``[q - w_i, q)`` is an alternating
sum of the cumulative coefficients of ``P`` itself: ``Q(q-1) + 2 sum_j (-1)**j Q(q-1-j w_i)``,
once per distinct weight. ``P`` is one Python integer, each coefficient in a field of bits
wide enough for it (Kronecker substitution; at most ``n+1`` bits, widened as players are added),
so every step is exact and one big-integer shift and add; the cumulative sums are taken in
16-bit limbs by NumPy. Banzhaf costs ``O(n q)`` bit operations;
Shapley-Shubik needs the coalitions by size as well, ``O(n**2 q)`` exact additions.

Two colleges, A and B, each a weighted game, composed (``two_college``): a coalition of players
from both colleges wins when it wins in *both* colleges (``rule="both"``, a double majority) or
in *either* (``rule="either"``); with two colleges these are the only compositions in which each
college's result counts. A player of A swings for ``S_A + S_B`` when it swings for ``S_A`` in A
and ``S_B`` wins B (``both``) or loses B (``either``); B's players likewise. So Banzhaf swings
are A's swings times B's winning (or losing) coalitions, and Shapley-Shubik sums over the sizes
of the coalitions in each college.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import comb, factorial
from typing import Any

import numpy as np

RULES = ("both", "either")


@dataclass(frozen=True)
class Power:
    """The indices of every player, in the order of the weights."""

    swings: list[int]  # Banzhaf swings of each player
    banzhaf: list[Fraction]  # normalised: swings / total swings
    penrose: list[Fraction]  # absolute: swings / 2**(n-1)
    shapley_shubik: list[Fraction] | None = None

    def rows(self, names: Sequence[str], weights: Sequence[int]) -> list[dict[str, Any]]:
        """One JSON-ready row per player: name, weight, swings and the indices (6 decimals)."""
        return [
            {
                "name": name,
                "weight": w,
                "swings": str(self.swings[i]),
                "banzhaf": f"{float(self.banzhaf[i]):.6f}",
                "penrose": f"{float(self.penrose[i]):.6f}",
                "shapley_shubik": None
                if self.shapley_shubik is None
                else f"{float(self.shapley_shubik[i]):.6f}",
            }
            for i, (name, w) in enumerate(zip(names, weights, strict=True))
        ]


def _check(weights: Sequence[int], quota: int) -> list[int]:
    w = [int(x) for x in weights]
    if any(x < 0 for x in w) or any(x != y for x, y in zip(w, weights, strict=True)):
        raise ValueError("weights must be non-negative integers")
    if int(quota) != quota or quota < 1:
        raise ValueError(f"the quota must be a positive integer, not {quota}")
    if quota > sum(w):
        raise ValueError(f"the quota {quota} is more than the total weight {sum(w)}: no coalition wins")
    return w


def _cumulative_limbs(weights: Sequence[int], quota: int) -> tuple[np.ndarray, int]:
    """Q(k) = the coalitions of weight <= k, for k < quota, as 16-bit limbs: row k, limb l
    (int64 sums of limbs; Q(k) = sum_l Q[k, l] << 16 l). Returns (Q, bits per field).

    After ``t`` players no coefficient exceeds ``2**t``, so the fields start narrow and are
    widened (doubled, repacked by NumPy) as players are added; the fields above ``x**quota`` are
    dropped only when they reach an eighth of the rest, not at every step."""
    widest = -(-(len(weights) + 1) // 16) * 16
    field, p = min(64, widest), 1
    for t, w in enumerate(sorted(weights)):  # lightest first: the integer stays short for longest
        if field < t + 2:  # the coefficients may reach 2**(t+1): t+2 bits hold them
            wider = min(2 * field, widest)
            p, field = _widen(p, field, wider, quota), wider
        if w == 0:
            p <<= 1
        elif w < quota:  # a weight at or above the quota adds nothing below x**quota
            p += p << (w * field)
            top = quota * field
            if p.bit_length() > top + top // 8:  # the fields above x**quota, dropped now and then
                p &= (1 << top) - 1
    p &= (1 << (quota * field)) - 1
    data = p.to_bytes(quota * field // 8, "little")
    limbs = np.frombuffer(data, dtype="<u2").reshape(quota, field // 16).astype(np.int64)
    return np.cumsum(limbs, axis=0), field


def _widen(p: int, field: int, wider: int, quota: int) -> int:
    """The polynomial packed in fields of ``field`` bits, repacked in fields of ``wider``."""
    rows = -(-p.bit_length() // field) or 1
    old = np.frombuffer(p.to_bytes(rows * field // 8, "little"), dtype="<u2").reshape(rows, field // 16)
    new = np.zeros((rows, wider // 16), dtype="<u2")
    new[:, : field // 16] = old
    return int.from_bytes(new.tobytes(), "little")


def _join(limbs: np.ndarray) -> int:
    return sum(int(v) << (16 * i) for i, v in enumerate(limbs.tolist()))


def banzhaf_swings(weights: Sequence[int], quota: int) -> list[int]:
    """Each player's Banzhaf swings in ``[quota; weights]``, exactly."""
    w = _check(weights, quota)
    q_limbs, _ = _cumulative_limbs(w, quota)
    found: dict[int, int] = {}
    for weight in set(w):
        if weight == 0:
            found[weight] = 0
            continue
        steps = np.arange(0, (quota - 1) // weight + 1)
        signs = np.where(steps == 0, 1, np.where(steps % 2, -2, 2)).astype(np.int64)
        rows = q_limbs[quota - 1 - steps * weight]
        if len(steps) * 2 * int(rows.max(initial=0)) < 2**62:
            sums = (signs[:, None] * rows).sum(axis=0)
        else:  # too many terms for int64: Python ints
            sums = (signs[:, None].astype(object) * rows.astype(object)).sum(axis=0)
        found[weight] = _join(np.asarray(sums, dtype=object))
    return [found[x] for x in w]


def _by_size(weights: Sequence[int], quota: int) -> list[np.ndarray]:
    """N[s][k]: coalitions of size s and weight k < quota (Python ints in object arrays)."""
    n = len(weights)
    table = np.zeros((n + 1, quota), dtype=object)
    table[0, 0] = 1
    for size, w in enumerate(weights, start=1):
        if w < quota:  # a heavier player joins only coalitions that win
            table[1 : size + 1, w:] += table[:size, : quota - w].copy()
    return list(table)


def _swings_by_size(weights: Sequence[int], quota: int) -> dict[int, list[int]]:
    """For each distinct weight w: swings[s], the losing coalitions of size s of the others (one
    player of weight w left out) that w turns winning."""
    n = len(weights)
    table = _by_size(weights, quota)
    out = {}
    for w in set(weights):
        others: list[np.ndarray] = []
        swings = []
        for s in range(n):  # the others' coalitions of size s: N[s] - (others of size s-1) * x**w
            row = table[s].copy()
            if s and w < quota:  # (a player at or above the quota is in no coalition below it)
                row[w:] -= others[s - 1][: quota - w]
            others.append(row)
            lo = max(0, quota - w)
            swings.append(int(row[lo:].sum()) if w else 0)
        out[w] = swings
    return out


def shapley_shubik(weights: Sequence[int], quota: int) -> list[Fraction]:
    """Each player's Shapley-Shubik index in ``[quota; weights]``, exactly."""
    w = _check(weights, quota)
    n = len(w)
    by_weight = _swings_by_size(w, quota)
    weights_of_size = [Fraction(factorial(s) * factorial(n - 1 - s), factorial(n)) for s in range(n)]
    value = {
        x: sum((weights_of_size[s] * c for s, c in enumerate(sw)), Fraction(0)) for x, sw in by_weight.items()
    }
    return [value[x] for x in w]


def power(weights: Sequence[int], quota: int, *, shapley: bool = True) -> Power:
    """Banzhaf (and, unless ``shapley`` is False, Shapley-Shubik) indices of ``[quota; weights]``."""
    swings = banzhaf_swings(weights, quota)
    return _power(swings, len(swings), shapley_shubik(weights, quota) if shapley else None)


def _power(swings: list[int], n: int, ss: list[Fraction] | None) -> Power:
    total = sum(swings)
    return Power(
        swings,
        [Fraction(s, total) if total else Fraction(0) for s in swings],
        [Fraction(s, 2 ** (n - 1)) for s in swings],
        ss,
    )


def losing_coalitions(weights: Sequence[int], quota: int) -> int:
    """The coalitions of ``[quota; weights]`` that lose (weight below the quota)."""
    q_limbs, _ = _cumulative_limbs(_check(weights, quota), quota)
    return _join(q_limbs[quota - 1].astype(object))


def two_college(
    a: Sequence[int],
    quota_a: int,
    b: Sequence[int],
    quota_b: int,
    *,
    rule: str = "both",
    shapley: bool = True,
) -> tuple[Power, Power]:
    """The indices of college A's players and of college B's in the composed game (module
    docstring); each college's players in the order of its weights. Indices are shares of the
    whole game, so the Shapley-Shubik indices of both colleges add up to 1."""
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, not {rule!r}")
    n = len(a) + len(b)
    swings_a, swings_b = banzhaf_swings(a, quota_a), banzhaf_swings(b, quota_b)
    lose_a, lose_b = losing_coalitions(a, quota_a), losing_coalitions(b, quota_b)
    win_a, win_b = 2 ** len(a) - lose_a, 2 ** len(b) - lose_b
    factor_a, factor_b = (win_b, win_a) if rule == "both" else (lose_b, lose_a)
    all_swings = [s * factor_a for s in swings_a] + [s * factor_b for s in swings_b]
    ss = None
    if shapley:
        ss = _composed_shapley(a, quota_a, b, quota_b, rule, n) + _composed_shapley(
            b, quota_b, a, quota_a, rule, n
        )
    power_all = _power(all_swings, n, ss)
    cut = len(a)

    def part(lo: int, hi: int) -> Power:
        return Power(
            power_all.swings[lo:hi],
            power_all.banzhaf[lo:hi],
            power_all.penrose[lo:hi],
            None if ss is None else ss[lo:hi],
        )

    return part(0, cut), part(cut, n)


def _composed_shapley(
    own: Sequence[int], quota: int, other: Sequence[int], other_quota: int, rule: str, n: int
) -> list[Fraction]:
    """Shapley-Shubik of ``own``'s players in the composition with ``other``: orders in which the
    player swings in its own college while the other college's players before it win (both) or
    lose (either) there."""
    own_w, other_w = _check(own, quota), _check(other, other_quota)
    swings = _swings_by_size(own_w, quota)
    losing = [int(row.sum()) for row in _by_size(other_w, other_quota)]
    m = len(other_w)
    fit = [comb(m, s) - losing[s] for s in range(m + 1)] if rule == "both" else losing
    orders = [factorial(t) * factorial(n - 1 - t) for t in range(n)]
    value = {}
    for w, by_size in swings.items():
        total = 0
        for s, count in enumerate(by_size):
            if count:
                total += count * sum(orders[s + t] * fit[t] for t in range(m + 1) if fit[t])
        value[w] = Fraction(total, factorial(n))
    return [value[x] for x in own_w]
