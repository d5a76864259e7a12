from fractions import Fraction

import pytest

from tallyroom.count.numbers import decimal_str, from_fixed, places_for, to_fixed


def test_to_fixed_rounds_as_asked():
    third = Fraction(1, 3)
    assert to_fixed(third, 5) == 33333
    assert to_fixed(third, 5, "up") == 33334
    assert to_fixed(Fraction(2, 3), 2) == 66
    assert to_fixed(Fraction(-1, 3), 2, "down") == -34  # down is toward minus infinity
    assert to_fixed(Fraction(-1, 3), 2, "up") == -33
    assert to_fixed(Fraction(5, 4), 2, "exact") == 125
    with pytest.raises(ValueError, match="not exact"):
        to_fixed(third, 5, "exact")
    with pytest.raises(ValueError, match="rounding"):
        to_fixed(third, 5, "sideways")
    assert from_fixed(125, 2) == Fraction(5, 4)


def test_decimal_str_truncates_toward_zero():
    assert decimal_str(Fraction(2, 3), 5) == "0.66666"
    assert decimal_str(Fraction(-2, 3), 2) == "-0.66"
    assert decimal_str(Fraction(-1, 1000), 2) == "0.00"
    assert decimal_str(12, 0) == "12"
    assert decimal_str(Fraction(5, 2), 0) == "2"
    assert decimal_str(Fraction(1207, 100), 3) == "12.070"


def test_places_for_shows_weights_exactly():
    assert places_for(1) == 0
    assert places_for(2) == 1
    assert places_for(4) == 2
    assert places_for(20) == 2
    assert places_for(3) == 6
