"""The voter's steps (code, ballot, review, receipt), the public lists of trackers, staff pages.

A voter has no account and no session: what they have chosen travels between steps in a signed
hidden field (``STEP_SALT``), so nothing is stored until ``cast`` stores the mark and the ballots
together. Receipts are shown in the response to the cast, never at a URL that could be logged.
The ballot, review and receipt responses are padded to one size (``padded``), and so is the
token the review hands to the cast (``signed_step``), so their length in an access log says
nothing of the choices.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tallyroom import lifecycle
from tallyroom.ballotbox import box
from tallyroom.ballotbox.marking import BallotError, current_marking
from tallyroom.ballotbox.models import ContestBox
from tallyroom.elections.ballot_order import display_order
from tallyroom.elections.models import Election
from tallyroom.elections.profiles import profiles
from tallyroom.roll.models import Member
from tallyroom.web import streaming
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, has_role, role_required

from . import ratelimit, reissues
from .casting import CodeError, UnknownCode, cast, eligible_entries, voter
from .codes import (
    DeliveryFailed,
    NeedsApproval,
    delivery_counts,
    normalise,
    postal_dir,
    reissue_code,
    send_codes,
)
from .forms import empty_form, read_form
from .models import BallotCode, Delivery
from .padding import padded, signed_step
from .receipts import receipt_page
from .turnout import turnout

STEP_SALT = "tallyroom.voting.step"
STEP_MAX_AGE = 2 * 60 * 60
LIST_PAGE = 250


def sign(code: str, markings, choices: dict[str, list[str]] | None = None) -> str:
    """The step token: the code and the choices so far, padded for the voter's ballot,
    ``markings`` (contest, marking), so that its size says nothing of the choices."""
    return signed_step({"code": code, "choices": choices}, markings, STEP_SALT)


def unsign(token: str) -> dict:
    try:
        return signing.loads(token, salt=STEP_SALT, max_age=STEP_MAX_AGE)
    except signing.BadSignature:
        raise CodeError(gettext("This page has expired. Enter your ballot code again.")) from None


def problem(request, message: str, status: int = 400):
    """The problem page. ``message`` is looked up in the catalogue as it stands, so the fixed
    messages of casting and the ballot box show in the voter's language without those modules
    knowing of languages (a message with a name in it stays in English)."""
    return render(request, "voting/problem.html", {"message": gettext(message)}, status=status)


@never_cache
def enter(request):
    """Step 1: the voter enters their code."""
    error, typed, found = "", "", None
    if request.method == "POST":
        typed = request.POST.get("code", "")[:40]
        code = normalise(typed)
        # One transaction from the reservation to its settling: if the lookup fails (the
        # database restarting) or the process dies, the reservation goes with it rather than
        # staying held against the address as a wrong code would.
        with transaction.atomic():
            if not ratelimit.reserve(request):
                message = gettext(
                    "Too many wrong ballot codes have been tried. Wait 15 minutes and try again."
                )
                return problem(request, message, 429)
            try:
                found = voter(code)
            except CodeError as e:
                ratelimit.settle(request, failed=isinstance(e, UnknownCode))
                error = gettext(str(e))  # casting's messages are in the catalogue as they are
            else:
                ratelimit.settle(request, failed=False)
        if found is not None:
            forms = contest_forms(found, {})
            if forms:
                return show_ballot(request, found, code, {}, forms=forms)
            # Every contest of theirs voted on by a provisional ballot counted after an appeal.
            error = gettext("You have already voted in this election.")
    # The box keeps what was typed (not the code normalised) so the voter can see their typo.
    context = {"error": error, "typed": typed}
    return render(request, "voting/enter.html", context, status=400 if error else 200)


def contest_forms(found, chosen: dict[str, list[str]]):
    return [
        empty_form(e.contest, current_marking(e.contest), chosen.get(str(e.contest_id), ()))
        for e in eligible_entries(found)
    ]


def arrange(forms, found) -> None:
    """Put each contest's rows in the contest's ballot order for this voter, with the candidates'
    statements and photos (the rows keep their canonical indices, so reading is unchanged)."""
    for f in forms:
        shown = profiles(f.contest)
        f.rows = [f.rows[i] for i in display_order(f.contest, [r.name for r in f.rows], found.pk)]
        for row in f.rows:
            row.profile = shown.get(row.name)


def show_ballot(request, found, code: str, chosen: dict[str, list[str]], forms=None, status=200):
    forms = forms if forms is not None else contest_forms(found, chosen)
    arrange(forms, found)
    context = {
        "election": found.election,
        "forms": forms,
        "token": sign(code, [(f.contest, f.marking) for f in forms]),
        "has_errors": any(f.has_errors for f in forms),
    }
    return padded(render(request, "voting/ballot.html", context, status=status))


def chosen_language(request) -> str:
    """The language the voter just chose with a language button ("" if none, or not offered)."""
    code = request.POST.get("language", "")
    return code if code in dict(settings.LANGUAGES) else ""


def show_review(request, found, code: str, chosen: dict[str, list[str]]):
    review = [
        (e.contest, current_marking(e.contest), chosen.get(str(e.contest_id)) or [])
        for e in eligible_entries(found)
    ]
    token = sign(code, [(contest, marking) for contest, marking, _ in review], chosen)
    context = {"election": found.election, "review": review, "token": token}
    return padded(render(request, "voting/review.html", context))


def in_language(request, found, step, language: str):
    """The page the voter was on (ballot, with what they had marked, or review) in ``language``,
    which is remembered in the language cookie as Django's set_language does."""
    translation.activate(language)
    request.LANGUAGE_CODE = language
    if "review" in request.POST and step["choices"] is not None:
        response = show_review(request, found, step["code"], step["choices"])
    else:
        forms = []
        for entry in eligible_entries(found):
            form, _ = read_form(entry.contest, current_marking(entry.contest), request.POST)
            form.errors = []  # not checked yet: the voter has not asked for the review
            for row in form.rows:
                row.error = ""
            forms.append(form)
        response = show_ballot(request, found, step["code"], {}, forms)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
    )
    return response


