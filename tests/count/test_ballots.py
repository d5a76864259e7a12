from fractions import Fraction

import numpy as np
import pytest

from tallyroom.count import Ballots
from tallyroom.count.ballots import PAD, exact_sum, index_dtype

NAMES = ("Ann", "Bob", "Cat")


def test_from_rankings_merges_identical_rankings_in_order_of_first_appearance():
    b = Ballots.from_rankings(NAMES, [((1, 0), 1), ((2,), 1), ((1, 0), 3), ((), 2), ((2,), 1)])
    assert list(b) == [((1, 0), 4), ((2,), 2), ((), 2)]
    assert b.total == 8
    assert b.valid_poll == 6


def test_fractional_weights_share_one_denominator():
    b = Ballots.from_rankings(NAMES, [((0,), "2.5"), ((1,), Fraction(1, 3)), ((2, 0), 1)])
    assert b.denominator == 6
    assert b.weights.tolist() == [15, 2, 6]
    assert [w for _, w in b] == [Fraction(5, 2), Fraction(1, 3), 1]
    assert b.total == Fraction(23, 6)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([((0, 1, 0), 1)], "names a candidate twice"),
        ([((0,), -1)], "negative weight"),
        ([((0, 3), 1)], "out of range"),
        ([((0, -1, 1), 1)], "out of range"),
        ([((0,), Fraction(1, 2**40)), ((1,), 2**30)], "exceed 64 bits"),
    ],
)
def test_from_rankings_rejects_bad_rows(rows, message):
    with pytest.raises(ValueError, match=message):
        Ballots.from_rankings(NAMES, rows)


def test_constructor_checks_its_arrays():
    with pytest.raises(ValueError, match="distinct"):
        Ballots(("A", "A"), np.zeros((0, 0), np.int8), np.zeros(0, np.int64))
    with pytest.raises(ValueError, match="gap"):
        Ballots(NAMES, np.array([[0, PAD, 1]], np.int8), np.array([1]))
    with pytest.raises(ValueError, match="one row per weight"):
        Ballots(NAMES, np.array([[0]], np.int8), np.array([1, 1]))
    with pytest.raises(ValueError, match="negative"):
        Ballots(NAMES, np.array([[0]], np.int8), np.array([-1]))
    with pytest.raises(ValueError, match="denominator"):
        Ballots(NAMES, np.array([[0]], np.int8), np.array([1]), denominator=0)


def test_without_skips_withdrawn_marks_and_keeps_numbering():
    b = Ballots.from_rankings(NAMES, [((1, 0, 2), 1), ((0, 1), 2), ((1,), 3), ((2, 1, 0), 4)])
    w = b.without(["Bob"])
    assert w.candidates == NAMES
    assert list(w) == [((0, 2), 1), ((0,), 2), ((), 3), ((2, 0), 4)]
    assert w.valid_poll == 7 and w.total == 10
    assert b.without([]) is b
    with pytest.raises(KeyError, match="Dan"):
        b.without(["Dan"])


def test_compressed_merges_rows_left_identical_by_a_withdrawal():
    b = Ballots.from_rankings(NAMES, [((0, 2), 1), ((1,), 5), ((0, 1, 2), 2), ((2,), 1), ((2, 1), 1)])
    c = b.without(["Bob"]).compressed()
    assert list(c) == [((0, 2), 3), ((), 5), ((2,), 2)]
    empty = Ballots.from_rankings(NAMES, [((), 1)])
    assert list(empty.compressed()) == [((), 1)]


def test_exact_sum_does_not_overflow():
    big = np.array([2**62, 2**62, 2**62], dtype=np.int64)
    assert exact_sum(big) == 3 * 2**62
    assert exact_sum(np.array([], dtype=np.int64)) == 0
    assert exact_sum(np.array([1, 2, 3], dtype=np.int64)) == 6


def test_index_dtype_holds_every_index():
    assert index_dtype(127) == np.int8
    assert index_dtype(128) == np.int16
    assert index_dtype(40000) == np.int32


def test_index_and_lengths():
    b = Ballots.from_rankings(NAMES, [((2, 1, 0), 1), ((), 1)])
    assert b.index("Cat") == 2
    assert b.lengths().tolist() == [3, 0]
    assert b.marked().tolist() == [True, False]
    with pytest.raises(KeyError):
        b.index("Dan")
