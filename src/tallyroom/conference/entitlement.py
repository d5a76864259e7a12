"""Each delegation's delegate entitlement, by a rule held as data, with its working.

    from tallyroom.conference.entitlement import Counts, entitle, rule
    e = entitle(Counts(members=1001, women=120, young=35), rule("labour"), delegation="Thames North CLP")
    e.total, e.women_at_least, e.working    # 5, 2, ["First 749 members: 1 delegate.", ...]

The working is kept as steps, each a msgid and its parameters in the form ``tallyroom.words.Words``
stores (``Words.from_stored(step)`` reads one in the reader's language); ``working`` gives them in
English, so that the module stays free of Django (``tallyroom.stored_words`` makes and marks
them).

Rules are tables of ``entitlement.toml`` (Labour's rule book, chapter 3, ships as ``labour``) or
of any TOML file of the same form. The counts are the caller's: members, women members and young
members as at the rule's date. docs/conference.md quotes the clause followed and how it is read.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tallyroom.formats import spreadsheet
from tallyroom.stored_words import Stored, english, gettext_noop, plural_noop
from tallyroom.stored_words import stored as _step

PRESETS_FILE = Path(__file__).with_name("entitlement.toml")

Step = Stored  # a line of the working


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
    steps: list[Step] = field(default_factory=list)

    @property
    def working(self) -> list[str]:
        """The working in English."""
        return [english(s) for s in self.steps]

    @property
    def total(self) -> int:
        return self.for_members + self.extra_woman + self.extra_young

    @property
    def women_at_least(self) -> int:
        return self.women_among_them + self.extra_woman

    def to_dict(self, words: Callable[[Step], str] = english) -> dict[str, Any]:
        """The entitlement as a dict; ``words`` writes each step of the working."""
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
            "working": [words(step) for step in self.steps],
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
    steps = [_counted(counts, rule)]
    n = _for_members(counts.members, rule, steps)
    if n == 0:
        steps.append(_step(gettext_noop("Entitlement: no delegates.")))
        return Entitlement(delegation, rule.name, counts, 0, 0, False, False, steps)
    women = _women(n, rule, sole_delegate_last_year_woman, steps)
    room = rule.max_delegates - n if rule.extras_within_cap else None  # None: extras are over the cap
    extra_woman = _extra(counts.women, rule.extra_woman_at, rule, WOMAN, steps)
    extra_woman = extra_woman and _within(room, WOMAN, steps)
    room = None if room is None else room - extra_woman
    extra_young = _extra(counts.young, rule.extra_young_at, rule, YOUNG, steps)
    extra_young = extra_young and _within(room, YOUNG, steps)
    total = n + extra_woman + extra_young
    at_least = women + extra_woman
    if at_least == 0:
        msgid = plural_noop(
            "Entitlement: %(n)s delegate, no woman required.",
            "Entitlement: %(n)s delegates, no woman required.",
        )
    elif at_least == 1:
        msgid = plural_noop(
            "Entitlement: %(n)s delegate, at least one of them a woman.",
            "Entitlement: %(n)s delegates, at least one of them a woman.",
        )
    else:
        msgid = plural_noop(
            "Entitlement: %(n)s delegate, at least %(women)s of them women.",
            "Entitlement: %(n)s delegates, at least %(women)s of them women.",
        )
    steps.append(_step(msgid, total, n=total, women=at_least))
    return Entitlement(delegation, rule.name, counts, n, women, extra_woman, extra_young, steps)


class _Line:
    def write(self, value):
        return value


def entitlements_lines(
    entitlements: Iterable[Entitlement], words: Callable[[Step], str] = english
) -> Iterator[str]:
    """Entitlements as a CSV table for export, a line at a time: one row per delegation, the
    working in its last column (steps written by ``words``, joined by a space). The header's
    column names are the fields' names, in English whatever the language."""
    writer = spreadsheet.writer(_Line(), lineterminator="\n")
    header = ["delegation", "rule", "as_at", "members", "women", "young", "for_members"]
    header += ["women_among_them", "extra_woman", "extra_young", "total", "women_at_least", "working"]
    yield writer.writerow(header)
    for e in entitlements:
        d = e.to_dict(words)
        d["working"] = " ".join(d["working"])
        yield writer.writerow(
            ["" if d[k] is None else str(d[k]).lower() if isinstance(d[k], bool) else d[k] for k in header]
        )


def entitlements_csv(entitlements: Iterable[Entitlement]) -> str:
    """``entitlements_lines`` as one text."""
    return "".join(entitlements_lines(entitlements))


class CountsError(ValueError):
    """Counts more women or young members than members; ``step``: the message, kept as a step of
    the working is."""

    def __init__(self, step: Step):
        self.step = step
        super().__init__(english(step))


MORE_THAN_MEMBERS = {  # (which count, a delegation named)
    ("women", True): gettext_noop("%(delegation)s: %(n)s women members but only %(members)s members"),
    ("young", True): gettext_noop("%(delegation)s: %(n)s young members but only %(members)s members"),
    ("women", False): gettext_noop("%(n)s women members but only %(members)s members"),
    ("young", False): gettext_noop("%(n)s young members but only %(members)s members"),
}


