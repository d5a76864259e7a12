"""A conference's pages: delegations and their entitlement (staff, secretaries), the registration
desk and badges, the chair's polls, the projector, and the delegate's own phone ballot.

Every POST is a verb of ``delegations``, ``seating`` or ``polls``: one transaction and its audit
event. The delegate's pages (the ballot and its receipt) are padded to one size.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tallyroom.ballotbox import box
from tallyroom.ballotbox.marking import BallotError, contest_marking, current_marking
from tallyroom.formats.errors import FormatError
from tallyroom.results.models import ContestCount
from tallyroom.results.views import sheet
from tallyroom.roll.models import Member
from tallyroom.voting import ratelimit
from tallyroom.voting.codes import normalise
from tallyroom.voting.forms import empty_form, read_form
from tallyroom.voting.padding import padded
from tallyroom.voting.views import problem
from tallyroom.web import streaming
from tallyroom.web.access import CHAIR, REGISTRATION_DESK, RETURNING_OFFICER, STAFF, TELLER, role_required
from tallyroom.words import read

from . import delegations, kiosks, papers, polls, seating
from .card_votes import Delegation as CardVote
from .card_votes import line_items_csv
from .forms import PollForm
from .models import Conference, Delegate, Delegation, EntitlementChallenge, Kiosk, Poll

CSV = "text/csv; charset=utf-8"


def _conference(slug: str) -> Conference:
    return get_object_or_404(Conference, slug=slug)


def _shown(form, poll: Poll):
    """The ballot form with a motion's choices named in the active language (``polls.shown_choice``;
    the names the form reads are the stored ones)."""
    for row in form.rows:
        row.name = polls.shown_choice(poll, row.name)
    return form


def _refusable(request, action, done: str):
    """Run ``action``; a refusal becomes an error message, success the message ``done``."""
    try:
        action()
    except (delegations.Refused, BallotError) as e:
        messages.error(request, str(e))
    except FormatError as e:
        messages.error(request, read(e.words))
    else:
        messages.success(request, done)


@role_required(STAFF, RETURNING_OFFICER, REGISTRATION_DESK, CHAIR)
@require_GET
def conference(request, slug):
    conf = _conference(slug)
    context = {
        "conference": conf,
        "delegations": conf.delegations.prefetch_related("delegates"),
        "polls": conf.polls.select_related("election"),
    }
    return render(request, "conference/conference.html", context)


@role_required(STAFF)
@require_POST
def compute(request, slug):
    conf = _conference(slug)
    _refusable(
        request, lambda: delegations.compute_entitlements(conf, request.user), _("Entitlements worked out.")
    )
    return redirect("conference:conference", slug)


@require_GET
def entitlement_csv(request, slug):
    """Every CLP's entitlement with its working (public: anyone can check it)."""
    conf = _conference(slug)
    try:
        lines = delegations.export_lines(conf)
    except delegations.Refused as e:  # declared counts the roll cannot hold
        return problem(request, str(e), 409)
    return streaming.download(lines, f"{conf.slug}-entitlement.csv", CSV)


@role_required(STAFF)
@require_POST
def import_delegates(request, slug):
    conf = _conference(slug)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a CSV file of delegates."))
    else:
        try:
            n = delegations.import_delegates(conf, upload, request.user)
        except delegations.DelegateImportError as e:
            for error in e.errors:
                messages.error(request, read(error.words))
        except FormatError as e:
            messages.error(request, read(e.words))
        else:
            messages.success(request, _("%(n)s delegates named.") % {"n": n})
    return redirect("conference:conference", slug)


def _delegation(request, slug, pk) -> Delegation:
    found = get_object_or_404(Delegation, conference__slug=slug, pk=pk)
    if not (
        delegations.may_name(request.user, found)
        or request.user.groups.filter(name=RETURNING_OFFICER).exists()
    ):
        raise PermissionDenied
    return found


