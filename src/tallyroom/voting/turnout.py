"""Turnout: ballot codes issued and used, overall and by unit."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tallyroom.analysis.regions import merge_plan
from tallyroom.count.numbers import decimal_str
from tallyroom.elections.models import Election
from tallyroom.roll.models import Member

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
    by_region: list[Turnout] = field(default_factory=list)
    by_category: list[Turnout] = field(default_factory=list)

    def merged(self, minimum: int) -> ElectionTurnout:
        """The same with every group of fewer than ``minimum`` voters merged with the next
        smallest (``analysis.regions.merge_plan``), as the public sees it: whether the one member
        of a small unit voted is no one else's business."""
        return ElectionTurnout(
            self.overall,
            _merged(self.by_unit, minimum),
            _merged(self.by_region, minimum),
            _merged(self.by_category, minimum),
        )


def _merged(rows: list[Turnout], minimum: int) -> list[Turnout]:
    by_name = {t.unit: t for t in rows}
    return [
        Turnout(
            " + ".join(group),
            sum(by_name[n].issued for n in group),
            sum(by_name[n].voted for n in group),
        )
        for group in merge_plan({t.unit: t.issued for t in rows}, minimum)
    ]


def _by(election: Election, field_name: str, empty: str, labels=None) -> list[Turnout]:
    rows = (
        BallotCode.objects.filter(election=election)
        .values(field_name)
        .annotate(issued=Count("pk"), voted=Count("pk", filter=Q(used_at__isnull=False)))
        .order_by(field_name)
    )
    labels = labels or {}  # written in the active language
    return [
        Turnout(str(labels.get(r[field_name], r[field_name]) or empty), r["issued"], r["voted"]) for r in rows
    ]


def turnout(election: Election) -> ElectionTurnout:
    """Turnout of ``election``, overall and by the voters' unit, region (their unit's) and voter
    category (members with no unit as "No unit" and "No region")."""
    by_unit = _by(election, "member__unit__name", _("No unit"))
    overall = Turnout("", sum(t.issued for t in by_unit), sum(t.voted for t in by_unit))
    return ElectionTurnout(
        overall,
        by_unit,
        _by(election, "member__unit__region__name", _("No region")),
        _by(election, "member__category", _("No category"), dict(Member.Category.choices)),
    )


def contest_turnout(contest) -> Turnout:
    """Voters of ``contest`` who voted, by any channel (abstentions included), over its
    electorate, the eligible entries on its roll; ``unit`` is the contest's name."""
    counts = contest.roll.filter(eligible=True).aggregate(
        electorate=Count("pk"), voted=Count("pk", filter=Q(voted_at__isnull=False))
    )
    return Turnout(contest.name, counts["electorate"], counts["voted"])
