"""Reminders to the members who have not voted: those with an online ballot code not yet used and
an email address. A reminder never carries or changes a code: it says when voting closes and how
to get a new code if the first is lost. Sent on demand, or scheduled (a stored ``Reminder`` that
``send_due`` sends once due: run ``tallyroom manage send_reminders ELECTION`` from cron); either
way by a job (``reminding_work``) that records each member reached, so a retry sends nobody twice."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from tallyroom.audit.events import record
from tallyroom.elections.models import Election
from tallyroom.jobs import runner as jobs
from tallyroom.jobs.models import Job
from tallyroom.roll.models import Member
from tallyroom.words import Words, plural_noop

from .codes import Mailer, closing_time, vote_url
from .letters import in_their_language, letter
from .models import BallotCode, Delivery, Reminder, ReminderDelivery

BATCH = 500


class NotOpen(Exception):
    """Reminders go out only while voting is open."""


class Failed(Exception):
    """The reminder's job failed (the mail backend); retrying it sends to the rest only."""


def not_voted(election: Election) -> QuerySet[Member]:
    """The members a reminder would reach: an unused online code for ``election`` and an email
    (counted from the codes' ``code_member_used`` and the members' ``member_with_email`` indexes)."""
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


def _check_open(election: Election) -> None:
    if election.state != Election.State.VOTING or timezone.now() >= election.voting_closes:
        raise NotOpen(
            Words(gettext_noop("Voting is not open in %(name)s: no reminder is sent."), name=election.name)
        )


def start(election: Election, user, reminder: Reminder | None = None, *, inline: bool = False) -> Job:
    """Start the job sending a reminder now (``reminder``, a scheduled one, or a new one on
    demand) to every member who has not voted; ``inline`` runs it here. NotOpen unless voting is
    open, or if the reminder has a job already (a failed one is retried from its page)."""
    with transaction.atomic():
        locked = Election.objects.select_for_update().get(pk=election.pk)
        _check_open(locked)
        if reminder is None:
            name = user.get_username() if user is not None else "system"
            reminder = Reminder.objects.create(
                election=locked, send_at=timezone.now(), created_by=name, on_demand=True
            )
        elif Reminder.objects.filter(pk=reminder.pk, job__isnull=False).exists():
            raise NotOpen(
                Words(
                    gettext_noop("The reminder for %(name)s at %(at)s is being sent already."),
                    name=locked.name,
                    at=f"{timezone.localtime(reminder.send_at):%Y-%m-%d %H:%M}",
                )
            )
        job = jobs.start(Job.Kind.REMIND, locked, user, queue=False)
        reminder.job = job
        reminder.save(update_fields=["job"])
        if not inline:
            jobs.enqueue(job)
    return jobs.run_inline(job) if inline else job


def send(election: Election, user, reminder: Reminder | None = None) -> int:
    """Send a reminder now, by its job run here (``start`` with ``inline``); how many it reached.
    NotOpen unless voting is open; Failed saying why if the job failed (retry it from its page)."""
    job = start(election, user, reminder, inline=True)
    if job.state != Job.State.DONE:
        raise Failed(job.message)
    return job.result["sent"]


def reminding_work(job: Job, progress) -> dict:
    """The reminder job: hand the reminder to every member who has not voted and has not had this
    one yet, BATCH at a time; each member handed over is recorded (``ReminderDelivery``) before
    the next batch, so a retry after a mail failure sends to nobody twice."""
    reminder = Reminder.objects.select_related("election").get(job=job)
    election = reminder.election
    _check_open(election)
    deliveries = ReminderDelivery.objects.filter(reminder=reminder)
    pending = not_voted(election).exclude(pk__in=deliveries.values("member_id"))
    done = deliveries.count()
    total = done + pending.count()
    progress(done, total, Words(gettext_noop("sending the reminder")))
    last = 0
    with Mailer() as mailer:
        while batch := list(pending.filter(pk__gt=last).only("pk", "name", "email", "language")[:BATCH]):
            last = batch[-1].pk
            handed: list[ReminderDelivery] = []
            try:
                for member in batch:
                    state = mailer.send(message(election, member))
                    handed.append(ReminderDelivery(reminder=reminder, member=member, delivery=state))
            finally:
                ReminderDelivery.objects.bulk_create(handed)
                done += len(handed)
                progress(done, total)
    with transaction.atomic():
        reminder.sent_at = timezone.now()
        reminder.sent = deliveries.exclude(delivery=Delivery.FAILED).count()
        reminder.save(update_fields=["sent_at", "sent"])
        record(
            job.started_by,
            "voting.remind",
            f"election:{election.pk}",
            sent=reminder.sent,
            scheduled=not reminder.on_demand,
        )
    return {
        "message": Words(
            *plural_noop(
                "Reminder sent to %(n)s member who has not voted.",
                "Reminder sent to %(n)s members who have not voted.",
            ),
            reminder.sent,
            n=f"{reminder.sent:,}",
        ),
        "sent": reminder.sent,
    }


def schedule(election: Election, user, at) -> Reminder:
    """Store a reminder to be sent at ``at`` (which must be before the close), and record it."""
    if election.state not in (Election.State.DRAFT, Election.State.NOMINATIONS, Election.State.VOTING):
        raise NotOpen(
            Words(
                gettext_noop("Voting has closed in %(name)s: no reminder can be scheduled."),
                name=election.name,
            )
        )
    if not timezone.now() < at < election.voting_closes:
        raise NotOpen(
            Words(gettext_noop("A reminder must be scheduled for after now and before voting closes."))
        )
    with transaction.atomic():
        reminder = Reminder.objects.create(election=election, send_at=at, created_by=user.get_username())
        record(user, "voting.schedule_reminder", f"election:{election.pk}", at=at.isoformat())
    return reminder


def send_due(election: Election, now=None) -> list[tuple[Reminder, int]]:
    """Send every scheduled reminder of ``election`` that is due and not yet sent (at most one
    mailing however many are due: the others are marked sent with 0). Reminders due after the
    close are marked sent with 0 too."""
    now = now or timezone.now()
    due = list(
        Reminder.objects.filter(election=election, sent_at__isnull=True, job__isnull=True, send_at__lte=now)
    )
    done = []
    for i, reminder in enumerate(due):
        try:
            count = send(election, None, reminder) if i == len(due) - 1 else 0
        except NotOpen:
            count = 0
        except Failed:
            done.append((reminder, 0))  # its job failed: retried from the job's page
            continue
        if count == 0:
            Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(sent_at=now)
        reminder.refresh_from_db()
        done.append((reminder, count))
    return done
