"""Forecasts of a contest from uploaded canvass returns (docs/analysis.md), run as jobs.

The contest gives the candidates on its ballot (RON too, if offered), their slates (each
candidate's first slate; one on none, and RON, stand alone) and the rules its real count uses
(``counting_rules``: method, seats, options, constraints over the candidates' groups, RON and
the colleges' shares); the upload gives the canvass returns; the model is ``analysis.forecast.simple_model``
with the cohesion chosen. ``start`` checks the returns and stores them with the job in one
transaction (bad returns store nothing, and say which line is wrong); ``forecasting_work`` runs
the Monte Carlo in the worker, its progress the simulations done, and keeps what it found.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext_noop

from tallyroom.analysis import forecast
from tallyroom.audit.events import record
from tallyroom.elections.ballot import RON_NAME, ballot_candidates, is_ron
from tallyroom.elections.models import Contest
from tallyroom.formats import FormatError
from tallyroom.formats.ballotfile import decode_text
from tallyroom.jobs import runner as jobs
from tallyroom.jobs.models import Job
from tallyroom.words import Words, plural_noop

from .models import Forecast

MAX_SIMULATIONS = 20_000  # in all: the forecast's, and each step's of a bloc moved
SHARES = (0.05, 0.1, 0.2)  # the steps of a bloc moved (sensitivity), after the forecast itself
MAX_UPLOAD = 1_000_000  # bytes of canvass returns


class ForecastRefused(ValueError):
    """The forecast cannot start; the message says why."""


def contest_slates(contest: Contest) -> dict[str, str]:
    """candidate -> slate, for the candidates on the ballot in ballot order (as the count has
    them): each one's first slate (one standing on none, and RON, alone)."""
    found = {}
    for c in ballot_candidates(contest):
        on = [] if is_ron(c) else list(c.slates.all())
        found[c.name] = on[0].name if on else c.name
    return found


def counting_rules(contest: Contest) -> forecast.Contest:
    """How the contest's real count counts (lifecycle.count): its simulated ballots are counted
    the same way, lots drawn from each simulation's seed instead of the contest's."""
    standing = set(contest_slates(contest))
    groups = {name: tuple(g) for name, g in contest.candidate_groups().items() if name in standing}
    return forecast.Contest(
        contest.method,
        contest.seats,
        dict(contest.options),
        tuple(contest.constraint_lines()),
        groups,
        ron=RON_NAME if contest.ron else None,
        college_shares=dict(contest.college_shares) or None,
    )


def model_of(contest: Contest, cohesion: float) -> forecast.Model:
    found = contest_slates(contest)
    return forecast.simple_model(list(found), found, cohesion, RON_NAME if contest.ron else None)


def slate_columns(contest: Contest) -> list[str]:
    """The slates a canvass of ``contest`` counts supporters of, its columns: RON is none."""
    return forecast.blocs(model_of(contest, 0.8))


