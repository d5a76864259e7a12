"""Import members from CSV, all or nothing (see docs/roll.md for the columns).

Every row is checked in plain Python first and every bad row is reported by line; only a file
without a single bad row is written, in one transaction, with bulk inserts and updates in batches.
A member already present (by membership number) takes the file's values for every column; members
absent from the file are left as they are. Every change of an email or postal address is kept with
its old and new values (``ContactChange``, and in the ``roll.import`` event); for a member on a
frozen roll of an election not yet closed the file is refused instead, naming the line: their
contact details change only by a recorded contact change (``contacts.change_contact``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from tallyroom.audit.events import record
from tallyroom.formats.errors import FormatError
from tallyroom.organisation.csvfile import Table
from tallyroom.organisation.models import Affiliate, Unit
from tallyroom.stored_words import Stored, joined, stored
from tallyroom.words import Words, plural_noop

from . import bulk
from .contacts import CONTACT_FIELDS, frozen_elections
from .languages import accepted, parse_language
from .models import ContactChange, Member

REQUIRED = ("number", "name", "unit", "joined", "status", "category")
OPTIONAL = ("email", "address", "paid_up_to", "affiliate", "language")
# Member fields compared and written, in this order.
FIELDS = (
    "name",
    "email",
    "address",
    "unit_id",
    "affiliate_id",
    "joined",
    "paid_up_to",
    "status",
    "category",
    "language",
)
BATCH = 2000
ERRORS_KEPT = 1000  # problems a refused import job keeps to show
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_STATUSES = frozenset(Member.Status.values)
_CATEGORIES = frozenset(Member.Category.values)
UNIT_NEEDED = {  # a category that belongs to a unit: its problem when the unit is empty
    Member.Category.MEMBER: gettext_noop("unit is empty (a member belongs to a unit)"),
    Member.Category.REGISTERED_SUPPORTER: gettext_noop(
        "unit is empty (a registered supporter belongs to a unit)"
    ),
}


class MemberImportError(ValueError):
    """The file was refused and nothing was written; ``errors`` holds every problem found."""

    def __init__(self, errors: list[FormatError]):
        self.errors = errors
        shown = "\n".join(str(e) for e in errors)
        n = len(errors)
        problems = plural_noop("%(n)s problem; nothing imported", "%(n)s problems; nothing imported")
        super().__init__(Words(*problems, n, n=n), shown)

    def __str__(self) -> str:
        said, shown = self.args
        return f"{said}\n{shown}"


@dataclass
class ImportReport:
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return str(self.words())

    def words(self) -> Words:
        """The report as ``Words`` (a job keeps it so, to show in the reader's language)."""
        return Words(
            *plural_noop(
                "%(source)s: %(rows)s row; %(created)s members added, %(updated)s updated, "
                "%(unchanged)s unchanged",
                "%(source)s: %(rows)s rows; %(created)s members added, %(updated)s updated, "
                "%(unchanged)s unchanged",
            ),
            self.rows,
            source=self.source,
            rows=self.rows,
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
        )


def _date(text: str, column: str, problems: list[Stored]) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(
            stored(
                gettext_noop("%(column)s %(text)s is not a date YYYY-MM-DD"), column=column, text=repr(text)
            )
        )
        return None


def _check(values: dict[str, str], units: dict[str, int], affiliates: dict[str, int]):
    """The row as a tuple in FIELDS order, and its problems."""
    problems: list[Stored] = []
    if not values["name"]:
        problems.append(stored(gettext_noop("name is empty")))
    email = values["email"]
    if email and not _EMAIL.match(email):
        problems.append(stored(gettext_noop("email %(email)s is not an address"), email=repr(email)))
    status, category = values["status"].lower(), values["category"].lower().replace(" ", "_")
    if status not in _STATUSES:
        problems.append(
            stored(
                gettext_noop("status %(status)s is not one of %(statuses)s"),
                status=repr(values["status"]),
                statuses=", ".join(sorted(_STATUSES)),
            )
        )
    if category not in _CATEGORIES:
        problems.append(
            stored(
                gettext_noop("category %(category)s is not one of %(categories)s"),
                category=repr(values["category"]),
                categories=", ".join(sorted(_CATEGORIES)),
            )
        )
    unit_code, unit_id = values["unit"], None
    if unit_code:
        unit_id = units.get(unit_code)
        if unit_id is None:
            problems.append(stored(gettext_noop("unknown unit %(unit)s"), unit=repr(unit_code)))
    elif category in UNIT_NEEDED:
        problems.append(stored(UNIT_NEEDED[category]))
    affiliate_code, affiliate_id = values["affiliate"], None
    if affiliate_code:
        affiliate_id = affiliates.get(affiliate_code)
        if affiliate_id is None:
            problems.append(
                stored(gettext_noop("unknown affiliate %(affiliate)s"), affiliate=repr(affiliate_code))
            )
        elif category in _CATEGORIES and category != Member.Category.AFFILIATED_SUPPORTER:
            problems.append(stored(gettext_noop("affiliate is only for affiliated supporters")))
    elif category == Member.Category.AFFILIATED_SUPPORTER:
        problems.append(
            stored(gettext_noop("affiliate is empty (an affiliated supporter comes through an affiliate)"))
        )
    joined = _date(values["joined"], "joined", problems) if values["joined"] else None
    if not values["joined"]:
        problems.append(stored(gettext_noop("joined is empty")))
    paid = _date(values["paid_up_to"], "paid_up_to", problems) if values["paid_up_to"] else None
    language = parse_language(values["language"])
    if language is None:
        problems.append(
            stored(
                gettext_noop("language %(language)s is not one of %(accepted)s (blank: the default)"),
                language=repr(values["language"]),
                accepted=accepted(),
            )
        )
    row = (
        values["name"],
        email,
        values["address"],
        unit_id,
        affiliate_id,
        joined,
        paid,
        status,
        category,
        language,
    )
    return row, problems


def _no_progress(done: int, total: int, message: Words | None = None) -> None:
    pass


def import_members(file_or_path, *, user=None, progress=_no_progress) -> ImportReport:
    """Import the members in a CSV file (a path or an open file); raise MemberImportError, having
    written nothing, if any row is bad. The file is read twice (checked, then written in batches),
    so memory holds one batch and the membership numbers seen, not the file. ``progress(done,
    total, message)`` hears the rows checked (of a total not yet known: 0), then the rows written
    of all, inside the transaction (a job's progress on its own connection sees them)."""
    table = Table(file_or_path, REQUIRED, OPTIONAL)
    units = dict(Unit.objects.values_list("code", "pk"))
    affiliates = dict(Affiliate.objects.values_list("code", "pk"))
    first_line: dict[str, int] = {}
    progress(0, 0, Words(gettext_noop("checking the rows")))
    for checked, (line, values) in enumerate(table, 1):
        progress(checked, 0)
        number = values["number"]
        _, problems = _check(values, units, affiliates)
        if not number:
            problems.insert(0, stored(gettext_noop("number is empty")))
        elif number in first_line:
            problems.insert(
                0,
                stored(
                    gettext_noop("membership number %(number)s is also on line %(line)s"),
                    number=number,
                    line=first_line[number],
                ),
            )
        else:
            first_line[number] = line
        if problems:
            table.error(line, joined(problems))
    report = ImportReport(table.name, rows=len(first_line))
    del first_line
    if table.errors:
        table.errors.sort(key=lambda e: e.line or 0)
        raise MemberImportError(table.errors)
    if not report.rows:
        raise MemberImportError(
            [FormatError(table.name, None, stored(gettext_noop("no members in the file")))]
        )
    progress(0, report.rows, Words(gettext_noop("writing %(n)s members"), n=f"{report.rows:,}"))
    with transaction.atomic():
        contacts = _write(table, units, affiliates, report, user, progress)
        record(
            user,
            "roll.import",
            "members",
            source=report.source,
            rows=report.rows,
            created=report.created,
            updated=report.updated,
            contact_changes=contacts,
        )
    progress(report.rows, report.rows)
    return report


def _batches(table: Table, units, affiliates) -> Iterator[dict[str, tuple[int, tuple]]]:
    """The checked file's rows, BATCH at a time: number -> (line, row)."""
    batch: dict[str, tuple[int, tuple]] = {}
    for line, values in table:
        batch[values["number"]] = (line, _check(values, units, affiliates)[0])
        if len(batch) >= BATCH:
            yield batch
            batch = {}
    if batch:
        yield batch


def _write(table: Table, units, affiliates, report: ImportReport, user, progress) -> list[dict]:
    """Write the rows batch by batch; return the contact changes (as recorded in the event).
    MemberImportError, rolling the whole import back, if one would change a member on a frozen
    roll (every such row is named)."""
    contacts: list[dict] = []
    written = 0
    for batch in _batches(table, units, affiliates):
        progress(written, report.rows)  # the batches written so far
        written += len(batch)
        current = Member.objects.filter(number__in=list(batch)).values_list("number", "pk", *FIELDS)
        existing = {number: (pk, tuple(rest)) for number, pk, *rest in current}
        new, changed, found = [], [], []
        for number, (line, row) in batch.items():
            old = existing.get(number)
            if old is None:
                new.append((number, *row))
            elif old[1] != row:
                changed.append((*row, old[0]))
                for field in CONTACT_FIELDS:
                    i = FIELDS.index(field)
                    if old[1][i] != row[i]:
                        found.append(
                            {
                                "member": number,
                                "pk": old[0],
                                "field": field,
                                "old": old[1][i],
                                "new": row[i],
                                "line": line,
                            }
                        )
        frozen = frozen_elections({c["pk"] for c in found})
        for c in found:
            if c["pk"] in frozen:
                table.error(
                    c["line"],
                    stored(
                        gettext_noop(
                            "member %(member)s is on the frozen roll of %(election)s: their %(field)s "
                            "changes only by a recorded contact change (Roll > Change contact details), "
                            "not by import"
                        ),
                        member=c["member"],
                        election=str(frozen[c["pk"]]),
                        field=c["field"],
                    ),
                )
        if table.errors:
            continue  # the rest is only checked: the import is refused at the end
        bulk.insert(Member, ("number", *FIELDS), new)
        bulk.update(Member, FIELDS, changed)
        report.created += len(new)
        report.updated += len(changed)
        ContactChange.objects.bulk_create(
            [
                ContactChange(
                    member_id=c.pop("pk"),
                    field=c["field"],
                    old=c["old"],
                    new=c["new"],
                    source=f"{table.name}:{c['line']}",
                    changed_by=user,
                )
                for c in found
            ],
            batch_size=BATCH,
        )
        contacts += found
    if table.errors:
        table.errors.sort(key=lambda e: e.line or 0)
        raise MemberImportError(table.errors)
    report.unchanged = report.rows - report.created - report.updated
    return contacts


def importing_work(job, progress) -> dict:
    """The member import job: import the file stored with it (``jobs.files``), all or nothing, its
    progress on a connection of its own; the file is deleted once imported or refused for its
    rows (the first ``ERRORS_KEPT`` problems kept in the job's result, by line)."""
    from tallyroom.jobs import files

    progress.own_connection()
    with files.open_file(job) as handle:
        try:
            report = import_members(handle, user=job.started_by, progress=progress)
        except (MemberImportError, FormatError) as e:
            errors = getattr(e, "errors", [e])
            job.result = {
                "errors": [
                    {"line": x.line, "problem": x.problem, "words": x.problem_words}
                    for x in errors[:ERRORS_KEPT]
                ],
                "hidden": max(len(errors) - ERRORS_KEPT, 0),
            }
            files.discard(job)
            n = len(errors)
            refused = plural_noop(
                "%(n)s problem in %(file)s; nothing imported. "
                "Correct every row listed and upload the whole file again.",
                "%(n)s problems in %(file)s; nothing imported. "
                "Correct every row listed and upload the whole file again.",
            )
            raise ValueError(Words(*refused, n, n=f"{n:,}", file=handle.name)) from e
    files.discard(job)
    return {
        "message": report.words(),
        **{k: getattr(report, k) for k in ("rows", "created", "updated", "unchanged")},
    }
