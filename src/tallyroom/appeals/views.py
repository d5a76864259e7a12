"""Appeals pages.

Members (no account): ``lookup`` asks for a link by membership number and answers everyone the
same; ``access``/``code`` spend the link or postal code and keep the member in the session for
``SESSION_SECONDS``; ``standing`` shows each contest's standing and the member's appeals;
``appeal`` lodges one; ``provisional`` casts a provisional ballot (the voting app's ballot and
review pages). Panel and staff: ``cases``, ``case``, ``class_decision``. Scrutineers: ``register``.
The public: ``statistics`` once voting has closed.
"""

from __future__ import annotations

import time
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tallyroom.ballotbox.marking import BallotError, current_marking
from tallyroom.elections.models import Election
from tallyroom.roll.decisions import DecisionRefused
from tallyroom.roll.models import Member, RollEntry
from tallyroom.voting.forms import empty_form, read_form
from tallyroom.voting.padding import padded, signed_step
from tallyroom.web import keyset
from tallyroom.web.access import APPEALS_PANEL, RETURNING_OFFICER, SCRUTINEER, STAFF, has_role, role_required

from . import cases as casework
from . import classes, evidence, limits, links, provisional
from .models import Case, ClassDecision, Outcome
from .reasons import named, plain
from .register import register as register_of

SESSION_MEMBER = "appeals_member"
SESSION_SECONDS = 60 * 60
STEP_SALT = "tallyroom.appeals.provisional"
HANDLERS = (APPEALS_PANEL, STAFF, RETURNING_OFFICER)
TOO_MANY = gettext_lazy("Too many requests have come from your connection. Wait 15 minutes and try again.")
PAGE = 200


def lookup_seconds() -> float:
    from django.conf import settings

    return float(getattr(settings, "TALLYROOM_APPEALS_LOOKUP_SECONDS", 1.0))


@never_cache
def lookup(request):
    """Ask for a link by membership number. The answer is one page, the same for every number;
    the request takes at least ``TALLYROOM_APPEALS_LOOKUP_SECONDS`` so its timing says no more."""
    if request.method != "POST":
        return render(request, "appeals/lookup.html")
    started = time.monotonic()
    if not limits.take(limits.LOOKUP, request):
        return render(request, "appeals/message.html", {"message": TOO_MANY}, status=429)
    number = request.POST.get("number", "")[:32]
    links.request_link(number, send=limits.take_number(number))
    time.sleep(max(0.0, lookup_seconds() - (time.monotonic() - started)))
    return render(request, "appeals/sent.html")


def _enter(request, member: Member):
    request.session.cycle_key()
    request.session[SESSION_MEMBER] = member.pk
    request.session.set_expiry(SESSION_SECONDS)
    return redirect("appeals:standing")


@never_cache
def access(request, token: str):
    """The emailed link: a button to continue (so a mail scanner fetching the link does not spend it)."""
    if request.method != "POST":
        return render(request, "appeals/access.html")
    if limits.blocked(limits.LINK, request):
        return render(request, "appeals/message.html", {"message": TOO_MANY}, status=429)
    member = links.redeem(token)
    if member is None:
        limits.take(limits.LINK, request)
        return render(request, "appeals/message.html", {"message": SPENT}, status=400)
    return _enter(request, member)


SPENT = gettext_lazy("This link has expired or has been used already. Ask for a new one on the appeals page.")


@never_cache
def code(request):
    """The postal code, typed in."""
    if request.method != "POST":
        return render(request, "appeals/code.html")
    if limits.blocked(limits.LINK, request):
        return render(request, "appeals/message.html", {"message": TOO_MANY}, status=429)
    member = links.redeem(request.POST.get("code", ""))
    if member is None:
        limits.take(limits.LINK, request)
        return render(request, "appeals/code.html", {"error": SPENT.replace("link", "code")}, status=400)
    return _enter(request, member)


def session_member(request) -> Member:
    pk = request.session.get(SESSION_MEMBER)
    member = Member.objects.filter(pk=pk).first() if pk else None
    if member is None:
        raise PermissionDenied("Ask for a link on the appeals page first.")
    return member


