"""The trustees' key and shares refused in the officer's language: a key file on the key page, too
few or a tampered share when the box is opened (``ballotbox/keys.py`` keeps each as a message)."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tallyroom.ballotbox import box

from .conftest import client_for

pytestmark = pytest.mark.django_db


def welsh(user):
    client = client_for(user)
    client.cookies["django_language"] = "cy"
    return client


def test_a_key_file_refused_in_welsh(draft_election, officer):
    url = reverse("results:key", args=["vale-2026"])
    bad = SimpleUploadedFile("election-key.json", b'{"format": "something else"}')
    page = unescape(welsh(officer).post(url, {"file": bad}).content.decode())
    assert (
        "election-key.json: nid yw'n ffeil allwedd etholiad ddilys: nid ffeil allwedd etholiad tallyroom"
        in page
    )
    assert "not a valid election key file" not in page and "not a tallyroom" not in page


def test_too_few_or_a_tampered_share_refused_in_welsh_and_in_english(voted_and_closed, shares, officer):
    url = reverse("results:open_box", args=["vale-2026"])
    client = welsh(officer)
    page = unescape(client.post(url, {"share1": shares[0]}, follow=True).content.decode())
    assert "mae angen cyfrannau 2 ymddiriedolwr i agor y blwch; rhoddwyd 1" in page
    assert "shares are needed" not in page
    tampered = shares[1][:-1] + ("0" if shares[1][-1] != "0" else "1")
    page = unescape(client.post(url, {"share1": shares[0], "share2": tampered}, follow=True).content.decode())
    assert "nid cyfran 2 (un Umar) yw'r gyfran a wnaed yn y seremoni" in page
    assert "is not the share made" not in page
    page = unescape(client.post(url, {"share1": "nonsense"}, follow=True).content.decode())
    assert "cyfran 1: nid cyfran ymddiriedolwr yw hon: dylai edrych fel tallyroom-share-v1:" in page
    assert "not a trustee's share" not in page
    english = client_for(officer).post(url, {"share1": shares[0]}, follow=True).content.decode()
    assert "2 trustees' shares are needed to open the box; 1 given" in unescape(english)
    assert not box.is_opened(voted_and_closed)
