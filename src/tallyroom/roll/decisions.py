"""Decisions: the only way a frozen roll changes (an appeal upheld or refused, a correction)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from tallyroom.audit.events import record
from tallyroom.web.access import RETURNING_OFFICER, has_role

from .models import RollDecision, RollEntry
from .signals import roll_changed


class DecisionRefused(ValueError):
    """The decision cannot be made (the roll is not frozen, voting has closed, no reason given...)."""


def decide(entry: RollEntry, *, eligible: bool, reason: str, user, kind: str = "appeal") -> RollDecision:
    """Record the returning officer's decision that ``entry``'s member is (or is not) eligible, and
    apply it: the decision, the entry and an event in one transaction; ``roll_changed`` is sent
    after it commits."""
    if not has_role(user, RETURNING_OFFICER):
        raise PermissionDenied("only the returning officer decides on the roll")
    reason = reason.strip()
    if not reason:
        raise DecisionRefused("give the reason for the decision")
    if kind not in RollDecision.Kind.values:
        raise DecisionRefused(f"kind {kind!r} is not one of {', '.join(RollDecision.Kind.values)}")
    with transaction.atomic():
        entry = (
            RollEntry.objects.select_for_update()
            .select_related("contest__election", "member")
            .get(pk=entry.pk)
        )
        contest = entry.contest
        if not contest.roll_is_frozen:
            raise DecisionRefused(
                "the roll is not frozen yet: correct the member's record and rebuild the roll instead"
            )
        if contest.election.state == contest.election.State.CLOSED:
            raise DecisionRefused("voting has closed: the roll can no longer change")
        if entry.eligible == eligible:
            raise DecisionRefused(f"{entry.member} is already {'eligible' if eligible else 'excluded'}")
        if entry.eligible and entry.voted_at is not None:
            raise DecisionRefused(f"{entry.member} has voted in {contest.name}: a cast ballot stays cast")
        decision = RollDecision.objects.create(
            entry=entry,
            kind=kind,
            eligible_before=entry.eligible,
            eligible_after=eligible,
            reason=reason,
            decided_by=user,
        )
        entry.eligible = eligible
        entry.reason = "" if eligible else f"decision {decision.pk}: {reason}"[:200]
        entry.save(update_fields=["eligible", "reason"])
        record(
            user,
            "roll.decision",
            f"roll-entry:{entry.pk}",
            contest=contest.pk,
            member=entry.member.number,
            kind=kind,
            eligible_before=decision.eligible_before,
            eligible_after=eligible,
            reason=reason,
            decision=decision.pk,
        )
        transaction.on_commit(lambda: roll_changed.send(sender=RollEntry, entry=entry, decision=decision))
    return decision
