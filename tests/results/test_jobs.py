"""Long work as jobs: the opening request returns at once and a worker does the work; a mail
failure half way fails the job saying why, and a retry completes it; progress, the job's page
(no script), its JSON, the dashboard's list, and the audit events of every start and end."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks import task_backends

from tallyroom import lifecycle
from tallyroom.audit.models import Event
from tallyroom.elections.models import Election
from tallyroom.jobs import runner
from tallyroom.jobs.models import Job
from tallyroom.voting.casting import voter
from tallyroom.voting.models import BallotCode

pytestmark = pytest.mark.django_db
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queues, never runs
State = Election.State


@pytest.fixture(autouse=True)
def checked(request, ready_to_open):
    """The draft election passes the checklist (elections/checklist.py) before it is opened."""
    if "draft_election" in request.fixturenames:
        request.getfixturevalue("shares")
        ready_to_open(request.getfixturevalue("draft_election"), request.getfixturevalue("officer"))


def test_the_opening_request_returns_at_once_and_a_worker_does_the_work(
    draft_election, shares, clients, settings
):
    settings.TASKS = DUMMY
    response = clients["officer"].post(reverse("results:open", args=["vale-2026"]))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:job", args=[job.pk])
    assert job.state == Job.State.QUEUED and job.kind == Job.Kind.OPEN_VOTING
    assert Election.objects.get().state == State.DRAFT  # nothing done in the request
    assert not BallotCode.objects.exists() and not mail.outbox
    [queued] = task_backends["default"].results
    assert queued.args == [job.pk] and queued.task.name == "run_job"
    page = clients["officer"].get(reverse("results:election", args=["vale-2026"])).content.decode()
    assert "Voting is being opened" in page and 'action="/results/officer/vale-2026/open/"' not in page
    again = clients["officer"].post(reverse("results:open", args=["vale-2026"]), follow=True).content.decode()
    assert f"opening voting is under way already (job {job.pk})" in again
    runner.run(job.pk)  # what the worker does with the queued task
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.done == job.total == 10
    assert Election.objects.get().state == State.VOTING
    assert BallotCode.objects.count() == len(mail.outbox) == 10


def test_a_mail_failure_in_batch_3_fails_the_job_and_a_retry_completes(
    draft_election, shares, clients, flaky, settings
):
    settings.TALLYROOM_CODE_BATCH = 3  # 10 voters, all with email: batches of 3, 3, 3, 1
    flaky.down_after = 6
    pairs = []
    job = lifecycle.open_voting(draft_election, None, inline=True, keep=pairs.extend)
    assert job.state == Job.State.FAILED
    assert "ConnectionError: mail server down; 6 of 10 codes issued, the rest have none yet" in job.message
    assert (job.done, job.total) == (6, 10)
    assert Election.objects.get().state == State.VOTING
    assert BallotCode.objects.count() == len(mail.outbox) == len(pairs) == 6  # batches 1 and 2
    assert all(voter(code).member_id == r.pk for r, code in pairs)  # each code mailed works
    page = clients["officer"].get(job.get_absolute_url()).content.decode()
    assert "Failed: the mail backend failed 3 times" in page and "Retry</button>" in page
    flaky.down_after = None
    clients["officer"].post(reverse("jobs:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.attempts == 2 and job.done == job.total == 10
    assert BallotCode.objects.count() == len(mail.outbox) == 10
    assert len({m.to[0] for m in mail.outbox}) == 10  # nobody got two codes
    assert list(Event.objects.filter(verb__startswith="job.").values_list("verb", flat=True)) == [
        "job.start",
        "job.fail",
        "job.retry",
        "job.done",
    ]
    assert Event.objects.filter(verb="election.open").count() == 1  # the retry did not open again


def test_a_failed_issuing_job_retried_after_the_close_issues_and_mails_nothing(
    draft_election, shares, officer, flaky, settings
):
    settings.TALLYROOM_CODE_BATCH = 3
    flaky.down_after = 6
    lifecycle.open_voting(draft_election, officer, inline=True)
    job = lifecycle.issue_codes(draft_election, officer, inline=True)  # the mail server still down
    assert job.state == Job.State.FAILED
    lifecycle.close_voting(draft_election, officer)
    codes, mailed = set(BallotCode.objects.values_list("pk", "delivery")), len(mail.outbox)
    flaky.down_after = None
    runner.retry(job, officer)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "its state is 'voting closed'" in job.message
    assert set(BallotCode.objects.values_list("pk", "delivery")) == codes and len(mail.outbox) == mailed


def test_a_job_whose_worker_died_is_marked_failed_and_retried(draft_election, shares, officer, settings):
    settings.TASKS = DUMMY
    job = lifecycle.open_voting(draft_election, officer)
    Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING)  # claimed by a worker that died
    runner.abandon(job, officer)
    runner.retry(job, officer)
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and BallotCode.objects.count() == 10
    fail = Event.objects.get(verb="job.fail")
    assert fail.actor == "ro" and fail.data["message"] == "marked failed by ro: its worker stopped"


def test_a_worker_dying_mid_batch_leaves_pending_codes_that_the_retry_replaces(
    draft_election, shares, officer, flaky, settings
):
    from tallyroom.voting.codes import code_hash
    from tallyroom.voting.models import Delivery

    settings.TALLYROOM_CODE_BATCH = 4
    handed = []

    def die_at_the_sixth(message):
        handed.append(message)
        if len(handed) == 6:
            raise SystemExit("the worker was killed")

    flaky.on_send = die_at_the_sixth
    job = runner.start(Job.Kind.OPEN_VOTING, draft_election, officer, queue=False)
    with pytest.raises(SystemExit):
        runner.run(job.pk)
    pending = BallotCode.objects.filter(delivery=Delivery.PENDING)
    assert pending.count() == 4 and BallotCode.objects.count() == 8  # batch 2 stored, not marked
    runner.abandon(job, officer)
    flaky.on_send = None
    runner.retry(job, officer)
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and BallotCode.objects.count() == 10 and not pending.exists()
    assert Event.objects.get(verb="voting.drop_pending_codes").data["codes"] == 4
    stored = set(BallotCode.objects.values_list("code_hash", flat=True))
    for message in mail.outbox[-6:]:  # the codes sent by the retry, the 4 replaced among them, work
        assert code_hash(re.search(r"\n    (\S+)\n", message.body).group(1)) in stored


def test_only_a_failed_job_is_retried(open_election, clients):
    job = Job.objects.get()
    page = clients["officer"].post(reverse("jobs:retry", args=[job.pk]), follow=True).content.decode()
    assert f"job {job.pk} is done, not failed" in page


def test_progress_is_written_as_the_batches_go(draft_election, shares, settings):
    settings.TALLYROOM_CODE_BATCH = 4
    seen = []
    job = runner.start(Job.Kind.OPEN_VOTING, draft_election, None, queue=False)
    progress = runner.Progress(job, every=0)
    lifecycle.opening_work(job, lambda *a: (progress(*a), seen.append(Job.objects.get().done)))
    assert seen[-4:] == [0, 4, 8, 10] and (job.done, job.total) == (10, 10)


def test_the_job_page_refreshes_itself_without_script_while_the_job_runs(draft_election, clients):
    job = Job.objects.create(
        kind=Job.Kind.OPEN_VOTING, election=draft_election, state=Job.State.RUNNING, done=250, total=1000
    )
    page = clients["scrutineer"].get(job.get_absolute_url()).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress id="job-progress" value="250" max="1000">25%</progress>' in page
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", page))  # no inline script
    assert not re.search(r"\sstyle=|<style", page)  # nor inline style: a strict CSP allows the page
    assert clients["anonymous"].get(job.get_absolute_url()).status_code == 302
    data = clients["scrutineer"].get(reverse("jobs:json", args=[job.pk])).json()
    assert (data["state"], data["done"], data["total"], data["percent"]) == ("running", 250, 1000, 25)
    dashboard = clients["scrutineer"].get(reverse("results:dashboard")).content.decode()
    assert f'href="{job.get_absolute_url()}"' in dashboard and 'value="250" max="1000"' in dashboard
    job.state = Job.State.DONE
    job.save()
    assert "http-equiv" not in clients["scrutineer"].get(job.get_absolute_url()).content.decode()


def test_counting_runs_as_a_job_that_links_to_the_review(closed_election, clients):
    url = reverse("results:count", args=["vale-2026", "section"])
    clients["officer"].post(url)
    job = Job.objects.get(kind=Job.Kind.COUNT)
    assert job.state == Job.State.DONE and (job.done, job.total) == (1, 1)
    assert job.result == {"count": job.contest.counts.get().pk}
    data = clients["officer"].get(reverse("jobs:json", args=[job.pk])).json()
    assert data["outcome_url"] == reverse("results:review", args=["vale-2026", "section"])


def test_a_count_that_fails_says_why(closed_election, officer, settings):
    settings.TASKS = DUMMY
    section = closed_election.contests.get(slug="section")
    job = lifecycle.start_count(section, officer)
    lifecycle.publish(lifecycle.count(section, officer), officer)  # published before the job runs
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.message == f"{section.name} has a published result already"
    assert Event.objects.filter(verb="job.fail", subject=f"job:{job.pk}").exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_queues_the_job_and_db_worker_runs_it(draft_election, shares, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = lifecycle.open_voting(draft_election, None)
    assert Job.objects.get().state == Job.State.QUEUED and not BallotCode.objects.exists()
    call_command("db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and BallotCode.objects.count() == 10
