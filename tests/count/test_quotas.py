"""Quotas: exact values, and whether reaching or exceeding them elects."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from tallyroom.count.quotas import quota


def test_droop_is_the_integer_part_plus_one_and_reaching_it_elects():
    q = quota("droop", 6598, 4)  # Aberdeen City ward 1, 2022: declared quota 1320
    assert q.value == 1320
    assert q.reached(1320) and not q.reached(F("1319.99999"))


def test_droop_takes_the_integer_part_of_a_fractional_poll():
    assert quota("droop", F("100.5"), 3).value == 26  # 100.5 / 4 = 25.125
    assert quota("droop", 99, 2).value == 34  # 33 exactly, plus one


def test_droop_exact_has_no_plus_one_and_must_be_exceeded():
    q = quota("droop-exact", 1000, 9)  # a tenth of the votes for 9 seats
    assert q.value == 100 and q.exceed
    assert not q.reached(100) and q.reached(F("100.00001"))
    assert quota("droop-exact", 100, 2).value == F(100, 3)


def test_hare_is_the_poll_over_the_seats_and_reaching_it_elects():
    q = quota("hare", 100, 3)
    assert q.value == F(100, 3) and q.reached(F(100, 3))


def test_bad_quota_or_seats_are_refused():
    with pytest.raises(ValueError, match="unknown quota 'imperiali'"):
        quota("imperiali", 100, 3)
    with pytest.raises(ValueError, match="seats"):
        quota("droop", 100, 0)
