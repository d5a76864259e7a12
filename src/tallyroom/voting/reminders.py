"""Reminders to the members who have not voted: those with an online ballot code not yet used and
an email address. A reminder never carries or changes a code: it says when voting closes and how
to get a new code if the first is lost. Sent on demand, or scheduled (a stored ``Reminder`` that
``send_due`` sends once due: run ``tallyroom manage send_reminders ELECTION`` from cron)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from tallyroom.audit.events import record
from tallyroom.elections.models import Election
from tallyroom.roll.models import Member

from .codes import closing_time, vote_url
from .letters import in_their_language, letter
from .models import BallotCode, Reminder

BATCH = 500


class NotOpen(Exception):
    """Reminders go out only while voting is open."""


def not_voted(election: Election) -> QuerySet[Member]:
    """The members a reminder would reach: an unused online code for ``election`` and an email."""
    unused = BallotCode.objects.filter(election=election, used_at__isnull=True).values("member_id")
    return Member.objects.filter(pk__in=unused).exclude(email="").order_by("pk")


def message(election: Election, member: Member) -> EmailMessage:
    """The reminder to ``member``, in their language: no code in it, only how to vote and how to
    get a new code."""
    with in_their_language(member):
        return letter(
            member,
            gettext("Reminder: vote in %(election)s") % {"election": election.name},
            gettext("You have not voted yet in %(election)s. Voting closes at %(closes)s.")
            % {"election": election.name, "closes": closing_time(election)},
            gettext("Vote at %(url)s with the ballot code you were sent.") % {"url": vote_url()}
            + "\n"
            + gettext(
                "If you have lost it, write to %(address)s and ask for a new one (the old code then "
                "stops working). This email holds no code."
            )
            % {"address": settings.DEFAULT_FROM_EMAIL},
        )


def send(election: Election, user, reminder: Reminder | None = None) -> int:
    """Send the reminder now to every member who has not voted; returns how many were sent.
    Records the event (and marks ``reminder`` sent, if given). NotOpen unless voting is open."""
    election.refresh_from_db()
    if election.state != Election.State.VOTING or timezone.now() >= election.voting_closes:
        raise NotOpen(f"Voting is not open in {election.name}: no reminder is sent.")
    sent = 0
    connection = get_connection()
    batch: list[EmailMessage] = []
    for member in not_voted(election).only("pk", "name", "email", "language").iterator(chunk_size=BATCH):
        batch.append(message(election, member))
        if len(batch) == BATCH:
            sent += connection.send_messages(batch) or 0
            batch = []
    if batch:
        sent += connection.send_messages(batch) or 0
    with transaction.atomic():
        if reminder is not None:
            reminder.sent_at, reminder.sent = timezone.now(), sent
            reminder.save(update_fields=["sent_at", "sent"])
        record(user, "voting.remind", f"election:{election.pk}", sent=sent, scheduled=reminder is not None)
    return sent


def schedule(election: Election, user, at) -> Reminder:
    """Store a reminder to be sent at ``at`` (which must be before the close), and record it."""
    if election.state not in (Election.State.DRAFT, Election.State.NOMINATIONS, Election.State.VOTING):
        raise NotOpen(f"Voting has closed in {election.name}: no reminder can be scheduled.")
    if not timezone.now() < at < election.voting_closes:
        raise NotOpen("A reminder must be scheduled for after now and before voting closes.")
    with transaction.atomic():
        reminder = Reminder.objects.create(election=election, send_at=at, created_by=user.get_username())
        record(user, "voting.schedule_reminder", f"election:{election.pk}", at=at.isoformat())
    return reminder


def send_due(election: Election, now=None) -> list[tuple[Reminder, int]]:
    """Send every scheduled reminder of ``election`` that is due and not yet sent (at most one
    mailing however many are due: the others are marked sent with 0). Reminders due after the
    close are marked sent with 0 too."""
    now = now or timezone.now()
    due = list(Reminder.objects.filter(election=election, sent_at__isnull=True, send_at__lte=now))
    done = []
    for i, reminder in enumerate(due):
        try:
            count = send(election, None, reminder) if i == len(due) - 1 else 0
        except NotOpen:
            count = 0
        if count == 0 and reminder.sent_at is None:
            reminder.sent_at = now
            reminder.save(update_fields=["sent_at"])
        done.append((reminder, count))
    return done
