"""Four eyes on replacing a code after a contact change.

The attack this stops: an insider changes an absent member's email (or postal address), then
replaces their "lost" code, which goes to the insider, who votes with it. Now a member whose
contact details changed after the roll froze gets a new code only when a second staff member
approves a recorded request, and the old address is told: an email to the old email, or a line
in a notices file for post (under ``postal_dir()``) for the old postal address.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tallyroom.audit.events import record
from tallyroom.elections.models import Election
from tallyroom.formats import spreadsheet
from tallyroom.roll.contacts import changed_after_freeze
from tallyroom.roll.models import ContactChange, Member
from tallyroom.words import Words

from .codes import postal_dir, reissue_code
from .letters import in_their_language, letter
from .models import BallotCode, CodeReissue


class ApprovalRefused(ValueError):
    """The request cannot be approved by this user, or no longer waits."""


def request(election: Election, member: Member, *, user) -> CodeReissue:
    """Record a request for a new code, to wait for a second staff member (one open request per
    member and election)."""
    with transaction.atomic():
        waiting = CodeReissue.objects.filter(election=election, member=member, done_at__isnull=True).first()
        if waiting is not None:
            return waiting
        pending = CodeReissue.objects.create(
            election=election, member=member, requested_by=user, needs_approval=True
        )
        record(
            user,
            "voting.reissue_requested",
            f"election:{election.pk}",
            member=member.number,
            request=pending.pk,
        )
    return pending


def approve(pending: CodeReissue, *, user) -> tuple[str, Words]:
    """Approve ``pending`` as a second staff member: the new code (not yet sent) and a sentence
    saying how the old address was told. ApprovalRefused for the requester themself."""
    with transaction.atomic():
        pending = (
            CodeReissue.objects.select_for_update().select_related("member", "election").get(pk=pending.pk)
        )
        if not pending.pending:
            raise ApprovalRefused(Words(gettext_noop("this request has been dealt with already")))
        if user.pk == pending.requested_by_id:
            raise ApprovalRefused(
                Words(gettext_noop("a second staff member must approve: not the one who asked"))
            )
        pending.approved_by = user
        code = reissue_code(pending.election, pending.member, user=user, approval=pending)
        told = tell_old_contact(pending.election, pending.member)
        pending.told_old_contact, pending.told_words = told.recorded(), told.stored()
        pending.save(update_fields=["approved_by", "told_old_contact", "told_words"])
        record(
            user,
            "voting.reissue_notice",
            f"election:{pending.election_id}",
            member=pending.member.number,
            told=pending.told_old_contact,
        )
    return code, told


def tell_old_contact(election: Election, member: Member) -> Words:
    """Tell the contact details the member had before the first change after the freeze that a
    new code was sent elsewhere; a sentence saying how."""
    change = changed_after_freeze(member, election)
    before = {field: _before(member, change, field) for field in ContactChange.Field.values}
    with in_their_language(member):
        notice = letter(
            member,
            gettext("Your ballot code was replaced: %(election)s") % {"election": election.name},
            gettext(
                "A new ballot code for %(election)s was sent to contact details that were changed after "
                "the roll froze. If you did not ask for this, contact the returning officer at once: "
                "someone else may be trying to vote in your name."
            )
            % {"election": election.name},
            to=before["email"] or None,
        )
    if before["email"]:
        notice.send()
        return Words(gettext_noop("emailed %(email)s"), email=before["email"])
    if before["address"]:
        path = _notices_file(election)
        with path.open("a", encoding="utf-8", newline="") as f:
            if f.tell() == 0:
                spreadsheet.writer(f, lineterminator="\n").writerow(
                    ["membership_number", "name", "address", "notice"]
                )
            spreadsheet.writer(f, lineterminator="\n").writerow(
                [member.number, member.name, before["address"], notice.body.replace("\n", " ").strip()]
            )
        return Words(gettext_noop("a letter to the old postal address, in %(file)s"), file=path.name)
    return Words(gettext_noop("no old address to tell"))


def _before(member: Member, change: ContactChange | None, field: str) -> str:
    """The field's value before the first change of it after the freeze (its value now if none)."""
    first = member.contact_changes.filter(field=field)
    if change is not None:
        first = first.filter(changed_at__gte=change.changed_at)
    first = first.order_by("changed_at", "pk").first()
    return first.old if first is not None else getattr(member, field)


def _notices_file(election: Election) -> Path:
    folder = postal_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{election.slug}-codes-notices-{timezone.now():%Y%m%d}.csv"
    path.touch(mode=0o600)
    return path


def report(election: Election) -> dict:
    """Every reissue of ``election`` and every contact change of its voters, newest first, for
    the scrutineers' report."""
    members = BallotCode.objects.filter(election=election).values("member")
    return {
        "reissues": CodeReissue.objects.filter(election=election).select_related(
            "member", "requested_by", "approved_by"
        ),
        "changes": ContactChange.objects.filter(member__in=members)
        .select_related("member", "changed_by")
        .order_by("-changed_at", "-pk"),
    }
