"""The candidates on a contest's ballot, in ballot order.

RON (re-open nominations), when the contest offers it, is a pseudo-candidate: an unsaved
``Candidate`` (``pk`` None) named :data:`RON_NAME`, last on the ballot. The count passes
``ron=RON_NAME`` to :func:`tallyroom.count.count`; no real candidate may take that name.
"""

from __future__ import annotations

from .models import Candidate
from .nominations import valid_candidates

RON_NAME = "RON (re-open nominations)"


def ron_candidate(contest) -> Candidate:
    return Candidate(contest=contest, name=RON_NAME, position=2**31 - 1)


def is_ron(candidate: Candidate) -> bool:
    return candidate.pk is None and candidate.name == RON_NAME


def ballot_candidates(contest) -> list[Candidate]:
    """The candidates standing (see :func:`valid_candidates`) by position then name, then RON if the
    contest offers it."""
    return [*valid_candidates(contest), *([ron_candidate(contest)] if contest.ron else [])]
