"""Forecasts from canvass returns: Monte Carlo ballots by slate and bloc, counted by the engine.

**Canvass returns** (CSV, one row per unit, a header first)::

    unit,turnout,undecided,weight,Left,Right
    Ward A,0.62,40,1,120,95
    Ward B,0.55,10,1,60,150

``unit`` names the unit; ``turnout`` is the share (0 to 1) of its canvassed members expected to
vote; ``undecided`` (optional, default 0) counts members who back no slate yet; ``weight``
(optional, default 1) is the weight of each ballot cast there (a delegate's card vote);
``college`` (exactly when the contest is decided by electoral colleges) names the college its
ballots count in; every other column is a slate, counting its supporters there. Supporters of a
slate are its *bloc*.

**One simulation**: in each unit, each bloc's voters are Binomial(supporters, turnout); the
undecided who vote are Binomial(undecided, turnout), split among the blocs multinomially in
proportion to the unit's decided supporters (equally where none are). Each voter's ballot is
drawn from the **slate Plackett-Luce** model as VoteKit (``slate_pl_profile_generator``)
defines it: the ballot's sequence of slates is drawn position by position, each position's slate
with probability proportional to the bloc's *cohesion* with it among the slates that still have
candidates left; slates of zero cohesion follow in random order. Then each slate's candidates
fill that slate's positions in a Plackett-Luce order by the bloc's *support* for them
(equal support unless given). Ballots rank every candidate. The ballots are counted by
``tallyroom.count.count`` exactly as the real count would count them (``Contest``: constraints,
withdrawn, RON, tie rules and colleges included), lot ties drawn from the simulation's own seed;
a simulation a tie stops that the rules leave unsettled is reported, not counted.

**Seeds**: the forecast's seed makes NumPy's ``SeedSequence``; simulations run in fixed blocks,
each from its own child seed, so the figures are the same whatever the number of worker
processes. A forecast prints its seed; the same seed and inputs give the same figures.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from fractions import Fraction
from math import lcm
from pathlib import Path

import numpy as np

from tallyroom.count import Ballots, Result, TieUnresolved, count
from tallyroom.count.ballots import index_dtype
from tallyroom.formats.ballotfile import WEIGHT, decode_text
from tallyroom.formats.errors import FormatError
from tallyroom.stored_words import gettext_noop, stored

BLOCK = 200  # simulations per block (each block has its own child seed)
_FIXED = ("unit", "turnout", "undecided", "weight", "college")


@dataclass(frozen=True)
class Unit:
    name: str
    turnout: float
    undecided: int
    weight: Fraction
    supporters: dict[str, int]  # bloc (slate) -> canvassed supporters
    college: str = ""  # the electoral college its ballots count in (a contest decided by colleges)


def read_canvass(path: str | Path) -> list[Unit]:
    """Read canvass returns (module docstring); FormatError names the file, line and problem."""
    return parse_canvass(Path(path).read_bytes(), str(path))


def parse_canvass(data: bytes, source: str = "<canvass>") -> list[Unit]:
    """Canvass returns from the bytes of a file (an upload) called ``source``."""
    reader = csv.reader(io.StringIO(decode_text(data), newline=""))
    header: list[str] | None = None
    units: list[Unit] = []
    try:
        for cells in reader:
            line = reader.line_num
            cells = [c.strip() for c in cells]
            if not any(cells):
                continue
            if header is None:
                header = [c for c in cells]
                if header[:1] != ["unit"] or "turnout" not in header:
                    raise FormatError(
                        source,
                        line,
                        stored(gettext_noop("the header must start unit, and have a turnout column")),
                    )
                if not [c for c in header if c not in _FIXED]:
                    raise FormatError(
                        source,
                        line,
                        stored(
                            gettext_noop(
                                "no slate columns: every column but unit, turnout, "
                                "undecided, weight and college names a slate"
                            )
                        ),
                    )
                continue
            if len(cells) != len(header):
                raise FormatError(
                    source,
                    line,
                    stored(
                        gettext_noop("expected %(width)s cells, found %(found)s"),
                        width=len(header),
                        found=len(cells),
                    ),
                )
            row = dict(zip(header, cells, strict=True))
            units.append(_unit(row, source, line))
    except csv.Error as e:
        raise FormatError(
            source, reader.line_num, stored(gettext_noop("not CSV: %(why)s"), why=str(e))
        ) from None
    if not units:
        raise FormatError(source, None, stored(gettext_noop("no units")))
    return units


def _unit(row: Mapping[str, str], source: str, line: int) -> Unit:
    def number(name: str, default: str = "0") -> int:
        text = row.get(name, default) or default
        if not text.isdigit():
            raise FormatError(
                source,
                line,
                stored(
                    gettext_noop("%(column)s %(text)s is not a whole number"), column=name, text=repr(text)
                ),
            )
        return int(text)

    try:
        turnout = float(row["turnout"])
    except ValueError:
        raise FormatError(
            source,
            line,
            stored(gettext_noop("turnout %(turnout)s is not a number"), turnout=repr(row["turnout"])),
        ) from None
    if not 0 <= turnout <= 1:
        raise FormatError(
            source, line, stored(gettext_noop("turnout %(turnout)s is not between 0 and 1"), turnout=turnout)
        )
    weight = row.get("weight") or "1"
    if not WEIGHT.fullmatch(weight):
        raise FormatError(
            source, line, stored(gettext_noop("weight %(weight)s is not a number"), weight=repr(weight))
        )
    blocs = {k: number(k) for k in row if k not in _FIXED}
    return Unit(row["unit"], turnout, number("undecided"), Fraction(weight), blocs, row.get("college", ""))


@dataclass(frozen=True)
class Model:
    """Slate Plackett-Luce by bloc. ``slates``: slate -> its candidates (ticket order);
    ``cohesion[bloc][slate]``: the bloc's cohesion with each slate (need not sum to 1: they are
    normalised); ``support[bloc][candidate]``: the bloc's support for candidates within a slate
    (missing: equal). ``ron``: the RON candidate, on a "slate" of its own that is no bloc and
    gets no seats-by-slate figures (``simple_model``)."""

    candidates: tuple[str, ...]
    slates: dict[str, tuple[str, ...]]
    cohesion: dict[str, dict[str, float]]
    support: dict[str, dict[str, float]] = field(default_factory=dict)
    ron: str | None = None


def simple_model(
    candidates: Sequence[str], slates: Mapping[str, str], cohesion: float, ron: str | None = None
) -> Model:
    """Each slate's bloc gives its own slate ``cohesion`` and shares the rest equally among the
    other slates; equal support within slates. ``slates``: candidate -> slate. ``ron`` (re-open
    nominations) is no slate: no bloc backs it and no canvass counts its supporters, so every
    bloc gives it cohesion 0 and it comes last on every ballot drawn."""
    by_slate: dict[str, list[str]] = {}
    for c in candidates:
        if c != ron:
            by_slate.setdefault(slates.get(c, c), []).append(c)
    names = list(by_slate)
    rest = (1 - cohesion) / (len(names) - 1) if len(names) > 1 else 0.0
    table = {b: {s: cohesion if s == b else rest for s in names} for b in names}
    if ron in candidates:
        by_slate[ron] = [ron]
        for row in table.values():
            row[ron] = 0.0
    slated = {s: tuple(v) for s, v in by_slate.items()}
    return Model(tuple(candidates), slated, table, ron=ron if ron in candidates else None)


def blocs(model: Model) -> list[str]:
    """The slates a canvass may count supporters of: every slate but RON's."""
    return [s for s in model.slates if s != model.ron]


