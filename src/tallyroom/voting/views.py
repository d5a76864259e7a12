"""The voter's steps (code, ballot, review, receipt), the public lists of ballots, and staff pages.

A voter has no account and no session: what they have chosen travels between steps in a signed
hidden field (``STEP_SALT``), so nothing is stored until ``cast`` stores the mark and the ballots
together. Receipts are shown in the response to the cast, never at a URL that could be logged.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tallyroom.elections.models import Contest, Election
from tallyroom.roll.models import Member
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, role_required

from . import ratelimit
from .casting import CodeError, UnknownCode, cast, eligible_entries, voter
from .codes import issue_codes, normalise, postal_dir, reissue_code, send_codes
from .forms import empty_form, read_form
from .marking import BallotError, current_marking
from .models import Ballot
from .turnout import turnout

STEP_SALT = "tallyroom.voting.step"
STEP_MAX_AGE = 2 * 60 * 60
LIST_PAGE = 250


def sign(code: str, choices: dict[str, list[str]] | None = None) -> str:
    return signing.dumps({"code": code, "choices": choices}, salt=STEP_SALT, compress=True)


def unsign(token: str) -> dict:
    try:
        return signing.loads(token, salt=STEP_SALT, max_age=STEP_MAX_AGE)
    except signing.BadSignature:
        raise CodeError("This page has expired. Enter your ballot code again.") from None


def problem(request, message: str, status: int = 400):
    return render(request, "voting/problem.html", {"message": message}, status=status)


@never_cache
def enter(request):
    """Step 1: the voter enters their code."""
    error = ""
    if request.method == "POST":
        if ratelimit.blocked(request):
            return problem(
                request, "Too many wrong ballot codes have been tried. Wait 15 minutes and try again.", 429
            )
        code = normalise(request.POST.get("code", ""))
        try:
            found = voter(code)
        except CodeError as e:
            if isinstance(e, UnknownCode):
                ratelimit.failed(request)
            error = str(e)
        else:
            return show_ballot(request, found, code, {})
    return render(request, "voting/enter.html", {"error": error}, status=400 if error else 200)


def contest_forms(found, chosen: dict[str, list[str]]):
    return [
        empty_form(e.contest, current_marking(e.contest), chosen.get(str(e.contest_id), ()))
        for e in eligible_entries(found)
    ]


def show_ballot(request, found, code: str, chosen: dict[str, list[str]], forms=None, status=200):
    forms = forms if forms is not None else contest_forms(found, chosen)
    context = {
        "election": found.election,
        "forms": forms,
        "token": sign(code),
        "has_errors": any(f.has_errors for f in forms),
    }
    return render(request, "voting/ballot.html", context, status=status)


@never_cache
@require_POST
def ballot(request):
    """Step 2: the ballot. ``change`` comes back from the review with the choices filled in;
    otherwise the marks are read and, if valid, shown for review."""
    try:
        step = unsign(request.POST.get("token", ""))
        found = voter(step["code"])
    except CodeError as e:
        return problem(request, str(e))
    if "change" in request.POST:
        return show_ballot(request, found, step["code"], step["choices"] or {})
    forms, chosen = [], {}
    for entry in eligible_entries(found):
        form, names = read_form(entry.contest, current_marking(entry.contest), request.POST)
        forms.append(form)
        chosen[str(entry.contest_id)] = names
    if any(f.has_errors for f in forms):
        return show_ballot(request, found, step["code"], {}, forms, status=400)
    review = [(f.contest, f.marking, chosen[str(f.contest.pk)]) for f in forms]
    return render(
        request,
        "voting/review.html",
        {"election": found.election, "review": review, "token": sign(step["code"], chosen)},
    )


@never_cache
@require_POST
def cast_view(request):
    """Step 3: cast; the response is the receipt."""
    try:
        step = unsign(request.POST.get("token", ""))
        if step["choices"] is None:
            raise CodeError("Review your ballot before casting it.")
        receipt = cast(step["code"], {int(pk): names for pk, names in step["choices"].items()})
    except (CodeError, BallotError) as e:
        return problem(request, str(e))
    return render(request, "voting/receipt.html", {"receipt": receipt})


def closed_election(slug: str) -> Election:
    election = get_object_or_404(Election, slug=slug)
    if election.state != Election.State.CLOSED:
        raise Http404("The list of ballots is published when voting closes.")
    return election


def public_lists(request, election: str):
    """The public lists of ballots of an election's contests (after the close)."""
    found = closed_election(election)
    return render(request, "voting/lists.html", {"election": found, "contests": found.contests.all()})


