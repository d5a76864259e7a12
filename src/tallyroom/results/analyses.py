"""The analyses of a published result (docs/analysis.md), computed once and kept.

A job (``analysing_work``) recounts the published ballots by the published rules, checks the
recount is the published result byte for byte, and keeps (``ContestAnalysis``) what
``tallyroom.analysis`` says of it: seats, first preferences and transfers by slate with every
stage's transfer matrix and the flow chart's shapes; for a contest with weighted delegations
(a card vote, a contest decided by colleges) the counterfactual recounts that find the
delegations whose choice decided a seat, and their voting power where it is defined; for a
contest shown by region, first preferences and the final round by region. The pages read what
was kept, in the reader's language (none of it is worded in the language of the job's request).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from fractions import Fraction
from math import lcm
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from tallyroom import lifecycle
from tallyroom.analysis import charts, pivotal, power, regions, report, slates
from tallyroom.ballotbox import box
from tallyroom.count import Result
from tallyroom.count import count as engine_count
from tallyroom.count.numbers import decimal_str
from tallyroom.formats import BallotFile, parse_blt, parse_csv_ballots, result_json
from tallyroom.jobs import runner as jobs
from tallyroom.jobs.models import Job
from tallyroom.words import Words, plural_noop

from .models import ContestAnalysis, ContestCount

POWER_LIMIT = 5_000_000  # the largest total weight of a game whose indices are computed exactly
SHAPLEY_LIMIT = 50_000_000  # delegations² x total weight: above it, Banzhaf only


class AnalysisError(Exception):
    """The published result cannot be analysed; the message says why."""


def read_published(count: ContestCount) -> BallotFile:
    """The published ballots file, read back as anyone downloading it would."""
    data = count.ballots_blt.encode("utf-8")
    if not count.result.get("colleges"):
        return parse_blt(data, "ballots.blt")
    return parse_csv_ballots(data, "ballots.csv")


def recounter(count: ContestCount, record_stages: bool = True):
    """``recount(ballots) -> Result``: a count by the published rules (method, seats, options,
    constraints with the groups, tie seed, withdrawals, RON and the colleges' shares);
    ``record_stages=False``: who is elected, without the stage sheets (the counterfactuals)."""
    r = count.result
    shares = {c["college"]: Fraction(c["share"]) for c in r.get("colleges", [])}

    def recount(ballots) -> Result:
        return engine_count(
            ballots,
            r["method"],
            r["seats"],
            options=r["options"],
            constraints=r["constraints"],
            groups=count.groups or None,
            tie_seed=r["tie_seed"] or None,
            withdrawn=r["withdrawn"],
            ron=r["ron"] or None,
            college_shares=shares or None,
            record_stages=record_stages,
        )

    return recount


def slate_map(count: ContestCount, read: BallotFile) -> dict[str, str]:
    """candidate -> slate, as ``tallyroom analyse`` reads them from the published BLT's parties
    (a CSV of ballots has none: the contest's slates, which the BLT would have carried)."""
    return slates.party_slates(read.parties or lifecycle.slate_labels(count.contest))


def delegations(
    count: ContestCount, candidates: Sequence[str]
) -> tuple[list[pivotal.Delegation], dict[str, dict]]:
    """The contest's ballots as delegations: one per college and weight (a delegation's delegates
    share its card vote equally, so a weight names the delegation that carries it), named by the
    delegation when a conference poll's line items show that only one carries it, else by its
    college and weight: with, for each name of that kind, its words (``Words.stored()``), so that
    it is shown in the reader's language."""
    index = {name: i for i, name in enumerate(candidates)}
    classes: dict[tuple[str, Fraction], list] = defaultdict(list)
    for prefs, weight, college in box.opened_ballots(count.contest):
        classes[(college, Fraction(weight))].append((tuple(index[n] for n in prefs), Fraction(weight)))
    holders = _weight_holders(count)
    out, labels = [], {}
    for (college, weight), ballots in sorted(classes.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
        names = holders.get((college, weight), [])
        if len(names) == 1:
            name = names[0]
        else:
            label = _label(college, weight, len(names))
            name = label.recorded()
            labels[name] = label.stored()
        out.append(pivotal.Delegation(name, tuple(sorted(ballots)), college))
    return out, labels


def _label(college: str, weight: Fraction, holders: int) -> Words:
    """A delegation named by its college and weight, and how many delegations carry it (if known)."""
    if college:
        label = Words(gettext_noop("%(college)s: weight %(weight)s"), college=college, weight=str(weight))
    else:
        label = Words(gettext_noop("weight %(weight)s"), weight=str(weight))
    if not holders:
        return label
    many = plural_noop("%(label)s (%(n)s delegation)", "%(label)s (%(n)s delegations)")
    return Words(*many, holders, label=label, n=holders)


def _weight_holders(count: ContestCount) -> dict[tuple[str, Fraction], list[str]]:
    """(college, weight per delegate) -> the delegations carrying it, from a conference poll's
    line items (none for a contest that is not a poll)."""
    poll = getattr(count.contest.election, "poll", None)
    found: dict[tuple[str, Fraction], list[str]] = defaultdict(list)
    for line in poll.line_items if poll is not None else []:
        if line["weight_per_delegate"]:
            found[(line["college"], Fraction(line["weight_per_delegate"]))].append(line["delegation"])
    return found


def power_game(
    found: Sequence[pivotal.Delegation], shares: Mapping[str, Fraction]
) -> tuple[list[int], int] | Words:
    """The delegations as one weighted game: each weighs its ballots' total, scaled to its
    college's share of the whole when the contest is decided by colleges, all made whole numbers
    by their common denominator; the quota is more than half. Or why the indices are not defined."""
    totals = defaultdict(Fraction)
    for d in found:
        totals[d.college] += d.weight
    exact = [d.weight * shares[d.college] / totals[d.college] if shares else d.weight for d in found]
    scale = lcm(*(w.denominator for w in exact))
    weights = [int(w * scale) for w in exact]
    if sum(weights) > POWER_LIMIT:
        return Words(
            gettext_noop(
                "not computed: as whole numbers the delegations' weights add up to %(total)s, "
                "more than the %(limit)s an exact index is computed for here"
            ),
            total=f"{sum(weights):,}",
            limit=f"{POWER_LIMIT:,}",
        )
    return weights, sum(weights) // 2 + 1


def _power(found: Sequence[pivotal.Delegation], shares: Mapping[str, Fraction]) -> dict[str, Any]:
    game = power_game(found, shares)
    if isinstance(game, Words):
        return {"defined": False, "reason": game.stored()}
    weights, quota = game
    shapley = len(weights) ** 2 * sum(weights) <= SHAPLEY_LIMIT
    p = power.power(weights, quota, shapley=shapley)
    rows = p.rows([d.name for d in found], weights)
    return {"defined": True, "quota": quota, "delegations": rows}


def _pivotal(count: ContestCount, read: BallotFile, slate_of: Mapping[str, str]) -> dict[str, Any] | None:
    """Counterfactual recounts and voting power, for a contest of two or more delegations."""
    candidates = list(read.ballots.candidates)
    found, labels = delegations(count, candidates)
    if len(found) < 2:
        return None
    actual, every = pivotal.counterfactuals(candidates, found, recounter(count, False), slate_of or None)
    shares = {c["college"]: Fraction(c["share"]) for c in count.result.get("colleges", [])}
    return {
        "elected": actual.elected,
        "delegations": [
            {"name": d.name, "college": d.college, "ballots": len(d.ballots), "weight": str(d.weight)}
            for d in found
        ],
        "counterfactuals": [c.to_dict() for c in pivotal.decisive(every)],
        "recounts": len(every),
        "power": _power(found, shares),
        "labels": labels,
    }


def _regions(count: ContestCount, read: BallotFile, result: Result) -> dict[str, Any] | None:
    contest = count.contest
    if not contest.results_by_region:
        return None
    if read.ballots.colleges:
        note = gettext_noop("a contest decided by colleges is not broken down by region")
        return {"cells": [], "note": note}  # translated when shown
    by = box.region_input(contest, list(read.ballots.candidates))
    papers = box.papers_by_region(contest)  # ballot papers: a card vote is one voter
    cells = regions.by_region(by, result, minimum=contest.region_minimum, papers=papers)
    d = result.places
    return {
        "elected": result.elected,
        "finalists": regions.finalists(result),
        "minimum": contest.region_minimum,
        "cells": [
            {
                "regions": list(c.regions),
                "papers": decimal_str(c.papers, 0),
                "below_minimum": c.below_minimum,
                "first": {k: decimal_str(v, d) for k, v in c.first.items()},
                "final": {k: decimal_str(v, d) for k, v in c.final.items()},
            }
            for c in cells
        ],
    }


def compute(count: ContestCount, progress=None) -> ContestAnalysis:
    """Analyse ``count`` (a published count) and keep the analysis; AnalysisError if the recount
    is not the published result."""
    step = progress or (lambda done, total, message=None: None)
    step(0, 4, Words(gettext_noop("recounting the published ballots")))
    read = read_published(count)
    result = recounter(count)(read.ballots)
    if result_json(result) != count.result_json:
        raise AnalysisError(
            Words(
                gettext_noop("%(contest)s: the recount of the published ballots is not the result"),
                contest=count.contest.name,
            )
        )
    slate_of = slate_map(count, read)
    step(1, 4, Words(gettext_noop("slates and transfers")))
    data: dict[str, Any] = {"slates": report.public(report.contest_report(result, slate_of, read.ballots))}
    data["flow"] = charts.flow_chart(result, slate_of)  # drawn in the reader's language when shown
    step(2, 4, Words(gettext_noop("delegations: counterfactual recounts")))
    data["pivotal"] = _pivotal(count, read, slate_of)
    step(3, 4, Words(gettext_noop("regions")))
    data["regions"] = _regions(count, read, result)
    with transaction.atomic():
        analysis, _ = ContestAnalysis.objects.update_or_create(
            count=count, defaults={"data": data, "flow_svg": ""}
        )
    step(4, 4, Words(gettext_noop("analysed")))
    return analysis


def analysing_work(job: Job, progress) -> dict:
    """The analysis job of a contest's published result."""
    published = ContestCount.objects.select_related("contest__election").get(
        contest=job.contest, published=True
    )
    analysis = compute(published, progress)
    ready = Words(gettext_noop("%(name)s: the analyses are ready."), name=job.contest.name)
    return {"analysis": analysis.pk, "message": ready}


def analysis_of(count: ContestCount, user=None) -> tuple[ContestAnalysis | None, Job | None]:
    """The kept analysis of a published count, or the job making it (started if there is none
    yet: a failed one is retried by staff from its page, not started again by a visitor)."""
    kept = ContestAnalysis.objects.filter(count=count).first()
    if kept is not None:
        return kept, None
    contest = count.contest
    job = Job.objects.filter(contest=contest, kind=Job.Kind.ANALYSE).first()
    if job is None:
        with transaction.atomic():
            job = jobs.active(contest.election, Job.Kind.ANALYSE, contest=contest) or jobs.start(
                Job.Kind.ANALYSE,
                contest.election,
                user if user and user.is_authenticated else None,
                contest=contest,
            )
        job.refresh_from_db()
        kept = ContestAnalysis.objects.filter(count=count).first()
    return kept, None if kept else job
