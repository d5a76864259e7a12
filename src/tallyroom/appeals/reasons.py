"""The roll's recorded exclusion reasons (tallyroom.roll.eligibility) in plain words for the member,
and named for the panel's pages, in the active language."""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tallyroom.roll.eligibility import CATEGORY, JOINED_LATE, NOT_IN_AREA, NOT_PAID_UP, SEPARATOR, reasons_of
from tallyroom.roll.models import Member

DECISION = "decision "
STATUS = "status "
NAMES = {
    JOINED_LATE: gettext_lazy("joined after freeze date"),
    NOT_PAID_UP: gettext_lazy("not paid up"),
    CATEGORY: gettext_lazy("category not allowed"),
    NOT_IN_AREA: gettext_lazy("not in area"),
}


def _day(d) -> str:
    return date_format(d, "j F Y") if d else _("no date recorded")


def _status(reason: str) -> str:
    status = reason.removeprefix(STATUS)
    return str(Member.Status(status).label if status in Member.Status.values else status).lower()


def named(reason: str) -> str:
    """A roll entry's recorded ``reason`` (one or several) as the panel's pages list it: each
    reason of the roll's own in the active language (in English as recorded), any other as it stands."""
    out = []
    for r in reasons_of(reason):
        if r in NAMES:
            out.append(str(NAMES[r]))
        elif r.startswith(STATUS):
            out.append(_("status %(status)s") % {"status": _status(r)})
        else:
            out.append(r)
    return SEPARATOR.join(out)


def plain(reason: str, member, contest) -> list[str]:
    """Each recorded reason for ``member``'s exclusion from ``contest``, as a sentence."""
    out = []
    for r in reasons_of(reason):
        if r == JOINED_LATE:
            out.append(
                _(
                    "You joined on %(joined)s, after the freeze date of %(freeze)s: only members who had "
                    "joined by then may vote."
                )
                % {"joined": _day(member.joined), "freeze": _day(contest.election.freeze_date)}
            )
        elif r == NOT_PAID_UP:
            out.append(
                _(
                    "Your membership is in arrears: it is paid up to %(paid)s, and this contest needs it "
                    "paid up to %(needed)s."
                )
                % {"paid": _day(member.paid_up_to), "needed": _day(contest.paid_up_on)}
            )
        elif r == CATEGORY:
            out.append(
                _("You are a %(category)s, and this contest is not open to that category of membership.")
                % {"category": member.get_category_display().lower()}
            )
        elif r == NOT_IN_AREA:
            out.append(_("Your branch is not in the area this contest is for."))
        elif r.startswith(STATUS):
            out.append(_("Your membership is recorded as %(status)s.") % {"status": _status(r)})
        elif r.startswith(DECISION):
            out.append(
                _("A recorded decision took you off this roll: %(reason)s") % {"reason": r.split(": ", 1)[-1]}
            )
        else:
            out.append(_("Recorded reason: %(reason)s.") % {"reason": r})
    return out
