"""A job's messages are kept as their msgid and parameters and shown in the reader's language: a
job run in English reads in Welsh on its page and in its JSON; the audit trail keeps English
even for a job run in a Welsh request; a job marked failed reads in Welsh; a message stored as
plain text (before migration 0004 of jobs, or given so) is shown as it stands."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from tallyroom import lifecycle
from tallyroom.audit.models import Event
from tallyroom.jobs import runner
from tallyroom.jobs.models import Job

OPENED = "Voting is open: 10 ballot codes issued: 10 emailed, 0 for post."
OPENED_CY = "Mae'r bleidlais ar agor: 10 cod pleidleisio wedi'u rhoi: 10 drwy e-bost, 0 i'w postio."
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def in_welsh(client):
    client.cookies["django_language"] = "cy"
    return client


@pytest.mark.django_db
def test_a_job_run_in_english_reads_in_welsh_on_its_page_and_in_its_json(
    draft_election, shares, officer, clients, ready_to_open
):
    ready_to_open(draft_election, officer)
    job = lifecycle.open_voting(draft_election, officer, inline=True)
    assert job.message == OPENED and job.said == OPENED
    welsh = in_welsh(clients["officer"])
    page = welsh.get(job.get_absolute_url()).content.decode()
    assert escape(OPENED_CY) in page and "10 o 10 (100%)" in page
    assert "Voting is open" not in page and "10 of 10" not in page
    facts = welsh.get(reverse("jobs:json", args=[job.pk])).json()
    assert (facts["message"], facts["progress"]) == (OPENED_CY, "10 o 10 (100%)")
    english = clients["staff"].get(job.get_absolute_url()).content.decode()
    assert OPENED in english and "10 of 10 (100%)" in english and "Mae'r bleidlais" not in english


@pytest.mark.django_db
def test_a_job_run_in_a_welsh_request_keeps_english_in_its_message_and_audit(
    draft_election, shares, officer, ready_to_open
):
    ready_to_open(draft_election, officer)
    with translation.override("cy"):
        job = lifecycle.open_voting(draft_election, officer, inline=True)
        assert job.said == OPENED_CY
    assert job.message == OPENED and Event.objects.get(verb="job.done").data["message"] == OPENED


@pytest.mark.django_db
def test_a_failure_raised_with_words_reads_in_welsh(
    draft_election, shares, officer, clients, flaky, ready_to_open
):
    """The mail backend down after 6 codes (``DeliveryFailed``, raised in the worker with Words)."""
    ready_to_open(draft_election, officer)
    flaky.down_after = 6
    job = lifecycle.open_voting(draft_election, officer, inline=True)
    failure = "ConnectionError: mail server down; 6 of 10 codes issued, the rest have none yet"
    assert job.state == Job.State.FAILED and job.message.endswith(failure)
    page = in_welsh(clients["officer"]).get(job.get_absolute_url()).content.decode()
    welsh = "methodd y gwasanaeth e-bost 3 gwaith: ConnectionError: mail server down; rhoddwyd 6 o 10 cod"
    assert escape(welsh) in page
    assert "Wedi methu:" in page and "the mail backend failed" not in page and "codes issued" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("by", "english", "welsh"),
    [
        ("officer", "marked failed by ro: its worker stopped", "gan ro: mae ei weithiwr wedi stopio"),
        (None, "marked failed by system: its worker stopped", "gan y system: mae ei weithiwr wedi stopio"),
    ],
)
def test_a_job_marked_failed_reads_in_welsh(draft_election, officer, clients, settings, by, english, welsh):
    settings.TASKS = DUMMY
    job = runner.start(Job.Kind.ISSUE_CODES, draft_election, officer)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)  # claimed by a worker that died
    runner.abandon(job, officer if by else None)
    assert Event.objects.get(verb="job.fail").data["message"] == english
    page = in_welsh(clients["officer"]).get(job.get_absolute_url()).content.decode()
    assert welsh in page and english not in page
    listed = clients["officer"].get(reverse("results:election", args=[draft_election.slug])).content.decode()
    assert welsh in listed and english not in listed  # the election's list of jobs


@pytest.mark.django_db
def test_a_message_stored_as_plain_text_is_shown_as_it_stands(draft_election, clients):
    job = Job.objects.create(
        kind=Job.Kind.OPEN_VOTING, election=draft_election, state=Job.State.FAILED, message="an old failure"
    )
    welsh = in_welsh(clients["officer"])
    assert "an old failure" in welsh.get(job.get_absolute_url()).content.decode()
    assert welsh.get(reverse("jobs:json", args=[job.pk])).json()["message"] == "an old failure"


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_an_old_jobs_message():
    executor = MigrationExecutor(connection)
    executor.migrate([("jobs", "0003_member_import_roll_and_reminder_jobs")])
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO jobs_job (kind, state, done, total, message, result, attempts, task_id, "
                "created_at, updated_at) VALUES ('import_members', 'failed', 0, 0, 'written before', "
                "'{}', 1, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    job = Job.objects.get()
    assert job.words is None and job.said == "written before"
    with translation.override("cy"):
        assert job.said == "written before"
