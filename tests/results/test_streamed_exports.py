"""Every export is streamed: the response is a StreamingHttpResponse built from an iterator, and a
stored file (the ballots, the result, the trackers) is read from the database a slice at a time,
never whole, and comes out complete, byte for byte, whatever the slice."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tallyroom.ballotbox.models import ContestBox
from tallyroom.lifecycle import count as count_contest
from tallyroom.lifecycle import publish
from tallyroom.results.models import ContestCount
from tallyroom.web import streaming

pytestmark = pytest.mark.django_db
SLICE = 7


@pytest.fixture
def published(closed_election, officer):
    """Both contests counted and published; the counts by contest slug."""
    counts = {c.slug: count_contest(c, officer) for c in closed_election.contests.all()}
    for counted in counts.values():
        publish(counted, officer)
    return counts


@pytest.fixture
def small_slices(monkeypatch):
    monkeypatch.setattr(streaming.text_slices, "__defaults__", (SLICE,))


def read(response) -> tuple[bytes, int]:
    """The streamed body and how many chunks it came in."""
    assert response.status_code == 200 and response.streaming
    assert not isinstance(response.streaming_content, list | tuple | bytes)  # an iterator
    chunks = list(response.streaming_content)
    return b"".join(chunks), len(chunks)


def test_text_slices_give_the_whole_text_one_query_a_slice(published):
    stored = ContestCount.objects.filter(contest__slug="section")
    text = stored.get().ballots_blt
    with CaptureQueriesContext(connection) as queries:
        parts = list(streaming.text_slices(stored, "ballots_blt", SLICE))
    assert "".join(parts) == text and len(parts) == -(-len(text) // SLICE) > 3
    assert all(len(p) == SLICE for p in parts[:-1])
    assert len(queries) == 1 + len(parts)  # the length, then one per slice
    box = ContestBox.objects.filter(contest__slug="chair")
    box.update(trackers="")
    assert list(streaming.text_slices(box, "trackers")) == []


@pytest.mark.parametrize("name", ["ballots.blt", "result.json"])
def test_a_stored_download_is_streamed_in_slices_and_complete(published, clients, small_slices, name):
    stored = ContestCount.objects.get(contest__slug="section")
    url = reverse("results:download", args=["vale-2026", "section", name])
    body, chunks = read(clients["anonymous"].get(url))
    expected = stored.ballots_blt if name == "ballots.blt" else stored.result_json
    assert body.decode() == expected and chunks == -(-len(expected) // SLICE)
    if name == "ballots.blt":
        assert hashlib.sha256(body).hexdigest() == stored.ballots_sha256


@pytest.mark.parametrize("name", ["result.csv", "result.txt", "tie-seed.txt", "groups.csv", "result.pdf"])
def test_every_other_download_is_streamed(published, clients, name):
    url = reverse("results:download", args=["vale-2026", "section", name])
    body, _ = read(clients["anonymous"].get(url))
    assert body


def test_the_public_tracker_list_is_streamed_in_slices_and_complete(published, clients, small_slices):
    box = ContestBox.objects.get(contest__slug="chair")
    body, chunks = read(clients["anonymous"].get(reverse("voting:list_txt", args=["vale-2026", "chair"])))
    assert body.decode() == box.trackers and len(box.tracker_list()) == 9
    assert hashlib.sha256(body).hexdigest() == box.trackers_sha256 and chunks > 1


def test_staff_exports_are_streamed_and_complete(published, clients):
    officer = clients["officer"]
    election = published["chair"].contest.election
    roll, _ = read(officer.get(reverse("roll:export", args=[published["chair"].contest_id])))
    assert len(roll.decode().splitlines()) == 1 + published["chair"].contest.roll.count()
    voted, _ = read(officer.get(reverse("voting:voted_csv", args=[election.slug])))
    rows = voted.decode().splitlines()
    eligible = sum(c.roll.filter(eligible=True).count() for c in election.contests.all())
    assert rows[0].startswith("contest,number,") and len(rows) == 1 + eligible
    assert sum(",yes," in r for r in rows) == 18  # nine voters, two contests each
    turnout, _ = read(officer.get(reverse("voting:turnout_csv", args=[election.slug])))
    assert turnout.decode().splitlines()[-1].startswith("All,")
    audit, _ = read(officer.get(reverse("audit:export")))
    assert audit.count(b"\n") >= 10
