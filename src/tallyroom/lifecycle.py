"""What the returning officer does to an election, one function per verb, each of one shape:
``verb(subject, user, ...)`` checks the state under a row lock, makes the change and records its
audit event in one transaction, and raises ``Refused`` (saying why) leaving nothing half-done.

    open_voting(election)   draft/nominations -> voting: freeze rolls, issue and send codes
    close_voting(election)  voting -> closed: no more ballots; the box records what it holds
    open_box(election)      closed: the trustees' shares open the box (tallyroom.ballotbox.box)
    count(contest)          once opened: the engine counts the contest's ballots
    publish(count)          the newest count of a contest becomes its published result
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from django.db import transaction
from django.utils import timezone

from tallyroom import count as engine
from tallyroom.audit.events import record
from tallyroom.ballotbox import box, keys
from tallyroom.elections.models import Contest, Election
from tallyroom.formats import blt_text
from tallyroom.formats.results import result_json
from tallyroom.results.models import ContestCount
from tallyroom.roll.eligibility import freeze_rolls
from tallyroom.roll.models import Member
from tallyroom.voting.codes import issue_codes, send_codes

State = Election.State


class Refused(Exception):
    """The action is not allowed now, or failed; the message says why, in the officer's terms."""


def _locked(election: Election, verb: str, allowed: tuple[str, ...]) -> Election:
    """The election re-read under a row lock, refused unless its state is one of ``allowed``."""
    locked = Election.objects.select_for_update().get(pk=election.pk)
    if locked.state not in allowed:
        state = locked.get_state_display().lower()
        raise Refused(f"cannot {verb} {locked.name}: its state is '{state}'")
    return locked


def open_voting(election: Election, user) -> list[tuple[Member, str]]:
    """Open voting: freeze every contest's roll, issue a ballot code to each voter and send the
    codes. Allowed from draft or nominations, once the trustees' key is installed. Returns the
    ``(member, code)`` pairs sent: the only copy of the plaintext codes, for the caller to drop
    (or, in the demo, to vote with)."""
    with transaction.atomic():
        locked = _locked(election, "open voting in", (State.DRAFT, State.NOMINATIONS))
        try:
            box.public_key(locked)
        except box.BoxError as e:
            raise Refused(str(e)) from None
        freeze_rolls(locked, user)
        pairs = issue_codes(locked, user=user)
        locked.state = State.VOTING
        locked.save(update_fields=["state"])
        record(user, "election.open", f"election:{locked.pk}", codes=len(pairs))
        # Sent inside the transaction: if sending fails the opening is undone (no code is left
        # that nobody received); codes already mailed before the failure then simply never work.
        send_codes(pairs, locked)
    election.refresh_from_db()
    return pairs


def close_voting(election: Election, user) -> None:
    """Close voting: no ballot is accepted afterwards, and the box records what it holds."""
    with transaction.atomic():
        locked = _locked(election, "close voting in", (State.VOTING,))
        locked.state = State.CLOSED
        locked.save(update_fields=["state"])
        record(user, "election.close", f"election:{locked.pk}")
        box.close(locked, user)
    election.refresh_from_db()


def open_box(
    election: Election, user, shares: Sequence[str], progress: Callable[[int, int], None] | None = None
) -> dict[str, int]:
    """Open the box with the trustees' ``shares``: the ballots opened per contest slug."""
    try:
        return box.open_box(election, shares, user, progress)
    except (keys.ShareError, box.BoxError) as e:
        raise Refused(str(e)) from None


def _slates(contest: Contest) -> dict[str, str]:
    """Candidate name -> the slates endorsing them (published as the candidate's party in the BLT)."""
    candidates = contest.candidates.prefetch_related("slates")
    slates = {c.name: ", ".join(s.name for s in c.slates.all()) for c in candidates}
    return {name: names for name, names in slates.items() if names}


def count(contest: Contest, user) -> ContestCount:
    """Count ``contest`` through the engine and store the count with what anyone needs to recount
    it: the ballots as BLT (with their SHA-256), the result (method and options in it), the groups
    and the tie seed. Refused before the box is opened or once a result is published."""
    if contest.election.state != State.CLOSED:
        raise Refused(f"{contest.name} can be counted only once voting has closed")
    if contest.counts.filter(published=True).exists():
        raise Refused(f"{contest.name} has a published result already")
    try:
        given = box.count_input(contest)
        result = engine.count(
            given.ballots,
            contest.method,
            contest.seats,
            options=contest.options,
            constraints=contest.constraint_lines(),
            groups=given.groups,
            tie_seed=contest.tie_seed or None,
            withdrawn=list(given.withdrawn),
            ron=given.ron,
        )
    except box.BoxError as e:
        raise Refused(str(e)) from None
    except (ValueError, engine.TieUnresolved) as e:
        raise Refused(f"{contest.name} could not be counted: {e}") from e
    blt = blt_text(given.ballots, contest.seats, list(given.withdrawn), _slates(contest))
    with transaction.atomic():
        stored = ContestCount.objects.create(
            contest=contest,
            result_json=result_json(result),
            ballots_blt=blt,
            ballots_sha256=hashlib.sha256(blt.encode("utf-8")).hexdigest(),
            tie_seed=contest.tie_seed,
            groups=given.groups if result.constraints else {},
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


def publish(counted: ContestCount, user) -> None:
    """Publish ``counted``: it must be its contest's newest count and the contest must have no
    published result yet."""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=counted.contest_id)
        if contest.counts.filter(published=True).exists():
            raise Refused(f"{contest.name} has a published result already")
        if contest.counts.first().pk != counted.pk:
            raise Refused(f"{contest.name} has been counted again since; review the newest count")
        counted.published = True
        counted.published_at = timezone.now()
        counted.save(update_fields=["published", "published_at"])
        record(
            user,
            "contest.publish",
            f"contest:{contest.pk}",
            count=counted.pk,
            ballots_sha256=counted.ballots_sha256,
            elected=counted.elected,
        )
