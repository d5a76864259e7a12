"""The demo's appeals (tallyroom.demo): rules and a panel of two, and cases through the same
functions the pages use, so a newcomer sees each state: a case overdue, one pending with a
provisional ballot, one with a hearing date, one upheld, one dismissed, and a class decision for
the early late joiners that settles the case of one of them.

``load`` is idempotent: an election that has appeal rules already is left as it is.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from tallyroom.elections.models import Election
from tallyroom.roll.eligibility import JOINED_LATE
from tallyroom.roll.models import Member, RollEntry

from . import provisional, setup
from .cases import decide_case, lodge, update_hearing
from .classes import decide_class
from .models import AppealRules, Outcome

EARLY_LATE_DAYS = 7  # late joiners within this many days of the freeze are covered by the class decision


def _excluded(election: Election, reason: str):
    """Members excluded from some contest of ``election`` with exactly ``reason``, by number."""
    numbers = (
        RollEntry.objects.filter(contest__election=election, eligible=False, reason=reason)
        .values_list("member_id", flat=True)
        .distinct()
    )
    return Member.objects.filter(pk__in=numbers).order_by("number")


def _contests(member: Member, election: Election, reason: str):
    return [
        e.contest
        for e in RollEntry.objects.filter(
            member=member, contest__election=election, eligible=False, reason=reason
        ).select_related("contest")
    ]


def load(election: Election, ro: User, panel: list[User]) -> None:
    """Give ``election`` (voting open) its demo appeals, decided by the first two of ``panel``."""
    election = Election.objects.get(pk=election.pk)  # as it is now (voting may have just opened)
    if AppealRules.objects.filter(election=election).exists() or election.state != Election.State.VOTING:
        return
    now = timezone.now()
    freeze = election.freeze_date
    with transaction.atomic():
        setup.save_rules(
            election, ro, appeals_close=election.voting_closes - timedelta(days=1), quorum=2, days_to_decide=1
        )
        for user in panel:
            setup.appoint(user, None, ro)
        sitting, chair = panel[:2], panel[0]
        late = list(_excluded(election, JOINED_LATE))
        early = [m for m in late if m.joined <= freeze + timedelta(days=EARLY_LATE_DAYS)]
        recent = [m for m in late if m not in early]
        lapsed = list(_excluded(election, "status lapsed"))
        suspended = list(_excluded(election, "status suspended"))

        def appeal(member, reason, grounds, evidence="", hours_ago=3):
            return lodge(
                member,
                election,
                _contests(member, election, reason),
                grounds,
                evidence,
                source="web",
                now=now - timedelta(hours=hours_ago),
            )

        if recent:  # lodged soon after voting opened and not decided in the day allowed
            appeal(
                recent[0],
                JOINED_LATE,
                "I applied online before the freeze date; my card came later.",
                hours_ago=30,
            )
        if len(recent) > 1:
            case = appeal(recent[1], JOINED_LATE, "My application was delayed by the office, not by me.")
            choices = {
                e.contest_id: [e.contest.candidates.order_by("position")[0].name]
                for e in provisional.entries(case)
            }
            provisional.cast(case, choices)
        if lapsed:
            case = appeal(
                lapsed[0],
                "status lapsed",
                "My direct debit failed; I paid as soon as I was told.",
                "Bank statement ref 4471",
            )
            update_hearing(case, "Ask the membership team for the payment date.", now + timedelta(days=1), ro)
        if len(lapsed) > 1:
            case = appeal(lapsed[1], "status lapsed", "I thought my membership renewed itself.", hours_ago=20)
            decide_case(
                case,
                Outcome.DISMISSED,
                "The membership had lapsed a year before the freeze date and was not renewed.",
                sitting,
                chair,
            )
        if suspended:
            case = appeal(
                suspended[0],
                "status suspended",
                "My suspension was lifted before the freeze date.",
                "Letter of 3 March lifting it",
                hours_ago=30,
            )
            decide_case(
                case,
                Outcome.UPHELD,
                "The suspension was lifted before the freeze date; the record was not updated.",
                sitting,
                chair,
            )
        if early:
            appeal(
                early[0],
                JOINED_LATE,
                "I joined at the hustings, three days after the freeze date.",
                hours_ago=10,
            )
            decide_class(
                election,
                list(election.contests.all()),
                JOINED_LATE,
                Outcome.UPHELD,
                "Members who joined in the week after the freeze date were told they could vote.",
                sitting,
                chair,
                joined_to=freeze + timedelta(days=EARLY_LATE_DAYS),
            )
