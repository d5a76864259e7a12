"""The counting engine: exact, published rule sets over compressed ballots.

    from tallyroom.count import Ballots, count
    result = count(ballots, "scottish-stv", seats=3)

No Django here: the web app, the CLI and anyone recounting a published result call this same
function. See docs/counting.md for every method, its options and what it was verified against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from .ballots import Ballots
from .colleges import CollegeError, combine, parse_share
from .constraints import Constraint, ConstraintError, Constraints, read_groups
from .context import Context
from .result import College, Result, Stage, Tie
from .rules import RuleSet, method_names, rule_set
from .ties import TieBreaker, TieUnresolved

__all__ = [
    "Ballots",
    "College",
    "CollegeError",
    "Constraint",
    "ConstraintError",
    "Constraints",
    "Context",
    "Result",
    "RuleSet",
    "Stage",
    "Tie",
    "TieBreaker",
    "TieUnresolved",
    "count",
    "method_names",
    "parse_share",
    "read_groups",
    "rule_set",
]


def count(
    ballots: Ballots,
    method: str,
    seats: int = 1,
    *,
    options: Mapping[str, Any] | None = None,
    constraints: Iterable[Constraint | str] = (),
    groups: Mapping[str, Iterable[str]] | None = None,
    tie_seed: str | None = None,
    tie_order: Sequence[str] | None = None,
    withdrawn: Iterable[str] = (),
    ron: str | None = None,
    college_shares: Mapping[str, Fraction | int | str] | None = None,
    record_stages: bool = True,
) -> Result:
    """Count ``ballots`` by the rule set ``method`` for ``seats`` seats.

    ``withdrawn`` candidates are skipped on every ballot. ``ron`` names the candidate standing for
    re-open nominations: it is counted like any other and a seat it wins is reopened.
    ``college_shares`` gives each college of ``ballots`` its share (adding up to 1): the colleges'
    valid votes, after withdrawals, are scaled to their shares (colleges.py) and the result shows
    each college (``Result.colleges``); ballots with colleges need it.
    ``record_stages=False`` (the STV methods: wigm, scottish-stv, ers97, meek) counts the same
    but keeps no stage sheets: ``Result.stages`` is empty and the result says only who is elected
    and the quota (a forecast's Monte Carlo needs no more, and the sheets cost a third of a small count).
    """
    if seats < 1:
        raise ValueError("seats must be at least 1")
    rules = rule_set(method, options)
    withdrawn = list(withdrawn)
    for name in [*withdrawn, *([ron] if ron else [])]:
        ballots.index(name)
    if ron in withdrawn:
        raise ValueError(f"{ron} stands for re-open nominations and cannot be withdrawn")
    standing = [c for c in ballots.candidates if c not in withdrawn]
    unordered = [c for c in standing if tie_order is not None and c not in tie_order]
    if unordered:
        raise ValueError(
            f"the tie order must name every candidate standing; it leaves out {', '.join(unordered)}"
        )
    constraint_set = Constraints(ballots.candidates, constraints, groups or {})
    if constraint_set and not constraint_set.feasible(
        [], [ballots.index(c) for c in standing if c != ron], seats
    ):
        raise ConstraintError(f"the candidates standing cannot meet the constraints {constraint_set}")
    ties = TieBreaker(ballots.candidates, rules.options.ties, tie_seed, tie_order)
    context = Context(
        [ballots.index(c) for c in standing],
        ties,
        constraint_set,
        ballots.index(ron) if ron else None,
        record_stages,
    )
    counted = ballots.without(withdrawn)
    colleges = []
    if college_shares is not None or ballots.colleges:
        if college_shares is None:
            raise CollegeError(
                None, f"these ballots carry colleges ({', '.join(ballots.colleges)}): give each its share"
            )
        marks = getattr(rules.module, "first_marks", lambda options, seats: 1)(rules.options, seats)
        combination = combine(counted, college_shares, marks)
        counted, colleges = combination.ballots, combination.colleges
    result = rules.module.count(counted, seats, rules.options, context)
    result.method = rules.name
    result.options = rules.options_dict()
    result.withdrawn = withdrawn
    result.ron = ron
    result.constraints = [str(c) for c in constraint_set.constraints]
    result.tie_seed = tie_seed
    result.title = ballots.title
    result.colleges = colleges
    return result
