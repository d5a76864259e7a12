"""Counting a contest through the engine, and publishing the count.

The count is the engine's (``tallyroom.count.count``) over the contest's anonymised ballots; what
is stored beside the result is exactly what anyone needs to recount it: the ballots as BLT (with
their SHA-256), the method and options (in the result), the constraints and candidates' groups,
and the tie seed.
"""

import hashlib

from django.db import transaction
from django.utils import timezone

from tallyroom import count as engine
from tallyroom.audit.events import record
from tallyroom.elections.ballot import RON_NAME, ballot_candidates
from tallyroom.elections.models import Contest, Election
from tallyroom.formats import blt_text
from tallyroom.formats.results import result_json
from tallyroom.voting.tally import contest_ballots

from .models import Count


class CountError(Exception):
    """The contest cannot be counted or published now; the message says why."""


def groups_of(contest: Contest) -> dict[str, list[str]]:
    """Candidate name -> the groups the contest's constraints count (only candidates with groups)."""
    return {c.name: c.group_list() for c in contest.candidates.all() if c.group_list()}


def slates_of(contest: Contest) -> dict[str, str]:
    """Candidate name -> the slate endorsing them (published as the candidate's party in the BLT)."""
    candidates = contest.candidates.prefetch_related("slates")
    slates = {c.name: ", ".join(s.name for s in c.slates.all()) for c in candidates}
    return {name: names for name, names in slates.items() if names}


def count_contest(contest: Contest, user) -> Count:
    """Count ``contest`` (voting must be closed and no count published) and store the count."""
    if contest.election.state != Election.State.CLOSED:
        raise CountError(f"{contest.name} can be counted only once voting has closed")
    if contest.counts.filter(published=True).exists():
        raise CountError(f"{contest.name} has a published result already")
    ballots = contest_ballots(contest)
    on_ballot = {c.name for c in ballot_candidates(contest)}
    withdrawn = [name for name in ballots.candidates if name not in on_ballot]
    groups = groups_of(contest)
    try:
        result = engine.count(
            ballots,
            contest.method,
            contest.seats,
            options=contest.options,
            constraints=contest.constraint_lines(),
            groups=groups,
            tie_seed=contest.tie_seed or None,
            withdrawn=withdrawn,
            ron=RON_NAME if contest.ron else None,
        )
    except (ValueError, engine.TieUnresolved) as e:
        raise CountError(f"{contest.name} could not be counted: {e}") from e
    blt = blt_text(ballots, contest.seats, withdrawn, slates_of(contest))
    with transaction.atomic():
        stored = Count.objects.create(
            contest=contest,
            result_json=result_json(result),
            ballots_blt=blt,
            ballots_sha256=hashlib.sha256(blt.encode("utf-8")).hexdigest(),
            tie_seed=contest.tie_seed,
            groups=groups if result.constraints else {},
            counted_by=user,
        )
        record(
            user,
            "contest.count",
            f"contest:{contest.pk}",
            count=stored.pk,
            ballots_sha256=stored.ballots_sha256,
            elected=result.elected,
        )
    return stored


def publish(count: Count, user) -> None:
    """Publish ``count``: it must be its contest's newest count and the contest must have no
    published result yet."""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=count.contest_id)
        if contest.counts.filter(published=True).exists():
            raise CountError(f"{contest.name} has a published result already")
        if contest.counts.first().pk != count.pk:
            raise CountError(f"{contest.name} has been counted again since; review the newest count")
        count.published = True
        count.published_at = timezone.now()
        count.save(update_fields=["published", "published_at"])
        record(
            user,
            "contest.publish",
            f"contest:{contest.pk}",
            count=count.pk,
            ballots_sha256=count.ballots_sha256,
            elected=count.elected,
        )
