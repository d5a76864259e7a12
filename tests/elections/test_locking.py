"""Finding 4 (its editing part): staff edited the election during voting — name, open and close
times — and it was saved. Now the election, like its contests, is locked once voting opens, in
the staff pages and in the admin, and slugs (in every public link) stay fixed."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tallyroom.audit.election_keys import CERTIFY
from tallyroom.audit.models import Event
from tallyroom.elections.forms import ContestForm, ElectionForm
from tallyroom.elections.models import Election

pytestmark = pytest.mark.django_db


def election_data(election, **changes):
    data = {
        "slug": election.slug,
        "name": election.name,
        "description": "",
        "freeze_date": "2026-01-01",
        "voting_opens": "2026-03-01T09:00",
        "voting_closes": "2026-03-15T09:00",
    }
    return data | changes


@pytest.mark.parametrize("state", [Election.State.VOTING, Election.State.CLOSED])
def test_the_election_cannot_be_edited_once_voting_opens(client, staff, election, state):
    Election.objects.filter(pk=election.pk).update(state=state)
    client.force_login(staff)
    url = reverse("elections:election_edit", args=[election.slug])
    changed = election_data(election, name="Renamed", voting_closes="2026-12-31T23:00", slug="moved")
    response = client.post(url, changed, follow=True)
    assert "it can no longer change" in response.content.decode()
    after = Election.objects.get(pk=election.pk)
    assert (after.name, after.slug, after.voting_closes) == (
        election.name,
        election.slug,
        election.voting_closes,
    )
    assert not Event.objects.exclude(verb=CERTIFY).exists()  # only its key's certificate


def test_before_voting_the_election_is_edited_with_an_event(client, staff, election):
    client.force_login(staff)
    client.post(
        reverse("elections:election_edit", args=[election.slug]), election_data(election, name="Renamed")
    )
    assert Election.objects.get(pk=election.pk).name == "Renamed"
    assert Event.objects.get(verb="election.change").data["fields"] == ["name"]


def test_slugs_stay_once_voting_has_opened(election, contest):
    Election.objects.filter(pk=election.pk).update(state=Election.State.CLOSED)
    election.refresh_from_db()
    form = ElectionForm(election_data(election, slug="moved"), instance=election)
    assert not form.is_valid() and "The slug is fixed once voting has opened" in str(form.errors["slug"])
    contest.refresh_from_db()
    data = {
        "slug": "moved",
        "name": "Chair",
        "position": 1,
        "seats": 1,
        "method": "fptp",
        "nomination_threshold": 0,
    }
    contest_form = ContestForm(data, instance=contest, election=election)
    assert not contest_form.is_valid() and "fixed" in str(contest_form.errors["slug"])


def test_the_admin_is_no_way_round_the_lock(client, election, contest):
    admin = User.objects.create_superuser("admin", password="pw-for-tests-only")
    client.force_login(admin)
    change = reverse("admin:elections_election_change", args=[election.pk])
    assert "Save" in client.get(change).content.decode()  # before voting: editable
    Election.objects.filter(pk=election.pk).update(state=Election.State.VOTING)
    page = client.get(change).content.decode()
    assert 'name="_save"' not in page  # read-only now
    assert client.post(change, election_data(election, name="Renamed")).status_code == 403
    contest_change = reverse("admin:elections_contest_change", args=[contest.pk])
    assert client.post(contest_change, {"name": "x"}).status_code == 403
    assert Election.objects.get(pk=election.pk).name == election.name
