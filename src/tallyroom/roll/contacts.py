"""Members' contact details (email, postal address): where ballot codes go, so what could swing a
vote. Every change is kept with its old and new values (``ContactChange``) and recorded in the
audit trail. Once a member is on a frozen roll of an election still to be decided, the member
import refuses to change them; only ``change_contact`` does, a recorded decision with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.words import Words

from .models import ContactChange, Member

CONTACT_FIELDS = ("email", "address")


class ContactChangeRefused(ValueError):
    """The change cannot be made (nothing changes, no reason given...)."""


def frozen_elections(members: Iterable[int]) -> dict[int, str]:
    """Member pk -> the name of an election whose frozen roll they are on and whose voting has not
    closed (for the members of ``members`` that are on one)."""
    from tallyroom.elections.models import Election

    found = {}
    rows = (
        Member.objects.filter(
            pk__in=list(members),
            roll_entries__contest__roll_frozen_at__isnull=False,
        )
        .exclude(roll_entries__contest__election__state=Election.State.CLOSED)
        .values_list("pk", "roll_entries__contest__election__name")
    )
    for pk, name in rows:
        found.setdefault(pk, name)
    return found


def freeze_time(election):
    """When the first roll of ``election`` froze (None while none has)."""
    return election.contests.aggregate(first=Min("roll_frozen_at"))["first"]


def changed_after_freeze(member: Member, election) -> ContactChange | None:
    """The first change to ``member``'s contact details after ``election``'s roll froze, if any."""
    frozen = freeze_time(election)
    if frozen is None:
        return None
    return member.contact_changes.filter(changed_at__gte=frozen).order_by("changed_at", "pk").first()


def change_contact(member: Member, *, email: str, address: str, reason: str, user) -> list[ContactChange]:
    """Change ``member``'s email and postal address by a recorded decision: each changed field
    as a ContactChange and an audit event with old and new values, in one transaction."""
    reason = reason.strip()
    if not reason:
        raise ContactChangeRefused(
            Words(gettext_noop("give the reason for the change (e.g. how the member asked for it)"))
        )
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        new = {"email": email.strip(), "address": address.strip()}
        changes = [
            ContactChange(
                member=member, field=f, old=getattr(member, f), new=new[f], reason=reason, changed_by=user
            )
            for f in CONTACT_FIELDS
            if getattr(member, f) != new[f]
        ]
        if not changes:
            raise ContactChangeRefused(
                Words(gettext_noop("%(member)s's contact details are already these"), member=str(member))
            )
        for change in changes:
            setattr(member, change.field, change.new)
        member.save(update_fields=[c.field for c in changes])
        ContactChange.objects.bulk_create(changes)
        record(
            user,
            "member.contact_change",
            f"member:{member.number}",
            reason=reason,
            changes=[{"field": c.field, "old": c.old, "new": c.new} for c in changes],
            frozen_election=frozen_elections([member.pk]).get(member.pk, ""),
        )
    return changes
