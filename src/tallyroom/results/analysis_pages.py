"""The analyses on the results pages: a published contest's slates, transfers, flow chart,
pivotal delegations and regions (``contest_context``, read from the kept analysis); an
election's results page with its slates and turnout; the staff's forecasts from canvass returns."""

from __future__ import annotations

import shlex
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.core.cache import cache
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET

from tallyroom.analysis import charts, regions
from tallyroom.ballotbox.models import ContestBox
from tallyroom.elections.models import Election
from tallyroom.formats.results import ACTIONS
from tallyroom.voting.turnout import turnout
from tallyroom.web.access import RETURNING_OFFICER, STAFF, role_required
from tallyroom.words import read

from . import forecasts
from .analyses import analysis_of
from .downloads import groups_csv
from .models import ContestCount, Forecast

PUBLIC_TURNOUT_MINIMUM = regions.MINIMUM


def _percent(share: str | None) -> str:
    return "–" if share is None else f"{float(share) * 100:.1f}%"


def _slate_rows(report: dict) -> list[dict]:
    return [{**s, "percent": _percent(s["first_share"])} for s in report["slates"]]


def _ron_row(report: dict) -> dict | None:
    """RON's figures (no slate: shown on their own), or None (a report from before had none)."""
    ron = report.get("ron")
    return {**ron, "percent": _percent(ron["first_share"])} if ron else None


def _loyalty_rows(rows: list[dict]) -> list[dict]:
    return [
        {**row, "percent": _percent(row["share_kept"]), "leaks": sorted(row["leaked"].items())}
        for row in rows
    ]


def _regions_view(data: dict, embed: str) -> dict[str, Any]:
    """The region cells ranked by the leading candidate's share of the final round, with the bar
    chart of that share and the candidates' columns."""
    cells = data["cells"]
    if not cells:
        return {**data, "ranked": [], "note": gettext(data["note"])}
    who = data["elected"][0] if data["elected"] else data["finalists"][0]
    ranked = []
    for c in cells:
        papers = Fraction(c["papers"])
        share = float(Fraction(c["final"].get(who, "0")) / papers * 100) if papers else 0.0
        ranked.append({**c, "name": " + ".join(c["regions"]), "share": share})
    ranked.sort(key=lambda c: (-c["share"], c["name"]))
    title = gettext("%(who)s: share of the final round by region") % {"who": who}
    bars = [(c["name"], round(c["share"], 1)) for c in ranked]
    candidates = list(cells[0]["first"])
    finalists = list(cells[0]["final"])
    for c in ranked:
        c["first_row"] = [c["first"][n] for n in candidates]
        c["final_row"] = [c["final"][n] for n in finalists]
    return {
        **data,
        "who": who,
        "ranked": ranked,
        "candidates": candidates,
        "final_columns": [gettext(n) if n == regions.EXHAUSTED else n for n in finalists],
        "chart": mark_safe(charts.bar_svg(title, bars, unit="%", embed=embed, words=gettext)),
        "chart_title": title,
    }


def _flow_svg(analysis) -> str:
    """The flow chart in the reader's language, drawn from its kept shapes (an analysis made
    before they were kept has its chart as it stored it, in English)."""
    flow = analysis.data.get("flow")
    if flow is None:
        return analysis.flow_svg
    return charts.draw_flow(flow, embed=f"flow-{analysis.count_id}", words=gettext)


def _shown_transfer(stage: dict) -> dict:
    """A stage's transfer with what it did and the non-transferable in the reader's language."""
    names = ", ".join(stage["from"])
    action = stage["action"]
    did = gettext(ACTIONS[action]) % {"names": names} if action in ACTIONS else f"{action} of {names}"

    def rows(level: str) -> list[list[str]]:
        return [[a, gettext(charts.NAMES[b]) if b in charts.NAMES else b, v] for a, b, v in stage[level]]

    return {**stage, "did": did, "candidates": rows("candidates"), "slates": rows("slates")}


