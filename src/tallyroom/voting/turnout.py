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
        """The share to one decimal place, rounded half up; a share that is neither none nor all
        but rounds to 0.0% or 100.0% shows as "<0.1%" or ">99.9%", never as none or all."""
        tenths = int(self.share * 1000 + Fraction(1, 2))  # floor, as the share is not negative
        if tenths == 0 and self.voted:
            return "<0.1%"
        if tenths == 1000 and self.voted < self.issued:
            return ">99.9%"
        return f"{decimal_str(Fraction(tenths, 10), 1)}%"


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


def contest_turnout(contest) -> Turnout:
    """Voters of ``contest`` who voted, by any channel (abstentions included), over its
    electorate, the eligible entries on its roll; ``unit`` is the contest's name."""
    counts = contest.roll.filter(eligible=True).aggregate(
        electorate=Count("pk"), voted=Count("pk", filter=Q(voted_at__isnull=False))
    )
    return Turnout(contest.name, counts["electorate"], counts["voted"])
