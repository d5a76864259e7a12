"""ERS97's papers (ers97._Papers, rows of NumPy arrays) against the straightforward way: each
paper a (ranking, position) pair looked at one by one, as the rules sort papers by hand.

Random contests: first preferences are dealt, then candidates leave the count one after another
(elected or excluded, either way no longer continuing) and their papers are sorted to the next
continuing preference; every pile and its weight must be the same both ways."""

from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tallyroom.count import Ballots
from tallyroom.count.ballots import PAD
from tallyroom.count.ers97 import _Papers


def reference_sort(ballots: Ballots, papers, continuing):
    """Papers ``(row, position)`` by next continuing preference (None: non-transferable)."""
    piles = {}
    for i, pos in papers:
        ranking = ballots.ranking(i)
        nxt = next((p for p in range(pos + 1, len(ranking)) if ranking[p] in continuing), None)
        piles.setdefault(None if nxt is None else ranking[nxt], []).append((i, pos if nxt is None else nxt))
    return piles


def weight(ballots: Ballots, papers) -> Fraction:
    return sum((ballots.weight(i) for i, _ in papers), Fraction(0))


@st.composite
def contests(draw):
    """Ballots (not merged, weights up to 2**62 so that sums overflow 64 bits) and an order in
    which the candidates leave the count."""
    m = draw(st.integers(1, 7))
    ranking = st.permutations(range(m)).flatmap(lambda p: st.integers(0, m).map(lambda k: list(p[:k])))
    rows = draw(st.lists(st.tuples(ranking, st.sampled_from([0, 1, 2, 10**6, 2**62])), max_size=30))
    rankings = np.full((len(rows), m), PAD, dtype=np.int8)
    for i, (r, _) in enumerate(rows):
        rankings[i, : len(r)] = r
    weights = np.array([w for _, w in rows], dtype=np.int64)
    ballots = Ballots([f"C{i}" for i in range(m)], rankings, weights, draw(st.sampled_from([1, 3])))
    return ballots, draw(st.permutations(range(m)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contests())
def test_papers_sort_as_they_do_one_by_one(contest):
    ballots, leaving = contest
    papers = _Papers(ballots)
    held = {}  # the reference: candidate -> papers (row, position)
    for i, (ranking, w) in enumerate(ballots):
        if ranking and w:
            held.setdefault(ranking[0], []).append((i, 0))
    rows_of = {c: [b.rows for b in batches] for c, batches in papers.batches.items()}
    assert {c: sorted(int(r) for r in np.concatenate(p)) for c, p in rows_of.items()} == {
        c: sorted(i for i, _ in p) for c, p in held.items()
    }
    assert {c: b[0].amount for c, b in papers.batches.items()} == {
        c: weight(ballots, p) for c, p in held.items()
    }
    continuing = set(range(len(ballots.candidates)))
    for c in leaving:
        continuing.discard(c)
        expected = reference_sort(ballots, held.pop(c, []), continuing)
        rows = rows_of.pop(c, [])
        got = papers.sort(np.concatenate(rows), sorted(continuing)) if rows else {}
        assert {k: sorted(int(r) for r in v) for k, v in got.items()} == {
            k: sorted(i for i, _ in v) for k, v in expected.items()
        }
        assert {k: papers.weight(v) for k, v in got.items()} == {
            k: weight(ballots, v) for k, v in expected.items()
        }
        for k, pile in got.items():
            if k is not None:  # the pointer is at the preference for the candidate now holding it
                assert {(int(r), int(papers.pointer[r])) for r in pile} == set(expected[k])
                rows_of.setdefault(k, []).append(pile)
                held.setdefault(k, []).extend(expected[k])
