"""Turnout: ballot codes issued and used, overall (one count of the codes' index) and by unit,
region and voter category (one grouped count over the election's codes, stored by the close:
``ClosedTurnout``), and a contest's by its roll."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from tallyroom.analysis.regions import merge_plan
from tallyroom.count.numbers import decimal_str
from tallyroom.elections.models import Election
from tallyroom.organisation.models import Unit
from tallyroom.roll.models import Member

from .models import BallotCode, ClosedTurnout


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


def store(election: Election) -> list[tuple]:
    """Count ``_grouped``'s rows and store them as ``election``'s ``ClosedTurnout`` (call inside
    the close's transaction: no code changes until a reopening, which deletes them)."""
    rows = list(_grouped(election))
    ClosedTurnout.objects.bulk_create(
        ClosedTurnout(election=election, unit_id=u, category=c, issued=i, voted=v) for u, c, i, v in rows
    )
    return rows


def forget_if_closed(election_id: int) -> None:
    """After a code of the election changed outside voting's own paths (a roll decision's codes,
    reaching it after a close began): if it is closed, its stored figures are deleted, so the next
    view counts afresh. Waits for a close under way (its row lock): then either the close counted
    the change, or the change is after it and deleted here."""
    with transaction.atomic():
        if Election.objects.select_for_update().filter(pk=election_id, state=Election.State.CLOSED).exists():
            ClosedTurnout.objects.filter(election_id=election_id).delete()


def _stored(election: Election) -> list[tuple]:
    return list(
        ClosedTurnout.objects.filter(election=election).values_list("unit_id", "category", "issued", "voted")
    )


def _counts(election: Election) -> list[tuple]:
    """``_grouped``'s rows: while voting is closed, those the close stored (one small read;
    counted and stored here, under the election's row lock, if there are none, as for an election
    closed before they were kept); otherwise counted. The names are looked up on every call."""
    if election.state != Election.State.CLOSED:
        return list(_grouped(election))
    rows = _stored(election)
    if rows:
        return rows
    with transaction.atomic():
        locked = Election.objects.select_for_update().get(pk=election.pk)
        if locked.state != Election.State.CLOSED:  # reopened meanwhile
            return list(_grouped(election))
        return _stored(election) or store(election)


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
