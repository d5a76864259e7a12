"""A file's problems and a name a spreadsheet would run, refused in the reader's language: bad
canvass returns on the forecast page, a group or slate named as a formula, the conference's
delegates file with a bad header (``formats``' and the CSV tables' messages, kept Django-free)."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tallyroom.results.models import Forecast

pytestmark = pytest.mark.django_db


def welsh(client):
    client.cookies["django_language"] = "cy"
    return client


@pytest.mark.parametrize(
    ("text", "said", "english"),
    [
        (
            "unit,turnout,Forward,Dan\nEastbridge,0.6,30\n",
            "returns.csv:2: disgwyliwyd 4 cell, cafwyd 3",
            "expected",
        ),
        (
            "unit,turnout,Forward,Dan\nEastbridge,1.6,30,2\n",
            "returns.csv:2: nid yw turnout 1.6 rhwng 0 ac 1",
            "is not between",
        ),
        (
            "turnout,unit\n",
            "returns.csv:1: rhaid i'r pennawd ddechrau gydag unit, a chael colofn turnout",
            "must start",
        ),
    ],
)
def test_bad_canvass_returns_are_refused_in_welsh(draft_election, clients, text, said, english):
    section = draft_election.contests.get(slug="section")
    data = {"contest": section.pk, "cohesion": "0.8", "simulations": "60", "seed": "7"}
    data["canvass"] = SimpleUploadedFile("returns.csv", text.encode(), content_type="text/csv")
    page = unescape(
        welsh(clients["staff"]).post(reverse("results:forecasts", args=["vale-2026"]), data).content.decode()
    )
    assert said in page and english not in page
    assert not Forecast.objects.exists()


def test_a_group_or_slate_named_as_a_formula_is_refused_in_welsh(draft_election, clients):
    client = welsh(clients["staff"])
    contest = draft_election.contests.get(slug="section")
    url = reverse("elections:candidate_new", args=["vale-2026", contest.pk])
    page = client.post(url, {"name": "Zed", "groups": "=cmd", "position": 9}).content.decode()
    assert "Ni chaiff grŵp ddechrau â '=' (byddai taenlen yn ei redeg fel fformiwla)" in unescape(page)
    assert "run it as a formula" not in page
    page = client.post(
        reverse("elections:slate_new", args=["vale-2026"]), {"name": "+x", "colour": "#aa0000"}
    )
    page = unescape(page.content.decode())
    assert "Ni chaiff enw rhestr ddechrau â '+'" in page and "run it as a formula" not in page