def read_table(path: str | Path, column: str) -> dict[str, dict[str, float]]:
    """A ``bloc,NAME,value`` CSV (header ``bloc,slate,cohesion`` or ``bloc,candidate,support``:
    ``column`` names the second column) as bloc -> name -> value (a non-negative number)."""
    source = str(path)
    reader = csv.reader(io.StringIO(decode_text(Path(path).read_bytes()), newline=""))
    table: dict[str, dict[str, float]] = {}
    for cells in reader:
        line = reader.line_num
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if len(cells) != 3:
            raise FormatError(source, line, f"expected 3 columns bloc,{column},value, found {len(cells)}")
        if not table and cells[0].lower() == "bloc" and cells[1].lower() == column:
            continue
        try:
            value = float(cells[2])
        except ValueError:
            raise FormatError(source, line, f"{cells[2]!r} is not a number") from None
        if not value >= 0:
            raise FormatError(source, line, f"{value} is negative")
        table.setdefault(cells[0], {})[cells[1]] = value
    return table


def sample_ballots(model: Model, bloc: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` full rankings (candidate indexes) for voters of ``bloc``, by slate Plackett-Luce.

    The slate of each position, drawn by cohesion among the slates with candidates left, is
    drawn here all at once: give each slate a Poisson process of rate equal to its cohesion; the
    merged events are i.i.d. draws by cohesion, and dropping a slate's events once its candidates
    are used up is exactly the draw among the slates left (memorylessness). So a slate's ``k``
    positions come at its first ``k`` events, and sorting every candidate's time gives the
    ballot. Each candidate of a slate takes one of its slate's event times:

    - by Plackett-Luce on support (an exponential race: ascending E / support, zero support
      last), the ``j``-th of the race takes the ``j``-th event, the running sum of ``j``
      exponential gaps of rate ``cohesion``;
    - with equal support (the order within the slate uniform), at once: given the ``k+1``-th
      event at ``G`` (Gamma(k+1) / cohesion), the first ``k`` are ``k`` uniforms on (0, G) in
      order, and which candidate takes which is a uniform order, so each takes ``U * G``.

    Zero-cohesion slates come last, their positions in random order, each slate's candidates
    in its race order. One sort of the candidates' times per ballot then gives the ranking.
    """
    index = {c: i for i, c in enumerate(model.candidates)}
    cohesion = model.cohesion.get(bloc, {})
    if not any(cohesion.get(s, 0) > 0 for s in model.slates):
        raise ValueError(f"bloc {bloc!r} has no cohesion with any slate")
    f32 = np.float32
    support_of = model.support.get(bloc, {})
    times: dict[str, np.ndarray] = {}  # slate -> (n, k): when each candidate's position comes
    dead: list[tuple[str, np.ndarray]] = []  # zero-cohesion slates and their race orders
    for s, members in model.slates.items():
        k, rate = len(members), cohesion.get(s, 0.0)
        support = np.array([support_of.get(c, 1.0) for c in members], dtype=f32)
        if rate > 0 and (support == 1).all():
            gamma = rng.standard_gamma(k + 1, size=(n, 1), dtype=f32) / f32(rate)
            times[s] = rng.random((n, k), dtype=f32) * gamma
            continue
        race = rng.standard_exponential((n, k), dtype=f32)
        if (support != 1).any():
            late = f32(1e30) * (1 + rng.random((n, k), dtype=f32))
            with np.errstate(divide="ignore"):
                race = np.where(support > 0, race / support, late)
        order = np.argsort(race, axis=1)
        if rate > 0:
            events = _running_sums(rng.standard_exponential((n, k), dtype=f32)) / f32(rate)
            times[s] = _assign(events, order)
        else:
            dead.append((s, order))
    if dead:  # after every live position, in random order
        last = np.concatenate(list(times.values()), axis=1).max(axis=1)  # the live slates' times
        for s, order in dead:
            events = np.sort(last[:, None] + 1 + rng.random(order.shape, dtype=f32), axis=1)
            times[s] = _assign(events, order)
    slates = list(model.slates)
    columns = [index[c] for s in slates for c in model.slates[s]]
    columns = np.array(columns, dtype=index_dtype(len(model.candidates)))  # what Ballots hold
    return columns[np.argsort(np.concatenate([times[s] for s in slates], axis=1), axis=1)]


def _assign(events: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Each candidate's time when the candidate ``order[:, j]`` takes the event ``events[:, j]``."""
    out = np.empty_like(events)
    np.put_along_axis(out, order, events, axis=1)
    return out


def _running_sums(gaps: np.ndarray) -> np.ndarray:
    """``np.cumsum(gaps, axis=1)``, the same floats (added in the same order), a column at a time:
    a few calls over long columns, not one short row after another."""
    for j in range(1, gaps.shape[1]):
        gaps[:, j] += gaps[:, j - 1]
    return gaps


@dataclass(frozen=True)
class Forecast:
    seed: int
    simulations: int
    candidates: tuple[str, ...]
    wins: dict[str, int]  # simulations in which each candidate is elected
    seats: dict[str, dict[int, int]]  # slate -> seats won -> simulations
    mean_ballots: float
    unsettled: int = 0  # simulations stopped by a tie the contest's rules leave unsettled

    @property
    def settled(self) -> int:
        """The simulations whose count the rules settled: the probabilities are shares of these."""
        return self.simulations - self.unsettled

    def win_probability(self) -> dict[str, float]:
        return {c: self.wins[c] / max(self.settled, 1) for c in self.candidates}

    def seat_distribution(self) -> dict[str, dict[int, float]]:
        n = max(self.settled, 1)
        return {s: {k: v / n for k, v in sorted(d.items())} for s, d in self.seats.items()}

    def to_dict(self) -> dict:
        return {
            "seed": self.seed,
            "simulations": self.simulations,
            "mean_ballots": round(self.mean_ballots, 1),
            "unsettled_ties": self.unsettled,
            "win_probability": {c: round(p, 4) for c, p in self.win_probability().items()},
            "seats": {
                s: {str(k): round(p, 4) for k, p in d.items()} for s, d in self.seat_distribution().items()
            },
        }


@dataclass(frozen=True)
class Contest:
    """How the simulated ballots are counted: as the real count would count them, by the
    method, seats and options, the constraints over the candidates' ``groups``, with the
    ``withdrawn`` skipped, ``ron`` standing for re-open nominations, the ``tie_order`` of the
    'order' tie rule and, for a contest decided by electoral colleges, each college's share (each
    unit of the canvass then names its college). Lots are drawn from each simulation's own seed."""

    method: str
    seats: int
    options: dict = field(default_factory=dict)
    constraints: tuple[str, ...] = ()
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    withdrawn: tuple[str, ...] = ()
    ron: str | None = None
    tie_order: tuple[str, ...] | None = None
    college_shares: dict[str, Fraction | str] | None = None

    def count(self, ballots: Ballots, tie_seed: str) -> Result:
        """The engine's count of ``ballots`` by these rules, without stage sheets."""
        return count(
            ballots,
            self.method,
            self.seats,
            options=self.options,
            constraints=self.constraints,
            groups=self.groups or None,
            tie_seed=tie_seed,
            tie_order=self.tie_order,
            withdrawn=self.withdrawn,
            ron=self.ron,
            college_shares=self.college_shares,
            record_stages=False,
        )

    def check(self, candidates: Sequence[str], units: Sequence[Unit]) -> None:
        """ValueError (naming the problem) if these rules cannot count ballots over
        ``candidates`` from ``units``: found by counting one ballot ranking them all (a tie the
        rules leave unsettled there is no error: the simulations report theirs)."""
        colleges = tuple(sorted(self.college_shares or ()))
        for u in units:
            if colleges and u.college not in colleges:
                raise ValueError(
                    f"unit {u.name}: the contest is decided by the colleges {', '.join(colleges)}: "
                    f"name one in its college column{f', not {u.college!r}' if u.college else ''}"
                )
            if u.college and not colleges:
                raise ValueError(f"unit {u.name} names college {u.college!r}; the contest has no colleges")
        one = np.arange(len(candidates), dtype=index_dtype(len(candidates)))[None, :]
        weight = np.ones(1, dtype=np.int64)
        college = np.zeros(1, np.int32) if colleges else None
        ballots = Ballots(tuple(candidates), one, weight, 1, "", colleges, college)
        try:
            self.count(ballots, "check")
        except TieUnresolved:
            pass
        except KeyError as e:  # a withdrawn, RON or tie-order name that is not a candidate
            raise ValueError(e.args[0]) from None


def _voters(units: Sequence[Unit], blocs: Sequence[str], sims: int, rng: np.random.Generator) -> np.ndarray:
    """voters[sim, u, b]: the voters of each bloc in each unit, for ``sims`` simulations at once."""
    decided = np.array([[u.supporters.get(b, 0) for b in blocs] for u in units], dtype=np.int64)
    turnout = np.array([u.turnout for u in units])
    out = rng.binomial(decided, turnout[:, None], size=(sims, *decided.shape))
    undecided = np.array([u.undecided for u in units], dtype=np.int64)
    if undecided.any():
        extra = rng.binomial(undecided, turnout, size=(sims, len(units)))
        total = decided.sum(axis=1, keepdims=True)
        share = np.where(total > 0, decided / np.maximum(total, 1), 1 / len(blocs))
        out += rng.multinomial(extra, share)
    return out


def _block(args) -> tuple[np.ndarray, int, np.ndarray]:
    """Run one block of simulations; returns elected[sim, candidate], the ballots counted and
    settled[sim] (False: a tie the rules leave unsettled stopped the count). The block's voters
    are drawn first, then every ballot of each bloc at once."""
    model, units, contest, seed_seq, sims, label = args
    rng = np.random.default_rng(seed_seq)
    blocs = [b for b in model.slates if any(b in u.supporters for u in units)]
    scale = lcm(*(w.denominator for w in (u.weight for u in units)))
    unit_weight = np.array([int(u.weight * scale) for u in units], dtype=np.int64)
    colleges = tuple(sorted(contest.college_shares or ()))
    unit_college = np.array([colleges.index(u.college) if colleges else 0 for u in units], np.int32)
    voters = _voters(units, blocs, sims, rng)  # sim, unit, bloc
    per_sim = voters.sum(axis=1)  # sim, bloc
    drawn = [sample_ballots(model, b, int(per_sim[:, k].sum()), rng) for k, b in enumerate(blocs)]
    starts = np.vstack([np.zeros((1, len(blocs)), np.int64), np.cumsum(per_sim, axis=0)])
    elected = np.zeros((sims, len(model.candidates)), dtype=bool)
    where = {c: i for i, c in enumerate(model.candidates)}
    counted = 0
    settled = np.ones(sims, dtype=bool)
    for k in range(sims):
        rankings = [drawn[b][starts[k, b] : starts[k + 1, b]] for b in range(len(blocs))]
        weights = [np.repeat(unit_weight, voters[k, :, b]) for b in range(len(blocs))]
        college = None
        if colleges:
            college = np.concatenate([np.repeat(unit_college, voters[k, :, b]) for b in range(len(blocs))])
        ballots = Ballots(
            model.candidates, np.concatenate(rankings), np.concatenate(weights), scale, "", colleges, college
        )
        if not len(ballots):
            continue
        counted += len(ballots)
        try:
            result = contest.count(ballots, f"{label}-{k}")
        except TieUnresolved:
            settled[k] = False
            continue
        elected[k, [where[c] for c in result.elected]] = True
    return elected, counted, settled


def forecast(
    model: Model,
    units: Sequence[Unit],
    contest: Contest,
    simulations: int,
    seed: int,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Forecast:
    """Monte Carlo of ``simulations`` counts (module docstring). ``workers`` processes (default:
    the cores, at most 2 blocks each); the figures do not depend on it. ``progress(done, total)``
    is told the simulations done after each block."""
    unknown = {b for u in units for b in u.supporters} - set(blocs(model))
    if unknown:
        raise ValueError(f"the canvass names slates the model lacks: {', '.join(sorted(unknown))}")
    strays = {s for row in model.cohesion.values() for s in row} - set(model.slates)
    strays |= {c for row in model.support.values() for c in row} - set(model.candidates)
    if strays:
        raise ValueError(f"the model's tables name no slate or candidate {', '.join(sorted(strays))}")
    contest.check(model.candidates, units)
    blocks = [min(BLOCK, simulations - lo) for lo in range(0, simulations, BLOCK)]
    children = np.random.SeedSequence(seed).spawn(len(blocks))
    jobs = [
        (model, list(units), contest, s, n, f"{seed}-{i}")
        for i, (s, n) in enumerate(zip(children, blocks, strict=True))
    ]
    workers = min(workers or os.cpu_count() or 1, len(jobs))
    parts: list[tuple[np.ndarray, int, np.ndarray]] = []
    with ProcessPoolExecutor(workers) if workers > 1 else nullcontext() as pool:
        for part in pool.map(_block, jobs) if pool else map(_block, jobs):
            parts.append(part)
            if progress:
                progress(sum(len(p[0]) for p in parts), simulations)
    if not parts:
        raise ValueError("a forecast needs at least one simulation")
    settled = np.concatenate([p[2] for p in parts])
    elected = np.concatenate([p[0] for p in parts])[settled]
    counted = sum(p[1] for p in parts)
    wins = {c: int(elected[:, i].sum()) for i, c in enumerate(model.candidates)}
    seats: dict[str, dict[int, int]] = {}
    for s in blocs(model):
        cols = [model.candidates.index(c) for c in model.slates[s]]
        values, counts = np.unique(elected[:, cols].sum(axis=1), return_counts=True)
        seats[s] = {int(v): int(c) for v, c in zip(values, counts, strict=True)}
    mean = counted / max(simulations, 1)
    return Forecast(seed, simulations, model.candidates, wins, seats, mean, int((~settled).sum()))


def shifted(units: Sequence[Unit], source: str, target: str, share: float) -> list[Unit]:
    """The canvass with ``share`` of ``source``'s supporters in every unit moved to ``target``
    (rounded down to whole members)."""
    out = []
    for u in units:
        moved = int(u.supporters.get(source, 0) * share)
        supporters = dict(u.supporters)
        supporters[source] = supporters.get(source, 0) - moved
        supporters[target] = supporters.get(target, 0) + moved
        out.append(replace(u, supporters=supporters))
    return out


def sensitivity(
    model: Model,
    units: Sequence[Unit],
    contest: Contest,
    source: str,
    target: str,
    shares: Sequence[float],
    simulations: int,
    seed: int,
    workers: int | None = None,
) -> list[tuple[float, Forecast]]:
    """The forecast as ``source``'s bloc moves to ``target`` by each share (same seed for each,
    so the differences come from the move, not the draws)."""
    return [
        (s, forecast(model, shifted(units, source, target, s), contest, simulations, seed, workers))
        for s in shares
    ]
