"""Member imports and roll building as jobs: the upload stored once in the database and read back
in chunks, the request returning at once with the job, progress seen from outside while the job's
one transaction is still open, a refused import rolled back with its errors by line on the job page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import builders as build
from tallyroom.audit.models import Event
from tallyroom.elections.models import Contest
from tallyroom.jobs import files, runner
from tallyroom.jobs.models import Job, JobFile, JobFileChunk
from tallyroom.roll import eligibility, importer
from tallyroom.roll.models import Member, RollEntry

HEADER = b"number,name,email,unit,joined,status,category\n"


def rows(n: int, start: int = 0) -> bytes:
    return b"".join(
        f"N{i:04d},New {i},n{i}@example.org,hackney,2020-01-01,active,member\n".encode()
        for i in range(start, start + n)
    )


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queued(settings):
    """Jobs wait in the queue, as for a worker: the test runs them with ``runner.run``."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.django_db
def test_a_stored_file_reads_back_whole_in_chunks_and_seeks(staff, election, monkeypatch):
    monkeypatch.setattr(files, "CHUNK", 1000)
    data = bytes(range(256)) * 20 + b"end"  # 5,123 bytes: six chunks, the last of 123
    job = runner.start(Job.Kind.IMPORT_MEMBERS, None, staff, queue=False)
    files.store(job, io.BytesIO(data), name="m.csv")
    assert JobFile.objects.get().size == len(data)
    assert sorted(len(c) for c in JobFileChunk.objects.values_list("data", flat=True)) == [123] + [1000] * 5
    handle = files.open_file(job)
    assert handle.name == "m.csv" and handle.read() == data
    handle.seek(1995)
    assert handle.read(10) == data[1995:2005]
    handle.seek(0)
    assert handle.read() == data
    files.discard(job)
    assert not JobFileChunk.objects.exists()


