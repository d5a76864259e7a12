"""Class decisions: the panel decides once for everyone excluded from some contests by the same
rule (a recorded reason, and for joining dates a window, e.g. joined between 12 January and 12
July), without a case each.

Upheld, every such entry goes on the roll through ``roll.decisions.decide_many`` (bulk writes,
one audit event per contest, codes issued and sent in one go through ``roll_changed_in_bulk``),
and pending cases it settles are upheld with it. Dismissed, nothing on the roll changes and the
decision records how many it covered. Only entries excluded for that one reason are covered: a
member also excluded for another reason stays excluded.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.ballotbox import box
from tallyroom.elections.models import Candidate, Election
from tallyroom.roll.decisions import decide_many
from tallyroom.roll.models import RollDecision, RollEntry
from tallyroom.web.access import APPEALS_PANEL, has_role
from tallyroom.words import Words

from .cases import EITHER_OR, AppealRefused, candidate_in, check_panel, not_on_panel, tell_outcome
from .models import CLASS_DECIDED, Case, ClassDecision, Outcome, Panellist


def covered(contests, rule: str, joined_from=None, joined_to=None):
    """The excluded roll entries of ``contests`` whose one recorded reason is ``rule`` (and whose
    member joined in the window, if given)."""
    q = Q(contest__in=list(contests), eligible=False, reason=rule)
    if joined_from:
        q &= Q(member__joined__gte=joined_from)
    if joined_to:
        q &= Q(member__joined__lte=joined_to)
    return RollEntry.objects.filter(q)


def rules_recorded(election: Election) -> list[tuple[str, int]]:
    """The exclusion reasons recorded on the election's rolls, with how many entries carry each."""
    counts: Counter[str] = Counter()
    for contest_id in election.contests.values_list("pk", flat=True):  # each from the roll's index
        grouped = RollEntry.objects.filter(contest_id=contest_id, eligible=False).values_list("reason")
        counts.update(dict(grouped.annotate(n=Count("*")).order_by()))
    return counts.most_common()


def class_exclusion(election: Election, user) -> Words | str:
    """Why ``user`` may not sit on a class decision of ``election`` ("" if they may)."""
    if not has_role(user, APPEALS_PANEL):
        return not_on_panel(user)
    seat = Panellist.objects.filter(user=user).first()
    if (
        seat
        and seat.member_id
        and Candidate.objects.filter(contest__election=election, member_id=seat.member_id).exists()
    ):
        return candidate_in(user, election)
    return ""


def decide_class(
    election: Election,
    contests,
    rule: str,
    outcome: str,
    reason: str,
    panel,
    user,
    joined_from=None,
    joined_to=None,
) -> ClassDecision:
    """Record and apply a class decision (see the module's docstring)."""
    reason, rule = reason.strip(), rule.strip()
    contests = list(contests)
    if outcome not in (Outcome.UPHELD, Outcome.DISMISSED):
        raise AppealRefused(EITHER_OR)
    if not reason or not rule or not contests:
        raise AppealRefused(
            Words(gettext_noop("Name the contests, the rule and the reason for the decision."))
        )
    if joined_from and joined_to and joined_from > joined_to:
        raise AppealRefused(Words(gettext_noop("The joining window ends before it starts.")))
    check_panel(election, panel, user, lambda m: class_exclusion(election, m))
    with transaction.atomic():
        decision = ClassDecision.objects.create(
            election=election,
            rule=rule,
            joined_from=joined_from,
            joined_to=joined_to,
            outcome=outcome,
            reason=reason,
            decided_at=timezone.now(),
            decided_by=user,
        )
        decision.contests.set(contests)
        decision.panel.set(panel)
        entries = covered(contests, rule, joined_from, joined_to)
        touched, first, last, members = 0, None, None, set()
        if outcome == Outcome.UPHELD:
            for contest in contests:
                done = decide_many(
                    contest, entries, eligible=True, reason=f"{decision_prefix(decision)}{reason}", user=user
                )
                touched += done.changed
                members.update(done.member_ids)
                if done.first is not None:
                    first = done.first if first is None else min(first, done.first)
                    last = done.last if last is None else max(last, done.last)
        else:
            touched = entries.count()
        decision.touched, decision.first_decision, decision.last_decision = touched, first, last
        decision.save(update_fields=["touched", "first_decision", "last_decision"])
        settled = settle_cases(decision, members, user)
        record(
            user,
            "appeals.class_decision",
            f"class-decision:{decision.pk}",
            election=election.pk,
            contests=[c.slug for c in contests],
            rule=rule,
            joined_from=joined_from.isoformat() if joined_from else "",
            joined_to=joined_to.isoformat() if joined_to else "",
            outcome=outcome,
            reason=reason,
            touched=touched,
            cases_settled=settled,
            panel=sorted(p.get_username() for p in panel),
        )
    return decision


def decision_prefix(decision: ClassDecision) -> str:
    return f"class decision {decision.pk}: "


def settle_cases(decision: ClassDecision, members: set[int], user) -> int:
    """Pending cases of members an upheld class decision put back on every roll they appealed
    against: upheld with it, their provisional ballots admitted."""
    if not members:
        return 0
    settled = 0
    for case in Case.objects.filter(election=decision.election, outcome=Outcome.PENDING).select_for_update():
        if case.member_id not in members:
            continue
        if RollEntry.objects.filter(
            member_id=case.member_id, contest__in=case.contests.all(), eligible=False
        ).exists():
            continue
        box.admit_provisional(case.provisional_key, case.member_id, user)
        case.outcome, case.class_decision = Outcome.UPHELD, decision
        case.decision_reason = CLASS_DECIDED.format(n=decision.pk) + decision.reason
        case.decided_at, case.decided_by = decision.decided_at, user
        case.save(update_fields=["outcome", "class_decision", "decision_reason", "decided_at", "decided_by"])
        case.panel.set(decision.panel.all())
        transaction.on_commit(lambda case=case: tell_outcome(case))
        settled += 1
    return settled


def touched_members(decision: ClassDecision):
    """The roll decisions an upheld class decision made, with their members (for the listing)."""
    if decision.first_decision is None:
        return RollDecision.objects.none()
    return (
        RollDecision.objects.filter(
            pk__range=(decision.first_decision, decision.last_decision),
            reason__startswith=decision_prefix(decision),
        )
        .select_related("entry__member", "entry__contest")
        .order_by("entry__member__number", "entry__contest__position")
    )
