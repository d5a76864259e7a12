"""Each delegation's delegate entitlement, by a rule held as data, with its working.

    from tallyroom.conference.entitlement import Counts, entitle, rule
    e = entitle(Counts(members=1001, women=120, young=35), rule("labour"), delegation="Thames North CLP")
    e.total, e.women_at_least, e.working    # 5, 2, ["First 749 members: 1 delegate.", ...]

Rules are tables of ``entitlement.toml`` (Labour's rule book, chapter 3, ships as ``labour``) or
of any TOML file of the same form. The counts are the caller's: members, women members and young
members as at the rule's date. docs/conference.md quotes the clause followed and how it is read.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tallyroom.formats import spreadsheet

PRESETS_FILE = Path(__file__).with_name("entitlement.toml")


@dataclass(frozen=True)
class Rule:
    """How many delegates a delegation may send for its membership (see entitlement.toml)."""

    name: str
    description: str
    source: str
    counted_as_at: str
    first_band: int
    band: int
    max_delegates: int
    women_every: int
    sole_delegate_alternates: bool
    extra_woman_at: int
    extra_young_at: int
    young_under: int
    extras_within_cap: bool

    def __post_init__(self):
        for name in ("first_band", "band", "max_delegates", "women_every"):
            if getattr(self, name) < 1:
                raise ValueError(f"entitlement rule {self.name}: {name} must be at least 1")
        for name in ("extra_woman_at", "extra_young_at", "young_under"):
            if getattr(self, name) < 0:
                raise ValueError(f"entitlement rule {self.name}: {name} must not be negative")


@dataclass(frozen=True)
class Counts:
    """A delegation's membership as the rule counts it (``as_at``: the date counted at)."""

    members: int
    women: int = 0
    young: int = 0
    as_at: date | None = None


@dataclass(frozen=True)
class Entitlement:
    """What a delegation may send, and the working that shows why."""

    delegation: str
    rule: str
    counts: Counts
    for_members: int  # delegates for the membership, after the cap
    women_among_them: int  # the least number of women among those
    extra_woman: bool
    extra_young: bool
    working: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.for_members + self.extra_woman + self.extra_young

    @property
    def women_at_least(self) -> int:
        return self.women_among_them + self.extra_woman

    def to_dict(self) -> dict[str, Any]:
        c = self.counts
        return {
            "delegation": self.delegation,
            "rule": self.rule,
            "as_at": None if c.as_at is None else c.as_at.isoformat(),
            "members": c.members,
            "women": c.women,
            "young": c.young,
            "for_members": self.for_members,
            "women_among_them": self.women_among_them,
            "extra_woman": self.extra_woman,
            "extra_young": self.extra_young,
            "total": self.total,
            "women_at_least": self.women_at_least,
            "working": list(self.working),
        }


def presets(path: str | Path = PRESETS_FILE) -> dict[str, Rule]:
    """Every rule in a TOML file of entitlement rules, by name; ValueError names what is wrong."""
    with open(path, "rb") as f:
        tables = tomllib.load(f)
    fields = {f.name: f.type for f in dataclasses.fields(Rule) if f.name != "name"}
    rules = {}
    for name, table in tables.items():
        missing = sorted(set(fields) - set(table))
        unknown = sorted(set(table) - set(fields))
        if missing or unknown:
            problem = f"lacks {', '.join(missing)}" if missing else f"has no setting {unknown[0]!r}"
            raise ValueError(f"{path}: entitlement rule [{name}] {problem}")
        for key, value in table.items():
            expected = {"int": int, "bool": bool, "str": str}[fields[key]]
            if type(value) is not expected:
                raise ValueError(f"{path}: [{name}] {key} must be {fields[key]}, not {value!r}")
        rules[name] = Rule(name=name, **table)
    return rules


def rule(name: str, path: str | Path = PRESETS_FILE) -> Rule:
    """The rule called ``name`` (``labour`` ships)."""
    table = presets(path)
    if name not in table:
        raise ValueError(f"no entitlement rule {name!r}; choose from {', '.join(table)}")
    return table[name]


def entitle(
    counts: Counts, rule: Rule, delegation: str = "", sole_delegate_last_year_woman: bool | None = None
) -> Entitlement:
    """The entitlement of one delegation. ``sole_delegate_last_year_woman``: whether last year's
    delegate was a woman, for the alternate-year rule on a sole delegate (None: not known, taken
    as not)."""
    _check(counts, delegation)
    working = [_counted(counts, rule)]
    n = _for_members(counts.members, rule, working)
    if n == 0:
        working.append("Entitlement: no delegates.")
        return Entitlement(delegation, rule.name, counts, 0, 0, False, False, working)
    women = _women(n, rule, sole_delegate_last_year_woman, working)
    room = rule.max_delegates - n if rule.extras_within_cap else None  # None: extras are over the cap
    extra_woman = _extra(counts.women, rule.extra_woman_at, "women members", "woman delegate", working)
    extra_woman = extra_woman and _within(room, "woman", working)
    room = None if room is None else room - extra_woman
    young = f"delegate under {rule.young_under}"
    extra_young = _extra(counts.young, rule.extra_young_at, "young members", young, working)
    extra_young = extra_young and _within(room, "young", working)
    total = n + extra_woman + extra_young
    at_least = women + extra_woman
    women_text = {0: "no woman required", 1: "at least one of them a woman"}.get(
        at_least, f"at least {at_least} of them women"
    )
    working.append(f"Entitlement: {_delegates(total)}, {women_text}.")
    return Entitlement(delegation, rule.name, counts, n, women, extra_woman, extra_young, working)


