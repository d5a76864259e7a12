"""The ballot form: reading a voter's marks from a POST, and showing them again with any errors.

Rankings must run 1, 2, 3... with no gaps and no repeats. As with paper ballots under party rules
that let the voter correct their paper, a gap or a repeated number is not silently truncated: the
ballot is shown again with the problem named at the field, for the voter to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext

from tallyroom.ballotbox.marking import ONE, BallotError, Marking


@dataclass
class Row:
    """One candidate on the form."""

    index: int
    name: str
    field_id: str
    value: str = ""
    error: str = ""
    slate: str = ""
    profile: object = None  # the candidate's statement and photo (elections.profiles.Profile)

    @property
    def checked(self) -> bool:
        return self.value == "on"


@dataclass
class ContestForm:
    """One contest's part of the ballot form."""

    contest: object
    marking: Marking
    rows: list[Row]
    errors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"c{self.contest.pk}"

    @property
    def abstain_id(self) -> str:
        return f"{self.name}-none"

    @property
    def abstaining(self) -> bool:
        return not any(r.value for r in self.rows)

    @property
    def instructions(self) -> str:
        return self.marking.instructions(self.contest.seats)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(r.error for r in self.rows)

    def first_field(self) -> str:
        bad = [r.field_id for r in self.rows if r.error]
        return bad[0] if bad else self.rows[0].field_id if self.rows else self.abstain_id


def empty_form(contest, marking: Marking, chosen: Sequence[str] = ()) -> ContestForm:
    """The form for ``contest``, filled in with ``chosen`` (names, first preference first)."""
    rank = {name: i + 1 for i, name in enumerate(chosen)}
    rows = []
    for i, name in enumerate(marking.candidates):
        value = (str(rank[name]) if marking.ranked else "on") if name in rank else ""
        slate = marking.slates[i] if marking.slates else ""
        rows.append(Row(i, name, f"c{contest.pk}-{i}", value, slate=slate))
    return ContestForm(contest, marking, rows)


def read_form(contest, marking: Marking, data) -> tuple[ContestForm, list[str] | None]:
    """The form as the voter filled it in, and the names chosen (None if it has errors)."""
    form = empty_form(contest, marking)
    if marking.ranked:
        for row in form.rows:
            row.value = data.get(row.field_id, "").strip()
        chosen = read_ranks(form)
    else:
        picked = data.getlist(form.name)
        for row in form.rows:
            row.value = "on" if str(row.index) in picked else ""
        chosen = [r.name for r in form.rows if r.checked]
        if len([p for p in picked if p]) != len(chosen):
            form.errors.append(gettext("Choose from the candidates listed."))
            chosen = None
    if chosen is None:
        return form, None
    try:
        return form, marking.check(chosen)
    except BallotError as e:
        form.errors.append(too_many(marking, len(chosen)) if len(chosen) > marking.limit else gettext(str(e)))
        return form, None


def too_many(marking: Marking, n: int) -> str:
    if marking.kind == ONE:
        return gettext("You chose %(n)s candidates: choose only one.") % {"n": n}
    return gettext("You chose %(n)s candidates: choose no more than %(limit)s.") % {
        "n": n,
        "limit": marking.limit,
    }


def read_ranks(form: ContestForm) -> list[str] | None:
    n = len(form.rows)
    ranks = {}
    for row in form.rows:
        if not row.value:
            continue
        if not row.value.isdigit() or not 1 <= int(row.value) <= n:
            row.error = gettext("Enter a whole number from 1 to %(n)s, or leave it blank.") % {"n": n}
        else:
            ranks[row.index] = int(row.value)
    repeated = {r for r, k in Counter(ranks.values()).items() if k > 1}
    for row in form.rows:
        if ranks.get(row.index) in repeated:
            row.error = gettext("You gave %(k)s to more than one candidate: give each number once.") % {
                "k": ranks[row.index]
            }
    if any(r.error for r in form.rows):
        return None
    used = sorted(ranks.values())
    missing = [k for k in range(1, len(used) + 1) if k not in ranks.values()]
    if missing:
        form.errors.append(
            gettext(
                "Your numbers must run 1, 2, 3 and so on with no gaps: there is no %(missing)s. "
                "You used %(used)s."
            )
            % {"missing": missing[0], "used": ", ".join(map(str, used))}
        )
        return None
    return [form.rows[i].name for i in sorted(ranks, key=ranks.__getitem__)]
