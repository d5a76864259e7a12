"""Appeals as CSV: a batch imported (appeals that came by post or through a branch), all or
nothing; the register exported for staff, with formula cells neutralised for spreadsheets.

Import columns: ``membership_number``, ``contests`` (contest slugs separated by ``;``),
``grounds``; optional ``evidence`` and ``lodged_at`` (ISO date and time, e.g.
``2026-03-02T10:00``; default now: the appeal deadline is checked against it).
"""

from __future__ import annotations

import io
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tallyroom.formats.errors import FormatError
from tallyroom.formats.spreadsheet import writer
from tallyroom.organisation.csvfile import Table
from tallyroom.roll.models import Member

from .cases import AppealRefused, appealed_reasons, is_overdue, lodge
from .models import Case

REQUIRED = ("membership_number", "contests", "grounds")
OPTIONAL = ("evidence", "lodged_at")
EXPORT_COLUMNS = (
    "case",
    "membership_number",
    "name",
    "unit",
    "contests",
    "reasons",
    "source",
    "lodged_at",
    "due_by",
    "overdue",
    "hearing_at",
    "outcome",
    "decided_at",
    "decided_by",
    "panel",
    "decision_reason",
    "class_decision",
)


class AppealsImportError(ValueError):
    """The file was refused and nothing was written; ``errors`` holds every problem found."""

    def __init__(self, errors: list[FormatError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors)
        super().__init__(f"{len(errors)} problem{'s' * (len(errors) != 1)}; nothing imported\n{shown}")


def _moment(text: str):
    when = datetime.fromisoformat(text)
    return when if timezone.is_aware(when) else timezone.make_aware(when)


def import_appeals(election, source, user=None) -> int:
    """Lodge every appeal of the CSV ``source`` in ``election``; all or none. Returns how many."""
    table = Table(source, REQUIRED, OPTIONAL)
    contests = {c.slug: c for c in election.contests.all()}
    rows = []
    for line, row in table:
        member = Member.objects.filter(number=row["membership_number"]).first()
        slugs = [s.strip() for s in row["contests"].split(";") if s.strip()]
        unknown = [s for s in slugs if s not in contests]
        if member is None:
            table.error(line, f"no member numbered {row['membership_number']!r}")
        elif not slugs or unknown:
            table.error(
                line,
                f"unknown contest {', '.join(unknown)!r} (the contests are {', '.join(contests)})"
                if unknown
                else "no contests named",
            )
        else:
            try:
                when = _moment(row["lodged_at"]) if row["lodged_at"] else timezone.now()
            except ValueError:
                table.error(
                    line, f"lodged_at {row['lodged_at']!r} is not a date and time like 2026-03-02T10:00"
                )
                continue
            rows.append((line, member, [contests[s] for s in slugs], row, when))
    errors = list(table.errors)
    with transaction.atomic():
        for line, member, chosen, row, when in rows:
            try:
                with transaction.atomic():
                    lodge(
                        member,
                        election,
                        chosen,
                        row["grounds"],
                        row["evidence"],
                        source=f"import:{table.name}"[-200:],
                        user=user,
                        now=when,
                    )
            except AppealRefused as e:
                errors.append(FormatError(table.name, line, str(e)))
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise AppealsImportError(sorted(errors, key=lambda e: e.line or 0))
    return len(rows)


def _when(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def export_appeals(election) -> str:
    """The register as CSV: one row per case (no grounds, evidence or notes)."""
    out = io.StringIO()
    csv = writer(out, lineterminator="\n")
    csv.writerow(EXPORT_COLUMNS)
    now = timezone.now()
    cases = (
        Case.objects.filter(election=election)
        .select_related("member__unit", "decided_by")
        .prefetch_related("contests", "panel")
    )
    for case in cases:
        slugs = [c.slug for c in case.contests.all()]
        csv.writerow(
            [
                case.pk,
                case.member.number,
                case.member.name,
                case.member.unit.code if case.member.unit_id else "",
                ";".join(slugs),
                "; ".join(appealed_reasons(case)),
                case.source,
                _when(case.lodged_at),
                _when(case.due_by),
                "yes" if is_overdue(case, now) else "",
                _when(case.hearing_at),
                case.outcome,
                _when(case.decided_at),
                case.decided_by.get_username() if case.decided_by else "",
                ";".join(sorted(p.get_username() for p in case.panel.all())),
                case.decision_reason,
                case.class_decision_id or "",
            ]
        )
    return out.getvalue()
