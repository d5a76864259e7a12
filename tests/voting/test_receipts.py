"""The receipt's frame is rendered once per process and filled in with each voter's trackers
(voting/receipts.py): each voter sees their own trackers and nobody else's, the frame follows
the contests voted in, the language and the audit head, and a signed-in user's receipt (their
name, their sign-out form) is rendered for them alone."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from ballotbox.web import TRACKER, review, start, token, vote
from tallyroom.audit import published
from tallyroom.audit.events import record
from tallyroom.ballotbox.models import SealedBallot
from tallyroom.voting import receipts

pytestmark = pytest.mark.django_db
FOOTER_HEAD = re.compile(r'<p class="audit-head">.*?<code class="hash">([0-9a-f]{64})</code>')


@pytest.fixture(autouse=True)
def fresh_frames():
    receipts._frames.clear()
    published.forget_head()
    yield
    receipts._frames.clear()


def without_trackers(page: str) -> str:
    return TRACKER.sub("", page)


def test_each_voter_gets_their_own_trackers_in_the_one_frame(setup):
    election, contests, members, codes = setup
    stv, block, chair = contests["stv"], contests["block"], contests["chair"]
    first = vote(Client(), codes[2], {stv: ["Ada"], chair: ["Hal"]})
    second = vote(Client(), codes[3], {stv: ["Di", "Cy"], block: ["Eve"]})
    assert "voting/receipt.html" in [t.name for t in first.receipt.templates]
    assert second.receipt.templates == []  # the frame was kept: nothing rendered
    mine, theirs = first.receipt.content.decode(), second.receipt.content.decode()
    assert len(first.trackers) == len(second.trackers) == 3
    assert not set(first.trackers) & set(second.trackers)
    assert not any(t in theirs for t in first.trackers) and not any(t in mine for t in second.trackers)
    assert without_trackers(mine) == without_trackers(theirs)
    assert receipts._SLOT.format(0) in next(iter(receipts._frames.values()))
    assert "tracker-0-" not in mine and "tracker-0-" not in theirs
    stored = set(SealedBallot.objects.values_list("tracker", flat=True))
    assert stored == set(first.trackers) | set(second.trackers)
    for contest, tracker in zip(["Executive", "Auditors", "Chair"], second.trackers, strict=True):
        assert f'<tr><td>{contest}</td><td><code class="tracker">{tracker}</code></td></tr>' in theirs


def test_the_frame_follows_the_contests_the_language_and_the_audit_head(setup):
    election, contests, members, codes = setup
    stv, chair = contests["stv"], contests["chair"]
    three = vote(Client(), codes[2], {stv: ["Ada"]}).receipt.content.decode()
    one = vote(Client(), codes[0], {chair: ["Ivy"]})  # on the roll of the chair only
    page = one.receipt.content.decode()
    assert one.receipt.templates and "Chair" in page and "Executive" not in page and "Auditors" in three
    event = record(None, "test.event")  # this process's own event: the next page reads the head
    welsh = Client(HTTP_ACCEPT_LANGUAGE="cy")
    checked = review(welsh, start(welsh, codes[4]), {stv: ["Bea"]})
    cy = welsh.post(reverse("voting:cast"), {"token": token(checked)}).content.decode()
    assert "Mae eich pleidlais" in cy and "Your vote is cast" not in cy and len(TRACKER.findall(cy)) == 3
    assert "yn y blwch a gyfrifwyd" in cy
    assert FOOTER_HEAD.search(cy).group(1) == event.hash != FOOTER_HEAD.search(three).group(1)
    english = vote(Client(), codes[5], {stv: ["Cy"]}).receipt.content.decode()
    assert "Your vote is cast" in english and FOOTER_HEAD.search(english).group(1) == event.hash
    # the tracker shows inclusion, not content: the receipt promises no more than that
    assert "ballot was in the box that was counted" in english and "counted as cast" not in english


def test_a_signed_in_users_receipt_reaches_nobody_else(setup, staff):
    election, contests, members, codes = setup
    stv = contests["stv"]
    signed_in = Client()
    signed_in.force_login(staff)
    theirs = vote(signed_in, codes[2], {stv: ["Ada"]})
    page = theirs.receipt.content.decode()
    assert "clerk" in page and "Sign out" in page and theirs.receipt.templates
    assert not receipts._frames  # never kept
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    mine = vote(Client(), codes[3], {stv: ["Bea"]}).receipt.content.decode()
    assert "clerk" not in mine and "Sign out" not in mine and token not in mine
    assert "Staff sign-in" in mine
    assert not set(theirs.trackers) & set(TRACKER.findall(mine))
    assert reverse("voting:lists", args=[election.slug]) in mine
