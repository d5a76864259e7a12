"""The ballot preview for staff: every contest as voters see it, and a test vote through the real
checks that leaves no row behind in any table."""

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tallyroom.elections.models import Election

pytestmark = pytest.mark.django_db


def rows_in_every_table() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.fixture
def draft(voting_election):
    election, contests, _ = voting_election()
    Election.objects.filter(pk=election.pk).update(state=Election.State.DRAFT)
    stv = contests["stv"]
    stv.ballot_order = "alphabetical"
    stv.save()
    ada = stv.candidates.get(name="Ada")
    ada.statement = "I will audit the accounts."
    ada.save()
    return election, contests


def test_the_preview_shows_every_contest_its_instructions_order_and_statements(draft, staff):
    election, contests = draft
    page = Client()
    page.force_login(staff)
    html = page.get(reverse("voting:preview", args=[election.slug])).content.decode()
    assert "Preview for staff" in html
    for name in ("Executive", "Auditors", "Chair"):
        assert f"<legend>{name}</legend>" in html
    assert "I will audit the accounts." in html
    ballot = html[html.index('<main id="main">') :]  # the header's language switcher names Cymraeg
    assert ballot.index(">Ada") < ballot.index(">Bea") < ballot.index(">Cy") < ballot.index(">Di")
    assert "Rank" in html or "rank" in html  # the marking's instructions
    assert f'action="{reverse("voting:preview", args=[election.slug])}"' in html


def test_a_test_vote_is_checked_like_a_ballot_and_stores_nothing(draft, staff):
    election, contests = draft
    client = Client()
    client.force_login(staff)
    url = reverse("voting:preview", args=[election.slug])
    client.get(url)
    before = rows_in_every_table()
    stv, block, chair = contests["stv"], contests["block"], contests["chair"]
    bad = {f"c{stv.pk}-0": "1", f"c{stv.pk}-1": "1", f"c{block.pk}": ["0", "1", "2"]}
    response = client.post(url, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem with your ballot" in html and "choose no more than 2" in html
    good = {f"c{stv.pk}-1": "1", f"c{stv.pk}-0": "2", f"c{block.pk}": ["2"], f"c{chair.pk}": "1"}
    html = client.post(url, good).content.decode()
    assert "Nothing was stored" in html
    assert html.index("<li>Bea</li>") < html.index("<li>Ada</li>")  # ranked as marked
    assert "<li>Gus</li>" in html and "<li>Ivy</li>" in html
    assert rows_in_every_table() == before
