"""The head in every page's footer: read from the database at most once a second by a process,
at once after this process records an event, and always afresh inside a transaction."""

import re

import pytest
from django.db import transaction

from tallyroom.audit import published
from tallyroom.audit.events import record
from tallyroom.audit.models import Event

pytestmark = pytest.mark.django_db(transaction=True)
FOOTER = re.compile(r'head <code class="hash">([0-9a-f]{64})</code>')


@pytest.fixture
def clock(monkeypatch):
    """The monotonic clock ``published`` reads, set by hand."""
    now = [1000.0]
    monkeypatch.setattr(published.time, "monotonic", lambda: now[0])
    published.forget_head()
    yield now
    published.forget_head()


def recorded_elsewhere(monkeypatch, verb: str) -> Event:
    """An event appended as another process would: this process is not told."""
    with monkeypatch.context() as m:
        m.setattr(published, "recorded", lambda: None)
        return record(None, verb)


def test_footer_head_is_cached_for_a_second_then_read_again(
    clock, monkeypatch, client, django_assert_num_queries
):
    first = record(None, "test.first")
    assert FOOTER.search(client.get("/vote/").content.decode()).group(1) == first.hash
    second = recorded_elsewhere(monkeypatch, "test.second")
    clock[0] += 0.9
    with django_assert_num_queries(0):
        assert published.recent_head()["hash"] == first.hash  # still a genuine head of the trail
    assert FOOTER.search(client.get("/vote/").content.decode()).group(1) == first.hash
    clock[0] += 0.1
    assert FOOTER.search(client.get("/vote/").content.decode()).group(1) == second.hash
    assert published.recent_head() == {"seq": second.seq, "hash": second.hash, "at": second.at}


def test_an_event_recorded_here_is_in_the_next_footer(clock, client):
    record(None, "test.first")
    client.get("/vote/")
    latest = record(None, "test.second")
    assert FOOTER.search(client.get("/vote/").content.decode()).group(1) == latest.hash


def test_inside_a_transaction_the_head_is_read_afresh(clock, monkeypatch):
    record(None, "test.first")
    published.recent_head()
    with transaction.atomic():
        mine = recorded_elsewhere(monkeypatch, "test.mine")
        assert published.recent_head()["hash"] == mine.hash


def test_a_rolled_back_event_leaves_no_head_behind(clock):
    kept = record(None, "test.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        record(None, "test.undone")
        published.recent_head()
        raise RuntimeError
    assert published.recent_head()["hash"] == kept.hash
