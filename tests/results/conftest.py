"""A closed election with ballots cast through the voting path, small enough to count by hand.

``section`` (Scottish STV, 2 seats, woman>=1): 4 x [Tom, Amy], 3 x [Dan], 2 x [Amy]. The quota is
9 // 3 + 1 = 4: Tom is elected at stage 1 with 4; Dan (3) cannot take the last seat without
breaking woman>=1, so he is excluded and Amy elected. Elected: Tom, Amy.

``chair`` (IRV with RON): 4 x [Ann], 3 x [Bob], 2 x [Cat, Bob]. RON (no votes) and then Cat are
excluded; Bob has 5 of 9, a majority. Elected: Bob.

Ten members in two units; nine vote (everyone in Eastbridge, four of five in Westmoor).
"""

import pytest
from django.test import Client

import builders as build
from tallyroom import lifecycle
from tallyroom.elections.models import Election, Slate
from tallyroom.voting.casting import cast

SECTION_BALLOTS = [["Tom", "Amy"]] * 4 + [["Dan"]] * 3 + [["Amy"]] * 2
CHAIR_BALLOTS = [["Ann"]] * 4 + [["Bob"]] * 3 + [["Cat", "Bob"]] * 2


def make_election() -> Election:
    """The election described above, in draft, with its members."""
    election = build.election(
        "vale-2026",
        {
            "slug": "section",
            "name": "CLP section",
            "method": "scottish-stv",
            "seats": 2,
            "constraints": "woman>=1",
            "tie_seed": "vale-seed-42",
            "candidates": [("Tom", ""), ("Dan", ""), ("Amy", "woman")],
        },
        {"slug": "chair", "name": "Chair", "method": "irv", "ron": True, "candidates": "Ann Bob Cat"},
        name="Vale board 2026",
        days=7,
    )
    forward = Slate.objects.create(election=election, name="Forward", colour="#aa0000")
    forward.candidates.add(*election.contests.get(slug="section").candidates.exclude(name="Dan"))
    vale = build.units("vale", "eastbridge", "westmoor")
    build.members(
        [f"M{i:03d}" for i in range(10)],
        lambda i: vale[i % 2],
        name=lambda i: f"Member {i}",
        email=lambda i: f"m{i}@example.org",
    )
    return election


@pytest.fixture
def draft_election():
    return make_election()


@pytest.fixture
def shares(draft_election, trustees_key):
    """The trustees' shares (2 of 3) of the draft election's installed key."""
    return trustees_key(draft_election)


@pytest.fixture
def open_election(draft_election, shares, officer, ready_to_open):
    """The election opened by the returning officer; returns it and the codes by membership number."""
    ready_to_open(draft_election, officer)
    return draft_election, build.opened(draft_election, officer)


@pytest.fixture
def voted_and_closed(open_election, officer):
    """Nine members vote (all but M009, in Westmoor), then voting closes; the box is still sealed."""
    election, codes = open_election
    section, chair = election.contests.get(slug="section"), election.contests.get(slug="chair")
    for i in range(9):
        cast(codes[f"M{i:03d}"], {section: SECTION_BALLOTS[i], chair: CHAIR_BALLOTS[i]})
    lifecycle.close_voting(election, officer)
    return election


@pytest.fixture
def closed_election(voted_and_closed, shares, officer):
    """As ``voted_and_closed``, and two trustees have opened the box: ready to count."""
    lifecycle.open_box(voted_and_closed, officer, shares[:2])
    return voted_and_closed


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(officer, staff, scrutineer):
    """A client for each kind of visitor: anonymous, staff, scrutineer, returning officer."""
    return {
        "anonymous": Client(),
        "staff": client_for(staff),
        "scrutineer": client_for(scrutineer),
        "officer": client_for(officer),
    }
