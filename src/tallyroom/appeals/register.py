"""The appeals register as figures: what scrutineers read during the election and what the public
page shows once voting has closed. Counts only: no grounds, evidence or notes, and no member."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from django.utils import timezone
from django.utils.translation import gettext

from .cases import appealed_reasons, is_overdue
from .models import Case, ClassDecision, Outcome
from .reasons import named


@dataclass
class Register:
    cases: int = 0
    by_outcome: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, dict[str, int]] = field(default_factory=dict)
    overdue: int = 0
    median_hours: float | None = None
    longest_hours: float | None = None
    deciders: dict[str, int] = field(default_factory=dict)
    classes: list[ClassDecision] = field(default_factory=list)

    def outcomes(self) -> list[tuple[str, int]]:
        """(label in the active language, count) of each outcome, in ``Outcome``'s order."""
        return [(Outcome(o).label, n) for o, n in self.by_outcome.items()]


def _hours(delta) -> float:
    return round(delta.total_seconds() / 3600, 1)


def register(election) -> Register:
    """The figures of ``election``'s appeals: cases by outcome and by the reason appealed against
    (a case against two reasons counts under both), overdue cases, hours from lodging to
    decision, decisions per panel member who recorded them, and the class decisions."""
    now = timezone.now()
    out = Register()
    by_outcome: Counter[str] = Counter()
    by_reason: dict[str, Counter[str]] = {}
    deciders: Counter[str] = Counter()
    waits = []
    cases = Case.objects.filter(election=election).select_related("decided_by").prefetch_related("contests")
    for case in cases:
        out.cases += 1
        by_outcome[case.outcome] += 1
        for reason in [named(r) for r in appealed_reasons(case)] or [gettext("(none recorded)")]:
            by_reason.setdefault(reason, Counter())[case.outcome] += 1
        if is_overdue(case, now):
            out.overdue += 1
        if case.decided_at:
            waits.append(_hours(case.decided_at - case.lodged_at))
            deciders[case.decided_by.get_username() if case.decided_by else "system"] += 1
    out.by_outcome = {o: by_outcome.get(o, 0) for o in Outcome.values}
    out.by_reason = {r: {o: c.get(o, 0) for o in Outcome.values} for r, c in sorted(by_reason.items())}
    out.deciders = dict(sorted(deciders.items()))
    if waits:
        out.median_hours, out.longest_hours = median(waits), max(waits)
    out.classes = list(
        ClassDecision.objects.filter(election=election)
        .select_related("decided_by")
        .prefetch_related("panel", "contests")
    )
    return out
