"""Before voting opens (the checklist, which open_voting itself enforces), the confirmation pages,
and the recorded decisions that extend or reopen voting."""

import io
from datetime import timedelta
from html import unescape

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tallyroom import lifecycle
from tallyroom.audit.models import Event
from tallyroom.ballotbox import keys
from tallyroom.ballotbox.models import ContestBox
from tallyroom.elections import checklist
from tallyroom.elections.models import Candidate, Election
from tallyroom.roll.eligibility import build_roll
from tallyroom.voting.models import BallotCode

from .conftest import SECTION_BALLOTS, cast, client_for

pytestmark = pytest.mark.django_db
State = Election.State


def login(user):
    return client_for(user)


def test_a_broken_election_lists_every_problem_and_does_not_open(draft_election, officer):
    section = draft_election.contests.get(slug="section")
    section.seats, section.constraints = 0, "woman>=3"
    section.save()
    chair = draft_election.contests.get(slug="chair")
    chair.candidates.all().delete()
    draft_election.voting_closes = timezone.now() - timedelta(hours=1)
    draft_election.save()
    found = checklist.problems(draft_election)
    text = "\n".join(found)
    assert "CLP section has no seats" in text
    assert "Chair has 0 candidates standing for 1 seat" in text
    assert "roll has not been built" in text
    assert "has passed" in text and "Voting must open before it closes" in text
    assert "no trustees' key" in text
    assert "mail settings have not been tested" in text
    events = Event.objects.count()
    with pytest.raises(lifecycle.Refused) as refused:
        lifecycle.open_voting(draft_election, officer)
    assert all(problem in str(refused.value) for problem in found)
    assert Election.objects.get().state == State.DRAFT
    assert not BallotCode.objects.exists() and Event.objects.count() == events and not mail.outbox


def test_unsatisfiable_constraints_and_empty_rolls_are_found(draft_election, officer, shares, ready_to_open):
    ready_to_open(draft_election, officer)
    assert checklist.problems(draft_election) == []
    section = draft_election.contests.get(slug="section")
    section.constraints = "woman>=2"  # only Amy is a woman
    section.save()
    assert checklist.problems(draft_election) == [
        "CLP section: the constraints (woman>=2) cannot be met by the candidates standing for 2 seats."
    ]
    section.constraints = "bame>=1"
    section.save()
    assert "names group 'bame', which no candidate is in" in checklist.problems(draft_election)[0]
    section.constraints = ""
    section.paid_up_on = timezone.now().date() + timedelta(days=400)  # nobody is paid up so far ahead
    section.save()
    build_roll(section, user=officer)
    assert checklist.problems(draft_election) == ["CLP section: nobody is eligible on its roll."]


def test_withdrawn_candidates_do_not_count_and_ron_is_not_a_candidate(
    draft_election, officer, shares, ready_to_open
):
    ready_to_open(draft_election, officer)
    chair = draft_election.contests.get(slug="chair")
    assert chair.ron
    Candidate.objects.filter(contest=chair).update(withdrawn=True)
    assert checklist.problems(draft_election) == [
        "Chair has 0 candidates standing for 1 seat (re-open nominations does not count as a candidate)."
    ]


def test_the_test_email_goes_to_the_officer_and_is_recorded(draft_election, officer):
    client = login(officer)
    page = client.post(reverse("results:mail_test", args=["vale-2026"]), follow=True).content.decode()
    assert "has no email address" in page and not checklist.mail_tested(draft_election)
    client.cookies["django_language"] = "cy"
    page = unescape(
        client.post(reverse("results:mail_test", args=["vale-2026"]), follow=True).content.decode()
    )
    assert "Nid oes cyfeiriad e-bost gan eich cyfrif" in page and "has no email address" not in page
    client.cookies["django_language"] = "en-gb"
    officer.email = "ro@example.org"
    officer.save()
    page = client.post(reverse("results:mail_test", args=["vale-2026"]), follow=True).content.decode()
    assert "A test email was sent to ro@example.org" in page
    assert [m.to for m in mail.outbox] == [["ro@example.org"]]
    assert checklist.mail_tested(draft_election).data == {"to": "ro@example.org"}


