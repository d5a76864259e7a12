"""Staff pages for elections, contests, candidates, nominations and slates. Staff and the returning
officer edit until voting opens (the election itself too: its name, slug and timetable are fixed
from then on); scrutineers read. Every change records an event."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from tallyroom.audit.changes import record_deleted, record_saved
from tallyroom.count import ConstraintError, Constraints, method_names
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, has_role, role_required
from tallyroom.web.editing import save_form

from .ballot import ballot_candidates, is_ron
from .forms import CandidateForm, ContestForm, ElectionForm, NominationForm, SlateForm
from .method_options import LABELS, method_label, option_text
from .models import Candidate, CandidatePhoto, Contest, Election, Nomination, Slate
from .nominations import with_nomination_counts
from .profiles import profiles

EDITORS = (STAFF, RETURNING_OFFICER)
READERS = (STAFF, RETURNING_OFFICER, SCRUTINEER)


def _save(request, form, *, title, back, success, election=None):
    """Show and save ``form`` (see :func:`save_form`), unless ``election`` can no longer change."""
    if election is not None and not election.accepts_changes:
        state = election.get_state_display().lower()
        messages.error(
            request,
            gettext("%(election)s is %(state)s: it can no longer change.")
            % {"election": election, "state": state},
        )
        return redirect(back)
    return save_form(request, form, title=title, back=back, success=success)


def election_url(election) -> str:
    return reverse("elections:election", args=[election.slug])


def contest_url(contest) -> str:
    return reverse("elections:contest", args=[contest.election.slug, contest.pk])


@role_required(*READERS)
def index(request):
    return render(
        request,
        "elections/index.html",
        {"elections": Election.objects.all(), "can_edit": has_role(request.user, *EDITORS)},
    )


@role_required(*EDITORS)
def election_edit(request, slug=None):
    election = get_object_or_404(Election, slug=slug) if slug else None
    form = ElectionForm(request.POST or None, instance=election)
    back = election_url(election) if election else reverse("elections:index")
    title = gettext("Edit %(name)s") % {"name": election} if election else gettext("New election")
    return _save(request, form, title=title, back=back, success=election_url, election=election)


@role_required(*READERS)
def election_detail(request, slug):
    election = get_object_or_404(Election, slug=slug)
    return render(
        request,
        "elections/election.html",
        {
            "election": election,
            "contests": election.contests.prefetch_related("regions", "units"),
            "slates": election.slates.prefetch_related("candidates__contest"),
            "can_edit": has_role(request.user, *EDITORS) and election.accepts_changes,
            "can_count": has_role(request.user, RETURNING_OFFICER, SCRUTINEER),
        },
    )


@role_required(*EDITORS)
def contest_edit(request, slug, pk=None):
    election = get_object_or_404(Election, slug=slug)
    contest = get_object_or_404(Contest, pk=pk, election=election) if pk else None
    form = ContestForm(request.POST or None, instance=contest, election=election)
    title = (
        gettext("Edit %(name)s") % {"name": contest.name}
        if contest
        else gettext("New contest in %(election)s") % {"election": election}
    )
    back = contest_url(contest) if contest else election_url(election)
    return _save(request, form, title=title, back=back, success=contest_url, election=election)


def constraint_problem(contest, standing) -> str:
    """Why the candidates standing cannot meet the contest's constraints ("" if they can)."""
    lines = contest.constraint_lines()
    if not lines:
        return ""
    names = [c.name for c in standing if not is_ron(c)]
    groups = {c.name: c.group_list() for c in standing if not is_ron(c) and c.group_list()}
    try:
        constraints = Constraints(names, lines, groups)
    except ConstraintError as e:
        return str(e)
    if not constraints.feasible([], range(len(names)), contest.seats):
        return f"the candidates standing cannot meet the constraints {constraints}"
    return ""