@never_cache
@require_POST
def ballot(request):
    """Step 2: the ballot. ``change`` comes back from the review with the choices filled in;
    ``language`` shows the same page in another language; otherwise the marks are read and, if
    valid, shown for review."""
    try:
        step = unsign(request.POST.get("token", ""))
        found = voter(step["code"])
    except CodeError as e:
        return padded(problem(request, str(e)))
    if language := chosen_language(request):
        return in_language(request, found, step, language)
    if "change" in request.POST:
        return show_ballot(request, found, step["code"], step["choices"] or {})
    forms, chosen = [], {}
    for entry in eligible_entries(found):
        form, names = read_form(entry.contest, current_marking(entry.contest), request.POST)
        forms.append(form)
        chosen[str(entry.contest_id)] = names
    if any(f.has_errors for f in forms):
        return show_ballot(request, found, step["code"], {}, forms, status=400)
    return show_review(request, found, step["code"], chosen)


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
        return padded(problem(request, str(e)))
    return padded(receipt_page(request, receipt))


def opened_election(slug: str) -> Election:
    election = get_object_or_404(Election, slug=slug)
    if not box.is_opened(election):
        raise Http404("The list of trackers is published when the trustees open the ballot box.")
    return election


def public_lists(request, election: str):
    """The public lists of trackers of an election's contests (once the box is opened)."""
    found = opened_election(election)
    boxes = ContestBox.objects.filter(contest__election=found).select_related("contest")
    return render(request, "voting/lists.html", {"election": found, "boxes": boxes})


def _contest_box(election: Election, slug: str) -> ContestBox:
    return get_object_or_404(
        ContestBox.objects.select_related("contest"), contest__election=election, contest__slug=slug
    )


def public_list(request, election: str, contest: str):
    """Every tracker that was in a contest's box when it was opened, sorted, with the list's
    length and SHA-256: a voter finds their receipt's tracker here. What a tracker's ballot says
    is not shown (the opened ballots are published, in a canonical order, without trackers)."""
    found = opened_election(election)
    contest_box = _contest_box(found, contest)
    trackers = contest_box.tracker_list()
    sought = normalise(request.GET.get("tracker", ""))
    context = {
        "election": found,
        "box": contest_box,
        "contest": contest_box.contest,
        "count": len(trackers),
        "page": Paginator(trackers, LIST_PAGE).get_page(request.GET.get("page")),
        "sought": sought,
        "found": sought in set(trackers) if sought else None,
    }
    return render(request, "voting/list.html", context)


def public_list_txt(request, election: str, contest: str):
    """The same list as text, one tracker a line: its SHA-256 is the one published beside it.
    Streamed from the database a slice at a time."""
    found = opened_election(election)
    contest_box = get_object_or_404(
        ContestBox.objects.defer("trackers"), contest__election=found, contest__slug=contest
    )
    trackers = streaming.text_slices(ContestBox.objects.filter(pk=contest_box.pk), "trackers")
    return streaming.download(trackers, f"{found.slug}-{contest}-trackers.txt", "text/plain; charset=utf-8")


SENDERS = (STAFF, RETURNING_OFFICER)