@login_required
def delegation(request, slug, pk):
    """The delegation's entitlement with its working, its delegates and its challenges; its
    secretary (or staff) names delegates here."""
    found = _delegation(request, slug, pk)
    if request.method == "POST":
        if not delegations.may_name(request.user, found):
            raise PermissionDenied
        if request.POST.get("action") == "proxy":
            giver = get_object_or_404(Delegate, pk=request.POST.get("giver"), delegation=found)
            chosen = request.POST.get("holder", "")
            holder = get_object_or_404(Delegate, pk=chosen, delegation=found) if chosen else None
            _refusable(
                request,
                lambda: delegations.set_proxy(giver, holder, request.user),
                _("%(giver)s's proxy is held by %(holder)s.")
                % {"giver": giver.member.name, "holder": holder.member.name}
                if holder
                else _("%(giver)s holds their own vote.") % {"giver": giver.member.name},
            )
            return redirect("conference:delegation", slug, pk)
        member = Member.objects.filter(number=request.POST.get("number", "").strip()).first()
        if member is None:
            messages.error(request, _("No member has that membership number."))
        else:
            flags = {k: request.POST.get(k) == "on" for k in ("woman", "young", "substitute")}
            _refusable(
                request,
                lambda: delegations.name_delegate(found, member, request.user, **flags),
                _("%(member)s named.") % {"member": member.name},
            )
        return redirect("conference:delegation", slug, pk)
    context = {
        "conference": found.conference,
        "delegation": found,
        "delegates": found.delegates.select_related("member", "seated_for__member", "proxy_holder__member"),
        "challenges": found.challenges.all(),
        "may_name": delegations.may_name(request.user, found),
        "may_decide": request.user.is_superuser
        or request.user.groups.filter(name=RETURNING_OFFICER).exists(),
    }
    return render(request, "conference/delegation.html", context)


@login_required
@require_POST
def raise_challenge(request, slug, pk):
    found = _delegation(request, slug, pk)
    claimed = request.POST.get("claimed", "").strip()
    _refusable(
        request,
        lambda: delegations.challenge(
            found, request.user, request.POST.get("grounds", ""), int(claimed) if claimed.isdigit() else None
        ),
        _("Challenge recorded."),
    )
    return redirect("conference:delegation", slug, pk)


@role_required(RETURNING_OFFICER)
@require_POST
def decide_challenge(request, slug, pk, challenge):
    made = get_object_or_404(
        EntitlementChallenge, pk=challenge, delegation_id=pk, delegation__conference__slug=slug
    )
    entitled = request.POST.get("entitled", "").strip()
    _refusable(
        request,
        lambda: delegations.decide(
            made,
            request.user,
            request.POST.get("upheld") == "yes",
            request.POST.get("decision", ""),
            int(entitled) if entitled.isdigit() else None,
        ),
        _("Challenge decided."),
    )
    return redirect("conference:delegation", slug, pk)


@role_required(STAFF, REGISTRATION_DESK)
@never_cache
def desk(request, slug):
    """The registration desk: check delegates in and out, seat a substitute, print badges."""
    conf = _conference(slug)
    if request.method == "POST":
        person = get_object_or_404(Delegate, pk=request.POST.get("delegate"), delegation__conference=conf)
        action = request.POST.get("action")
        if action in ("in", "out"):
            _refusable(
                request,
                lambda: seating.check(person, action == "in", request.user),
                (_("%(member)s checked in.") if action == "in" else _("%(member)s checked out."))
                % {"member": person.member.name},
            )
        elif action == "seat":
            absent = get_object_or_404(Delegate, pk=request.POST.get("seat_of"), delegation=person.delegation)
            _refusable(
                request,
                lambda: seating.seat_substitute(person, absent, request.user),
                _("%(substitute)s takes %(absent)s's seat.")
                % {"substitute": person.member.name, "absent": absent.member.name},
            )
        return redirect("conference:desk", slug)
    people = Delegate.objects.filter(delegation__conference=conf).select_related(
        "member", "delegation", "seated_for__member"
    )
    return render(request, "conference/desk.html", {"conference": conf, "delegates": people})


@role_required(STAFF, REGISTRATION_DESK)
@never_cache
@require_POST
def badges(request, slug):
    """Print badges (a fresh credential each) for the delegates chosen, or every delegate."""
    conf = _conference(slug)
    people = Delegate.objects.filter(delegation__conference=conf).select_related("member", "delegation")
    chosen = request.POST.getlist("delegate")
    if chosen:
        people = people.filter(pk__in=chosen)
    made = seating.issue_badges(
        people,
        lambda code: request.build_absolute_uri(reverse("conference:ballot", args=[slug, code])),
        request.user,
    )
    response = render(request, "conference/badges.html", {"conference": conf, "badges": made})
    response["Cache-Control"] = "no-store"
    return response


