"""The opening's shuffle (``box.shuffled``): a permutation of the whole box, every order equally
likely, keys drawn again when two are equal."""

import itertools
from collections import Counter

from tallyroom.ballotbox import box


def test_every_order_of_three_comes_up_about_equally_often():
    seen = Counter(tuple(box.shuffled("abc")) for _ in range(6000))
    assert set(seen) == set(itertools.permutations("abc"))
    assert all(850 < n < 1150 for n in seen.values()), seen  # 1000 expected; 1150 is over 5 sigma


def test_a_large_box_is_permuted_whole():
    items = list(range(100_000))
    out = box.shuffled(items)
    assert sorted(out) == items and out != items
    # whole, not per batch: the first batch's items end up spread over the whole box
    first = [i for i, item in enumerate(out) if item < box.WRITE_BATCH]
    assert max(first) > 0.9 * len(items)


def test_equal_keys_are_drawn_again(monkeypatch):
    draws = []
    real = box.secrets.token_bytes

    def token_bytes(n):
        draws.append(n)
        return bytes(n) if len(draws) == 1 else real(n)  # all keys equal the first time

    monkeypatch.setattr(box.secrets, "token_bytes", token_bytes)
    assert sorted(box.shuffled([3, 1, 2])) == [1, 2, 3]
    assert draws == [48, 48]