class _Line:
    def write(self, value):
        return value


def entitlements_lines(entitlements: Iterable[Entitlement]) -> Iterator[str]:
    """Entitlements as a CSV table for export, a line at a time: one row per delegation, the
    working in its last column (lines joined by a space)."""
    writer = spreadsheet.writer(_Line(), lineterminator="\n")
    header = ["delegation", "rule", "as_at", "members", "women", "young", "for_members"]
    header += ["women_among_them", "extra_woman", "extra_young", "total", "women_at_least", "working"]
    yield writer.writerow(header)
    for e in entitlements:
        d = e.to_dict()
        d["working"] = " ".join(d["working"])
        yield writer.writerow(
            ["" if d[k] is None else str(d[k]).lower() if isinstance(d[k], bool) else d[k] for k in header]
        )


def entitlements_csv(entitlements: Iterable[Entitlement]) -> str:
    """``entitlements_lines`` as one text."""
    return "".join(entitlements_lines(entitlements))


def _check(counts: Counts, delegation: str) -> None:
    who = f"{delegation}: " if delegation else ""
    for name in ("members", "women", "young"):
        value = getattr(counts, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{who}{name} must be a whole number, not {value!r}")
    for name in ("women", "young"):
        if getattr(counts, name) > counts.members:
            raise ValueError(
                f"{who}{getattr(counts, name):,} {name} members but only {counts.members:,} members"
            )


def _counted(counts: Counts, rule: Rule) -> str:
    when = f"as at {counts.as_at.isoformat()}" if counts.as_at else f"as at {rule.counted_as_at}"
    return (
        f"Members {when}: {counts.members:,}; women: {counts.women:,}; "
        f"young members (under {rule.young_under}): {counts.young:,}."
    )


def _for_members(members: int, rule: Rule, working: list[str]) -> int:
    if members == 0:
        working.append("No members: no delegates.")
        return 0
    if members <= rule.first_band:
        working.append(f"{members:,} members, within the first {rule.first_band:,}: 1 delegate.")
        return 1
    over = members - rule.first_band
    more = -(-over // rule.band)
    working.append(f"First {rule.first_band:,} members: 1 delegate.")
    working.append(
        f"{members:,} - {rule.first_band:,} = {over:,} further {_plural(over, 'member')}: {more} more "
        f"(one for each {rule.band:,} or part of {rule.band:,})."
    )
    if 1 + more > rule.max_delegates:
        working.append(
            f"{1 + more} delegates, capped at {rule.max_delegates}: no delegation sends more for its members."
        )
        return rule.max_delegates
    working.append(f"Delegates for members: {1 + more} (at most {rule.max_delegates}).")
    return 1 + more


def _women(n: int, rule: Rule, last_year_woman: bool | None, working: list[str]) -> int:
    if n == 1 and rule.sole_delegate_alternates:
        rule_text = "A sole delegate is a woman at least every other year"
        if last_year_woman:
            working.append(f"{rule_text}: last year's was a woman, so this year's may be a man.")
            return 0
        why = "was a man" if last_year_woman is False else "is not given (taken as a man)"
        working.append(f"{rule_text}: last year's {why}, so this year's must be a woman.")
        return 1
    women = n // rule.women_every
    if n:
        every = "second" if rule.women_every == 2 else f"{rule.women_every}th"
        working.append(f"At least every {every} delegate a woman: at least {women} of the {n}.")
    return women


def _extra(count: int, at: int, what: str, delegate: str, working: list[str]) -> bool:
    if not at:
        return False
    if count >= at:
        working.append(f"{count:,} {what} ({at:,} or more): 1 additional {delegate}.")
        return True
    working.append(f"{count:,} {what} (fewer than {at:,}): no additional {delegate}.")
    return False


def _within(room: int | None, kind: str, working: list[str]) -> bool:
    if room is None or room > 0:
        return True
    working.append(
        f"The additional {kind} delegate would pass the cap, which counts additional delegates: not sent."
    )
    return False


def _delegates(n: int) -> str:
    return f"{n} {_plural(n, 'delegate')}"


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"
