"""Provisional (tendered) ballots: a member whose appeal is pending casts one on the contests of
the case they are excluded from; the box keeps it sealed and apart under the case
(``box.deposit(..., Channel.PROVISIONAL, provisional_for=...)``) until the decision admits or
destroys it (tallyroom.appeals.cases); a case still pending at the close loses it unread."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.ballotbox import box
from tallyroom.ballotbox.marking import BallotError
from tallyroom.ballotbox.models import Channel
from tallyroom.roll.models import RollEntry
from tallyroom.words import Words

from .models import Case, Outcome

NOT_PENDING = {
    Outcome.UPHELD: gettext_noop("Your appeal was upheld: a provisional ballot is for a pending appeal."),
    Outcome.DISMISSED: gettext_noop(
        "Your appeal was dismissed: a provisional ballot is for a pending appeal."
    ),
}


def entries(case: Case) -> list[RollEntry]:
    """The roll entries a provisional ballot of ``case`` covers, in ballot order."""
    found = RollEntry.objects.filter(
        member_id=case.member_id, contest__in=case.contests.all(), eligible=False
    ).select_related("contest__election")
    return sorted(found, key=lambda e: (e.contest.position, e.contest_id))


def has_cast(case: Case) -> bool:
    return box.has_provisional(case.provisional_key) or any(e.voted_at for e in entries(case))


def cast(case: Case, choices: dict[int, list[str]]) -> box.Receipt:
    """Cast ``case``'s provisional ballot (``choices``: contest id -> names, first first);
    BallotError, storing nothing, if the case is not pending or the box refuses it."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.outcome != Outcome.PENDING:
            raise BallotError(Words(NOT_PENDING[case.outcome]))
        receipt = box.deposit(
            case.election_id,
            case.member_id,
            choices,
            Channel.PROVISIONAL,
            contests=[e.contest_id for e in entries(case)],
            provisional_for=case.provisional_key,
        )
        record(None, "appeals.provisional_cast", f"appeal:{case.pk}", contests=len(receipt.trackers))
    return receipt
