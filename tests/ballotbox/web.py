"""The voter's web steps driven through Django's test client, as a voter takes them: the code, the
ballot form filled in by name, the review, the cast. Shared by the attack tests and their child."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse

from tallyroom.ballotbox.marking import current_marking

TOKEN = re.compile(r'name="token" value="([^"]+)"')
TRACKER = re.compile(r'<code class="tracker">([A-Z0-9-]+)</code>')


def token(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


def ballot_fields(contest, names: Sequence[str]) -> dict:
    """The form fields that choose ``names`` (first preference first) on ``contest``'s ballot."""
    marking = current_marking(contest)
    index = {name: i for i, name in enumerate(marking.candidates)}
    if marking.ranked:
        return {f"c{contest.pk}-{index[n]}": str(rank) for rank, n in enumerate(names, 1)}
    return {f"c{contest.pk}": [str(index[n]) for n in names]}


@dataclass
class Journey:
    """The responses of one voter's steps and the trackers on their receipt."""

    ballot: object
    review: object
    receipt: object
    trackers: list[str]


def start(client: Client, code: str):
    """The code step: the response is the ballot form."""
    response = client.post(reverse("voting:enter"), {"code": code})
    assert response.status_code == 200, response.content[:2000]
    return response


def review(client: Client, ballot, choices: Mapping) -> object:
    """The ballot step: the form filled in with ``choices`` (contest -> names); the response is the
    review page, or the ballot again with its errors."""
    fields = {"token": token(ballot)}
    for contest, names in choices.items():
        fields.update(ballot_fields(contest, names))
    return client.post(reverse("voting:ballot"), fields)


def vote(client: Client, code: str, choices: Mapping) -> Journey:
    """Code, ballot, review, cast; asserts each step succeeded."""
    ballot = start(client, code)
    checked = review(client, ballot, choices)
    assert checked.status_code == 200 and b"Check your ballot" in checked.content, checked.content[:2000]
    receipt = client.post(reverse("voting:cast"), {"token": token(checked)})
    assert receipt.status_code == 200 and b"Your vote is cast" in receipt.content, receipt.content[:2000]
    return Journey(ballot, checked, receipt, TRACKER.findall(receipt.content.decode()))
