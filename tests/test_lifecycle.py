"""The election's lifecycle verbs: each allowed only from the right state, all or nothing, recorded."""

import hashlib
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.utils import translation

import builders as build
from tallyroom.audit.models import Event
from tallyroom.elections.models import Candidate, Contest, Election
from tallyroom.lifecycle import Refused, close_voting, count, issue_codes, open_voting
from tallyroom.roll.eligibility import build_roll
from tallyroom.roll.models import RollEntry
from tallyroom.voting.models import BallotCode

pytestmark = pytest.mark.django_db
State = Election.State
EMPTY = hashlib.sha256(b"").hexdigest()


@pytest.fixture
def officer():
    return User.objects.create_user("ro", password="pw-for-tests-only")


@pytest.fixture
def election(trustees_key, ready_to_open, officer):
    """A draft election with one contest; three members, one of whom joined after the freeze date."""
    election = build.election(
        "e", {"slug": "chair", "method": "irv", "candidates": "Ann"}, name="Board", days=7
    )
    (ashby,) = build.units("r", "ashby")
    joined = (date(2020, 1, 1), date(2021, 1, 1), date(2026, 2, 1))
    build.members(
        ["N0", "N1", "N2"],
        ashby,
        name=lambda i: f"N {i}",
        email=lambda i: f"n{i}@example.org",
        joined=lambda i: joined[i],
    )
    trustees_key(election)
    ready_to_open(election, officer)
    return election


def opened(election, officer):
    """Open voting in this process (the job run inline); the codes sent."""
    pairs = []
    job = open_voting(election, officer, inline=True, keep=pairs.extend)
    election.refresh_from_db()
    return job, pairs


def test_open_voting_freezes_rolls_issues_and_sends_codes(election, officer):
    job, pairs = opened(election, officer)
    assert job.state == job.State.DONE and (job.done, job.total) == (2, 2)
    assert election.state == State.VOTING
    assert election.contests.get().roll_is_frozen
    assert sorted(r.number for r, _ in pairs) == ["N0", "N1"]  # N2 joined after the freeze date
    assert RollEntry.objects.filter(eligible=False).get().member.number == "N2"
    assert BallotCode.objects.filter(election=election, sent_at__isnull=False).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["n0@example.org", "n1@example.org"]
    assert all(code in message.body for (_, code), message in zip(pairs, mail.outbox, strict=True))
    assert Event.objects.get(verb="election.open").data == {"job": job.pk}
    assert Event.objects.get(verb="voting.issue_codes").data["codes"] == 2


def test_opening_draws_the_tie_seed_a_contest_lacks_and_keeps_a_given_one(election, officer):
    """Issue 7's walk: every rule set ends its tie rules with a lot; a contest opened without a
    seed failed its count after the close ("needs a lot"), when it could no longer change."""
    given = Contest.objects.create(
        election=election, slug="given", name="Given", method="plurality", tie_seed="published-7"
    )
    Candidate.objects.create(contest=given, name="Bo")
    build_roll(given, user=officer)
    opened(election, officer)
    drawn = Contest.objects.get(slug="chair").tie_seed
    assert len(drawn) == 16 and Contest.objects.get(slug="given").tie_seed == "published-7"
    event = Event.objects.get(verb="contest.tie_seed")
    assert event.data == {"tie_seed": drawn} and event.seq < Event.objects.get(verb="election.open").seq


def test_close_voting_closes_and_records(election, officer):
    opened(election, officer)
    close_voting(election, officer)
    assert Election.objects.get().state == State.CLOSED
    assert Event.objects.get(verb="election.close").actor == "ro"
    assert Event.objects.get(verb="ballotbox.close").data == {
        "contests": {"chair": {"ballots": 0, "sha256": EMPTY}}
    }


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.VOTING, open_voting),
        (State.CLOSED, open_voting),
        (State.DRAFT, close_voting),
        (State.NOMINATIONS, close_voting),
        (State.CLOSED, close_voting),
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(election, officer, state, action):
    Election.objects.filter(pk=election.pk).update(state=state)
    events = Event.objects.count()
    with pytest.raises(Refused, match="its state is"):
        action(election, officer)
    assert Election.objects.get().state == state
    assert Event.objects.count() == events
    assert not BallotCode.objects.exists()


def test_when_the_mail_server_is_down_no_code_is_stored_and_the_job_fails_saying_why(
    election, officer, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    job, pairs = opened(election, officer)
    assert job.state == job.State.FAILED
    assert "the mail backend failed 3 times: ConnectionRefusedError" in job.message
    assert "0 of 2 codes issued" in job.message
    assert election.state == State.VOTING and election.contests.get().roll_is_frozen  # the opening stands
    assert not BallotCode.objects.exists() and pairs == []
    assert Event.objects.get(verb="job.fail").data["message"] == job.message


def test_close_voting_is_refused_while_codes_are_being_issued(election, officer, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # never runs
    Election.objects.filter(pk=election.pk).update(state=State.VOTING)
    issue_codes(election, officer)
    with pytest.raises(Refused, match="issuing ballot codes is under way already"):
        close_voting(election, officer)


def test_voting_does_not_open_without_the_trustees_key(election, officer):
    election.key.delete()
    with pytest.raises(Refused, match="has no trustees' key"):
        open_voting(election, officer)
    assert Election.objects.get().state == State.DRAFT and not BallotCode.objects.exists()


def test_a_refusal_reads_whole_in_welsh_with_its_state(election, officer):
    """The verb and the state are part of the sentence translated, not English words put into it;
    the refusal reads in the language active where it is shown."""
    with pytest.raises(Refused) as refused:
        close_voting(election, officer)
    with translation.override("cy"):
        assert str(refused.value) == "ni ellir cau'r pleidleisio yn Board: ei gyflwr yw 'drafft'"
    assert str(refused.value) == "cannot close voting in Board: its state is 'draft'"


def test_the_ballot_boxs_refusals_read_in_welsh(election, officer):
    """A worker's refusal (counting) and a request's (opening) alike."""
    Election.objects.filter(pk=election.pk).update(state=State.CLOSED)
    contest = Contest.objects.get(election=election)
    with translation.override("cy"):
        with pytest.raises(Refused) as unopened:
            count(contest, officer)
        assert str(unopened.value) == (
            f"{contest.name}: caiff y papurau pleidleisio eu cyfrif unwaith y bydd yr ymddiriedolwyr "
            "wedi agor y blwch"
        )
        election.key.delete()
        Election.objects.filter(pk=election.pk).update(state=State.DRAFT)
        with pytest.raises(Refused) as keyless:
            open_voting(election, officer)
        assert "nid oes gan Board allwedd yr ymddiriedolwyr" in str(keyless.value)
        assert "trustees' key" not in str(keyless.value)