def test_a_refused_test_email_is_not_recorded(draft_election, officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    officer.email = "ro@example.org"
    with pytest.raises(checklist.MailTestError, match="refused the test email"):
        checklist.send_test_mail(draft_election, officer)
    assert not checklist.mail_tested(draft_election)


def test_the_checklist_page_shows_problems_then_what_opening_will_do(
    draft_election, officer, shares, ready_to_open
):
    client = login(officer)
    page = client.get(reverse("results:checklist", args=["vale-2026"])).content.decode()
    assert "to put right" in page and "roll has not been built" in page
    assert reverse("results:open", args=["vale-2026"]) not in page
    draft_election.contests.get(slug="chair").roll.all().delete()
    ready_to_open(draft_election, officer)
    member = draft_election.contests.get(slug="section").roll.first().member
    member.email = ""
    member.save()
    page = client.get(reverse("results:checklist", args=["vale-2026"])).content.decode()
    assert "Everything is ready" in page
    assert (
        "<strong>10 ballot codes</strong>: <strong>9</strong> sent by email and <strong>1</strong> for post"
        in page
    )
    assert reverse("results:open", args=["vale-2026"]) in page


def test_the_dashboard_leads_to_the_checklist_not_straight_to_opening(draft_election, officer):
    page = login(officer).get(reverse("results:election", args=["vale-2026"])).content.decode()
    assert reverse("results:checklist", args=["vale-2026"]) in page
    assert f'action="{reverse("results:open", args=["vale-2026"])}"' not in page


def test_closing_early_is_said_loudly_and_takes_a_second_step(open_election, officer):
    """It names how many have voted and how many closing shuts out (issue 7, 3)."""
    election, codes = open_election
    client = login(officer)
    page = client.get(reverse("results:close", args=["vale-2026"])).content.decode()
    assert "Voting is scheduled to close at" in page and 'role="alert"' in page
    assert "Close voting now, before the scheduled close" in page
    assert Election.objects.get().state == State.VOTING  # the page alone changes nothing
    assert "<strong>0</strong> of the <strong>10</strong> members sent a ballot code have voted" in page
    cast(codes["M000"], {election.contests.get(slug="section"): SECTION_BALLOTS[0]})
    page = client.get(reverse("results:close", args=["vale-2026"])).content.decode()
    assert "<strong>1</strong> of the <strong>10</strong> members" in page and "(10.0%)" in page
    assert "shuts out the other <strong>9</strong>" in page
    client.post(reverse("results:close", args=["vale-2026"]))
    assert Election.objects.get().state == State.CLOSED


def test_extending_is_a_recorded_decision_with_a_reason(open_election, officer):
    election, _ = open_election
    before = election.voting_closes
    later = before + timedelta(days=2)
    with pytest.raises(lifecycle.Refused, match="say why"):
        lifecycle.extend_voting(election, officer, later, "  ")
    with pytest.raises(lifecycle.Refused, match="later than it is now"):
        lifecycle.extend_voting(election, officer, before - timedelta(hours=1), "typo")
    assert Election.objects.get().voting_closes == before and not Event.objects.filter(verb="election.extend")
    client = login(officer)
    url = reverse("results:extend", args=["vale-2026"])
    page = client.post(url, {"until": "", "reason": ""}).content.decode()
    assert "This field is required" in page
    response = client.post(
        url, {"until": timezone.localtime(later).strftime("%Y-%m-%dT%H:%M"), "reason": "Post strike"}
    )
    assert response.status_code == 302
    election.refresh_from_db()
    assert abs(election.voting_closes - later) < timedelta(minutes=1)
    event = Event.objects.get(verb="election.extend")
    assert event.actor == "ro" and event.data["reason"] == "Post strike"
    assert event.data["closes_was"] == before.isoformat()


def test_reopening_after_an_early_close_and_never_once_the_box_is_open(voted_and_closed, officer, shares):
    election = voted_and_closed
    until = timezone.now() + timedelta(days=1)
    with pytest.raises(lifecycle.Refused, match="say why"):
        lifecycle.reopen_voting(election, officer, until, "")
    with pytest.raises(lifecycle.Refused, match="must be in the future"):
        lifecycle.reopen_voting(election, officer, timezone.now() - timedelta(minutes=1), "closed early")
    assert ContestBox.objects.count() == 2
    lifecycle.reopen_voting(election, officer, until, "Closed five days early by mistake")
    assert election.state == State.VOTING and election.voting_closes == until
    assert not ContestBox.objects.exists()
    assert Event.objects.get(verb="election.reopen").data["reason"] == "Closed five days early by mistake"
    lifecycle.close_voting(election, officer)
    assert ContestBox.objects.get(contest__slug="section").sealed_count == 9
    lifecycle.open_box(election, officer, shares[:2])
    with pytest.raises(lifecycle.Refused, match="ballot box has been opened"):
        lifecycle.reopen_voting(election, officer, until, "again")
    assert Election.objects.get().state == State.CLOSED


def test_the_officer_reopens_from_the_dashboard_with_a_reason(open_election, voted_and_closed, officer):
    """After an early close the dashboard offers to reopen; the page needs a reason, and the member
    who had not voted can vote with the code they already hold (issue 7, 2 and 3)."""
    election, codes = open_election
    client = login(officer)
    url = reverse("results:reopen", args=["vale-2026"])
    assert url in client.get(reverse("results:election", args=["vale-2026"])).content.decode()
    assert "Reopen voting" in client.get(url).content.decode()
    until = timezone.localtime(timezone.now() + timedelta(days=1))
    refused = client.post(url, {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": ""})
    assert refused.status_code == 200 and Election.objects.get().state == State.CLOSED
    done = client.post(url, {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Closed early by mistake"})
    assert done.status_code == 302 and Election.objects.get().state == State.VOTING
    event = Event.objects.get(verb="election.reopen")
    assert event.actor == "ro" and event.data["reason"] == "Closed early by mistake"
    cast(codes["M009"], {election.contests.get(slug="section"): SECTION_BALLOTS[0]})
    assert BallotCode.objects.filter(election=election, used_at__isnull=False).count() == 10


def test_the_review_page_shows_the_result_above_the_publish_button(closed_election, officer):
    lifecycle.count(closed_election.contests.get(slug="section"), officer)
    page = login(officer).get(reverse("results:review", args=["vale-2026", "section"])).content.decode()
    assert (
        page.index("Publish this result") > page.index('id="stages-heading"') > page.index("winners-heading")
    )


def test_the_public_result_page_offers_the_pdf_sheet(closed_election, officer):
    counted = lifecycle.count(closed_election.contests.get(slug="section"), officer)
    lifecycle.publish(counted, officer)
    client = client_for(None)
    page = client.get(reverse("results:contest", args=["vale-2026", "section"])).content.decode()
    url = reverse("results:download", args=["vale-2026", "section", "result.pdf"])
    assert url in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="vale-2026-section-result.pdf"' in response["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.getvalue())).pages)
    assert "Elected: 1. Tom, 2. Amy" in text and "woman>=1" in text and "Tom 4.00000 Elected at 1" in text


def test_the_officer_installs_the_trustees_key_from_its_file(draft_election, officer, staff):
    key, _ = keys.ceremony(["Tina", "Umar", "Vic"], 2)
    url = reverse("results:key", args=["vale-2026"])
    assert client_for(staff).get(url).status_code == 403
    client = client_for(officer)
    bad = SimpleUploadedFile("election-key.json", b'{"format": "something else"}')
    page = client.post(url, {"file": bad}).content.decode()
    assert "election-key.json: not a valid election key file" in page
    assert "no trustees' key" in " ".join(checklist.problems(draft_election))
    upload = SimpleUploadedFile("election-key.json", key.to_json().encode())
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert draft_election.key.public == key.public.hex()
    assert Event.objects.get(verb="ballotbox.install_key").actor == "ro"
    assert not any("trustees' key" in p for p in checklist.problems(draft_election))