def no_new_codes(election: Election) -> str:
    """Why no code can be issued or sent for ``election`` now ("" if codes can be)."""
    if election.state == Election.State.CLOSED:
        return gettext("Voting in %(name)s has closed: no code can be issued, replaced or sent.") % {
            "name": election
        }
    if election.state != Election.State.VOTING:
        return gettext(
            "Voting in %(name)s has not opened: opening it issues and sends every voter's code."
        ) % {"name": election}
    return ""


@role_required(STAFF, RETURNING_OFFICER, SCRUTINEER)
def codes_page(request, election: str):
    """Staff: turnout, codes by delivery state (the failed ones listed), issuing codes, postal
    mail-merge files, reissuing a lost code. Scrutineers see the turnout and the counts by
    delivery state only; after the close nobody is offered a new code."""
    found = get_object_or_404(Election, slug=election)
    can_send = has_role(request.user, *SENDERS)
    folder = postal_dir()
    files = sorted(folder.glob(f"{found.slug}-codes-*.csv")) if can_send and folder.is_dir() else []
    counts = delivery_counts(found)
    failed = (  # the failed codes listed for those who can resend them, when there are any
        BallotCode.objects.filter(election=found, delivery=Delivery.FAILED)
        .order_by("member__number")
        .values_list("member__number", "member__name", "member__email")[:LIST_PAGE]
        if can_send and counts[Delivery.FAILED]
        else ()
    )
    context = {
        "election": found,
        "turnout": turnout(found),
        "files": files,
        "can_send": can_send,
        "no_new_codes": no_new_codes(found),
        "delivery": [(label, counts[state]) for state, label in Delivery.choices],
        "failed": failed,
        "failed_count": counts[Delivery.FAILED],
    }
    return render(request, "voting/codes.html", context)


def refused(request, found: Election):
    """The codes page with the reason no code can be issued now, if there is one (else None)."""
    reason = no_new_codes(found)
    if not reason:
        return None
    messages.error(request, reason)
    return redirect("voting:codes", election=found.slug)


@require_POST
@role_required(*SENDERS)
def codes_issue(request, election: str):
    """Starts the job that issues and sends codes to the voters who have none; shows its page."""
    found = get_object_or_404(Election, slug=election)
    if stop := refused(request, found):
        return stop
    try:
        job = lifecycle.issue_codes(found, request.user)
    except lifecycle.Refused as e:
        messages.error(request, str(e))
        return redirect("voting:codes", election=found.slug)
    return redirect(job)


@require_POST
@role_required(*SENDERS)
def codes_reissue(request, election: str):
    found = get_object_or_404(Election, slug=election)
    if stop := refused(request, found):
        return stop
    member = Member.objects.filter(number=request.POST.get("number", "").strip()).first()
    if member is None or not member.ballot_codes.filter(election=found).exists():
        messages.error(request, gettext("No ballot code was issued to that membership number."))
        return redirect("voting:codes", election=found.slug)
    try:
        code = reissue_code(found, member, user=request.user)
    except NeedsApproval as e:
        reissues.request(found, member, user=request.user)
        waits = gettext("%(refusal)s. The request waits under Reissues and contact changes.")
        messages.warning(request, waits % {"refusal": e})
        return redirect("voting:reissues", election=found.slug)
    except ValueError as e:
        messages.error(request, str(e))
    else:
        try:
            sent = send_codes([(member, code)], found)
        except DeliveryFailed as e:
            failed = gettext("The new code for %(member)s could not be sent (%(error)s); replace it again.")
            messages.error(request, failed % {"member": member, "error": e})
        else:
            if sent.failed:
                how = gettext(
                    "A new code for %(member)s was refused by the mail server (see the failed codes); "
                    "the old code no longer works."
                )
            elif sent.emailed:
                how = gettext("A new code for %(member)s was emailed; the old code no longer works.")
            else:
                how = gettext(
                    "A new code for %(member)s was added to a new mail-merge file for post; "
                    "the old code no longer works."
                )
            messages.success(request, how % {"member": member})
    return redirect("voting:codes", election=found.slug)


def postal_file(election: Election, name: str) -> Path:
    path = postal_dir() / name
    if "/" in name or not name.startswith(f"{election.slug}-codes-") or not path.is_file():
        raise Http404("no such mail-merge file")
    return path


@role_required(*SENDERS)
def codes_download(request, election: str, name: str):
    path = postal_file(get_object_or_404(Election, slug=election), name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")


@require_POST
@role_required(*SENDERS)
def codes_delete(request, election: str, name: str):
    path = postal_file(get_object_or_404(Election, slug=election), name)
    path.unlink()
    messages.success(request, gettext("Deleted %(name)s.") % {"name": name})
    return redirect("voting:codes", election=election)
