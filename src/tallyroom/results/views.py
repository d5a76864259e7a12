"""The returning officer's dashboard (open, close, open the box, count, review, publish: each a
verb of tallyroom.lifecycle), the scrutineers' read-only view of it, and the public results
pages with their downloads."""

import re
from functools import cache

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_GET, require_POST

from tallyroom import lifecycle
from tallyroom.ballotbox.models import ContestBox, ElectionKey
from tallyroom.count import notes
from tallyroom.elections.models import Contest, Election
from tallyroom.elections.profiles import profiles
from tallyroom.jobs import runner as jobs
from tallyroom.jobs.models import Job
from tallyroom.voting.turnout import contest_turnout, turnout
from tallyroom.web import streaming
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, has_role, role_required

from . import downloads
from .analysis_pages import contest_context
from .chart import stage_chart
from .models import ContestCount
from .names import namer, renamed


def _contest(election_slug: str, contest_slug: str) -> Contest:
    return get_object_or_404(
        Contest.objects.select_related("election"), election__slug=election_slug, slug=contest_slug
    )


ACTIONS = {
    "first": gettext_noop("First preferences"),
    "count": gettext_noop("Count"),
    "surplus": gettext_noop("Surplus of %(names)s"),
    "exclusion": gettext_noop("Exclusion of %(names)s"),
}


def stage_label(stage: dict) -> str:
    """A stage's heading in the stage table, e.g. 'Surplus of Ann Smith'."""
    if stage["action"] not in ACTIONS:
        return stage["action"].capitalize()
    return gettext(ACTIONS[stage["action"]]) % {"names": ", ".join(stage["subject"])}


def shown_stage(stage: dict) -> dict:
    """A stage as the sheet shows it: its heading, note and ties in the reader's language."""
    ties = [
        {
            **t,
            "purpose": gettext(t["purpose"]),
            "settled_by": gettext(t["settled_by"]),
            "detail": notes.translate(t["detail"], gettext),
        }
        for t in stage["ties"]
    ]
    return {
        **stage,
        "label": stage_label(stage),
        "note": notes.translate(stage["note"], gettext),
        "ties": ties,
    }


def sheet(count: ContestCount) -> dict:
    """What the result sheet shows: winners with their slates, the stage table and the chart (a
    motion's For, Against and Abstain in the reader's language: ``names``)."""
    contest = count.contest
    name = namer(contest.election_id)
    result = renamed(count.result, name)
    candidates = {name(c.name): c for c in contest.candidates.prefetch_related("slates")}
    slates = {name: list(c.slates.all()) for name, c in candidates.items()}
    colours = {name: s[0].colour for name, s in slates.items() if s}
    shown = [n for n in result["candidates"] if n not in result["withdrawn"]]
    stages = result["stages"]
    rows = [
        {
            "name": name,
            "slates": slates.get(name, []),
            "elected": name in result["elected"],
            "cells": [
                {
                    "value": s["totals"].get(name, ""),
                    "elected": name in s["elected"],
                    "excluded": name in s["excluded"],
                }
                for s in stages
            ],
        }
        for name in shown
    ]
    return {
        "count": count,
        "contest": contest,
        "result": result,
        "winners": [{"name": n, "slates": slates.get(n, [])} for n in result["elected"]],
        "rows": rows,
        "stages": [shown_stage(s) for s in stages],
        "chart": stage_chart(result, colours, contest.name),
        "constrained": bool(result["constraints"]),
    }


# --- the returning officer and scrutineers ---


@role_required(RETURNING_OFFICER, SCRUTINEER)
def dashboard(request):
    context = {
        "elections": Election.objects.all(),
        "is_officer": has_role(request.user, RETURNING_OFFICER),
        "jobs": jobs.recent(),
    }
    return render(request, "results/dashboard.html", context)


@role_required(RETURNING_OFFICER, SCRUTINEER)
def election(request, election_slug):
    election = get_object_or_404(Election, slug=election_slug)
    contests = [
        {
            "contest": c,
            "count": c.counts.defer("ballots_blt").first(),
            "published": c.counts.defer("ballots_blt").filter(published=True).first(),
        }
        for c in election.contests.all()
    ]
    boxes = list(ContestBox.objects.filter(contest__election=election).select_related("contest"))
    key = ElectionKey.objects.filter(election=election).first()
    return render(
        request,
        "results/election.html",
        {
            "election": election,
            "turnout": turnout(election),
            "contests": contests,
            "boxes": boxes,
            "box_opened": any(b.is_open for b in boxes),
            "key": key,
            "share_fields": range(1, key.threshold + 1) if key else (),
            "all_published": bool(contests) and all(row["published"] for row in contests),
            "is_officer": has_role(request.user, RETURNING_OFFICER),
            "jobs": jobs.recent(election),
            "opening": jobs.active(election, Job.Kind.OPEN_VOTING),
        },
    )