def standings(member: Member) -> list[dict]:
    """Per election still running that has the member on a roll: each contest's standing in
    plain words, the member's cases, and what they may do now."""
    entries = (
        RollEntry.objects.filter(
            member=member, contest__election__state__in=[Election.State.NOMINATIONS, Election.State.VOTING]
        )
        .select_related("contest__election")
        .order_by("contest__election_id", "contest__position")
    )
    out: dict[int, dict] = {}
    for e in entries:
        election = e.contest.election
        block = out.setdefault(
            election.pk,
            {
                "election": election,
                "contests": [],
                "closed": casework.closed_reason(election),
                "rules": casework.rules_of(election),
            },
        )
        block["contests"].append(
            {"contest": e.contest, "eligible": e.eligible, "reasons": plain(e.reason, member, e.contest)}
        )
    for block in out.values():
        block["cases"] = list(
            Case.objects.filter(member=member, election=block["election"]).prefetch_related("contests")
        )
        pending = [c for c in block["cases"] if c.outcome == Outcome.PENDING]
        block["pending"] = pending[0] if pending else None
        block["excluded"] = [c for c in block["contests"] if not c["eligible"]]
        block["may_tender"] = bool(
            block["pending"]
            and block["election"].state == Election.State.VOTING
            and provisional.entries(block["pending"])
            and not provisional.has_cast(block["pending"])
        )
    return list(out.values())


@never_cache
def standing(request):
    member = session_member(request)
    return render(request, "appeals/standing.html", {"member": member, "blocks": standings(member)})


@never_cache
def appeal(request, election: str):
    """Lodge an appeal: the contests, grounds, evidence as text and files."""
    member = session_member(request)
    found = get_object_or_404(Election, slug=election)
    excluded = [
        e.contest
        for e in RollEntry.objects.filter(
            member=member, contest__election=found, eligible=False
        ).select_related("contest")
    ]
    error = casework.closed_reason(found)
    status = 403 if error else 200
    chosen = excluded  # all ticked at first; as the member left them after a refusal
    if request.method == "POST":
        chosen = [c for c in excluded if str(c.pk) in request.POST.getlist("contests")]
    if request.method == "POST" and not error:
        try:
            files = evidence.checked(request.FILES.getlist("files"), casework.rules_of(found))
            case = casework.lodge(
                member,
                found,
                chosen,
                request.POST.get("grounds", ""),
                request.POST.get("evidence", "")[:20000],
                files,
            )
        except (casework.AppealRefused, evidence.EvidenceRefused) as e:
            error, status = str(e), 400
        else:
            messages.success(request, _("Your appeal (number %(n)s) has been lodged.") % {"n": case.pk})
            return redirect("appeals:standing")
    rules = casework.rules_of(found)
    max_files, max_bytes = evidence.limits_of(rules)
    context = {
        "election": found,
        "excluded": excluded,
        "chosen": chosen,
        "error": error,
        "max_files": max_files,
        "max_bytes": max_bytes,
        "rules": rules,
        "posted": request.POST,
    }
    return render(request, "appeals/appeal.html", context, status=status)


def _member_case(request, pk: int) -> Case:
    member = session_member(request)
    case = Case.objects.filter(pk=pk, member=member).select_related("election").first()
    if case is None:
        raise Http404("no such appeal")
    return case


def _sign(case: Case, markings, choices=None) -> str:
    return signed_step({"case": case.pk, "choices": choices}, markings, STEP_SALT)


def _ballot_page(request, case: Case, chosen: dict, forms=None, status=200):
    forms = (
        forms
        if forms is not None
        else [
            empty_form(e.contest, current_marking(e.contest), chosen.get(str(e.contest_id), ()))
            for e in provisional.entries(case)
        ]
    )
    context = {
        "election": case.election,
        "forms": forms,
        "token": _sign(case, [(f.contest, f.marking) for f in forms]),
        "has_errors": any(f.has_errors for f in forms),
        "ballot_action": request.path,
    }
    return padded(render(request, "voting/ballot.html", context, status=status))


@never_cache
def tender(request, pk: int):
    """A provisional ballot: the voting app's ballot page, then its review page."""
    case = _member_case(request, pk)
    if request.method != "POST":
        return _ballot_page(request, case, {})
    try:
        step = signing.loads(request.POST.get("token", ""), salt=STEP_SALT, max_age=SESSION_SECONDS)
    except signing.BadSignature:
        return _ballot_page(request, case, {}, status=400)
    if step["case"] != case.pk:
        raise PermissionDenied
    if "change" in request.POST:
        return _ballot_page(request, case, step["choices"] or {})
    forms, chosen = [], {}
    for entry in provisional.entries(case):
        form, names = read_form(entry.contest, current_marking(entry.contest), request.POST)
        forms.append(form)
        chosen[str(entry.contest_id)] = names
    if any(f.has_errors for f in forms):
        return _ballot_page(request, case, {}, forms, status=400)
    context = {
        "election": case.election,
        "review": [(f.contest, f.marking, chosen[str(f.contest.pk)]) for f in forms],
        "token": _sign(case, [(f.contest, f.marking) for f in forms], chosen),
        "ballot_action": request.path,
        "cast_action": f"{request.path}cast/",
    }
    return padded(render(request, "voting/review.html", context))


