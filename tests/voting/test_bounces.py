"""A mail service's webhook reports a code's email bounced: the code is marked so for staff; a
report without the webhook's secret is refused and changes nothing."""

import base64
import json

import pytest
from django.core import mail

from tallyroom.audit.models import Event
from tallyroom.voting.codes import issue_and_send
from tallyroom.voting.models import BallotCode, Delivery

pytestmark = pytest.mark.django_db
URL = "/anymail/postmark/tracking/"
SECRET = "hook-user:hook-password"


def bounce(member, election, **extra):
    return {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Email": member.email,
        "BouncedAt": "2026-12-07T01:00:00Z",
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Metadata": {"tallyroom_election": str(election.pk), "tallyroom_member": str(member.pk)},
        **extra,
    }


def post(client, payload, secret=SECRET):
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()} if secret else {}
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


@pytest.fixture
def issued(settings, voting_election):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}
    election, contests, members = voting_election(voters=3)
    issue_and_send(election)
    return election, [m for m in members if m.email]


def test_each_code_email_names_its_voter_for_the_webhook(issued):
    election, emailed = issued
    assert [m.metadata for m in mail.outbox] == [
        {"tallyroom_election": str(election.pk), "tallyroom_member": str(m.pk)} for m in emailed
    ]


def test_a_reported_bounce_marks_the_code_and_staff_see_it(issued, client, staff):
    election, emailed = issued
    assert post(client, bounce(emailed[0], election)).status_code == 200
    assert BallotCode.objects.get(member=emailed[0]).delivery == Delivery.BOUNCED
    assert BallotCode.objects.get(member=emailed[1]).delivery == Delivery.SENT
    event = Event.objects.get(verb="voting.code_delivery_reported")
    assert event.data["member_id"] == emailed[0].pk and event.data["service"] == "Postmark"
    client.force_login(staff)
    page = client.get(f"/vote/{election.slug}/codes/").content.decode()
    assert "<td>Bounced</td><td>1</td>" in page


@pytest.mark.parametrize("secret", [None, "hook-user:guessed"])
def test_a_report_without_the_secret_is_refused_and_changes_nothing(issued, client, secret):
    election, emailed = issued
    assert post(client, bounce(emailed[0], election), secret=secret).status_code in (400, 401, 403)
    assert BallotCode.objects.get(member=emailed[0]).delivery == Delivery.SENT
    assert not Event.objects.filter(verb="voting.code_delivery_reported").exists()


def test_a_used_code_and_foreign_metadata_are_left_alone(issued, client):
    election, emailed = issued
    BallotCode.objects.filter(member=emailed[0]).update(used_at="2026-12-07T00:00:00Z")
    assert post(client, bounce(emailed[0], election)).status_code == 200
    assert post(client, bounce(emailed[1], election, Metadata={"tallyroom_member": "x"})).status_code == 200
    assert set(BallotCode.objects.values_list("delivery", flat=True)) == {Delivery.SENT, Delivery.POSTED}
