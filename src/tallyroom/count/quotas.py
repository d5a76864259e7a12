"""Quotas: the votes that elect a candidate in an STV count, computed exactly.

``quota(name, valid_poll, seats)`` gives a ``Quota``: its exact value and whether a candidate must
reach it (``votes >= value``) or exceed it (``votes > value``) to be elected.

- ``droop``: the integer part of ``valid_poll / (seats + 1)``, plus one; reaching it elects (the
  Scottish order, SSI 2007/42 Schedule 1 rules 46 and 47).
- ``droop-exact``: ``valid_poll / (seats + 1)`` exactly, without the +1 (the Hagenbach-Bischoff
  quota, as Labour's NEC CLP section count of 2020 used: a tenth of the votes for 9 seats); it must be
  exceeded, since ``seats + 1`` candidates could otherwise all reach it.
- ``hare``: ``valid_poll / seats`` exactly; reaching it elects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Quota:
    name: str
    value: Fraction  # an int from in_units when whole
    exceed: bool  # True: votes must exceed the value; False: reaching it elects

    def reached(self, votes: Fraction | int) -> bool:
        return votes > self.value if self.exceed else votes >= self.value

    def in_units(self, unit: int) -> Quota:
        """The same quota counted in units of ``1 / unit`` of a vote (for totals held so): an int
        when it is a whole number of units, as ints compare faster with ints than Fractions do."""
        value = self.value * unit
        return Quota(self.name, value.numerator if value.denominator == 1 else value, self.exceed)


def _droop(valid_poll: Fraction, seats: int) -> Quota:
    return Quota("droop", Fraction(valid_poll // (seats + 1) + 1), exceed=False)


def _droop_exact(valid_poll: Fraction, seats: int) -> Quota:
    return Quota("droop-exact", valid_poll / (seats + 1), exceed=True)


def _hare(valid_poll: Fraction, seats: int) -> Quota:
    return Quota("hare", valid_poll / seats, exceed=False)


QUOTAS: dict[str, Callable[[Fraction, int], Quota]] = {
    "droop": _droop,
    "droop-exact": _droop_exact,
    "hare": _hare,
}


def check(name: str) -> None:
    """Raise ValueError unless ``name`` is a known quota (for an Options ``__post_init__``)."""
    if name not in QUOTAS:
        raise ValueError(f"unknown quota {name!r}; choose from {', '.join(QUOTAS)}")


def quota(name: str, valid_poll: Fraction | int, seats: int) -> Quota:
    """The quota ``name`` for ``seats`` seats and a valid poll of ``valid_poll`` votes."""
    check(name)
    if seats < 1:
        raise ValueError("seats must be at least 1")
    return QUOTAS[name](Fraction(valid_poll), seats)