@never_cache
@require_POST
def tender_cast(request, pk: int):
    case = _member_case(request, pk)
    try:
        step = signing.loads(request.POST.get("token", ""), salt=STEP_SALT, max_age=SESSION_SECONDS)
        if step["case"] != case.pk or step["choices"] is None:
            raise BallotError(_("Review your ballot before casting it."))
        receipt = provisional.cast(case, {int(k): v for k, v in step["choices"].items()})
    except signing.BadSignature:
        return padded(
            render(request, "appeals/message.html", {"message": _("This page has expired.")}, status=400)
        )
    except BallotError as e:
        return padded(render(request, "appeals/message.html", {"message": str(e)}, status=400))
    return padded(render(request, "appeals/receipt.html", {"receipt": receipt, "case": case}))


# Panel and staff ---------------------------------------------------------------------------


@role_required(*HANDLERS, SCRUTINEER)
def elections(request):
    context = {"elections": Election.objects.all(), "is_officer": has_role(request.user, RETURNING_OFFICER)}
    return render(request, "appeals/elections.html", context)


@role_required(*HANDLERS)
def case_list(request, election: str):
    """The election's cases, 100 a page (keyset pages by case number), with the pending and
    overdue counts over all of them."""
    found = get_object_or_404(Election, slug=election)
    now = timezone.now()
    cases = Case.objects.filter(election=found)
    pending = Q(outcome=Outcome.PENDING)
    counts = cases.aggregate(
        pending=Count("pk", filter=pending), overdue=Count("pk", filter=pending & Q(due_by__lt=now))
    )
    page = keyset.page(
        cases.select_related("member").prefetch_related("contests"), "pk", lambda c: c.pk, request.GET, PAGE
    )
    context = {
        "election": found,
        "rows": [(c, casework.is_overdue(c, now)) for c in page],
        "page": page,
        "rules": casework.rules_of(found),
        "classes": ClassDecision.objects.filter(election=found),
        "is_officer": has_role(request.user, RETURNING_OFFICER),
        **counts,
    }
    return render(request, "appeals/cases.html", context)


def panel_users():
    return get_user_model().objects.filter(groups__name=APPEALS_PANEL).distinct().order_by("username")


def _parse_when(text: str):
    if not text:
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(text))
    except ValueError:
        raise casework.AppealRefused(
            _("The hearing date %(text)s is not a date and time (e.g. 2026-03-02T10:00): nothing was saved.")
            % {"text": repr(text)}
        ) from None


@role_required(*HANDLERS)
def case_page(request, pk: int):
    """One case: the record at the freeze, grounds and evidence (not for a panel member excluded
    from it), notes and hearing date (staff), and the decision (the panel)."""
    case = get_object_or_404(Case.objects.select_related("election", "member__unit", "decided_by"), pk=pk)
    user = request.user
    excluded = (
        casework.exclusion(case, user) if has_role(user, APPEALS_PANEL) and not user.is_superuser else ""
    )
    is_staff = has_role(user, STAFF, RETURNING_OFFICER)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "hearing" and is_staff:
                casework.update_hearing(
                    case,
                    request.POST.get("staff_notes", ""),
                    _parse_when(request.POST.get("hearing_at", "")),
                    user,
                )
                messages.success(request, _("Notes and hearing date saved."))
                return redirect("appeals:case", pk=case.pk)
            if request.POST.get("action") == "decide" and has_role(user, APPEALS_PANEL):
                panel = list(panel_users().filter(pk__in=request.POST.getlist("panel")))
                casework.decide_case(
                    case, request.POST.get("outcome", ""), request.POST.get("reason", ""), panel, user
                )
                messages.success(request, _("Appeal %(n)s decided.") % {"n": case.pk})
                return redirect("appeals:case", pk=case.pk)
            raise PermissionDenied
        except (casework.AppealRefused, DecisionRefused) as e:
            error = str(e)
    panel = [(u, casework.exclusion(case, u)) for u in panel_users()]
    context = {
        "case": case,
        "excluded": excluded,
        "show_evidence": not excluded,
        "is_staff": is_staff,
        "can_decide": has_role(user, APPEALS_PANEL) and case.outcome == Outcome.PENDING and not excluded,
        "panel": panel,
        "overdue": casework.is_overdue(case),
        "error": error,
        "contests": case.contests.all(),
        "standing": _standing_at_freeze(case),
        "rules": casework.rules_of(case.election),
        "posted": request.POST,
    }
    return render(request, "appeals/case.html", context, status=400 if error else 200)