def public_list(request, election: str, contest: str):
    """Every ballot of a contest, by tracker, with its preferences; a voter can find their tracker."""
    found = closed_election(election)
    contest_obj = get_object_or_404(Contest, election=found, slug=contest)
    ballots = Ballot.objects.filter(contest=contest_obj).order_by("tracker")
    sought = normalise(request.GET.get("tracker", ""))
    match = ballots.filter(tracker=sought).first() if sought else None
    page = Paginator(ballots.values_list("tracker", "preferences", "weight", "college"), LIST_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "election": found,
        "contest": contest_obj,
        "ranked": current_marking(contest_obj).ranked,
        "page": page,
        "sought": sought,
        "match": match,
        "weighted": ballots.exclude(weight=1).exists() or ballots.exclude(college="").exists(),
    }
    return render(request, "voting/list.html", context)


def public_list_csv(request, election: str, contest: str):
    """The same list as CSV (tracker, preferences separated by '>', weight, college), for recounting."""
    found = closed_election(election)
    contest_obj = get_object_or_404(Contest, election=found, slug=contest)
    rows = Ballot.objects.filter(contest=contest_obj).order_by("tracker")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["tracker", "preferences", "weight", "college"])
    for tracker, prefs, weight, college in rows.values_list("tracker", "preferences", "weight", "college"):
        writer.writerow([tracker, " > ".join(prefs), weight.normalize(), college])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-{contest_obj.slug}-ballots.csv"'
    return response


@role_required(STAFF, RETURNING_OFFICER, SCRUTINEER)
def codes_page(request, election: str):
    """Staff: turnout, issuing codes, postal mail-merge files, reissuing a lost code."""
    found = get_object_or_404(Election, slug=election)
    files = sorted(postal_dir().glob(f"{found.slug}-codes-*.csv")) if postal_dir().is_dir() else []
    return render(
        request, "voting/codes.html", {"election": found, "turnout": turnout(found), "files": files}
    )


@require_POST
@role_required(STAFF, RETURNING_OFFICER)
def codes_issue(request, election: str):
    found = get_object_or_404(Election, slug=election)
    pairs = issue_codes(found, user=request.user)
    sent = send_codes(pairs, found)
    messages.success(
        request,
        f"Issued {len(pairs)} codes: {sent.emailed} emailed, {sent.posted} in the mail-merge file for post.",
    )
    return redirect("voting:codes", election=found.slug)


@require_POST
@role_required(STAFF, RETURNING_OFFICER)
def codes_reissue(request, election: str):
    found = get_object_or_404(Election, slug=election)
    member = Member.objects.filter(number=request.POST.get("number", "").strip()).first()
    if member is None or not member.ballot_codes.filter(election=found).exists():
        messages.error(request, "No ballot code was issued to that membership number.")
        return redirect("voting:codes", election=found.slug)
    try:
        code = reissue_code(found, member, user=request.user)
    except ValueError as e:
        messages.error(request, str(e))
    else:
        sent = send_codes([(member, code)], found)
        how = "emailed" if sent.emailed else "added to a new mail-merge file for post"
        messages.success(request, f"A new code for {member} was {how}; the old code no longer works.")
    return redirect("voting:codes", election=found.slug)


def postal_file(election: Election, name: str) -> Path:
    path = postal_dir() / name
    if "/" in name or not name.startswith(f"{election.slug}-codes-") or not path.is_file():
        raise Http404("no such mail-merge file")
    return path


@role_required(STAFF, RETURNING_OFFICER)
def codes_download(request, election: str, name: str):
    path = postal_file(get_object_or_404(Election, slug=election), name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")


@require_POST
@role_required(STAFF, RETURNING_OFFICER)
def codes_delete(request, election: str, name: str):
    path = postal_file(get_object_or_404(Election, slug=election), name)
    path.unlink()
    messages.success(request, f"Deleted {name}.")
    return redirect("voting:codes", election=election)
