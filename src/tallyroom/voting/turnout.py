"""Turnout: ballot codes issued and used, overall and by unit."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.db.models import Count, Q

from tallyroom.count.numbers import decimal_str
from tallyroom.elections.models import Election

from .models import BallotCode


@dataclass(frozen=True)
class Turnout:
    """Codes issued and used (voted) for one unit, or the whole election (``unit`` blank)."""

    unit: str
    issued: int
    voted: int

    @property
    def share(self) -> Fraction:
        """Voted over issued (0 when none were issued)."""
        return Fraction(self.voted, self.issued) if self.issued else Fraction(0)

    @property
    def percent(self) -> str:
        return f"{decimal_str(self.share * 100, 1)}%"


@dataclass(frozen=True)
class ElectionTurnout:
    overall: Turnout
    by_unit: list[Turnout]


def turnout(election: Election) -> ElectionTurnout:
    """Turnout of ``election``, overall and by the voters' unit (members with no unit as "No unit")."""
    rows = (
        BallotCode.objects.filter(election=election)
        .values("member__unit__name")
        .annotate(issued=Count("pk"), voted=Count("pk", filter=Q(used_at__isnull=False)))
        .order_by("member__unit__name")
    )
    by_unit = [Turnout(r["member__unit__name"] or "No unit", r["issued"], r["voted"]) for r in rows]
    overall = Turnout("", sum(t.issued for t in by_unit), sum(t.voted for t in by_unit))
    return ElectionTurnout(overall, by_unit)
