"""A refused member import reads in the reader's language: the header refused on the upload page,
every bad row on the import job's page (the job keeps each problem as a message)."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tallyroom.jobs.models import Job
from tallyroom.roll.models import Member

pytestmark = pytest.mark.django_db

HEADER = b"number,name,email,unit,joined,status,category\n"
BAD_ROWS = (
    HEADER
    + b"N1,Ann,ann@example.org,hackney,2020-01-01,active,member\n"
    + b"N2,,x@example.org,mars,2020-01-01,active,member\n"
    + b"N3,Bob,bob,hackney,,active,member,extra\n"
    + b"N1,Cat,cat@example.org,hackney,2020-13-01,gone,member\n"
)


def client_in(language: str, user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_a_bad_header_is_refused_in_welsh(places, staff):
    upload = SimpleUploadedFile("m.csv", b"number,nom,nom\n")
    page = unescape(client_in("cy", staff).post(reverse("roll:import"), {"file": upload}).content.decode())
    wrong = "colofnau ar goll name, unit, joined, status, category; colofnau anhysbys nom, nom; "
    assert wrong + "colofn a ailadroddir nom (y colofnau yw number, name, unit" in page
    assert "missing column" not in page and "the columns are" not in page
    assert not Job.objects.exists()


def test_the_import_jobs_bad_rows_are_listed_in_welsh_and_in_english(places, staff):
    client_in("cy", staff).post(reverse("roll:import"), {"file": SimpleUploadedFile("m.csv", BAD_ROWS)})
    job = Job.objects.get()
    assert job.state == Job.State.FAILED and not Member.objects.exists()
    page = unescape(client_in("cy", staff).get(job.get_absolute_url()).content.decode())
    assert "Llinell 3: mae name yn wag; uned anhysbys 'mars'" in page
    assert "Llinell 4: disgwyliwyd 7 cell, cafwyd 8" in page
    assert (
        "Llinell 5: mae rhif aelodaeth N1 hefyd ar linell 2; nid yw status 'gone' yn un o active, expelled, "
        "lapsed, suspended; nid yw joined '2020-13-01' yn ddyddiad BBBB-MM-DD"
    ) in page
    for english in ("name is empty", "unknown unit", "expected 7 cells", "is also on line", "is not a date"):
        assert english not in page
    page = unescape(client_in("en-gb", staff).get(job.get_absolute_url()).content.decode())
    assert (
        "Line 3: name is empty; unknown unit 'mars'" in page and "Line 4: expected 7 cells, found 8" in page
    )
    assert "mae name yn wag" not in page
