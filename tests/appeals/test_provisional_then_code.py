"""A member whose provisional ballot was counted after an upheld appeal is offered, with a ballot
code, only the contests left to vote in; with none left, the code page says they have voted."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from builders import code_in
from tallyroom.appeals import provisional
from tallyroom.appeals.cases import decide_case, lodge
from tallyroom.appeals.models import Outcome
from tallyroom.ballotbox.models import Channel
from tallyroom.roll.models import RollEntry
from tallyroom.voting.models import BallotCode

pytestmark = pytest.mark.django_db


def test_the_ballot_leaves_out_contests_voted_on_provisionally(appeals, django_capture_on_commit_callbacks):
    stv, chair, block = (appeals.contests[k] for k in ("stv", "chair", "block"))
    first = lodge(appeals.lena, appeals.election, [stv, chair], "posted in time")
    provisional.cast(first, {stv.pk: ["Di"]})
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(first, Outcome.UPHELD, "postmarked in time", appeals.panel[:2], appeals.panel[0])
    assert not BallotCode.objects.filter(member=appeals.lena).exists()
    second = lodge(appeals.lena, appeals.election, [block], "and this one")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_case(second, Outcome.UPHELD, "postmarked in time", appeals.panel[:2], appeals.panel[0])
    code = code_in(next(m.body for m in mail.outbox if m.to == ["l1@example.org"] and "-" in m.body))

    page = Client().post(reverse("voting:enter"), {"code": code}).content.decode()
    assert block.name in page
    assert stv.name not in page and chair.name not in page


def test_a_code_with_nothing_left_to_vote_in_is_refused_on_the_code_page(appeals):
    voter = appeals.members[2]
    RollEntry.objects.filter(member=voter, contest__election=appeals.election).update(
        voted_at=timezone.now(), channel=Channel.PROVISIONAL
    )
    response = Client().post(reverse("voting:enter"), {"code": appeals.codes[voter.number]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "You have already voted in this election." in page
    assert not any(c.name in page for c in appeals.contests.values())
