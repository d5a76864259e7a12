"""Casting: a voter's code and choices become their "has voted" mark and secret ballots, at once.

``cast`` runs in one transaction: the code's mark is claimed with a conditional UPDATE (so of two
casts of one code at the same moment exactly one wins), then one ballot per contest the voter is
eligible in is written (an empty one where they abstain). Any refusal or failure rolls back both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from tallyroom.elections.models import Contest, Election
from tallyroom.roll.models import RollEntry

from .codes import code_hash, random_symbols
from .marking import BallotError, contest_marking
from .models import Ballot, BallotCode

TRACKER_LENGTH = 12  # 60 bits: unique within a contest with overwhelming probability (and enforced)


class CodeError(Exception):
    """The code cannot cast a vote; the message says why (unknown, used, or voting not open)."""


class UnknownCode(CodeError):
    """No code like it was issued: a mistake, or a guess (what the rate limits count)."""


@dataclass(frozen=True)
class Receipt:
    """What the voter keeps: each contest voted in and the tracker of the ballot stored for it."""

    election: Election
    trackers: tuple[tuple[Contest, str], ...]


def new_tracker() -> str:
    return random_symbols(TRACKER_LENGTH)


LOOKUP = (
    f"SELECT c.id, c.election_id, c.member_id, c.voted_at, e.state AS election_state "
    f"FROM {BallotCode._meta.db_table} c JOIN {Election._meta.db_table} e ON e.id = c.election_id "
    f"WHERE c.code_hash = %s"
)


def voter(code: str) -> BallotCode:
    """The unused code's record, or CodeError (the same message for unknown and mistyped codes).

    On PostgreSQL the election's row is read under a share lock in the same query: closing voting
    (which takes the row for update) waits for casts in progress, and later casts see it closed.
    """
    lock = " FOR SHARE OF e" if connection.vendor == "postgresql" else ""
    found = next(iter(BallotCode.objects.raw(LOOKUP + lock, [code_hash(code)])), None)
    if found is None:
        raise UnknownCode("That is not a valid ballot code. Check it and try again.")
    if found.has_voted:
        raise CodeError("This ballot code has already been used to vote.")
    if found.election_state != Election.State.VOTING:
        raise CodeError(f"Voting in {found.election.name} is not open.")
    return found


def voter_entries(found: BallotCode):
    """The roll entries of the code's holder on which they may vote, in this election."""
    return RollEntry.objects.filter(
        member_id=found.member_id, contest__election_id=found.election_id, eligible=True
    )


def eligible_entries(found: BallotCode) -> list[RollEntry]:
    """The voter's roll entries they may vote on, in ballot order of the contests."""
    entries = voter_entries(found).select_related("contest__election")
    return sorted(entries, key=lambda e: (e.contest.position, e.contest_id))


def cast(code: str, choices: Mapping[Contest | int, Sequence[str]]) -> Receipt:
    """Cast the ballots of the voter holding ``code``: ``choices`` maps a contest (or its id) to the
    candidate names chosen (first preference first). Contests left out are abstentions.

    Raises CodeError or BallotError, storing nothing, if the code is unknown or used, voting is not
    open, a contest is one the voter may not vote in, or a ballot breaks its contest's marking.
    """
    chosen = {getattr(k, "pk", k): v for k, v in choices.items()}
    with transaction.atomic():
        found = voter(code)
        entries = voter_entries(found).values_list("contest_id", "weight", "college")
        layouts = sorted(
            ((contest_marking(c), w, college) for c, w, college in entries),
            key=lambda layout: (layout[0][0].position, layout[0][0].pk),
        )
        if not layouts:
            raise CodeError("This ballot code's holder is not on the roll of any contest in this election.")
        refused = set(chosen) - {contest.pk for (contest, _), _, _ in layouts}
        if refused:
            raise BallotError("you are not on the roll of one or more of the contests voted in")
        ballots = [
            Ballot(
                contest=contest,
                tracker=new_tracker(),
                preferences=mark.check(chosen.get(contest.pk, ())),
                weight=weight,
                college=college,
            )
            for (contest, mark), weight, college in layouts
        ]
        claimed = BallotCode.objects.filter(pk=found.pk, voted_at__isnull=True).update(
            voted_at=timezone.now()
        )
        if not claimed:
            raise CodeError("This ballot code has already been used to vote.")
        Ballot.objects.bulk_create(ballots)
    return Receipt(ballots[0].contest.election, tuple((b.contest, b.tracker) for b in ballots))
