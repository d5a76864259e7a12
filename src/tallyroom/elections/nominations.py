"""Nomination thresholds: who has enough nominations to stand.

A nomination counts if it was received by the election's close of nominations (any time, if no
close is set). A candidate stands if not withdrawn and nominated by at least the contest's
``nomination_threshold`` units and affiliates together.
"""

from __future__ import annotations

from django.db.models import Count, Q

from .models import Candidate


def _counted(contest) -> Q:
    closes = contest.election.nominations_close
    return Q(nominations__received__lte=closes) if closes else Q(nominations__isnull=False)


def with_nomination_counts(contest):
    """``contest``'s candidates, each annotated with ``nominated`` (nominations that count)."""
    return Candidate.objects.filter(contest=contest).annotate(
        nominated=Count("nominations", filter=_counted(contest))
    )


def valid_candidates(contest) -> list[Candidate]:
    """The candidates standing: not withdrawn and nominated at least ``nomination_threshold`` times,
    in ballot order."""
    return [
        c
        for c in with_nomination_counts(contest).order_by("position", "name")
        if not c.withdrawn and c.nominated >= contest.nomination_threshold
    ]
