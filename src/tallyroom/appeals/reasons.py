"""The roll's recorded exclusion reasons (tallyroom.roll.eligibility) in plain words for the member."""

from __future__ import annotations

from tallyroom.roll.eligibility import CATEGORY, JOINED_LATE, NOT_IN_AREA, NOT_PAID_UP, reasons_of

DECISION = "decision "


def _day(d) -> str:
    return f"{d:%-d %B %Y}" if d else "no date recorded"


def plain(reason: str, member, contest) -> list[str]:
    """Each recorded reason for ``member``'s exclusion from ``contest``, as a sentence."""
    out = []
    for r in reasons_of(reason):
        if r == JOINED_LATE:
            out.append(
                f"You joined on {_day(member.joined)}, after the freeze date of "
                f"{_day(contest.election.freeze_date)}: only members who had joined by then may vote."
            )
        elif r == NOT_PAID_UP:
            out.append(
                f"Your membership is in arrears: it is paid up to {_day(member.paid_up_to)}, and this "
                f"contest needs it paid up to {_day(contest.paid_up_on)}."
            )
        elif r == CATEGORY:
            out.append(
                f"You are a {member.get_category_display().lower()}, and this contest is not open to "
                "that category of membership."
            )
        elif r == NOT_IN_AREA:
            out.append("Your branch is not in the area this contest is for.")
        elif r.startswith("status "):
            out.append(f"Your membership is recorded as {r.removeprefix('status ')}.")
        elif r.startswith(DECISION):
            out.append(f"A recorded decision took you off this roll: {r.split(': ', 1)[-1]}")
        else:
            out.append(f"Recorded reason: {r}.")
    return out
