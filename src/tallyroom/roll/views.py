"""Roll pages: import members, review a contest's roll (counts by reason and unit, a searchable
list, CSV export), rebuild it before it is frozen, and record decisions on a frozen roll."""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tallyroom.audit.events import record
from tallyroom.elections.models import Contest
from tallyroom.formats import spreadsheet
from tallyroom.formats.errors import FormatError
from tallyroom.jobs import files
from tallyroom.jobs import runner as jobs
from tallyroom.jobs.models import Job
from tallyroom.organisation.csvfile import Table
from tallyroom.organisation.models import Unit
from tallyroom.web import keyset
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, has_role, role_required

from . import languages
from .contacts import ContactChangeRefused, change_contact, frozen_elections
from .decisions import DecisionRefused, decide
from .eligibility import reasons_of
from .forms import ContactForm, DecisionForm, RollSearchForm, UploadForm
from .importer import OPTIONAL, REQUIRED
from .models import Member, RollEntry

EDITORS = (STAFF, RETURNING_OFFICER)
READERS = (STAFF, RETURNING_OFFICER, SCRUTINEER)
PAGE = 100


@role_required(*READERS)
def index(request):
    counts: dict[int, dict[bool, int]] = {}
    for contest_id, eligible, n in (
        RollEntry.objects.values_list("contest_id", "eligible").annotate(n=Count("*")).order_by()
    ):
        counts.setdefault(contest_id, {})[eligible] = n
    contests = list(Contest.objects.select_related("election"))
    for contest in contests:
        found = counts.get(contest.pk, {})
        contest.eligible, contest.entries = found.get(True, 0), sum(found.values())
    return render(
        request,
        "roll/index.html",
        {
            "contests": contests,
            "members": Member.objects.count(),
            "can_import": has_role(request.user, *EDITORS),
        },
    )


@role_required(*EDITORS)
def upload(request):
    """Store the upload and start the import job (its page shows the progress, and every bad row
    by line if the file is refused); a bad header is refused at once."""
    form = UploadForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        under_way = Job.objects.filter(kind=Job.Kind.IMPORT_MEMBERS, state__in=Job.ACTIVE).first()
        try:
            Table(upload, REQUIRED, OPTIONAL)  # the header only
        except FormatError as e:
            errors = [e]
        else:
            if under_way is not None:
                messages.error(
                    request,
                    gettext("A member import is under way already (job %(job)s).") % {"job": under_way.pk},
                )
                return redirect(under_way)
            with transaction.atomic():
                job = jobs.start(Job.Kind.IMPORT_MEMBERS, None, request.user, queue=False)
                files.store(job, upload)
                jobs.enqueue(job)
            return redirect(job)
    return render(
        request,
        "roll/upload.html",
        {
            "form": form,
            "errors": errors,
            "total": len(errors),
            "required": REQUIRED,
            "optional": OPTIONAL,
            "language_codes": languages.accepted(),
        },
    )


def reason_counts(contest) -> list[tuple[str, int]]:
    """Excluded entries per reason (an entry excluded for two reasons counts under both)."""
    counts: Counter[str] = Counter()
    grouped = RollEntry.objects.filter(contest=contest, eligible=False).values_list("reason")
    for reason, n in grouped.annotate(n=Count("*")).order_by():
        for one in reasons_of(reason) or ["(no reason given)"]:
            counts[one] += n
    return counts.most_common()


def unit_counts(contest) -> list[dict]:
    """Eligible and excluded entries per unit (the member's as the roll was built), by unit name
    ("(no unit)" for none), from the roll's index alone."""
    names = dict(Unit.objects.values_list("pk", "name"))
    rows: dict[int | None, dict] = {}
    grouped = RollEntry.objects.filter(contest=contest).values_list("unit_id", "eligible")
    for unit_id, eligible, n in grouped.annotate(n=Count("*")).order_by():
        unit = rows.setdefault(
            unit_id, {"name": names.get(unit_id, "(no unit)"), "eligible": 0, "excluded": 0}
        )
        unit["eligible" if eligible else "excluded"] += n
    return sorted(rows.values(), key=lambda u: u["name"])


@role_required(*READERS)
def contest_roll(request, pk):
    contest = get_object_or_404(Contest.objects.select_related("election"), pk=pk)
    search = RollSearchForm(request.GET or None)
    entries = RollEntry.objects.filter(contest=contest).select_related("member__unit")
    if search.is_valid():
        q, standing, reason = (search.cleaned_data[k] for k in ("q", "standing", "reason"))
        if q:
            entries = entries.filter(Q(member__number=q) | Q(member__name__icontains=q))
        if standing:
            entries = entries.filter(eligible=standing == "eligible")
        if reason:
            entries = entries.filter(reason__icontains=reason)
    page = keyset.page(entries, "member__number", lambda e: e.member.number, request.GET, PAGE)
    units = unit_counts(contest)  # its sums are the roll's totals: no count of their own
    totals = {f"n_{k}": sum(u[k] for u in units) for k in ("eligible", "excluded")}
    return render(
        request,
        "roll/contest.html",
        {
            "contest": contest,
            "totals": totals,
            "reasons": reason_counts(contest),
            "units": units,
            "search": search,
            "page": page,
            "can_build": has_role(request.user, *EDITORS) and not contest.roll_is_frozen,
            "can_decide": has_role(request.user, RETURNING_OFFICER) and decisions_open(contest),
        },
    )


