"""Kiosks: voting terminals in the hall, each unlocked by a steward for one delegate at a time.

    add(conference, name, user)          a kiosk and its one-time setup token
    set_up(conference, token)            the machine opened the setup address: from now on its
                                         cookie (the token) identifies it; the address is spent
    unlock(kiosk, delegate, user)        for this delegate, until they vote or a steward locks it
    lock(kiosk, user)
    cast(kiosk_token, unlocks, names)    the unlocked delegate's ballot, into the box (channel
                                         in_room), and the kiosk locked again, in one transaction

The kiosk's token is a secret like a badge's code (only its keyed hash is kept): a phone without
it cannot vote as the delegate a kiosk is unlocked for. The setup address works once, so a
token seen in it later opens nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from tallyroom.audit.events import record
from tallyroom.ballotbox import box
from tallyroom.ballotbox.marking import BallotError
from tallyroom.voting.codes import new_code, normalise, token_hash

from . import polls
from .delegations import Refused
from .models import Conference, Delegate, Kiosk, Poll


def add(conference: Conference, name: str, user) -> tuple[Kiosk, str]:
    """A new kiosk named ``name`` and its setup token (shown once, in the setup address)."""
    if not name.strip():
        raise Refused(_("name the kiosk (where it stands in the hall)"))
    if conference.kiosks.filter(name=name.strip()).exists():
        raise Refused(
            _("%(conference)s has a kiosk named %(name)r already")
            % {"conference": conference.name, "name": name.strip()}
        )
    token = new_code()
    with transaction.atomic():
        made = Kiosk.objects.create(conference=conference, name=name.strip(), token_hash=token_hash(token))
        record(user, "conference.kiosk_added", f"conference:{conference.pk}", kiosk=made.name)
    return made, token


def by_token(conference: Conference, token: str) -> Kiosk | None:
    """The set-up kiosk of ``conference`` whose token is ``token``, or None."""
    if not normalise(token):
        return None
    return conference.kiosks.filter(token_hash=token_hash(token), set_up=True).first()


def set_up(conference: Conference, token: str) -> Kiosk:
    """The setup address was opened on the kiosk's machine: it is set up (once)."""
    with transaction.atomic():
        found = (
            conference.kiosks.select_for_update().filter(token_hash=token_hash(token)).first()
            if normalise(token)
            else None
        )
        if found is None or found.set_up:
            raise Refused(_("this setup address is not known or has been used: add the kiosk again"))
        found.set_up = True
        found.save(update_fields=["set_up"])
        record(None, "conference.kiosk_set_up", f"conference:{conference.pk}", kiosk=found.name)
    return found


def unlock(kiosk: Kiosk, delegate: Delegate, user) -> None:
    """Unlock ``kiosk`` for ``delegate`` (checked in, of its conference, not yet voted in the open
    poll); refused while it is unlocked for someone else."""
    with transaction.atomic():
        locked = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        if not locked.set_up:
            raise Refused(
                _("%(kiosk)s is not set up: open its setup address on the machine first")
                % {"kiosk": locked.name}
            )
        if delegate.delegation.conference_id != locked.conference_id:
            raise Refused(
                _("%(member)s is not a delegate of this conference") % {"member": delegate.member.name}
            )
        if not delegate.checked_in:
            raise Refused(_("%(member)s is not checked in") % {"member": delegate.member.name})
        if locked.delegate_id and locked.delegate_id != delegate.pk:
            raise Refused(
                _("%(kiosk)s is unlocked for another delegate: lock it first") % {"kiosk": locked.name}
            )
        poll = locked.conference.polls.filter(state=Poll.State.OPEN).first()
        if poll is None:
            raise Refused(_("no poll is open"))
        locked.delegate, locked.unlocks = delegate, locked.unlocks + 1
        locked.save(update_fields=["delegate", "unlocks"])
        record(
            user,
            "conference.kiosk_unlocked",
            f"election:{poll.election_id}",
            kiosk=locked.name,
            member=delegate.member.number,
        )


def lock(kiosk: Kiosk, user) -> None:
    with transaction.atomic():
        locked = Kiosk.objects.select_for_update().get(pk=kiosk.pk)
        if locked.delegate_id is None:
            raise Refused(_("%(kiosk)s is locked already") % {"kiosk": locked.name})
        locked.delegate = None
        locked.save(update_fields=["delegate"])
        record(user, "conference.kiosk_locked", f"conference:{locked.conference_id}", kiosk=locked.name)


def cast(kiosk: Kiosk, unlocks: int, names: Sequence[str]) -> box.Receipt:
    """The ballot of the delegate ``kiosk`` is unlocked for, shown when its count of unlockings
    was ``unlocks``; the kiosk locks again whether the box takes the ballot or refuses it."""
    with transaction.atomic():
        locked = Kiosk.objects.select_for_update(of=("self",)).select_related("delegate").get(pk=kiosk.pk)
        if locked.delegate is None or locked.unlocks != unlocks:
            raise BallotError(_("This kiosk has been locked or unlocked for someone else: ask the steward."))
        person = locked.delegate
        locked.delegate = None
        locked.save(update_fields=["delegate"])
        poll = locked.conference.polls.filter(state=Poll.State.OPEN).first()
    if poll is None:
        raise BallotError(_("No poll is open."))
    return polls.vote(poll, person, names)