def _shown_pivotal(pivotal: dict | None) -> dict | None:
    """The delegations' analysis in the reader's language: the delegations named by their college
    and weight, and why voting power is not defined (an analysis kept before either was kept as
    words shows them as it stored them)."""
    if pivotal is None:
        return None
    labels = {name: read(w) for name, w in pivotal.get("labels", {}).items()}

    def named(row: dict, key: str) -> dict:
        return {**row, key: labels.get(row[key], row[key])}

    power = pivotal["power"]
    if isinstance(power.get("reason"), dict):
        power = {**power, "reason": read(power["reason"])}
    elif power["defined"]:
        power = {**power, "delegations": [named(d, "name") for d in power["delegations"]]}
    return {
        **pivotal,
        "counterfactuals": [named(c, "delegation") for c in pivotal["counterfactuals"]],
        "power": power,
    }


def contest_context(count: ContestCount, user, show_delegations: bool) -> dict[str, Any]:
    """What the result page shows of the analyses (the job making them, until they are kept).
    ``show_delegations``: whether this visitor may see which delegations decided a seat (it shows
    how a delegation voted, so it follows who may see the weighted ballots)."""
    analysis, job = analysis_of(count, user)
    if analysis is None:
        return {"analysis": None, "analysis_job": job}
    data = analysis.data
    report = data["slates"]
    context = {
        "analysis": analysis,
        "flow_svg": mark_safe(_flow_svg(analysis)),
        "slate_rows": _slate_rows(report),
        "ron": _ron_row(report),
        "loyalty": _loyalty_rows(report["loyalty"]),
        "transfers": [_shown_transfer(t) for t in report["transfers"]],
        "next_preferences": report.get("next_preferences", []),
        "pivotal": _shown_pivotal(data["pivotal"]) if show_delegations else None,
        "pivotal_hidden": bool(data["pivotal"]) and not show_delegations,
        "regions": _regions_view(data["regions"], f"regions-{count.pk}") if data["regions"] else None,
    }
    return context


def _total_loyalty(reports: list[dict]) -> list[dict]:
    """Each slate's loyalty added up over the election's contests (exact: the figures are decimal
    strings at each count's places)."""
    total: dict[str, dict[str, Any]] = {}
    for report in reports:
        for row in report["loyalty"]:
            t = total.setdefault(
                row["slate"],
                {"slate": row["slate"], "transfers": 0, "moved": Decimal(0), "kept": Decimal(0), "leaked": {}}
                | {"non_transferable": Decimal(0), "loss": Decimal(0)},
            )
            t["transfers"] += row["transfers"]
            for key in ("moved", "kept", "non_transferable", "loss"):
                t[key] += Decimal(row[key])
            for slate, votes in row["leaked"].items():
                t["leaked"][slate] = t["leaked"].get(slate, Decimal(0)) + Decimal(votes)
    rows = []
    for t in sorted(total.values(), key=lambda t: -t["moved"]):
        base = t["moved"] - t["loss"]
        share = None if not base else f"{float(t['kept'] / base):.4f}"
        leaks = sorted(t["leaked"].items())
        rows.append({**t, "share_kept": share, "percent": _percent(share), "leaks": leaks})
    return rows


def public_turnout(election: Election):
    """The election's turnout as the public sees it (small groups merged). A result is published
    only once the box is open, when no code can be used any more: turnout is final, so it is
    worked out once per language (kept in the cache under the box's opening time) rather than on
    every view."""
    opened = ContestBox.objects.filter(contest__election=election).aggregate(at=Max("opened_at"))["at"]
    key = f"public-turnout:{election.pk}:{get_language()}:{opened.isoformat() if opened else 'sealed'}"
    return cache.get_or_set(key, lambda: turnout(election).merged(PUBLIC_TURNOUT_MINIMUM), timeout=None)


