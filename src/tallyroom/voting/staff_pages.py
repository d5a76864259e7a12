"""Staff pages: the ballot preview, with a test vote that stores nothing; and during voting,
reminders to those who have not voted (the count that will receive one shown, sent now or
scheduled), turnout over time as a chart with its table, and the turnout and has-voted lists as
CSV (streamed, formula cells neutralised)."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.db.models.functions import TruncHour
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from tallyroom.ballotbox.marking import current_marking
from tallyroom.elections.forms import DATETIME
from tallyroom.elections.models import Election
from tallyroom.formats import spreadsheet
from tallyroom.roll.models import RollEntry
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, role_required

from . import reminders
from .forms import empty_form, read_form
from .models import BallotCode
from .turnout import overall, turnout
from .turnout_chart import turnout_chart
from .views import SENDERS, arrange


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(label=_("Send the reminder at"), widget=DATETIME)


@role_required(*SENDERS)
def reminders_page(request, election: str):
    """The count a reminder would reach now, the button that sends it, and the schedule (the
    count only while voting is open: no reminder goes out before or after)."""
    found = get_object_or_404(Election, slug=election)
    voting = found.state == Election.State.VOTING
    context = {
        "election": found,
        "count": reminders.not_voted(found).count() if voting else None,
        "scheduled": found.reminders.select_related("job"),
        "form": ScheduleForm(),
    }
    return render(request, "voting/reminders.html", context)


@require_POST
@role_required(*SENDERS)
def reminders_send(request, election: str):
    """Start the job sending the reminder now; its page shows how many it has reached."""
    found = get_object_or_404(Election, slug=election)
    try:
        job = reminders.start(found, request.user)
    except reminders.NotOpen as e:
        messages.error(request, str(e))
        return redirect("voting:reminders", election=found.slug)
    return redirect(job)


@require_POST
@role_required(*SENDERS)
def reminders_schedule(request, election: str):
    found = get_object_or_404(Election, slug=election)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            reminders.schedule(found, request.user, form.cleaned_data["at"])
        except reminders.NotOpen as e:
            messages.error(request, str(e))
        else:
            messages.success(request, gettext("Reminder scheduled."))
    else:
        messages.error(request, gettext("Give the date and time to send the reminder at."))
    return redirect("voting:reminders", election=found.slug)


def votes_by_hour(election: Election) -> list[tuple]:
    """``(hour, voted in that hour, voted so far)`` from the online codes' use times."""
    rows = (
        BallotCode.objects.filter(election=election, used_at__isnull=False)
        .annotate(hour=TruncHour("used_at"))
        .values("hour")
        .annotate(n=Count("pk"))
        .order_by("hour")
    )
    out, total = [], 0
    for row in rows:
        total += row["n"]
        out.append((row["hour"], row["n"], total))
    return out


@role_required(STAFF, RETURNING_OFFICER, SCRUTINEER)
def turnout_page(request, election: str):
    found = get_object_or_404(Election, slug=election)
    hours = votes_by_hour(found)
    total = overall(found)
    context = {
        "election": found,
        "hours": hours,
        "chart": turnout_chart(hours, total.issued),
        "overall": total,
    }
    return render(request, "voting/turnout.html", context)


class _Echo:
    def write(self, value):
        return value


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    out = spreadsheet.writer(_Echo(), lineterminator="\n")
    response = StreamingHttpResponse((out.writerow(r) for r in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@role_required(STAFF, RETURNING_OFFICER, SCRUTINEER)
def turnout_csv(request, election: str):
    found = get_object_or_404(Election, slug=election)
    result = turnout(found)

    def rows():
        yield ["unit", "codes_issued", "voted", "turnout"]
        for t in [*result.by_unit, result.overall]:
            yield [t.unit or "All", t.issued, t.voted, t.percent]

    return _csv_response(rows(), f"{found.slug}-turnout.csv")


@role_required(*SENDERS)
def voted_csv(request, election: str):
    """One row per member per contest roll: whether and how they have voted (never how)."""
    found = get_object_or_404(Election, slug=election)
    entries = (
        RollEntry.objects.filter(contest__election=found, eligible=True)
        .order_by("contest_id", "member_id")
        .values_list(
            "contest__slug", "member__number", "member__name", "member__unit__code", "voted_at", "channel"
        )
    )

    def rows():
        yield ["contest", "number", "name", "unit", "voted", "voted_at", "channel"]
        for contest, number, name, unit, at, channel in entries.iterator(chunk_size=2000):
            yield [
                contest,
                number,
                name,
                unit or "",
                "yes" if at else "no",
                at.isoformat() if at else "",
                channel,
            ]

    return _csv_response(rows(), f"{found.slug}-has-voted.csv")


# The preview's stand-in voter: rotated ballots start where voter 0's would.
PREVIEW_VOTER = SimpleNamespace(pk=0)


@role_required(STAFF, RETURNING_OFFICER, SCRUTINEER)
def preview(request, election: str):
    """Every contest's ballot as voters will see it; a submitted test vote goes through the real
    form reading and marking checks (``read_form``) and is shown back, stored nowhere."""
    found = get_object_or_404(Election, slug=election)
    contests = list(found.contests.order_by("position", "pk"))
    if request.method == "POST":
        forms, review = [], []
        for contest in contests:
            marking = current_marking(contest)
            form, names = read_form(contest, marking, request.POST)
            forms.append(form)
            review.append((contest, marking, names or []))
        if not any(f.has_errors for f in forms):
            return render(request, "voting/test_vote.html", {"election": found, "review": review})
        status = 400
    else:
        forms, status = [empty_form(c, current_marking(c)) for c in contests], 200
    arrange(forms, PREVIEW_VOTER)
    context = {
        "election": found,
        "forms": forms,
        "token": "",
        "has_errors": any(f.has_errors for f in forms),
        "preview": reverse("voting:preview", args=[found.slug]),
    }
    return render(request, "voting/ballot.html", context, status=status)