def _standing_at_freeze(case: Case) -> list[tuple[str, dict, datetime | None]]:
    """The case's snapshot of each roll, by the contest's name (its slug if since renamed away),
    with when that roll froze."""
    names = dict(case.election.contests.values_list("slug", "name"))
    return [
        (names.get(slug, slug), s, datetime.fromisoformat(s["frozen_at"]) if s.get("frozen_at") else None)
        for slug, s in case.snapshot.get("roll", {}).items()
    ]


@role_required(*HANDLERS)
def evidence_file(request, pk: int, file: int):
    case = get_object_or_404(Case, pk=pk)
    if (
        has_role(request.user, APPEALS_PANEL)
        and not request.user.is_superuser
        and casework.exclusion(case, request.user)
    ):
        raise PermissionDenied
    found = get_object_or_404(case.files, pk=file)
    response = HttpResponse(bytes(found.data), content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="appeal-{case.pk}-{found.pk}"'
    return response


@role_required(APPEALS_PANEL)
def class_decision(request, election: str):
    """A class decision: preview who the rule covers, then decide for all of them."""
    found = get_object_or_404(Election, slug=election)
    contests = list(found.contests.all())
    error, preview = "", None
    data = request.POST
    chosen = [c for c in contests if str(c.pk) in data.getlist("contests")]
    if request.method == "POST":
        rule = data.get("rule", "")
        try:
            joined_from = _date(data.get("joined_from", ""), _("Joined from"))
            joined_to = _date(data.get("joined_to", ""), _("Joined to"))
            if "preview" in data:
                preview = classes.covered(chosen, rule, joined_from, joined_to).count()
            else:
                panel = list(panel_users().filter(pk__in=data.getlist("panel")))
                made = classes.decide_class(
                    found,
                    chosen,
                    rule,
                    data.get("outcome", ""),
                    data.get("reason", ""),
                    panel,
                    request.user,
                    joined_from,
                    joined_to,
                )
                messages.success(
                    request,
                    _("Class decision %(n)s: %(touched)s roll entries %(outcome)s.")
                    % {"n": made.pk, "touched": made.touched, "outcome": made.get_outcome_display().lower()},
                )
                return redirect("appeals:class", pk=made.pk)
        except (casework.AppealRefused, DecisionRefused) as e:
            error = str(e)
    context = {
        "election": found,
        "contests": contests,
        "chosen": chosen,
        "rules_recorded": [(r, named(r), n) for r, n in classes.rules_recorded(found)],
        "panel": [(u, classes.class_exclusion(found, u)) for u in panel_users()],
        "error": error,
        "preview": preview,
        "posted": data,
    }
    return render(request, "appeals/class_decision.html", context, status=400 if error else 200)


def _date(text: str, field: str):
    """The date typed in ``field`` (None if blank); AppealRefused naming the field if it is not
    one: a mistyped end of a class decision's window must not widen it to everyone."""
    try:
        return datetime.fromisoformat(text).date() if text else None
    except ValueError:
        raise casework.AppealRefused(
            _("%(field)s: %(text)s is not a date (e.g. 2026-07-12): nothing was decided.")
            % {"field": field, "text": repr(text)}
        ) from None


@role_required(*HANDLERS, SCRUTINEER)
def class_page(request, pk: int):
    """A class decision and, page by page, the members it put on the roll."""
    decision = get_object_or_404(ClassDecision.objects.select_related("election", "decided_by"), pk=pk)
    page = Paginator(classes.touched_members(decision), PAGE).get_page(request.GET.get("page"))
    return render(request, "appeals/class.html", {"decision": decision, "page": page})


@role_required(*HANDLERS, SCRUTINEER)
def register(request, election: str):
    """The register's figures and every case and its decision, 200 a page: never the member,
    grounds, evidence or notes."""
    found = get_object_or_404(Election, slug=election)
    now = timezone.now()
    by_name = Prefetch("panel", queryset=get_user_model().objects.order_by("username"))
    cases = (
        Case.objects.filter(election=found).select_related("decided_by").prefetch_related("contests", by_name)
    )
    page = keyset.page(cases, "pk", lambda c: c.pk, request.GET, PAGE)
    context = {
        "election": found,
        "r": register_of(found),
        "public": False,
        "page": page,
        "rows": [
            (c, [named(r) for r in casework.appealed_reasons(c)], casework.is_overdue(c, now)) for c in page
        ],
    }
    return render(request, "appeals/register.html", context)


def statistics(request, election: str):
    """The register's figures, published once voting has closed."""
    found = get_object_or_404(Election, slug=election)
    if found.state != Election.State.CLOSED:
        raise Http404("The appeals statistics are published when voting closes.")
    return render(
        request, "appeals/register.html", {"election": found, "r": register_of(found), "public": True}
    )