@require_GET
def election_results(request, election_slug):
    """An election's published results together: each contest, seats by slate across them, the
    slates' transfers added up, and turnout by unit, region and voter category (small groups
    merged). Public once a result of the election is published."""
    election = get_object_or_404(Election, slug=election_slug)
    published = list(
        ContestCount.objects.filter(contest__election=election, published=True)
        .select_related("contest__election")
        .order_by("contest__position", "contest__pk")
    )
    if not published:
        raise Http404("no result of this election is published yet")
    contests, reports, pending = [], [], []
    for count in published:
        analysis, job = analysis_of(count, request.user)
        contests.append({"count": count, "analysis": analysis, "job": job})
        if analysis is None:
            pending.append(count.contest)
        else:
            reports.append((count, analysis.data["slates"]))
    slates = list(dict.fromkeys(s["slate"] for _, r in reports for s in r["slates"]))
    seats = [
        {
            "slate": s,
            "seats": sum(row["seats"] for _, r in reports for row in r["slates"] if row["slate"] == s),
            "by_contest": [
                next((_percent(row["first_share"]) for row in r["slates"] if row["slate"] == s), "–")
                for _, r in reports
            ],
        }
        for s in slates
    ]
    context = {
        "election": election,
        "contests": contests,
        "analysed": [c for c, _ in reports],
        "pending": pending,
        "seats": seats,
        "loyalty": _total_loyalty([r for _, r in reports]),
        "turnout": public_turnout(election),
        "turnout_minimum": PUBLIC_TURNOUT_MINIMUM,
    }
    return render(request, "results/election_results.html", context)


# --- forecasts (staff) ---


@role_required(RETURNING_OFFICER, STAFF)
def forecast_list(request, election_slug):
    """The forecasts of an election's contests, and the form that starts one."""
    election = get_object_or_404(Election, slug=election_slug)
    contests = list(election.contests.all())
    if request.method == "POST":
        contest = next((c for c in contests if str(c.pk) == request.POST.get("contest")), None)
        upload = request.FILES.get("canvass")
        try:
            if contest is None:
                raise forecasts.ForecastRefused(gettext("Choose the contest to forecast."))
            if upload is None:
                raise forecasts.ForecastRefused(gettext("Choose the canvass returns (CSV) to upload."))
            made = forecasts.start(
                contest,
                request.user,
                upload.read(forecasts.MAX_UPLOAD + 1),
                upload.name,
                _number(request.POST.get("cohesion", "0.8"), float, gettext("Cohesion")),
                _number(request.POST.get("simulations", "1000"), int, gettext("Simulations")),
                _number(request.POST.get("seed", "1"), int, gettext("Seed")),
                (request.POST.get("shift_from", "").strip(), request.POST.get("shift_to", "").strip()),
            )
        except forecasts.ForecastRefused as e:
            messages.error(request, str(e))
        else:
            return redirect(made.job)
    context = {
        "election": election,
        "contests": [{"contest": c, "slates": forecasts.slate_columns(c)} for c in contests],
        "forecasts": Forecast.objects.filter(contest__election=election).select_related("contest", "job"),
        "max_simulations": forecasts.MAX_SIMULATIONS,
    }
    return render(request, "results/forecasts.html", context)


def _number(text: str, kind, name: str):
    """``text`` as a number of ``kind``, or ForecastRefused naming the field (``name``, its label)."""
    try:
        return kind(text.strip())
    except ValueError:
        why = gettext("%(name)s: %(text)s is not a number") % {"name": name, "text": repr(text)}
        raise forecasts.ForecastRefused(why) from None


