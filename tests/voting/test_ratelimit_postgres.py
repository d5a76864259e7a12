"""100 concurrent wrong codes from one address on PostgreSQL are held to the limit: the check and
the count are one statement, so no burst slips past it."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from tallyroom.voting.models import AttemptCounter
from tallyroom.voting.ratelimit import client_scope

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_burst_of_wrong_codes_is_held_to_the_limit(settings, voting_election):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (concurrency on SQLite is serialised)")
    settings.TALLYROOM_CODE_FAILURES_PER_CLIENT = 10
    voting_election(slug="burst", voters=3)

    def guess(i):
        try:
            client = Client(REMOTE_ADDR="203.0.113.5")
            return client.post(reverse("voting:enter"), {"code": f"WRONG-{i:04d}"}).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(guess, range(100)))
    assert statuses.count(400) == 10 and statuses.count(429) == 90  # 10 guesses tried, no more
    scope = client_scope(RequestFactory().get("/", REMOTE_ADDR="203.0.113.5"))
    assert AttemptCounter.objects.get(scope=scope).failures == 10
    assert AttemptCounter.objects.get(scope="everyone").failures == 10
