"""The audit page: scrutineers and the returning officer read every event and whether the chain
verifies; no one else does, and no vote ever appears."""

import pytest
from django.urls import reverse

from tallyroom.audit.models import Event
from tallyroom.lifecycle import count as count_contest

pytestmark = pytest.mark.django_db
AUDIT = reverse("audit:events")


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("staff", 403), ("scrutineer", 200)])
def test_who_reads_the_audit_trail(open_election, clients, who, status):
    assert clients[who].get(AUDIT).status_code == status


def test_the_trail_lists_events_and_verifies(closed_election, clients, officer):
    count_contest(closed_election.contests.get(slug="section"), officer)
    page = clients["scrutineer"].get(AUDIT).content.decode()
    assert "The chain verifies" in page
    for label in ("Roll frozen", "Ballot codes issued", "Voting opened", "Voting closed", "Contest counted"):
        assert f"<td>{label}</td>" in page
    assert "Tom" in page  # the count's event names who was elected ...
    assert "M000" not in page and "Member 0" not in page  # ... but no voter, let alone a vote


def test_a_tampered_trail_is_reported(closed_election, clients):
    Event.objects.filter(verb="election.close").update(actor="someone-else")
    page = clients["officer"].get(AUDIT).content.decode()
    assert "The chain does not verify" in page and "hash does not match" in page


def test_subjects_are_shown_by_name(closed_election, clients, officer):
    """Issue 7 (13): the trail said "contest:6" instead of the contest's name."""
    from tallyroom.audit.events import record

    section = closed_election.contests.get(slug="section")
    count_contest(section, officer)
    record(officer, "slate.delete", "slate:999", name="Old slate")  # gone: the name the event kept
    page = clients["scrutineer"].get(AUDIT).content.decode()
    assert f'Vale board 2026: CLP section <span class="muted">(contest:{section.pk})</span>' in page
    assert f'Vale board 2026 <span class="muted">(election:{closed_election.pk})</span>' in page
    assert 'Old slate <span class="muted">(slate:999)</span>' in page


def test_the_trail_labels_its_verbs_in_the_readers_language(open_election, clients, officer):
    election, _codes = open_election
    """Issue 7: the verbs showed as stored ("job.start") on Welsh pages; the stored verb, which
    the chain signs, stays as it is."""
    from tallyroom.audit.events import record

    record(officer, "job.start", f"election:{election.pk}")
    record(officer, "election.change", f"election:{election.pk}")
    record(None, "old.verb_of_an_older_release")
    client = clients["scrutineer"]
    client.cookies["django_language"] = "cy"
    welsh = client.get(AUDIT).content.decode()
    assert "<td>Dechreuwyd tasg</td>" in welsh and "<td>Newidiwyd etholiad</td>" in welsh
    assert "<td>Agorwyd y pleidleisio</td>" in welsh
    assert "job.start" not in welsh and "Job started" not in welsh and "election.change" not in welsh
    assert "<td>old.verb_of_an_older_release</td>" in welsh  # no label: shown as stored
    assert "<td>y system</td>" in welsh and "<td>system</td>" not in welsh  # no user made it
    assert "The chain verifies" not in welsh and "audit-ok" in welsh
    client.cookies["django_language"] = "en-gb"
    english = client.get(AUDIT).content.decode()
    assert "<td>Job started</td>" in english and "<td>Election changed</td>" in english
    assert Event.objects.filter(verb="job.start").exists()