@require_GET
@role_required(RETURNING_OFFICER, STAFF)
def forecast_page(request, election_slug, pk):
    made = get_object_or_404(Forecast.objects.select_related("contest__election", "job"), pk=pk)
    if made.contest.election.slug != election_slug:
        raise Http404("no such forecast in this election")
    rules = "; ".join(made.contest.constraint_lines())
    context: dict[str, Any] = {"forecast": made, "election": made.contest.election, "constraints": rules}
    if made.result:
        slate_of = forecasts.contest_slates(made.contest)
        found = made.result
        ranked = sorted(found["win_probability"].items(), key=lambda kv: (-kv[1], kv[0]))
        colours = charts.slate_colours(list(slate_of), slate_of)
        bars = [(c, round(p * 100, 1)) for c, p in ranked]
        context |= {
            "ranked": [
                {"candidate": c, "slate": slate_of.get(c, c), "percent": f"{p * 100:.1f}%"} for c, p in ranked
            ],
            "chart": mark_safe(
                charts.bar_svg(
                    gettext("Chance of election"),
                    bars,
                    unit="%",
                    colours={c: colours[slate_of.get(c, c)] for c, _ in ranked},
                    embed=f"forecast-{made.pk}",
                    words=gettext,
                )
            ),
            "seats": [
                {"slate": s, "rows": [(k, f"{p * 100:.1f}%") for k, p in d.items()]}
                for s, d in found["seats"].items()
            ],
            "command": _forecast_command(made),
            "moved": _moved(found),
        }
    return render(request, "results/forecast.html", context)


def _moved(found: dict) -> dict[str, Any] | None:
    """The chances of election as the bloc moves: a row per candidate, a column per share."""
    moved = found.get("moved")
    if not moved:
        return None
    runs = [{"share": 0.0, **found}, *moved["runs"]]
    return {
        "from": moved["from"],
        "to": moved["to"],
        "shares": [f"{r['share'] * 100:g}%" for r in runs],
        "rows": [
            (c, [f"{r['win_probability'][c] * 100:.1f}%" for r in runs]) for c in found["win_probability"]
        ],
    }


def _forecast_command(made: Forecast) -> str:
    """The ``tallyroom analyse forecast`` command that gives the same figures from the downloads,
    counting by the contest's rules as the forecast did (``forecasts.counting_rules``)."""
    contest, (canvass, slates, groups) = made.contest, FORECAST_FILES
    rules = forecasts.counting_rules(contest)
    extra = [f"--option {shlex.quote(f'{k}={v}')}" for k, v in rules.options.items()]
    if rules.constraints:
        extra += [f"--groups {groups}", *(f"--constraint {shlex.quote(c)}" for c in rules.constraints)]
    if rules.ron:
        extra.append(f"--ron {shlex.quote(rules.ron)}")
    extra += [f"--college {shlex.quote(f'{k}={v}')}" for k, v in (rules.college_shares or {}).items()]
    command = (
        f"tallyroom analyse forecast {canvass} --slates {slates} --seats {contest.seats} "
        f"--method {contest.method} --cohesion {made.cohesion:g} -n {made.simulations} --seed {made.seed}"
    )
    if made.shift_from:
        shares = ",".join(f"{s:g}" for s in (0, *forecasts.SHARES))
        extra.append(f"--shift {shlex.quote(f'{made.shift_from}:{made.shift_to}')} --shares {shares}")
    return " ".join([command, *extra])


FORECAST_FILES = ("canvass.csv", "slates.csv", "groups.csv")


@require_GET
@role_required(RETURNING_OFFICER, STAFF)
def forecast_file(request, election_slug, pk, name):
    """A forecast's inputs: the canvass returns as uploaded, each candidate's slate as the
    ``candidate,group`` CSV ``--slates`` reads, and the groups the constraints name (``--groups``)."""
    made = get_object_or_404(Forecast.objects.select_related("contest__election"), pk=pk)
    if made.contest.election.slug != election_slug or name not in FORECAST_FILES:
        raise Http404("no such file")
    if name == "canvass.csv":
        body = made.canvass
    elif name == "slates.csv":
        body = groups_csv({c: [s] for c, s in forecasts.contest_slates(made.contest).items()})
    else:
        body = groups_csv({c: list(g) for c, g in forecasts.counting_rules(made.contest).groups.items()})
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="forecast-{made.pk}-{name}"'
    return response
