"""Who may vote in a contest: the roll, computed with the reason for every exclusion, and frozen
when voting opens.

A member is checked on five points, in this order, and every point that fails is recorded (the
reasons joined by "; "):

1. status: must be active ("status lapsed", "status suspended", "status expelled");
2. category: must be among the contest's categories, if it names any ("category not allowed");
3. area: the member's unit must be one of the contest's units or in one of its regions, if it names
   any ("not in area");
4. joined on or before the election's freeze date ("joined after freeze date");
5. paid up to at least the contest's ``paid_up_on``, if set ("not paid up").

Eligible members get weight 1 and no college (one member, one vote).
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.organisation.models import Unit
from tallyroom.words import Words

from . import bulk
from .models import Member, RollEntry

NOT_IN_AREA = "not in area"
JOINED_LATE = "joined after freeze date"
NOT_PAID_UP = "not paid up"
CATEGORY = "category not allowed"
SEPARATOR = "; "
BATCH = 5000
ONE = "1"


class RollFrozen(RuntimeError):
    """The roll is frozen: it changes only by a recorded decision."""


def reasons_of(entry_reason: str) -> list[str]:
    return [r for r in entry_reason.split(SEPARATOR) if r]


def area_units(contest) -> set[int] | None:
    """Ids of the units whose members may vote, or None if the contest names no units or regions."""
    units = set(contest.units.values_list("pk", flat=True))
    regions = list(contest.regions.values_list("pk", flat=True))
    if not units and not regions:
        return None
    return units | set(Unit.objects.filter(region__in=regions).values_list("pk", flat=True))


def exclusion(contest, member: Member, area: set[int] | None = None) -> str:
    """Why ``member`` may not vote in ``contest`` ("" if they may)."""
    area = area_units(contest) if area is None else area
    return _reason(
        member.status,
        member.category,
        member.unit_id,
        member.joined,
        member.paid_up_to,
        area,
        set(contest.categories),
        contest.election.freeze_date,
        contest.paid_up_on,
    )


def _reason(status, category, unit_id, joined, paid_up_to, area, categories, freeze_date, paid_up_on) -> str:
    reasons = []
    if status != Member.Status.ACTIVE:
        reasons.append(f"status {status}")
    if categories and category not in categories:
        reasons.append(CATEGORY)
    if area is not None and unit_id not in area:
        reasons.append(NOT_IN_AREA)
    if joined > freeze_date:
        reasons.append(JOINED_LATE)
    if paid_up_on is not None and (paid_up_to is None or paid_up_to < paid_up_on):
        reasons.append(NOT_PAID_UP)
    return SEPARATOR.join(reasons)


def _member_batches():
    """Every member's fields the rules read, BATCH members at a time in primary-key order (keyset:
    each batch starts after the last one's key)."""
    last = 0
    fields = ("pk", "status", "category", "unit_id", "joined", "paid_up_to")
    while batch := list(Member.objects.filter(pk__gt=last).order_by("pk").values_list(*fields)[:BATCH]):
        yield batch
        last = batch[-1][0]


def _build_batch(contest, members: list[tuple], rules: tuple, counts: Counter) -> None:
    """Write one batch of members' roll entries: new ones inserted, changed ones (standing, reason
    or unit) updated."""
    first, last = members[0][0], members[-1][0]
    existing = {
        member: (pk, eligible, reason, unit_id)
        for member, pk, eligible, reason, unit_id in RollEntry.objects.filter(
            contest=contest, member_id__gte=first, member_id__lte=last
        ).values_list("member_id", "pk", "eligible", "reason", "unit_id")
    }
    new: list[tuple] = []
    changed: dict[tuple[str, int | None], list[int]] = {}
    for pk, status, category, unit_id, joined, paid in members:
        reason = _reason(status, category, unit_id, joined, paid, *rules)
        counts["excluded" if reason else "eligible"] += 1
        counts.update(reasons_of(reason))
        old = existing.get(pk)
        if old is None:
            new.append((contest.pk, pk, unit_id, not reason, reason, ONE, ""))
        elif old[1:] != (not reason, reason, unit_id):
            changed.setdefault((reason, unit_id), []).append(old[0])
    fields = ("contest_id", "member_id", "unit_id", "eligible", "reason", "weight", "college")
    bulk.insert(RollEntry, fields, new)
    for (reason, unit_id), ids in changed.items():
        RollEntry.objects.filter(pk__in=ids).update(eligible=not reason, reason=reason, unit_id=unit_id)


def build_roll(contest, *, user=None, progress=None) -> dict[str, int]:
    """Compute ``contest``'s roll from the members as they are now: one entry per member, eligible or
    excluded with the reasons. Returns counts: ``eligible``, ``excluded`` and one per reason (a
    member excluded for two reasons counts under both). Refuses (RollFrozen) once frozen.
    ``progress(done, total)`` hears the members done, batch by batch, inside the transaction."""
    with transaction.atomic():
        contest = type(contest).objects.select_for_update().select_related("election").get(pk=contest.pk)
        if contest.roll_is_frozen:
            raise RollFrozen(
                Words(
                    gettext_noop("the roll of %(contest)s is frozen; it changes only by a recorded decision"),
                    contest=str(contest),
                )
            )
        election = contest.election
        rules = (area_units(contest), set(contest.categories), election.freeze_date, contest.paid_up_on)
        counts: Counter[str] = Counter()
        total = Member.objects.count() if progress else 0
        if progress:
            building = Words(
                gettext_noop("building the roll of %(name)s from %(n)s members"),
                name=contest.name,
                n=f"{total:,}",
            )
            progress(0, total, building)
        for members in _member_batches():
            _build_batch(contest, members, rules, counts)
            if progress:
                progress(min(counts["eligible"] + counts["excluded"], total), total)
        summary = {"eligible": counts.pop("eligible", 0), "excluded": counts.pop("excluded", 0), **counts}
        record(user, "roll.build", f"contest:{contest.pk}", **summary)
    return summary


def building_work(job, progress) -> dict:
    """The roll-building job: build the roll of the job's contest (``build_roll``), one
    all-or-nothing transaction, its progress on a connection of its own."""
    progress.own_connection()
    counts = build_roll(job.contest, user=job.started_by, progress=progress)
    message = Words(
        gettext_noop("Roll built: %(eligible)s eligible, %(excluded)s excluded."),
        eligible=f"{counts['eligible']:,}",
        excluded=f"{counts['excluded']:,}",
    )
    return {"message": message, **counts}


def freeze_rolls(election, user) -> dict[str, dict[str, int]]:
    """Build and freeze the roll of every contest of ``election`` not yet frozen (when voting
    opens), recording an event for each. Returns the counts by contest slug."""
    frozen = {}
    with transaction.atomic():
        for contest in election.contests.select_for_update().order_by("pk"):
            if contest.roll_is_frozen:
                continue
            frozen[contest.slug] = build_roll(contest, user=user)
            contest.freeze_roll()
            record(user, "roll.freeze", f"contest:{contest.pk}", **frozen[contest.slug])
    return frozen
