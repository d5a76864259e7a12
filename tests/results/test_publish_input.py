"""Publishing with a malformed count number is a 400 with a message, not a server error."""

import pytest
from django.urls import reverse

from tallyroom.lifecycle import count as count_contest
from tallyroom.results.models import ContestCount

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-1", "²", "9" * 40, "1 OR 1=1"])
def test_a_count_that_is_not_a_number_is_a_bad_request(closed_election, officer, clients, value):
    count_contest(closed_election.contests.get(slug="section"), officer)
    response = clients["officer"].post(
        reverse("results:publish", args=["vale-2026", "section"]), {"count": value}
    )
    assert response.status_code == 400
    assert b"'count' must be a count's number" in response.content
    assert not ContestCount.objects.filter(published=True).exists()


def test_a_missing_count_is_a_bad_request_and_an_unknown_one_not_found(closed_election, officer, clients):
    url = reverse("results:publish", args=["vale-2026", "section"])
    assert clients["officer"].post(url).status_code == 400
    assert clients["officer"].post(url, {"count": "999999"}).status_code == 404
