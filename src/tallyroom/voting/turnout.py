"""Turnout: ballot codes issued and used, overall (one count of the codes' index) and by unit,
region and voter category (one grouped count over the election's codes, kept once voting has
closed), and a contest's by its roll."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from tallyroom.analysis.regions import merge_plan
from tallyroom.ballotbox.models import ContestBox
from tallyroom.count.numbers import decimal_str
from tallyroom.elections.models import Election
from tallyroom.organisation.models import Unit
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


def _grouped(election: Election):
    """``(unit_id, category, issued, voted)`` for ``election``: its codes joined to their holders
    and counted by the holder's unit and category, in one pass (from the codes' covering index
    ``code_member_used`` and the members' ``member_unit_category``)."""
    return (
        BallotCode.objects.filter(election=election)
        .values_list("member__unit_id", "member__category")
        .annotate(issued=Count("*"), voted=Count("used_at"))
        .order_by()
    )


def _counts(election: Election) -> list[tuple]:
    """``_grouped``'s rows. Once voting has closed no code is used until the box's record of the
    close is set aside (a reopening deletes it), so the rows are counted once and kept in the
    cache under the close's time and the codes' totals (``overall``, from the index alone: a code
    issued or deleted since counts again); the names are looked up afresh on every call."""
    if election.state == Election.State.CLOSED:
        closed = ContestBox.objects.filter(contest__election=election).aggregate(at=Max("closed_at"))["at"]
        if closed is not None:
            total = overall(election)
            key = f"turnout-counts:{election.pk}:{closed.isoformat()}:{total.issued}:{total.voted}"
            return cache.get_or_set(key, lambda: list(_grouped(election)), timeout=None)
    return list(_grouped(election))


def overall(election: Election) -> Turnout:
    """Codes of ``election`` issued and used, from the codes' index alone (no join): what
    ``turnout(election).overall`` is, for a page that shows no breakdown."""
    counts = BallotCode.objects.filter(election=election).aggregate(issued=Count("*"), voted=Count("used_at"))
    return Turnout("", counts["issued"], counts["voted"])


def _rows(totals: dict, empty: str) -> list[Turnout]:
    """The groups in name order ("No ..." last, ``empty`` in the active language), each a Turnout."""
    names = sorted(totals, key=lambda n: (n is None, n or ""))
    return [Turnout(n if n is not None else str(empty), *totals[n]) for n in names]


def turnout(election: Election) -> ElectionTurnout:
    """Turnout of ``election``, overall and by the voters' unit, region (their unit's) and voter
    category (members with no unit as "No unit" and "No region"), all from one grouped count;
    the categories' and the empty groups' names in the active language."""
    units = {
        pk: (name, region) for pk, name, region in Unit.objects.values_list("pk", "name", "region__name")
    }
    labels = {value: str(label) for value, label in Member.Category.choices}
    by_unit: dict = {}
    by_region: dict = {}
    by_category: dict = {}
    for unit_id, category, issued, voted in _counts(election):
        unit, region = units.get(unit_id, (None, None))
        for totals, key in (
            (by_unit, unit),
            (by_region, region),
            (by_category, labels.get(category, category)),
        ):
            before = totals.get(key, (0, 0))
            totals[key] = (before[0] + issued, before[1] + voted)
    issued, voted = (sum(t[i] for t in by_unit.values()) for i in (0, 1))
    return ElectionTurnout(
        Turnout("", issued, voted),
        _rows(by_unit, _("No unit")),
        _rows(by_region, _("No region")),
        _rows(by_category, _("No category")),
    )


def contest_turnout(contest) -> Turnout:
    """Voters of ``contest`` who voted, by any channel (abstentions included), over its
    electorate, the eligible entries on its roll; ``unit`` is the contest's name. Read from the
    roll's covering index ``roll_entry_turnout`` alone."""
    counts = contest.roll.filter(eligible=True).aggregate(
        electorate=Count("pk"), voted=Count("pk", filter=Q(voted_at__isnull=False))
    )
    return Turnout(contest.name, counts["electorate"], counts["voted"])