def _check(counts: Counts, delegation: str) -> None:
    who = f"{delegation}: " if delegation else ""
    for name in ("members", "women", "young"):
        value = getattr(counts, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(f"{who}{name} must be a whole number, not {value!r}")
    for name in ("women", "young"):
        if getattr(counts, name) > counts.members:
            msgid = MORE_THAN_MEMBERS[name, bool(delegation)]
            n, members = f"{getattr(counts, name):,}", f"{counts.members:,}"
            raise CountsError(_step(msgid, delegation=delegation, n=n, members=members))


def _counted(counts: Counts, rule: Rule) -> Step:
    return _step(
        gettext_noop(
            "Members as at %(date)s: %(members)s; women: %(women)s; young members (under %(age)s): %(young)s."
        ),
        date=counts.as_at.isoformat() if counts.as_at else rule.counted_as_at,
        members=f"{counts.members:,}",
        women=f"{counts.women:,}",
        age=rule.young_under,
        young=f"{counts.young:,}",
    )


def _for_members(members: int, rule: Rule, steps: list[Step]) -> int:
    if members == 0:
        steps.append(_step(gettext_noop("No members: no delegates.")))
        return 0
    first = f"{rule.first_band:,}"
    if members <= rule.first_band:
        steps.append(
            _step(
                gettext_noop("%(members)s members, within the first %(first)s: 1 delegate."),
                members=f"{members:,}",
                first=first,
            )
        )
        return 1
    over = members - rule.first_band
    more = -(-over // rule.band)
    steps.append(_step(gettext_noop("First %(first)s members: 1 delegate."), first=first))
    steps.append(
        _step(
            plural_noop(
                "%(members)s - %(first)s = %(over)s further member: %(more)s more "
                "(one for each %(band)s or part of %(band)s).",
                "%(members)s - %(first)s = %(over)s further members: %(more)s more "
                "(one for each %(band)s or part of %(band)s).",
            ),
            over,
            members=f"{members:,}",
            first=first,
            over=f"{over:,}",
            more=more,
            band=f"{rule.band:,}",
        )
    )
    if 1 + more > rule.max_delegates:
        steps.append(
            _step(
                gettext_noop("%(n)s delegates, capped at %(cap)s: no delegation sends more for its members."),
                n=1 + more,
                cap=rule.max_delegates,
            )
        )
        return rule.max_delegates
    steps.append(
        _step(
            gettext_noop("Delegates for members: %(n)s (at most %(cap)s)."),
            n=1 + more,
            cap=rule.max_delegates,
        )
    )
    return 1 + more


def _women(n: int, rule: Rule, last_year_woman: bool | None, steps: list[Step]) -> int:
    if n == 1 and rule.sole_delegate_alternates:
        if last_year_woman:
            steps.append(
                _step(
                    gettext_noop(
                        "A sole delegate is a woman at least every other year: last year's was a woman, "
                        "so this year's may be a man."
                    )
                )
            )
            return 0
        if last_year_woman is False:
            msgid = gettext_noop(
                "A sole delegate is a woman at least every other year: last year's was a man, "
                "so this year's must be a woman."
            )
        else:
            msgid = gettext_noop(
                "A sole delegate is a woman at least every other year: last year's is not given "
                "(taken as a man), so this year's must be a woman."
            )
        steps.append(_step(msgid))
        return 1
    women = n // rule.women_every
    if rule.women_every == 2:
        msgid = gettext_noop("At least every second delegate a woman: at least %(women)s of the %(n)s.")
    else:
        msgid = gettext_noop("At least every %(every)sth delegate a woman: at least %(women)s of the %(n)s.")
    steps.append(_step(msgid, every=rule.women_every, women=women, n=n))
    return women


WOMAN, YOUNG = "woman", "young"  # the additional delegates
EXTRA = {  # (n, at least; at, age): with an additional delegate, and without
    WOMAN: (
        gettext_noop("%(n)s women members (%(at)s or more): 1 additional woman delegate."),
        gettext_noop("%(n)s women members (fewer than %(at)s): no additional woman delegate."),
    ),
    YOUNG: (
        gettext_noop("%(n)s young members (%(at)s or more): 1 additional delegate under %(age)s."),
        gettext_noop("%(n)s young members (fewer than %(at)s): no additional delegate under %(age)s."),
    ),
}
PAST_THE_CAP = {
    WOMAN: gettext_noop(
        "The additional woman delegate would pass the cap, which counts additional delegates: not sent."
    ),
    YOUNG: gettext_noop(
        "The additional young delegate would pass the cap, which counts additional delegates: not sent."
    ),
}


def _extra(count: int, at: int, rule: Rule, kind: str, steps: list[Step]) -> bool:
    if not at:
        return False
    sent, not_sent = EXTRA[kind]
    steps.append(_step(sent if count >= at else not_sent, n=f"{count:,}", at=f"{at:,}", age=rule.young_under))
    return count >= at


def _within(room: int | None, kind: str, steps: list[Step]) -> bool:
    if room is None or room > 0:
        return True
    steps.append(_step(PAST_THE_CAP[kind]))
    return False