def _act(request, election_slug, action, done: str, *args):
    election = get_object_or_404(Election, slug=election_slug)
    try:
        outcome = action(election, request.user, *args)
    except lifecycle.Refused as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request, done.format(n=sum(outcome.values()) if isinstance(outcome, dict) else len(outcome or ()))
        )
    return redirect("results:election", election_slug)


@require_POST
@role_required(RETURNING_OFFICER)
def open_voting(request, election_slug):
    """Records the decision and starts the job that opens voting; its page shows the progress."""
    election = get_object_or_404(Election, slug=election_slug)
    try:
        job = lifecycle.open_voting(election, request.user)
    except lifecycle.Refused as e:
        messages.error(request, str(e))
        return redirect("results:election", election_slug)
    messages.success(
        request, gettext("Opening voting: the rolls are frozen, then the codes issued and sent.")
    )
    return redirect(job)


@require_POST
@role_required(RETURNING_OFFICER)
def open_box(request, election_slug):
    """The trustees present their shares (pasted, or as files); the box is opened in memory."""
    shares = [request.POST.get(f"share{i}", "") for i in range(1, 10)]
    shares += [f.read().decode("utf-8", "replace") for f in request.FILES.getlist("share_files")]
    return _act(
        request, election_slug, lifecycle.open_box, "The box is open: {n} ballots ready to count.", shares
    )


@require_POST
@role_required(RETURNING_OFFICER)
def count_view(request, election_slug, contest_slug):
    """Starts the job that counts the contest; its page links to the review once counted."""
    contest = _contest(election_slug, contest_slug)
    try:
        job = lifecycle.start_count(contest, request.user)
    except lifecycle.Refused as e:
        messages.error(request, str(e))
        return redirect("results:election", election_slug)
    return redirect(job)


@require_GET
@role_required(RETURNING_OFFICER)
def review(request, election_slug, contest_slug):
    contest = _contest(election_slug, contest_slug)
    latest = contest.counts.defer("ballots_blt").first()
    if latest is None:
        raise Http404("not counted yet")
    return render(request, "results/review.html", sheet(latest))


@require_POST
@role_required(RETURNING_OFFICER)
def publish_count(request, election_slug, contest_slug):
    contest = _contest(election_slug, contest_slug)
    if not re.fullmatch(r"[0-9]{1,18}", request.POST.get("count", "")):
        return HttpResponseBadRequest("Choose the count to publish: 'count' must be a count's number.")
    reviewed = get_object_or_404(ContestCount, pk=request.POST["count"], contest=contest)
    try:
        lifecycle.publish(reviewed, request.user)
    except lifecycle.Refused as e:
        messages.error(request, str(e))
        return redirect("results:review", election_slug, contest_slug)
    messages.success(request, gettext("%(contest)s: result published.") % {"contest": contest.name})
    return redirect("results:contest", election_slug, contest_slug)


# --- the public ---


def _published(election_slug, contest_slug) -> ContestCount:
    """The contest's published count, without its ballots (read only to download them)."""
    return get_object_or_404(
        ContestCount.objects.select_related("contest__election").defer("ballots_blt"),
        contest__election__slug=election_slug,
        contest__slug=contest_slug,
        published=True,
    )


@require_GET
def index(request):
    published = (
        ContestCount.objects.filter(published=True)
        .select_related("contest__election")
        .defer("ballots_blt")
        .order_by("-contest__election__voting_opens", "contest__election", "contest__position", "contest__pk")
    )
    namer_of = cache(namer)  # one look-up per election
    for c in published:
        c.shown_elected = [namer_of(c.contest.election_id)(n) for n in c.elected]
    return render(request, "results/index.html", {"published": published})


@require_GET
def contest(request, election_slug, contest_slug):
    published = _published(election_slug, contest_slug)
    shown = profiles(published.contest)
    visible = ballots_visible(request.user, published.contest)
    context = {
        **contest_context(published, request.user, visible),
        **sheet(published),
        "recount_command": downloads.recount_command(published),
        "prefix": downloads.filename_prefix(published),
        "electorate": contest_turnout(published.contest),
        "profiles": [shown[n] for n in published.result["candidates"] if n in shown and shown[n].shown],
        "ballots_name": downloads.ballots_name(published),
        "ballots_visible": visible,
    }
    return render(request, "results/contest.html", context)


def ballots_visible(user, contest: Contest) -> bool:
    """Weighted ballots are public unless the contest gives them to scrutineers only."""
    return contest.ballots_public or has_role(user, SCRUTINEER, RETURNING_OFFICER)


@require_GET
def download(request, election_slug, contest_slug, name):
    published = _published(election_slug, contest_slug)
    if name == downloads.ballots_name(published) and not ballots_visible(request.user, published.contest):
        raise Http404("the weighted ballots of this contest go to the scrutineers only")
    try:
        chunks, content_type = downloads.render(published, name)
    except KeyError:
        raise Http404(f"no download {name}") from None
    return streaming.download(chunks, f"{downloads.filename_prefix(published)}{name}", content_type)