@role_required(CHAIR, RETURNING_OFFICER)
@never_cache
def chair(request, slug, pk=None):
    """The chair's desk: open a poll, close it and declare with the trustees' shares, or enter a
    show of hands."""
    conf = _conference(slug)
    if request.method == "POST":
        poll = get_object_or_404(Poll, pk=pk, conference=conf)
        action = request.POST.get("action")
        if action == "open":
            _refusable(
                request, lambda: polls.open_poll(poll, request.user), _("%(poll)s is open.") % {"poll": poll}
            )
        elif action == "close":
            _refusable(
                request,
                lambda: polls.close_poll(poll, request.user),
                _("%(poll)s is closed.") % {"poll": poll},
            )
        elif action == "declare":
            shares = [s for s in request.POST.getlist("share") if s.strip()]
            _refusable(
                request,
                lambda: polls.declare(poll, request.user, shares),
                _("%(poll)s: result declared.") % {"poll": poll},
            )
        elif action == "hands":
            counts = {k: request.POST.get(k, "") for k in Poll.HANDS}
            try:
                numbers = {k: int(v) for k, v in counts.items()}
            except ValueError:
                messages.error(request, _("Enter the count of hands for each of For, Against and Abstain."))
            else:
                _refusable(
                    request,
                    lambda: polls.show_of_hands(poll, request.user, numbers),
                    _("Show of hands recorded."),
                )
        return redirect("conference:chair", slug)
    items = [(p, polls.turnout(p)) for p in conf.polls.select_related("election__key")]
    return render(request, "conference/chair.html", {"conference": conf, "polls": items})


@role_required(CHAIR, RETURNING_OFFICER)
@never_cache
def new_poll(request, slug):
    """The chair makes a poll: a motion or a contest, who votes, whether colleges decide it, and
    this poll's own key (the public half from its key ceremony, ``tallyroom keys ceremony``)."""
    conf = _conference(slug)
    colleges = sorted(set(conf.delegations.values_list("college", flat=True)))
    form = PollForm(colleges, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = polls.create_poll(
                conf,
                data["title"],
                data["key"],
                request.user,
                candidates=data["candidates"],
                method=data["method"] if data["candidates"] else "plurality",
                seats=data["seats"] if data["candidates"] else 1,
                college=data["college"],
                college_shares=data["college_shares"],
                ballots_public=data["ballots_public"],
            )
        except (delegations.Refused, box.BoxError) as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("%(poll)s is ready to open.") % {"poll": made})
            return redirect("conference:chair", slug)
    return render(request, "conference/new_poll.html", {"conference": conf, "form": form})


def _result(poll: Poll) -> dict | None:
    counted = ContestCount.objects.filter(contest__election_id=poll.election_id, published=True).first()
    return sheet(counted) if counted else None


@require_GET
@never_cache
def projector(request, slug):
    """The hall's screen: the open poll's turnout of delegates present, then the latest result.
    It reloads itself every few seconds (a meta refresh: no JavaScript)."""
    conf = _conference(slug)
    current = conf.polls.exclude(state=Poll.State.READY).order_by("-opened_at", "-position").first()
    latest = (F("closed_at").desc(nulls_last=True), "-position", "-pk")  # the last one counted
    declared = conf.polls.filter(state=Poll.State.DECLARED).order_by(*latest).first()
    shown = current if current and current.state != Poll.State.DECLARED else declared
    context = {"conference": conf, "poll": shown}
    if shown:
        context["voted"], context["present"] = polls.turnout(shown)
        if shown.state == Poll.State.DECLARED:
            context["result"] = _result(shown)
    return render(request, "conference/projector.html", context)


