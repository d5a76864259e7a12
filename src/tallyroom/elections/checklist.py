"""What must be right before voting opens, checked in one place: ``problems(election)`` lists, in
the officer's words, everything that would make the opening go wrong. The checklist page shows
them and ``tallyroom.lifecycle.open_voting`` refuses while any remains, so neither the web app
nor the CLI can open an election that cannot be voted in or counted.

A test email (``send_test_mail``) proves the mail settings: the officer receives it, and the
recorded event is what the checklist looks for.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from tallyroom.audit.events import record
from tallyroom.audit.models import Event
from tallyroom.ballotbox import box
from tallyroom.count.constraints import ConstraintError, Constraints
from tallyroom.roll.models import RollEntry

from .models import Contest, Election

MAIL_TEST = "election.mail_test"


class MailTestError(Exception):
    """The test email could not be sent; the message says why."""


def _seats(text: str, seats: int, **names) -> str:
    """``text`` with its ``%(seats)s`` written "1 seat", "2 seats" in the active language."""
    counted = ngettext("%(n)s seat", "%(n)s seats", seats) % {"n": seats}
    return text % (names | {"seats": counted})


def _contest_problems(contest: Contest) -> list[str]:
    name = contest.name
    found = []
    if contest.seats < 1:
        found.append(gettext("%(name)s has no seats: give it at least 1.") % {"name": name})
    standing = [c for c in contest.candidates.all() if not c.withdrawn]
    if len(standing) < contest.seats:
        found.append(
            _seats(
                ngettext(
                    "%(name)s has %(n)s candidate standing for %(seats)s",
                    "%(name)s has %(n)s candidates standing for %(seats)s",
                    len(standing),
                )
                + " "
                + gettext("(re-open nominations does not count as a candidate)."),
                contest.seats,
                name=name,
                n=len(standing),
            )
        )
    lines = contest.constraint_lines()
    if lines and standing and contest.seats >= 1:
        names = [c.name for c in standing]
        groups = {c.name: c.group_list() for c in standing if c.group_list()}
        try:
            rules = Constraints(names, lines, groups)
        except ConstraintError as e:
            found.append(f"{name}: {e}.")
        else:
            if not rules.feasible([], range(len(names)), contest.seats):
                found.append(
                    _seats(
                        gettext(
                            "%(name)s: the constraints (%(rules)s) cannot be met by the candidates "
                            "standing for %(seats)s."
                        ),
                        contest.seats,
                        name=name,
                        rules=rules,
                    )
                )
    if not contest.roll_is_frozen:
        entries = RollEntry.objects.filter(contest=contest)
        if not entries.exists():
            found.append(
                gettext("%(name)s: its roll has not been built (build it on the contest's roll page).")
                % {"name": name}
            )
        elif not entries.filter(eligible=True).exists():
            found.append(gettext("%(name)s: nobody is eligible on its roll.") % {"name": name})
    return found


def problems(election: Election, now=None) -> list[str]:
    """Everything that must be put right before ``election`` opens; empty when it may open."""
    now = now or timezone.now()
    found = []
    contests = list(election.contests.prefetch_related("candidates"))
    if not contests:
        found.append(gettext("The election has no contests."))
    for contest in contests:
        found += _contest_problems(contest)
    if election.voting_opens >= election.voting_closes:
        found.append(gettext("Voting must open before it closes: check the timetable."))
    if election.voting_closes <= now:
        found.append(
            gettext("The close of voting (%(closes)s) has passed.")
            % {"closes": date_format(timezone.localtime(election.voting_closes), "d M Y H:i")}
        )
    try:
        box.public_key(election)
    except box.BoxError as e:
        found.append(gettext("%(problem)s (the trustees' key page).") % {"problem": e})
    if not mail_tested(election):
        found.append(gettext("The mail settings have not been tested: send yourself a test email."))
    return found


def mail_tested(election: Election) -> Event | None:
    """The latest recorded test email for ``election``, if any."""
    return Event.objects.filter(verb=MAIL_TEST, subject=f"election:{election.pk}").order_by("-seq").first()


def send_test_mail(election: Election, user) -> str:
    """Send a test email to ``user`` through the configured mail settings and record it; returns
    the address. Raises MailTestError (nothing recorded) if the user has no address or the mail
    server refuses."""
    address = getattr(user, "email", "")
    if not address:
        raise MailTestError(gettext("Your account has no email address: add one on your account page first."))
    try:
        send_mail(
            gettext("Test email: %(election)s") % {"election": election.name},
            gettext("This test shows that ballot codes and reminders for this election can be sent.") + "\n",
            None,
            [address],
        )
    except OSError as e:
        raise MailTestError(
            gettext("The mail server refused the test email: %(error)s") % {"error": e}
        ) from None
    record(user, MAIL_TEST, f"election:{election.pk}", to=address)
    return address
