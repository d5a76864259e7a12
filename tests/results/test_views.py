"""The dashboard, review and publish pages: who may see and do what, with CSRF on every POST."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tallyroom.elections.models import Election
from tallyroom.jobs.models import Job
from tallyroom.lifecycle import count as count_contest
from tallyroom.lifecycle import publish
from tallyroom.results.models import ContestCount
from tallyroom.voting.casting import cast

pytestmark = pytest.mark.django_db

ELECTION = reverse("results:election", args=["vale-2026"])


def test_dashboard_shows_turnout_overall_and_by_unit(open_election, clients):
    election, codes = open_election
    cast(codes["M000"], {})  # Eastbridge
    cast(codes["M001"], {})  # Westmoor
    cast(codes["M002"], {})  # Eastbridge
    page = clients["officer"].get(ELECTION).content.decode()
    assert "3 of 10 voters have voted" in page and "30.0%" in page
    assert '<th scope="row">Eastbridge</th><td>40.0%</td><td>2</td><td>5</td>' in page
    assert '<th scope="row">Westmoor</th><td>20.0%</td><td>1</td><td>5</td>' in page


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("staff", 403), ("scrutineer", 200), ("officer", 200)]
)
def test_who_sees_the_dashboard(open_election, clients, who, status):
    assert clients[who].get(ELECTION).status_code == status
    assert clients[who].get(reverse("results:dashboard")).status_code == status


def test_scrutineers_see_turnout_but_no_actions(open_election, clients):
    page = clients["scrutineer"].get(ELECTION).content.decode()
    assert "Turnout" in page and "Close voting" not in page
    assert "Close voting" in clients["officer"].get(ELECTION).content.decode()


@pytest.mark.parametrize("who", ["anonymous", "staff", "scrutineer"])
def test_only_the_returning_officer_closes_counts_and_publishes(closed_election, clients, officer, who):
    stored = count_contest(closed_election.contests.get(slug="section"), officer)
    Election.objects.filter(pk=closed_election.pk).update(state=Election.State.VOTING)
    posts = [
        reverse("results:close", args=["vale-2026"]),
        reverse("results:count", args=["vale-2026", "section"]),
        reverse("results:publish", args=["vale-2026", "section"]),
    ]
    for url in posts:
        assert clients[who].post(url, {"count": stored.pk}).status_code in (302, 403)
    assert Election.objects.get().state == Election.State.VOTING
    assert ContestCount.objects.count() == 1 and not ContestCount.objects.filter(published=True).exists()
    review = clients[who].get(reverse("results:review", args=["vale-2026", "section"]))
    assert review.status_code in (302, 403)


def test_every_post_needs_the_csrf_token(open_election, officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.post(reverse("results:close", args=["vale-2026"]))
    assert response.status_code == 403
    assert Election.objects.get().state == Election.State.VOTING
    page = client.get(ELECTION).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_the_officer_closes_opens_the_box_counts_reviews_and_publishes(open_election, shares, clients):
    election, codes = open_election
    cast(codes["M000"], {election.contests.get(slug="chair"): ["Cat", "Ann"]})
    officer = clients["officer"]
    page = officer.post(reverse("results:close", args=["vale-2026"]), follow=True).content.decode()
    assert "Voting is closed." in page and "2 of the 3 trustees (Tina, Umar, Vic)" in page
    assert 'action="/results/officer/vale-2026/chair/count/"' not in page  # not before the box is open
    url = reverse("results:open_box", args=["vale-2026"])
    page = officer.post(url, {"share1": shares[0]}, follow=True).content.decode()
    assert "2 trustees&#x27; shares are needed to open the box; 1 given" in page
    tampered = shares[2][:-1] + ("0" if shares[2][-1] != "0" else "1")
    page = officer.post(url, {"share1": shares[0], "share2": tampered}, follow=True).content.decode()
    assert "(Vic&#x27;s) is not the share made at the ceremony" in page
    files = [SimpleUploadedFile("share.txt", shares[2].encode())]
    page = officer.post(url, {"share1": shares[0], "share_files": files}, follow=True).content.decode()
    assert "The box is open: 2 ballots ready to count." in page
    response = officer.post(reverse("results:count", args=["vale-2026", "chair"]), follow=True)
    job = Job.objects.get(kind=Job.Kind.COUNT)
    assert response.redirect_chain[-1][0] == reverse("jobs:job", args=[job.pk])  # the count is a job
    review = reverse("results:review", args=["vale-2026", "chair"])
    assert f'href="{review}">Review the count' in response.content.decode()
    page = officer.get(review).content.decode()
    assert "Publish this result" in page and "Stage table" in page
    stored = ContestCount.objects.get()
    page = officer.post(
        reverse("results:publish", args=["vale-2026", "chair"]), {"count": stored.pk}, follow=True
    ).content.decode()
    assert "result published" in page
    assert ContestCount.objects.get().published


def test_counting_before_close_is_refused_with_a_message(open_election, clients):
    page = clients["officer"].post(reverse("results:count", args=["vale-2026", "chair"]), follow=True)
    assert "only once voting has closed" in page.content.decode()
    assert not ContestCount.objects.exists()


def test_open_voting_from_the_dashboard(draft_election, shares, clients, officer, ready_to_open):
    page = clients["officer"].post(reverse("results:open", args=["vale-2026"]), follow=True).content.decode()
    assert "roll has not been built" in page  # the checklist's reasons
    ready_to_open(draft_election, officer)
    page = clients["officer"].post(reverse("results:open", args=["vale-2026"]), follow=True).content.decode()
    assert "Voting is open: 10 ballot codes issued: 10 emailed, 0 for post." in page
    again = clients["officer"].post(reverse("results:open", args=["vale-2026"]), follow=True).content.decode()
    assert "cannot open voting" in again


def test_review_shows_the_newest_count_and_a_stale_one_is_not_published(closed_election, officer, clients):
    section = closed_election.contests.get(slug="section")
    older = count_contest(section, officer)
    newer = count_contest(section, officer)
    page = clients["officer"].get(reverse("results:review", args=["vale-2026", "section"])).content.decode()
    assert f'name="count" value="{newer.pk}"' in page
    response = clients["officer"].post(
        reverse("results:publish", args=["vale-2026", "section"]), {"count": older.pk}, follow=True
    )
    assert "counted again" in response.content.decode()
    assert not ContestCount.objects.filter(published=True).exists()
    publish(newer, officer)


def test_dashboard_stops_asking_to_count_once_everything_is_published(closed_election, clients, officer):
    """Issue 7 (13): after everything was published the dashboard still said to count and publish."""

    url = reverse("results:election", args=[closed_election.slug])
    assert "count each contest" in clients["officer"].get(url).content.decode()
    for contest in closed_election.contests.all():
        publish(count_contest(contest, officer), officer)
    page = clients["officer"].get(url).content.decode()
    assert "count each contest" not in page and "every contest's result is published" in page