@require_POST
@role_required(*EDITORS)
def build(request, pk):
    """Start the job that builds the contest's roll (refused once it is frozen, or while one is
    under way); its page shows the progress."""
    with transaction.atomic():
        contest = get_object_or_404(Contest.objects.select_for_update().select_related("election"), pk=pk)
        if contest.roll_is_frozen:
            messages.error(
                request,
                gettext("the roll of %(contest)s is frozen; it changes only by a recorded decision")
                % {"contest": contest},
            )
            return redirect("roll:contest", pk=pk)
        under_way = jobs.active(contest.election, Job.Kind.BUILD_ROLL, contest=contest)
        if under_way is not None:
            messages.error(
                request,
                gettext("The roll of %(contest)s is being built already (job %(job)s).")
                % {"contest": contest, "job": under_way.pk},
            )
            return redirect(under_way)
        job = jobs.start(Job.Kind.BUILD_ROLL, contest.election, request.user, contest=contest)
    return redirect(job)


class _Echo:
    def write(self, value):
        return value


@role_required(*READERS)
def export(request, pk):
    contest = get_object_or_404(Contest.objects.select_related("election"), pk=pk)
    with transaction.atomic():
        record(request.user, "roll.export", f"contest:{contest.pk}")
    writer = spreadsheet.writer(_Echo())
    rows = (
        RollEntry.objects.filter(contest=contest)
        .order_by("member__number")
        .values_list(
            "member__number",
            "member__name",
            "member__unit__code",
            "member__category",
            "eligible",
            "reason",
            "weight",
            "college",
        )
    )
    header = ["number", "name", "unit", "category", "eligible", "reason", "weight", "college"]

    def lines():
        yield writer.writerow(header)
        for number, name, unit, category, eligible, reason, weight, college in rows.iterator(chunk_size=5000):
            yield writer.writerow(
                [number, name, unit or "", category, "yes" if eligible else "no", reason, weight, college]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"roll-{contest.election.slug}-{contest.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def decisions_open(contest) -> bool:
    """Decisions change a frozen roll until voting closes (``decide`` refuses them after)."""
    return contest.roll_is_frozen and contest.election.state != contest.election.State.CLOSED


@role_required(RETURNING_OFFICER)
def decision(request, entry):
    entry = get_object_or_404(RollEntry.objects.select_related("member__unit", "contest__election"), pk=entry)
    if not decisions_open(entry.contest):
        return render(
            request,
            "roll/decision.html",
            {"entry": entry, "closed": True, "decisions": entry.decisions.select_related("decided_by")},
        )
    form = DecisionForm(request.POST or None, initial={"eligible": "no" if entry.eligible else "yes"})
    if request.method == "POST" and form.is_valid():
        try:
            decide(entry, user=request.user, **form.cleaned_data)
        except DecisionRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, gettext("Decision recorded for %(member)s.") % {"member": entry.member})
            return redirect(reverse("roll:contest", args=[entry.contest_id]) + f"?q={entry.member.number}")
    return render(
        request,
        "roll/decision.html",
        {"entry": entry, "form": form, "decisions": entry.decisions.select_related("decided_by")},
    )


@role_required(STAFF, RETURNING_OFFICER)
def contact_find(request):
    number = request.GET.get("number", "").strip()
    if not Member.objects.filter(number=number).exists():
        messages.error(request, gettext("No member has number '%(number)s'.") % {"number": number})
        return redirect("roll:index")
    return redirect("roll:contact", number=number)


@role_required(STAFF, RETURNING_OFFICER)
def contact(request, number):
    """Change a member's email or postal address by a recorded decision (old and new values)."""
    member = get_object_or_404(Member, number=number)
    form = ContactForm(request.POST or None, initial={"email": member.email, "address": member.address})
    if request.method == "POST" and form.is_valid():
        try:
            change_contact(member, user=request.user, **form.cleaned_data)
        except ContactChangeRefused as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                gettext("Contact details of %(member)s changed; the change is recorded.")
                % {"member": member},
            )
            return redirect("roll:contact", number=member.number)
    context = {
        "member": member,
        "form": form,
        "frozen": frozen_elections([member.pk]).get(member.pk),
        "changes": member.contact_changes.select_related("changed_by").order_by("-changed_at"),
    }
    return render(request, "roll/contact.html", context)
