"""The online channel: a voter's ballot code and choices go into the ballot box.

``cast`` runs in one transaction: the code is claimed with a conditional UPDATE (so of two casts
of one code at the same moment exactly one wins), then the box stores the voter's ballots and
their marks (tallyroom.ballotbox.box.deposit). Any refusal or failure rolls back both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from tallyroom.ballotbox import box, prepared
from tallyroom.ballotbox.models import Channel
from tallyroom.elections.models import Contest, Election
from tallyroom.roll.models import RollEntry
from tallyroom.words import Words

from .codes import code_hash
from .models import BallotCode


class CodeError(Exception):
    """The code cannot cast a vote; the message says why (unknown, used, or voting not open)."""


class UnknownCode(CodeError):
    """No code like it was issued: a mistake, or a guess (what the rate limits count)."""


LOOKUP = (
    f"SELECT c.id, c.election_id, c.member_id, c.used_at, e.state AS election_state "
    f"FROM {BallotCode._meta.db_table} c JOIN {Election._meta.db_table} e ON e.id = c.election_id "
    f"WHERE c.code_hash = %s"
)
CLAIM = (
    f"UPDATE {BallotCode._meta.db_table} SET used_at = %s WHERE code_hash = %s AND used_at IS NULL "
    f"AND election_id IN (SELECT id FROM {Election._meta.db_table} WHERE state = %s) "
    "RETURNING election_id, member_id"
)


def voter(code: str) -> BallotCode:
    """The unused code's record, or CodeError (the same message for unknown and mistyped codes)."""
    found = next(iter(BallotCode.objects.raw(LOOKUP, [code_hash(code)])), None)
    if found is None:
        raise UnknownCode("That is not a valid ballot code. Check it and try again.")
    if found.is_used:
        raise CodeError("This ballot code has already been used to vote.")
    if found.election_state != Election.State.VOTING:
        raise CodeError(Words(gettext_noop("Voting in %(name)s is not open."), name=found.election.name))
    return found


def eligible_entries(found: BallotCode) -> list[RollEntry]:
    """The roll entries of the code's holder on which they may vote, in ballot order: less any
    their provisional ballot, counted after an upheld appeal, has voted on already (as the box's
    deposit leaves them out)."""
    entries = (
        RollEntry.objects.filter(
            member_id=found.member_id, contest__election_id=found.election_id, eligible=True
        )
        .exclude(voted_at__isnull=False, channel=Channel.PROVISIONAL)
        .select_related("contest__election")
    )
    return sorted(entries, key=lambda e: (e.contest.position, e.contest_id))


def cast(code: str, choices: Mapping[Contest | int, Sequence[str]]) -> box.Receipt:
    """Cast the ballots of the voter holding ``code``: ``choices`` maps a contest (or its id) to the
    candidate names chosen (first preference first). Contests left out are abstentions.

    Raises CodeError or BallotError, storing nothing, if the code is unknown or used, voting is not
    open, a contest is one the voter may not vote in, or a ballot breaks its contest's marking.
    """
    chosen = {getattr(k, "pk", k): v for k, v in choices.items()}
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), prepared.cursor() as cursor:
        cursor.execute(CLAIM, [at, code_hash(code), Election.State.VOTING])  # one statement: see box.py
        claimed = cursor.fetchone()
        if claimed is None:
            voter(code)  # says why
            raise CodeError("This ballot code has already been used to vote.")  # a moment ago
        election_id, member_id = claimed
        return box.deposit(election_id, member_id, chosen, Channel.ONLINE, savepoint=False)
