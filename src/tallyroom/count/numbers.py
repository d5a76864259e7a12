"""Exact numbers for counting: fixed-point integers and their decimal strings.

A fixed-point value with ``places`` decimal places is an int ``n`` standing for ``n / 10**places``.
Rules say whether a division rounds down (truncates, as the Scottish order does) or up (as Meek's
keep factors do); nothing here ever uses floating point.
"""

from __future__ import annotations

from fractions import Fraction


def scale(places: int) -> int:
    return 10**places


def to_fixed(value: Fraction | int, places: int, rounding: str = "down") -> int:
    """``value`` as a fixed-point int, rounded ``down`` (toward zero for positives), ``up`` or ``exact``
    (raises ValueError if it is not a multiple of ``10**-places``)."""
    q = Fraction(value) * scale(places)
    if rounding == "down":
        return q.numerator // q.denominator
    if rounding == "up":
        return -((-q.numerator) // q.denominator)
    if rounding == "exact":
        if q.denominator != 1:
            raise ValueError(f"{value} is not exact to {places} decimal places")
        return q.numerator
    raise ValueError(f"unknown rounding {rounding!r}")


def from_fixed(n: int, places: int) -> Fraction:
    return Fraction(int(n), scale(places))


def decimal_str(value: Fraction | int, places: int) -> str:
    """``value`` written with exactly ``places`` decimal places, truncated toward zero.

    Values counted in fixed point are multiples of ``10**-places``, so for them this is exact.
    """
    value = Fraction(value)
    q = abs(value) * scale(places)
    n = q.numerator // q.denominator
    sign = "-" if value < 0 and n else ""
    if places == 0:
        return f"{sign}{n}"
    whole, frac = divmod(n, scale(places))
    return f"{sign}{whole}.{frac:0{places}d}"


def places_for(denominator: int) -> int:
    """Decimal places that show multiples of ``1 / denominator`` exactly (at most 6): a count whose
    weights are whole shows whole numbers, one with half-votes one decimal place."""
    places = 0
    while places < 6 and (10**places) % denominator:
        places += 1
    return places


def exact_places(denominator: int) -> int | None:
    """The fewest decimal places that show every multiple of ``1 / denominator`` exactly, or None
    when there are none (a denominator with a prime factor other than 2 and 5, as for a third)."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    return max(twos, fives) if denominator == 1 else None


def exact_str(value: Fraction | int) -> str:
    """``value`` written exactly: a whole number (``5``), a decimal where one is exact (``2.5``),
    otherwise a fraction in lowest terms (``1000/3``)."""
    value = Fraction(value)
    places = exact_places(value.denominator)
    if places is None:
        return f"{value.numerator}/{value.denominator}"
    return decimal_str(value, places)