def start(
    contest: Contest,
    user,
    data: bytes,
    name: str,
    cohesion: float,
    simulations: int,
    seed: int,
    shift: tuple[str, str] = ("", ""),
) -> Forecast:
    """Check the canvass returns ``data`` (the upload called ``name``) against the contest's slates
    and start the forecast's job; ForecastRefused (nothing stored) if they or the figures are wrong.
    ``shift`` (FROM, TO): also forecast with each of ``SHARES`` of FROM's bloc moved to TO."""
    if len(data) > MAX_UPLOAD:
        raise ForecastRefused(
            Words(
                gettext_noop("%(name)s: %(size)s bytes; canvass returns of at most %(most)s are taken"),
                name=name,
                size=f"{len(data):,}",
                most=f"{MAX_UPLOAD:,}",
            )
        )
    if not 0 <= cohesion <= 1:
        raise ForecastRefused(
            Words(gettext_noop("cohesion %(cohesion)s is not between 0 and 1"), cohesion=cohesion)
        )
    runs = 1 + len(SHARES) if any(shift) else 1
    if not 1 <= simulations * runs <= MAX_SIMULATIONS:
        if runs > 1:
            why = gettext_noop("simulations %(simulations)s: choose 1 to %(most)s with a bloc moved")
        else:
            why = gettext_noop("simulations %(simulations)s: choose 1 to %(most)s")
        raise ForecastRefused(Words(why, simulations=simulations, most=f"{MAX_SIMULATIONS // runs:,}"))
    if seed < 0:
        raise ForecastRefused(Words(gettext_noop("seed %(seed)s is negative"), seed=seed))
    try:
        units = forecast.parse_canvass(data, name)
    except FormatError as e:
        raise ForecastRefused(Words.from_stored(e.words)) from None
    model = model_of(contest, cohesion)
    blocs = forecast.blocs(model)
    unknown = sorted({b for u in units for b in u.supporters} - set(blocs))
    if unknown:
        raise ForecastRefused(
            Words(
                *plural_noop(
                    "%(name)s: the column %(columns)s name no slate of %(contest)s (its slates: %(slates)s)",
                    "%(name)s: the columns %(columns)s name no slate of %(contest)s (its slates: %(slates)s)",
                ),
                len(unknown),
                name=name,
                columns=", ".join(unknown),
                contest=contest.name,
                slates=", ".join(blocs),
            )
        )
    try:
        counting_rules(contest).check(model.candidates, units)
    except ValueError as e:
        raise ForecastRefused(f"{name}: {e}") from None
    source, target = shift
    if any(shift) and (source not in blocs or target not in blocs or source == target):
        none = Words(gettext_noop("(none)"))
        raise ForecastRefused(
            Words(
                gettext_noop(
                    "to move a bloc, name two different slates of %(contest)s (%(slates)s), "
                    "not %(source)s and %(target)s"
                ),
                contest=contest.name,
                slates=", ".join(blocs),
                source=source or none,
                target=target or none,
            )
        )
    with transaction.atomic():
        made = Forecast.objects.create(
            contest=contest,
            canvass=decode_text(data),
            canvass_name=name,
            cohesion=cohesion,
            simulations=simulations,
            seed=seed,
            shift_from=source,
            shift_to=target,
            created_by=user,
        )
        record(
            user,
            "results.forecast",
            f"contest:{contest.pk}",
            forecast=made.pk,
            canvass=name,
            canvass_sha256=hashlib.sha256(data).hexdigest(),
            cohesion=cohesion,
            simulations=simulations,
            seed=seed,
            shift=f"{source}:{target}" if any(shift) else "",
        )
        made.job = jobs.start(Job.Kind.FORECAST, contest.election, user, contest=contest, queue=False)
        made.save(update_fields=["job"])
        jobs.enqueue(made.job)
    return made


def forecasting_work(job: Job, progress) -> dict:
    """The forecast's job: its simulations, counted by the contest's rules, in this process; then,
    with a bloc to move, the same seed's simulations with each of ``SHARES`` of it moved
    (``result["moved"]``), as ``tallyroom analyse forecast --shift`` runs them."""
    made = job.forecast
    contest = made.contest
    units = forecast.parse_canvass(made.canvass.encode("utf-8"), made.canvass_name)
    model, rules = model_of(contest, made.cohesion), counting_rules(contest)
    shares = SHARES if made.shift_from else ()
    total = made.simulations * (1 + len(shares))

    def run(share: float, before: int) -> forecast.Forecast:
        moved = forecast.shifted(units, made.shift_from, made.shift_to, share) if share else units
        return forecast.forecast(
            model,
            moved,
            rules,
            made.simulations,
            made.seed,
            workers=1,
            progress=lambda done, _: progress(before + done, total, _simulations(before + done, total)),
        )

    made.result = run(0.0, 0).to_dict()
    if shares:
        made.result["moved"] = {
            "from": made.shift_from,
            "to": made.shift_to,
            "runs": [
                {"share": s, **run(s, made.simulations * (k + 1)).to_dict()} for k, s in enumerate(shares)
            ],
        }
    made.save(update_fields=["result"])
    ready = Words(
        gettext_noop("Forecast of %(name)s (seed %(seed)s) ready."), name=contest.name, seed=made.seed
    )
    return {"forecast": made.pk, "message": ready}


def _simulations(done: int, total: int) -> Words:
    plural = plural_noop("%(done)s of %(total)s simulation", "%(done)s of %(total)s simulations")
    return Words(*plural, total, done=f"{done:,}", total=f"{total:,}")
