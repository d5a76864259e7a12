"""Decisions: the only way a frozen roll changes (an appeal upheld or refused, a correction).

``decide`` changes one member's entry; ``decide_many`` changes many entries for one reason (an
appeals panel's class decision) with bulk writes and one audit event. The returning officer makes
any decision; the appeals panel makes appeal decisions."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.web.access import APPEALS_PANEL, RETURNING_OFFICER, has_role
from tallyroom.words import Words

from . import bulk
from .models import RollDecision, RollEntry
from .signals import roll_changed, roll_changed_in_bulk

BATCH = 5000


class DecisionRefused(ValueError):
    """The decision cannot be made (the roll is not frozen, voting has closed, no reason given...)."""


def _checked(user, reason: str, kind: str) -> str:
    """The reason, stripped; PermissionDenied or DecisionRefused if the decision cannot be made."""
    if not (
        has_role(user, RETURNING_OFFICER)
        or (kind == RollDecision.Kind.APPEAL and has_role(user, APPEALS_PANEL))
    ):
        raise PermissionDenied(
            "only the returning officer, or the appeals panel on an appeal, decides on the roll"
        )
    reason = reason.strip()
    if not reason:
        raise DecisionRefused(Words(gettext_noop("give the reason for the decision")))
    if kind not in RollDecision.Kind.values:
        raise DecisionRefused(
            Words(
                gettext_noop("kind %(kind)s is not one of %(kinds)s"),
                kind=repr(kind),
                kinds=", ".join(RollDecision.Kind.values),
            )
        )
    return reason


def _changeable(contest) -> None:
    if not contest.roll_is_frozen:
        raise DecisionRefused(
            Words(
                gettext_noop(
                    "the roll is not frozen yet: correct the member's record and rebuild the roll instead"
                )
            )
        )
    if contest.election.state == contest.election.State.CLOSED:
        raise DecisionRefused(Words(gettext_noop("voting has closed: the roll can no longer change")))


def decide(entry: RollEntry, *, eligible: bool, reason: str, user, kind: str = "appeal") -> RollDecision:
    """Record the returning officer's decision that ``entry``'s member is (or is not) eligible, and
    apply it: the decision, the entry and an event in one transaction; ``roll_changed`` is sent
    after it commits."""
    reason = _checked(user, reason, kind)
    with transaction.atomic():
        entry = (
            RollEntry.objects.select_for_update()
            .select_related("contest__election", "member")
            .get(pk=entry.pk)
        )
        contest = entry.contest
        _changeable(contest)
        if entry.eligible == eligible:
            already = (
                gettext_noop("%(member)s is already eligible")
                if eligible
                else gettext_noop("%(member)s is already excluded")
            )
            raise DecisionRefused(Words(already, member=str(entry.member)))
        if entry.eligible and entry.voted_at is not None:
            raise DecisionRefused(
                Words(
                    gettext_noop("%(member)s has voted in %(contest)s: a cast ballot stays cast"),
                    member=str(entry.member),
                    contest=contest.name,
                )
            )
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


@dataclass(frozen=True)
class BulkDecision:
    """What ``decide_many`` did: entries changed, their members, and the range of the ids of the
    roll decisions it recorded (all of them carry its reason)."""

    changed: int
    member_ids: tuple[int, ...]
    first: int | None
    last: int | None


def decide_many(contest, entries, *, eligible: bool, reason: str, user, kind: str = "appeal") -> BulkDecision:
    """Make one decision (``eligible``, ``reason``) on every entry of ``entries`` (a queryset of
    ``contest``'s roll) not already so: a roll decision for each, written in bulk, the entries
    updated in batches, one audit event with the counts and the reason; ``roll_changed_in_bulk``
    is sent after it commits. Members who have voted are not struck off."""
    reason = _checked(user, reason, kind)
    with transaction.atomic():
        # The contest's row alone, FOR NO KEY UPDATE: ballots being cast (which take FOR SHARE on
        # the election and FOR KEY SHARE on the contest) are not held up while it is written.
        contest = (
            type(contest)
            .objects.select_for_update(no_key=True, of=("self",))
            .select_related("election")
            .get(pk=contest.pk)
        )
        _changeable(contest)
        chosen = entries.filter(contest=contest, eligible=not eligible)
        if not eligible:
            chosen = chosen.filter(voted_at__isnull=True)
        rows = list(chosen.select_for_update().order_by("pk").values_list("pk", "member_id"))
        if not rows:
            return BulkDecision(0, (), None, None)
        before = RollDecision.objects.aggregate(m=Max("pk"))["m"] or 0
        now = timezone.now()
        bulk.insert(
            RollDecision,
            (
                "entry_id",
                "kind",
                "eligible_before",
                "eligible_after",
                "reason",
                "decided_by_id",
                "decided_at",
            ),
            ((pk, kind, not eligible, eligible, reason, user.pk, now) for pk, _ in rows),
        )
        made = RollDecision.objects.filter(pk__gt=before, decided_at=now, reason=reason).aggregate(
            first=Min("pk"), last=Max("pk")
        )
        entry_reason = "" if eligible else reason[:200]
        ids = [pk for pk, _ in rows]
        for start in range(0, len(ids), BATCH):
            RollEntry.objects.filter(pk__in=ids[start : start + BATCH]).update(
                eligible=eligible, reason=entry_reason
            )
        done = BulkDecision(len(rows), tuple(m for _, m in rows), made["first"], made["last"])
        record(
            user,
            "roll.decisions",
            f"contest:{contest.pk}",
            kind=kind,
            eligible_after=eligible,
            reason=reason,
            entries=done.changed,
            decisions=[done.first, done.last],
        )
        transaction.on_commit(
            lambda: roll_changed_in_bulk.send(
                sender=RollEntry, contest=contest, member_ids=done.member_ids, eligible=eligible, user=user
            )
        )
    return done
