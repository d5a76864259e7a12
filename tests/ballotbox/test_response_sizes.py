"""The size of each ballot, review and receipt response (what an access log records, and what an
observer of the encrypted traffic sees) is the same whatever the voter chose: short or full
rankings, short or long names, one contest or three, errors shown or not; and so is the size of
the request that casts the ballot."""

from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tallyroom.elections.ballot import RON_NAME
from tallyroom.elections.models import Candidate
from tallyroom.voting.codes import issued_codes
from tallyroom.voting.padding import pad_bytes

from .web import review, start, token, vote

pytestmark = pytest.mark.django_db

LONG = "Bartholomew Fitzwilliam-Montgomery Smythe-Ravensworth of Upper Wallop-on-the-Marsh {}"


def test_every_step_response_has_one_size_and_asks_not_to_be_transformed(setup, voting_election):
    election, contests, members, codes = setup
    stv, block, chair = contests["stv"], contests["block"], contests["chair"]
    full = ["Di", "Cy", "Bea", "Ada", RON_NAME]
    short = vote(Client(), codes[2], {stv: ["Ada"]})
    longest = vote(Client(), codes[3], {stv: full, block: ["Eve", "Gus"], chair: ["Ivy"]})
    one_contest = vote(Client(), codes[0], {chair: ["Hal"]})

    other, named, _ = voting_election(slug="long-names", voters=3)
    for i, candidate in enumerate(Candidate.objects.filter(contest__election=other)):
        candidate.name = LONG.format(i)
        candidate.save()
    other_codes = [code for _, code in issued_codes(other)]
    long_stv, long_chair = ([c.name for c in named[slug].candidates.all()] for slug in ("stv", "chair"))
    long_names = vote(Client(), other_codes[2], {named["stv"]: long_stv, named["chair"]: long_chair[-1:]})

    client = Client()
    ballot = start(client, codes[4])
    bad = client.post(
        reverse("voting:ballot"), {"token": token(ballot), f"c{stv.pk}-0": "1", f"c{stv.pk}-1": "3"}
    )
    assert bad.status_code == 400 and b"There is a problem with your ballot" in bad.content
    checked = review(client, ballot, {stv: full, block: ["Fay"]})
    change = client.post(reverse("voting:ballot"), {"token": token(checked), "change": "1"})
    used = client.post(reverse("voting:cast"), {"token": token(short.review)})
    assert used.status_code == 400 and b"already been used" in used.content

    responses = {
        "ballot, three contests": short.ballot,
        "ballot, one contest": one_contest.ballot,
        "ballot, long names": long_names.ballot,
        "ballot with errors": bad,
        "ballot filled in again": change,
        "review, one name": short.review,
        "review, every contest in full": longest.review,
        "review, one contest": one_contest.review,
        "review, long names": long_names.review,
        "receipt, three trackers": longest.receipt,
        "receipt, one tracker": one_contest.receipt,
        "receipt, long names": long_names.receipt,
        "refusal at the cast": used,
    }
    assert len(short.trackers) == 3 and len(one_contest.trackers) == 1
    sizes = {name: len(r.content) for name, r in responses.items()}
    assert set(sizes.values()) == {pad_bytes()}, sizes
    for name, response in responses.items():
        assert int(response["Content-Length"]) == len(response.content), name
        assert "no-transform" in response["Cache-Control"], name


def test_the_request_that_casts_has_one_size_whatever_was_chosen(voting_election):
    """The size attack on the cast's request: an access log records the size of each POST to
    /vote/cast/ (its body is the review's signed token), and the attacker, who can vote the same
    patterns themselves, matches the logged sizes against theirs. Every pattern, from an
    abstention to a full ranking of the longest names (one of them Welsh), sends the same size."""
    election, contests, _ = voting_election(slug="sized", voters=10)
    stv, block, chair = contests["stv"], contests["block"], contests["chair"]
    for i, candidate in enumerate(Candidate.objects.filter(contest=stv).order_by("position")):
        candidate.name = [LONG.format(1), "Siân Llŷr ap Gruffydd", "Bo", "Cy"][i]
        candidate.save()
    names = [c.name for c in stv.candidates.order_by("position")]
    codes = [code for _, code in issued_codes(election)][2:]
    patterns = [
        {},
        {stv: ["Bo"]},
        {stv: [names[0]]},
        {stv: [names[1], "Bo"], chair: ["Hal"]},
        {stv: [*names, RON_NAME], block: ["Eve", "Gus"], chair: ["Ivy"]},
        {stv: [RON_NAME], block: ["Fay"]},
    ]
    logged = {}
    for code, choices in zip(codes, patterns, strict=False):
        journey = vote(Client(), code, choices)
        body = urlencode({"token": token(journey.review)})  # what the cast's POST carries
        logged[repr({c.slug: n for c, n in choices.items()})] = len(body)
    assert len(set(logged.values())) == 1, logged