@role_required(*READERS)
def contest_detail(request, slug, pk):
    contest = get_object_or_404(Contest.objects.select_related("election"), pk=pk, election__slug=slug)
    candidates = (
        with_nomination_counts(contest)
        .order_by("position", "name")
        .prefetch_related("nominations__unit", "nominations__affiliate", "slates")
    )
    standing = ballot_candidates(contest)
    can_edit = has_role(request.user, *EDITORS) and contest.election.accepts_changes
    shown = profiles(contest)
    candidates = list(candidates)
    for c in candidates:
        c.profile = shown.get(c.name)
        if can_edit:
            c.nomination_form = NominationForm(candidate=c)
    return render(
        request,
        "elections/contest.html",
        {
            "contest": contest,
            "candidates": candidates,
            "standing": standing,
            "constraint_problem": constraint_problem(contest, standing),
            "method": method_label(contest.method) if contest.method in method_names() else contest.method,
            "options": [(LABELS.get(k, k), option_text(v)) for k, v in (contest.options or {}).items()],
            "can_edit": can_edit,
        },
    )


@role_required(*EDITORS)
def candidate_edit(request, slug, pk, candidate=None):
    contest = get_object_or_404(Contest.objects.select_related("election"), pk=pk, election__slug=slug)
    instance = get_object_or_404(Candidate, pk=candidate, contest=contest) if candidate else None
    form = CandidateForm(request.POST or None, request.FILES or None, instance=instance, contest=contest)
    title = (
        gettext("Edit %(name)s") % {"name": instance}
        if instance
        else gettext("New candidate for %(contest)s") % {"contest": contest.name}
    )
    back = contest_url(contest)
    return _save(request, form, title=title, back=back, success=lambda _: back, election=contest.election)


@require_POST
@role_required(*EDITORS)
def nomination_add(request, slug, pk, candidate):
    candidate = get_object_or_404(Candidate, pk=candidate, contest__pk=pk, contest__election__slug=slug)
    election = candidate.contest.election
    form = NominationForm(request.POST, candidate=candidate)
    if not election.accepts_changes:
        messages.error(request, gettext("%(election)s can no longer change.") % {"election": election})
    elif form.is_valid():
        with transaction.atomic():
            nomination = form.save()
            record_saved(request.user, nomination, created=True, fields=form.changed_data)
        messages.success(
            request, gettext("Recorded the nomination of %(nomination)s.") % {"nomination": nomination}
        )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(
                    request,
                    gettext("Nomination of %(candidate)s not recorded: %(error)s")
                    % {"candidate": candidate, "error": error},
                )
    return redirect(contest_url(candidate.contest))


@require_POST
@role_required(*EDITORS)
def nomination_delete(request, slug, pk, nomination):
    nomination = get_object_or_404(
        Nomination.objects.select_related("candidate__contest__election"),
        pk=nomination,
        candidate__contest__pk=pk,
        candidate__contest__election__slug=slug,
    )
    contest = nomination.candidate.contest
    if not contest.election.accepts_changes:
        messages.error(
            request, gettext("%(election)s can no longer change.") % {"election": contest.election}
        )
    else:
        with transaction.atomic():
            record_deleted(request.user, nomination)
            nomination.delete()
        messages.success(
            request, gettext("Removed the nomination of %(nomination)s.") % {"nomination": nomination}
        )
    return redirect(contest_url(contest))


@require_GET
def photo(request, candidate, digest):
    """A candidate's photo: public once voting opens, to staff and scrutineers before."""
    found = get_object_or_404(
        CandidatePhoto.objects.select_related("candidate__contest__election"), candidate=candidate
    )
    if found.candidate.contest.election.accepts_changes and not has_role(request.user, *READERS):
        raise Http404("no such photo")
    response = HttpResponse(bytes(found.image), content_type=found.content_type)
    if digest == found.digest:  # the URL names this version: it never changes
        response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@role_required(*EDITORS)
def slate_edit(request, slug, slate=None):
    election = get_object_or_404(Election, slug=slug)
    instance = get_object_or_404(Slate, pk=slate, election=election) if slate else None
    form = SlateForm(request.POST or None, instance=instance, election=election)
    title = (
        gettext("Edit slate %(name)s") % {"name": instance}
        if instance
        else gettext("New slate in %(election)s") % {"election": election}
    )
    back = election_url(election)
    return _save(request, form, title=title, back=back, success=lambda _: back, election=election)