@pytest.mark.django_db
def test_the_upload_returns_at_once_with_a_queued_job_that_a_worker_runs(places, staff, settings):
    queued(settings)
    response = login(staff).post(
        reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", HEADER + rows(5))}
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.QUEUED and job.election is None and not Member.objects.exists()
    assert JobFile.objects.get(job=job).name == "m.csv"  # the upload, stored once for the worker
    page = login(staff).get(job.get_absolute_url()).content.decode()
    assert "Importing members: m.csv" in page and "Waiting for a worker" in page
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and (job.done, job.total) == (5, 5)
    assert job.result == {"rows": 5, "created": 5, "updated": 0, "unchanged": 0}
    assert Member.objects.count() == 5 and not JobFile.objects.exists()
    page = login(staff).get(job.get_absolute_url()).content.decode()
    assert "5 rows; 5 members added" in page and reverse("roll:index") in page
    facts = login(staff).get(reverse("jobs:json", args=[job.pk])).json()
    assert (facts["kind"], facts["election"], facts["outcome_url"]) == (
        "import_members",
        None,
        reverse("roll:index"),
    )
    assert Event.objects.filter(verb="roll.import").count() == 1


@pytest.mark.django_db
def test_a_bad_header_is_refused_at_once_and_no_job_started(places, staff):
    response = login(staff).post(
        reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", b"number,nom\n")}
    )
    assert response.status_code == 200 and "missing columns" in response.content.decode()
    assert not Job.objects.exists() and not JobFile.objects.exists()


@pytest.mark.django_db
def test_bad_rows_fail_the_job_naming_each_line_and_import_nothing(places, staff):
    bad = (
        HEADER
        + rows(2)
        + b"N9,,x@example.org,hackney,2020-01-01,active,member\nN8,B,,mars,2020-01-01,active,member\n"
    )
    login(staff).post(reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", bad)})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and not Member.objects.exists() and not JobFile.objects.exists()
    assert [(e["line"], e["problem"]) for e in job.result["errors"]] == [
        (4, "name is empty"),
        (5, "unknown unit 'mars'"),
    ]
    page = login(staff).get(job.get_absolute_url()).content.decode()
    assert "2 problems in m.csv; nothing imported" in page
    assert "Line 4: name is empty" in page and "Line 5: unknown unit &#x27;mars&#x27;" in page
    welsh = login(staff)
    welsh.cookies["django_language"] = "cy"
    page = welsh.get(job.get_absolute_url()).content.decode()
    assert "2 problem yn m.csv; ni fewnforiwyd dim" in page and "nothing imported" not in page
    assert "Llinell 4: mae name yn wag" in page and "name is empty" not in page


@pytest.mark.django_db
def test_an_import_run_in_english_reports_in_welsh(places, staff):
    login(staff).post(reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", HEADER + rows(3))})
    job = Job.objects.get()
    assert job.message == "m.csv: 3 rows; 3 members added, 0 updated, 0 unchanged"
    welsh = login(staff)
    welsh.cookies["django_language"] = "cy"
    facts = welsh.get(reverse("jobs:json", args=[job.pk])).json()
    assert facts["message"] == "m.csv: 3 rhes; 3 aelod wedi'u hychwanegu, 0 wedi'u diweddaru, 0 heb eu newid"


@pytest.mark.django_db
def test_a_refusal_while_writing_rolls_back_every_batch_and_is_shown_by_line(places, staff, monkeypatch):
    """Rows that pass the check but are refused while written (a contact change for a member on
    a frozen roll, in the last batch): the batches written before it are undone."""
    monkeypatch.setattr(importer, "BATCH", 2)
    importer.import_members(io.BytesIO(HEADER + b"L1,Ann,ann@example.org,hackney,2019-05-01,active,member\n"))
    election = build.election("e", name="Board", days=0)
    contest = build.contest(election, "c", name="C", roll_frozen_at=timezone.now())
    build.roll(contest, [Member.objects.get(number="L1")])
    moved = b"L1,Ann,ann@elsewhere.org,hackney,2019-05-01,active,member\n"
    login(staff).post(reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", HEADER + rows(5) + moved)})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and job.result["errors"][0]["line"] == 7
    assert "frozen roll of Board" in job.result["errors"][0]["problem"]
    assert not Member.objects.filter(number__startswith="N").exists()
    assert Member.objects.get(number="L1").email == "ann@example.org"
    assert (
        "Line 7: member L1 is on the frozen roll" in login(staff).get(job.get_absolute_url()).content.decode()
    )


def _seen_from_outside(job_id: int) -> tuple:
    """The job's progress and (PostgreSQL: SQLite would wait for the writer) the number of
    members, read on a connection of the test's own."""
    other = runner.side_connection()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT done, total, message FROM jobs_job WHERE id = %s", [job_id])
            progress = cursor.fetchone()
            members = None
            if connection.vendor == "postgresql":
                cursor.execute("SELECT COUNT(*) FROM roll_member")
                members = cursor.fetchone()[0]
            return (*progress, members)
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_progress_is_seen_while_the_import_runs(places, staff, monkeypatch, settings):
    """Checking: the rows read so far. Writing (PostgreSQL): the rows written so far, seen from
    another connection while the import's one transaction has not yet committed any member."""
    monkeypatch.setattr(runner, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(importer, "BATCH", 2)
    queued(settings)
    login(staff).post(reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", HEADER + rows(6))})
    job = Job.objects.get()
    seen, pages = [], []
    check, insert = importer._check, importer.bulk.insert

    def checking(*args):
        if not seen:  # the first row: the progress says what it is doing
            seen.append(("check", *_seen_from_outside(job.pk)))
            pages.append(login(staff).get(job.get_absolute_url()).content.decode())  # mid-run
        return check(*args)

    def inserting(model, fields, new):
        insert(model, fields, new)
        if model is Member:
            seen.append(("write", *_seen_from_outside(job.pk)))

    monkeypatch.setattr(importer, "_check", checking)
    monkeypatch.setattr(importer.bulk, "insert", inserting)
    runner.run(job.pk)
    assert Job.objects.get().state == Job.State.DONE and Member.objects.count() == 6
    assert '<progress id="job-progress">1 so far</progress>' in pages[0] and "checking the rows" in pages[0]
    if connection.vendor == "postgresql":
        assert seen == [
            ("check", 1, 0, "checking the rows", 0),
            *[("write", n, 6, "writing 6 members", 0) for n in (0, 2, 4)],  # the batches before
        ]
    else:  # SQLite has one writer at a time: while the import writes, its progress stands still
        assert seen == [
            ("check", 1, 0, "checking the rows", None),
            *[("write", 0, 6, "writing 6 members", None)] * 3,
        ]


@pytest.mark.django_db(transaction=True)
def test_roll_building_is_a_job_whose_progress_is_seen_mid_run(places, contest, staff, monkeypatch, settings):
    monkeypatch.setattr(runner, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(eligibility, "BATCH", 3)
    importer.import_members(io.BytesIO(HEADER + rows(7)))
    queued(settings)
    response = login(staff).post(reverse("roll:build", args=[contest.pk]))
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url() and not RollEntry.objects.exists()
    seen, build = [], eligibility._build_batch

    def building(*args):
        build(*args)
        other = runner.side_connection()
        with other.cursor() as cursor:
            cursor.execute("SELECT done, total FROM jobs_job WHERE id = %s", [job.pk])
            seen.append(cursor.fetchone())
        other.close()

    monkeypatch.setattr(eligibility, "_build_batch", building)
    runner.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.message == "Roll built: 7 eligible, 0 excluded."
    assert RollEntry.objects.filter(contest=contest, eligible=True).count() == 7 and (
        job.done,
        job.total,
    ) == (7, 7)
    if connection.vendor == "postgresql":  # read as each batch is written, before its progress
        assert seen == [(0, 7), (3, 7), (6, 7)]
    page = login(staff).get(job.get_absolute_url()).content.decode()
    assert "See the roll of Chair" in page


@pytest.mark.django_db
def test_building_is_refused_once_frozen_or_while_a_build_is_under_way(places, contest, staff, settings):
    queued(settings)
    client = login(staff)
    first = client.post(reverse("roll:build", args=[contest.pk]))
    again = client.post(reverse("roll:build", args=[contest.pk]), follow=True)
    assert Job.objects.count() == 1 and again.redirect_chain[0][0] == first["Location"]
    assert "being built already" in again.content.decode()
    Contest.objects.filter(pk=contest.pk).update(roll_frozen_at=timezone.now())
    frozen = client.post(reverse("roll:build", args=[contest.pk]), follow=True).content.decode()
    assert "is frozen" in frozen and Job.objects.count() == 1
