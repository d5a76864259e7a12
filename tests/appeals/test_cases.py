"""Cases: lodged before the deadline, decided by a quorate panel with no one excluded, and the
decision acting on the roll, the codes and the provisional ballots."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tallyroom import lifecycle
from tallyroom.appeals import provisional
from tallyroom.appeals.cases import AppealRefused, decide_case, lodge
from tallyroom.appeals.evidence import EvidenceRefused, checked
from tallyroom.appeals.models import Outcome, Panellist
from tallyroom.audit.events import verify
from tallyroom.audit.models import Event
from tallyroom.ballotbox.marking import BallotError
from tallyroom.ballotbox.models import Ballot, SealedBallot
from tallyroom.elections.models import Candidate
from tallyroom.roll.models import RollEntry
from tallyroom.voting.casting import cast
from tallyroom.voting.models import BallotCode

pytestmark = pytest.mark.django_db


def entry(member, contest):
    return RollEntry.objects.get(member=member, contest=contest)


def test_appeal_after_the_deadline_is_refused_with_the_reason(appeals):
    appeals.rules.appeals_close = timezone.now() - timedelta(minutes=1)
    appeals.rules.save()
    with pytest.raises(AppealRefused, match="The deadline for appeals in .* was"):
        lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "I joined in time")
    assert not appeals.lena.appeal_cases.exists()


def test_appeal_only_against_an_exclusion_and_one_pending_at_a_time(appeals):
    voter = appeals.members[2]
    with pytest.raises(AppealRefused, match="not excluded from Executive"):
        lodge(voter, appeals.election, [appeals.contests["stv"]], "let me in")
    lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "joined by post on 10 January")
    with pytest.raises(AppealRefused, match="already have an appeal waiting"):
        lodge(appeals.lena, appeals.election, [appeals.contests["block"]], "and this one")


def test_upheld_puts_member_on_roll_and_sends_a_code(appeals, django_capture_on_commit_callbacks):
    stv, chair = appeals.contests["stv"], appeals.contests["chair"]
    case = lodge(appeals.lena, appeals.election, [stv, chair], "my form was posted on 10 January")
    assert case.snapshot["roll"]["stv"]["reason"] == "joined after freeze date"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(case, Outcome.UPHELD, "postmarked before the freeze", appeals.panel[:2], appeals.panel[0])
    assert entry(appeals.lena, stv).eligible and entry(appeals.lena, chair).eligible
    assert not entry(appeals.lena, appeals.contests["block"]).eligible  # not appealed
    case.refresh_from_db()
    decisions = list(case.roll_decisions.order_by("pk"))
    assert [d.entry.contest.slug for d in decisions] == ["stv", "chair"]
    assert decisions[0].decided_by == appeals.panel[0] and "appeal" in decisions[0].reason
    assert BallotCode.objects.filter(
        election=appeals.election, member=appeals.lena, sent_at__isnull=False
    ).exists()
    subjects = sorted(m.subject for m in mail.outbox if m.to == ["l1@example.org"])
    assert subjects == [
        f"Your appeal in {appeals.election.name}: upheld",
        f"Your ballot code: {appeals.election.name}",
    ]
    verbs = list(Event.objects.values_list("verb", flat=True))
    assert {"appeals.lodge", "appeals.decide", "roll.decision", "voting.issue_codes"} <= set(verbs)
    assert verify() == []


def test_dismissed_tells_the_member_why(appeals, django_capture_on_commit_callbacks):
    case = lodge(appeals.leo, appeals.election, [appeals.contests["stv"]], "I meant to join earlier")
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(
            case,
            Outcome.DISMISSED,
            "joined on 1 February, after the freeze",
            appeals.panel[1:],
            appeals.panel[2],
        )
    assert not entry(appeals.leo, appeals.contests["stv"]).eligible
    (letter,) = [m for m in mail.outbox if m.to == ["l2@example.org"]]
    assert "dismissed" in letter.body and "joined on 1 February, after the freeze" in letter.body


def test_the_decision_is_written_in_the_members_language(appeals, django_capture_on_commit_callbacks):
    appeals.leo.language = "cy"
    appeals.leo.save()
    case = lodge(appeals.leo, appeals.election, [appeals.contests["stv"]], "Ymunais mewn pryd")
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(case, Outcome.DISMISSED, "ymunodd ar ôl y rhewi", appeals.panel[1:], appeals.panel[2])
    (letter,) = [m for m in mail.outbox if m.to == ["l2@example.org"]]
    assert letter.subject == f"Eich apêl yn {appeals.election.name}: gwrthodwyd"
    assert "Mae'r panel apeliadau wedi gwrthod eich apêl." in letter.body
    assert "ymunodd ar ôl y rhewi" in letter.body and "appeal" not in letter.body


def test_quorum_and_who_may_sit(appeals):
    case = lodge(appeals.lena, appeals.election, [appeals.contests["stv"]], "in time")
    one, two, three = appeals.panel
    with pytest.raises(AppealRefused, match="needs a quorum of 2"):
        decide_case(case, Outcome.UPHELD, "fine", [one], one)
    with pytest.raises(AppealRefused, match="who sat on the decision"):
        decide_case(case, Outcome.UPHELD, "fine", [one, two], three)
    candidate_member = appeals.members[3]
    Candidate.objects.filter(contest=appeals.contests["chair"], name="Hal").update(member=candidate_member)
    Panellist.objects.create(user=two, member=candidate_member)
    with pytest.raises(AppealRefused, match="panel1 is a candidate"):
        decide_case(case, Outcome.UPHELD, "fine", [one, two], one)
    Panellist.objects.create(user=three, member=appeals.members[2])  # the appellant's unit
    with pytest.raises(AppealRefused, match="panel2 is a member of the appellant's unit"):
        decide_case(case, Outcome.UPHELD, "fine", [one, three], one)
    case.refresh_from_db()
    assert (
        case.outcome == Outcome.PENDING
        and not RollEntry.objects.filter(member=appeals.lena, eligible=True).exists()
    )


def test_provisional_counted_if_upheld_destroyed_if_dismissed(
    appeals, officer, django_capture_on_commit_callbacks
):
    stv = appeals.contests["stv"]
    upheld = lodge(appeals.lena, appeals.election, [stv], "in time")
    dismissed = lodge(appeals.leo, appeals.election, [stv], "late")
    provisional.cast(upheld, {stv.pk: ["Di"]})
    provisional.cast(dismissed, {stv.pk: ["Cy"]})
    assert SealedBallot.objects.exclude(provisional_for="").count() == 2
    cast(appeals.codes[appeals.members[2].number], {stv.pk: ["Ada"]})
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(upheld, Outcome.UPHELD, "postmarked in time", appeals.panel[:2], appeals.panel[0])
        decide_case(dismissed, Outcome.DISMISSED, "joined late", appeals.panel[:2], appeals.panel[0])
    assert SealedBallot.objects.exclude(provisional_for="").count() == 0
    lifecycle.close_voting(appeals.election, officer)
    box = stv.box
    box.refresh_from_db()
    assert box.sealed_count == 2 and box.by_channel == {"online": 1, "provisional": 1}
    lifecycle.open_box(appeals.election, officer, appeals.election.shares[:2])
    ballots = sorted(b[0] for b in Ballot.objects.filter(contest=stv).values_list("preferences"))
    assert ballots == [["Ada"], ["Di"]]  # Cy's provisional ballot was destroyed unread
    marked = RollEntry.objects.filter(contest=stv, eligible=True, voted_at__isnull=False).count()
    assert marked == len(ballots)


def test_provisional_still_pending_at_the_close_is_destroyed(appeals, officer):
    stv = appeals.contests["stv"]
    case = lodge(appeals.lena, appeals.election, [stv], "in time")
    provisional.cast(case, {stv.pk: ["Di"]})
    with pytest.raises(BallotError, match="already voted"):
        provisional.cast(case, {stv.pk: ["Ada"]})
    lifecycle.close_voting(appeals.election, officer)
    assert not SealedBallot.objects.filter(provisional_for=case.provisional_key).exists()
    assert stv.box.sealed_count == 0
    assert Event.objects.filter(
        verb="ballotbox.destroy_provisional", data__case=case.provisional_key
    ).exists()
    # upheld after the close: the outcome is recorded, but the roll and the box stay as they closed
    decide_case(case, Outcome.UPHELD, "in time after all", appeals.panel[:2], appeals.panel[0])
    case.refresh_from_db()
    assert case.outcome == Outcome.UPHELD and not case.roll_decisions.exists()
    assert not entry(appeals.lena, stv).eligible
    lifecycle.open_box(appeals.election, officer, appeals.election.shares[:2])
    assert not Ballot.objects.filter(contest=stv).exists()


def test_evidence_files_checked_by_content_and_size(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.TALLYROOM_APPEALS_FILE_BYTES = 100
    ok = checked(
        [SimpleUploadedFile("a.pdf", b"%PDF-1.4 receipt"), SimpleUploadedFile("n.txt", "note é".encode())]
    )
    assert [f.content_type for f in ok] == ["application/pdf", "text/plain; charset=utf-8"]
    with pytest.raises(EvidenceRefused, match="evil.pdf is not a PDF"):
        checked([SimpleUploadedFile("evil.pdf", b"MZ\x90\x00\x03binary", content_type="application/pdf")])
    with pytest.raises(EvidenceRefused, match="big.txt is 101 bytes"):
        checked([SimpleUploadedFile("big.txt", b"x" * 101)])
    with pytest.raises(EvidenceRefused, match="at most 5 files"):
        checked([SimpleUploadedFile(f"{i}.txt", b"x") for i in range(6)])


def test_no_code_for_a_member_whose_provisional_ballot_was_counted(
    appeals, django_capture_on_commit_callbacks
):
    """Upheld after a provisional ballot in every contest appealed: that ballot is their vote, so
    no code is mailed (it could only lead to a ballot the cast then refuses)."""
    stv, chair = appeals.contests["stv"], appeals.contests["chair"]
    case = lodge(appeals.lena, appeals.election, [stv, chair], "posted in time")
    provisional.cast(case, {stv.pk: ["Di"]})  # blank in chair: a ballot all the same
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(case, Outcome.UPHELD, "postmarked in time", appeals.panel[:2], appeals.panel[0])
    assert entry(appeals.lena, stv).eligible and entry(appeals.lena, chair).eligible
    assert not BallotCode.objects.filter(member=appeals.lena).exists()
    assert [m.subject for m in mail.outbox if m.to == ["l1@example.org"]] == [
        f"Your appeal in {appeals.election.name}: upheld"
    ]
    # one without a provisional ballot still gets their code
    other = lodge(appeals.leo, appeals.election, [stv], "posted in time")
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(other, Outcome.UPHELD, "postmarked in time", appeals.panel[:2], appeals.panel[0])
    assert BallotCode.objects.filter(member=appeals.leo, sent_at__isnull=False).exists()
