"""What the returning officer does to an election: one function per verb.

Each checks the election's state, makes the change and records its event in one transaction, so
a refused or failed action leaves nothing half-done. ``TransitionError`` says why an action is
refused.
"""

from django.db import transaction

from tallyroom.audit.events import record
from tallyroom.roll.eligibility import freeze_rolls
from tallyroom.roll.models import Member
from tallyroom.voting.codes import issue_codes, send_codes
from tallyroom.voting.seal import seal_ballots

from .models import Election

State = Election.State


class TransitionError(Exception):
    """The election is not in a state that allows the action."""


def _locked(election: Election, verb: str, allowed: tuple[str, ...]) -> Election:
    """The election re-read under a row lock, refused unless its state is one of ``allowed``."""
    locked = Election.objects.select_for_update().get(pk=election.pk)
    if locked.state not in allowed:
        state = locked.get_state_display().lower()
        raise TransitionError(f"cannot {verb} {locked.name}: its state is '{state}'")
    return locked


def open_voting(election: Election, user) -> list[tuple[Member, str]]:
    """Open voting: freeze every contest's roll, issue a ballot code to each voter and send the
    codes. Allowed from draft or nominations. Returns the ``(member, code)`` pairs sent: the only
    copy of the plaintext codes, for the caller to drop (or, in the demo, to vote with)."""
    with transaction.atomic():
        locked = _locked(election, "open voting in", (State.DRAFT, State.NOMINATIONS))
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
    """Close voting: no ballot is accepted afterwards, and the ballots are sealed (see
    tallyroom.voting.seal). Allowed only while voting is open."""
    with transaction.atomic():
        locked = _locked(election, "close voting in", (State.VOTING,))
        locked.state = State.CLOSED
        locked.save(update_fields=["state"])
        record(user, "election.close", f"election:{locked.pk}")
        seal_ballots(locked, user=user)
    election.refresh_from_db()
