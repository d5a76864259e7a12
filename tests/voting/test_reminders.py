"""Reminders to members who have not voted (on demand and scheduled), turnout over time, and the
staff's CSV exports."""

import csv
import io
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tallyroom.audit.models import Event
from tallyroom.elections.models import Election
from tallyroom.jobs import runner
from tallyroom.jobs.models import Job
from tallyroom.voting import reminders
from tallyroom.voting.casting import cast
from tallyroom.voting.models import BallotCode, Reminder, ReminderDelivery

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_voted(setup):
    """Voters 1 and 2 have voted; of the other four, 3 and 0 have no email (every third)."""
    election, contests, members, codes = setup
    for i in (1, 2):
        cast(codes[i], {contests["chair"]: ["Hal"]})
    mail.outbox.clear()  # the codes' own messages: the tests count the reminders
    return election, members, codes


def test_the_page_counts_who_will_receive_it_and_the_reminder_holds_no_code(two_voted, staff):
    election, members, codes = two_voted
    hashes = list(BallotCode.objects.order_by("pk").values_list("code_hash", flat=True))
    client = login(staff)
    page = client.get(reverse("voting:reminders", args=[election.slug])).content.decode()
    assert "<strong>2 members</strong>" in page  # voters 4 and 5: unused code, an email
    assert client.get(reverse("voting:reminders", args=[election.slug])).status_code == 200
    assert Election.objects.get().state == Election.State.VOTING and not mail.outbox  # the page sends nothing
    page = client.post(reverse("voting:reminders_send", args=[election.slug]), follow=True).content.decode()
    assert "Reminder sent to 2 members who have not voted." in page
    assert sorted(m.to[0] for m in mail.outbox) == ["voter4@example.org", "voter5@example.org"]
    for message in mail.outbox:
        assert not any(code in message.body for code in codes)
        assert "ask for a new one" in message.body and "holds no code" in message.body
    assert list(BallotCode.objects.order_by("pk").values_list("code_hash", flat=True)) == hashes
    assert Event.objects.get(verb="voting.remind").data == {"sent": 2, "scheduled": False}


def test_no_reminder_once_voting_has_closed(two_voted, staff):
    election, _, _ = two_voted
    Election.objects.filter(pk=election.pk).update(state=Election.State.CLOSED)
    page = login(staff).post(reverse("voting:reminders_send", args=[election.slug]), follow=True)
    assert "Voting is not open" in page.content.decode() and not mail.outbox


def test_a_scheduled_reminder_is_sent_once_when_due_by_the_command(two_voted, staff):
    election, _, _ = two_voted
    at = timezone.localtime(timezone.now() + timedelta(hours=1))
    login(staff).post(
        reverse("voting:reminders_schedule", args=[election.slug]), {"at": at.strftime("%Y-%m-%dT%H:%M")}
    )
    reminder = Reminder.objects.get()
    out = io.StringIO()
    call_command("send_reminders", election.slug, stdout=out)
    assert "no reminder due" in out.getvalue() and not mail.outbox
    Reminder.objects.filter(pk=reminder.pk).update(send_at=timezone.now() - timedelta(minutes=1))
    call_command("send_reminders", election.slug, stdout=out)
    assert len(mail.outbox) == 2 and Reminder.objects.get().sent == 2
    call_command("send_reminders", election.slug, stdout=out)
    assert len(mail.outbox) == 2  # sent once
    with pytest.raises(reminders.NotOpen, match="before voting closes"):
        reminders.schedule(election, staff, election.voting_closes + timedelta(hours=1))


def test_turnout_over_time_chart_and_table(two_voted, scrutineer):
    election, _, _ = two_voted
    page = login(scrutineer).get(reverse("voting:turnout", args=[election.slug])).content.decode()
    assert "<svg" in page and "Turnout rose to 33.3% (2 of 6)" in page
    assert "<td>2</td><td>2</td>" in page  # the table: 2 in the hour, 2 so far
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "<style" not in chart and "style=" not in chart  # the CSP (style-src 'self') blocks them


def test_exports_stream_and_neutralise_formulas(two_voted, staff, scrutineer):
    election, members, _ = two_voted
    members[4].name = '=HYPERLINK("http://x")'
    members[4].save()
    response = login(staff).get(reverse("voting:voted_csv", args=[election.slug]))
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["contest", "number", "name", "unit", "voted", "voted_at", "channel"]
    chair = {r[1]: r for r in rows[1:] if r[0] == "chair"}
    assert chair[members[1].number][4] == "yes" and chair[members[3].number][4] == "no"
    assert chair[members[4].number][2] == '\'=HYPERLINK("http://x")'
    assert login(scrutineer).get(reverse("voting:voted_csv", args=[election.slug])).status_code == 403
    response = login(scrutineer).get(reverse("voting:turnout_csv", args=[election.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[-1] == ["All", "6", "2", "33.3%"]


def test_sending_now_is_a_job_whose_page_says_how_many_it_reached(two_voted, staff, settings):
    election, _, _ = two_voted
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = login(staff).post(reverse("voting:reminders_send", args=[election.slug]))
    job = Job.objects.get(kind=Job.Kind.REMIND)
    assert response["Location"] == job.get_absolute_url() and job.state == Job.State.QUEUED
    assert not mail.outbox  # the request only queued it
    reminder = Reminder.objects.get()
    assert reminder.on_demand and reminder.job == job and reminder.sent_at is None
    runner.run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.done, job.total) == (Job.State.DONE, 2, 2)
    page = login(staff).get(job.get_absolute_url()).content.decode()
    assert "Reminder sent to 2 members who have not voted." in page and "See the reminders" in page
    listed = login(staff).get(reverse("voting:reminders", args=[election.slug])).content.decode()
    assert "(on demand): sent to 2" in listed


def test_a_retried_reminder_sends_to_nobody_twice(two_voted, staff, flaky):
    """The mail server goes down after the first reminder: the job fails having recorded that
    member; retried, it sends to the other one only."""
    election, _, _ = two_voted
    flaky.down_after = 1
    client = login(staff)
    client.post(reverse("voting:reminders_send", args=[election.slug]))
    job = Job.objects.get(kind=Job.Kind.REMIND)
    assert job.state == Job.State.FAILED and "the mail backend failed" in job.message
    assert [m.to[0] for m in mail.outbox] == ["voter4@example.org"] and job.done == 1
    assert ReminderDelivery.objects.get().member.email == "voter4@example.org"
    assert not Event.objects.filter(verb="voting.remind").exists()
    flaky.reset()
    client.post(reverse("jobs:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["voter4@example.org", "voter5@example.org"]
    assert Reminder.objects.get().sent == 2 and ReminderDelivery.objects.count() == 2
    assert Event.objects.get(verb="voting.remind").data == {"sent": 2, "scheduled": False}
    client.post(reverse("jobs:retry", args=[job.pk]))  # done: not run again
    assert len(mail.outbox) == 2


def test_the_refusal_of_a_reminder_reads_in_the_staff_members_language(two_voted, staff):
    election, _, _ = two_voted
    Election.objects.filter(pk=election.pk).update(state=Election.State.CLOSED)
    client = login(staff)
    client.cookies["django_language"] = "cy"
    page = unescape(
        client.post(reverse("voting:reminders_send", args=[election.slug]), follow=True).content.decode()
    )
    assert f"Nid yw'r bleidlais ar agor yn {election.name}: ni anfonir nodyn atgoffa." in page
    assert "Voting is not open" not in page and not mail.outbox