@require_GET
def line_items(request, slug, pk):
    """A declared poll's card vote line items: every delegation, card vote, present, weight."""
    poll = get_object_or_404(Poll, pk=pk, conference__slug=slug, state=Poll.State.DECLARED)
    rows = [CardVote(i["delegation"], i["college"], i["card_vote"], i["present"]) for i in poll.line_items]
    response = HttpResponse(line_items_csv(rows), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{poll.election.slug}-line-items.csv"'
    return response


KIOSK_COOKIE = "tallyroom_kiosk"


@role_required(STAFF, REGISTRATION_DESK)
@never_cache
def kiosk_desk(request, slug):
    """The stewards' kiosks: add one (its one-time setup address shown here once), unlock one for
    a delegate checked in, lock it."""
    conf = _conference(slug)
    setup_url = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            try:
                made, token = kiosks.add(conf, request.POST.get("name", ""), request.user)
            except delegations.Refused as e:
                messages.error(request, str(e))
            else:
                setup_url = request.build_absolute_uri(reverse("conference:kiosk_setup", args=[slug, token]))
                messages.success(
                    request,
                    _("%(name)s added: open its setup address on that machine.") % {"name": made.name},
                )
        else:
            kiosk = get_object_or_404(Kiosk, pk=request.POST.get("kiosk"), conference=conf)
            if action == "unlock":
                person = get_object_or_404(
                    Delegate.objects.select_related("member", "delegation"),
                    pk=request.POST.get("delegate"),
                    delegation__conference=conf,
                )
                _refusable(
                    request,
                    lambda: kiosks.unlock(kiosk, person, request.user),
                    _("%(kiosk)s is unlocked for %(member)s.")
                    % {"kiosk": kiosk.name, "member": person.member.name},
                )
            elif action == "lock":
                _refusable(
                    request,
                    lambda: kiosks.lock(kiosk, request.user),
                    _("%(kiosk)s is locked.") % {"kiosk": kiosk.name},
                )
            return redirect("conference:kiosks", slug)
    context = {
        "conference": conf,
        "kiosks": conf.kiosks.select_related("delegate__member"),
        "present": Delegate.objects.filter(delegation__conference=conf, checked_in=True).select_related(
            "member", "delegation"
        ),
        "setup_url": setup_url,
    }
    response = render(request, "conference/kiosks.html", context)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def kiosk_setup(request, slug, token):
    """Opened once on the kiosk's machine: a button sets it up, with its token in a cookie."""
    conf = _conference(slug)
    if request.method == "POST":
        try:
            made = kiosks.set_up(conf, token)
        except delegations.Refused as e:
            return problem(request, str(e), 404)
        response = redirect("conference:kiosk", slug)
        response.set_cookie(
            KIOSK_COOKIE,
            token,
            max_age=7 * 24 * 3600,
            path=reverse("conference:kiosk", args=[slug]),
            secure=request.is_secure(),
            httponly=True,
            samesite="Strict",
        )
        messages.success(request, _("This machine is %(name)s.") % {"name": made.name})
        return response
    return render(request, "conference/kiosk_setup.html", {"conference": conf})


@never_cache
def kiosk(request, slug):
    """The kiosk's screen: locked until a steward unlocks it for a delegate, then that delegate's
    ballot; casting it locks the kiosk again. Only the machine holding the kiosk's cookie."""
    conf = _conference(slug)
    found = kiosks.by_token(conf, request.COOKIES.get(KIOSK_COOKIE, ""))
    if found is None:
        return padded(problem(request, _("This machine is not a kiosk of this conference."), 403))
    poll = conf.polls.filter(state=Poll.State.OPEN).first()
    person = found.delegate if poll else None
    if person is None:
        page = render(request, "conference/kiosk.html", {"conference": conf, "kiosk": found})
        return padded(page)
    contest, marking = contest_marking(poll.election.contests.values_list("pk", flat=True).get())
    form = empty_form(contest, marking)
    status = 200
    if request.method == "POST":
        form, names = read_form(contest, marking, request.POST)
        if names is not None:
            unlocks = request.POST.get("unlocks", "")
            try:
                receipt = kiosks.cast(found, int(unlocks) if unlocks.isdigit() else -1, names)
            except BallotError as e:
                return padded(problem(request, str(e)))
            return padded(render(request, "voting/receipt.html", {"receipt": receipt, "kiosk": found}))
        status = 400
    context = {
        "conference": conf,
        "kiosk": found,
        "holder": Delegate.objects.select_related("member", "delegation").get(pk=person.pk),
        "contest": contest,
        "forms": [_shown(form, poll)],
        "has_errors": form.has_errors,
    }
    return padded(render(request, "conference/kiosk.html", context, status=status))


@never_cache
def enter(request, slug):
    """A kiosk (or a phone without a camera): the badge's code typed in, then its ballot."""
    conf = _conference(slug)
    if request.method == "POST":
        return redirect("conference:ballot", slug, normalise(request.POST.get("code", "")) or "-")
    return padded(render(request, "conference/enter.html", {"conference": conf}))


@never_cache
def ballot(request, slug, code):
    """The delegate's phone (or a kiosk): the open poll's ballot, cast with the badge's code.
    Reads the badge, its holder and the open poll in one statement (``seating.badged``)."""
    # One transaction from the reservation to its settling (as voting.views.enter): if the
    # lookup fails, the reservation goes with it rather than counting as a wrong code.
    with transaction.atomic():
        if not ratelimit.reserve(request):
            return padded(
                problem(request, _("Too many wrong badge codes have been tried. Wait and try again."), 429)
            )
        found = seating.badged(slug, code)
        ratelimit.settle(request, failed=found is None)
    if found is None:
        return padded(
            problem(request, _("This badge's code is not known: ask at the registration desk."), 404)
        )
    context = {"conference": found.conference, "holder": found.holder, "code": code}
    if found.poll_id is None:
        return padded(render(request, "conference/waiting.html", context))
    poll = Poll(pk=found.poll_id, election_id=found.election_id, kind=found.poll_kind, state=Poll.State.OPEN)
    contest, marking = contest_marking(found.contest_id)
    form = empty_form(contest, marking)
    status = 200
    if request.method == "POST":
        form, names = read_form(contest, marking, request.POST)
        if names is not None:
            try:
                receipt = polls.vote(poll, found.holder, names, contest.pk)
            except BallotError as e:
                return padded(problem(request, str(e)))
            return padded(render(request, "voting/receipt.html", {"receipt": receipt}))
        status = 400
    context |= {"contest": contest, "forms": [_shown(form, poll)], "has_errors": form.has_errors}
    return padded(render(request, "conference/ballot.html", context, status=status))


@role_required(TELLER)
@never_cache
def tellers(request, slug, pk):
    """The tellers' table for a poll's paper ballots: hand them to the delegates present (each
    a paper of the stack of their weight), count each stack's papers returned, key each paper in
    (twice, by two tellers; a third settles), and the reconciliation by stack."""
    poll = get_object_or_404(Poll, pk=pk, conference__slug=slug)
    contest = poll.contest
    marking = current_marking(contest)
    form = empty_form(contest, marking)
    given = []
    if request.method == "POST":
        action = request.POST.get("action")
        stack, number, count = (request.POST.get(k, "").strip() for k in ("stack", "number", "count"))
        if action == "issue":
            present = Delegate.objects.filter(delegation__conference=poll.conference).select_related("member")
            try:
                given = papers.issue(poll, present.order_by("delegation", "pk"), request.user)
            except (delegations.Refused, BallotError) as e:
                messages.error(request, str(e))
        elif not stack.isdigit():
            messages.error(request, _("Enter the stack's number."))
        elif action == "returned":
            if not count.isdigit():
                messages.error(request, _("Enter how many papers of the stack were in the ballot box."))
            else:
                _refusable(
                    request,
                    lambda: papers.returned(poll, int(stack), int(count), request.user),
                    _("Stack %(stack)s: %(count)s returned.") % {"stack": stack, "count": count},
                )
        elif action == "key":
            form, names = read_form(contest, marking, request.POST)
            if not number.isdigit():
                messages.error(request, _("Enter the paper's number."))
            elif names is not None:
                _refusable(
                    request,
                    lambda: papers.key_in(poll, int(stack), int(number), request.user, names),
                    _("Paper %(n)s of stack %(stack)s keyed.") % {"n": number, "stack": stack},
                )
                return redirect("conference:tellers", slug, pk)
        if action != "issue" and (action != "key" or not form.has_errors):
            return redirect("conference:tellers", slug, pk)
    context = {
        "conference": poll.conference,
        "poll": poll,
        "contest": contest,
        "forms": [_shown(form, poll)],
        "stacks": papers.reconciliation(poll),
        "given": given,
    }
    return render(request, "conference/tellers.html", context)
