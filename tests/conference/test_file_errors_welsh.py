"""The conference's uploads refused in the reader's language: a delegates file whose header is
wrong, a poll's key file that is not one (the CSV table's and the keys' messages, Django-free)."""

from html import unescape

from django.core.files.uploadedfile import SimpleUploadedFile

from tallyroom.conference.models import Delegate, Poll
from tallyroom.web.access import CHAIR


def test_a_delegates_file_with_a_bad_header_is_refused_in_welsh(client, conference, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "cy"
    before = Delegate.objects.count()
    upload = SimpleUploadedFile("delegates.csv", b"delegation,member\nHackney CLP,hk00001\n")
    page = client.post(f"/conference/{conference.slug}/import/", {"file": upload}, follow=True)
    page = unescape(page.content.decode())
    assert "delegates.csv:1: colofn ar goll number; colofn anhysbys member (y colofnau yw delegation" in page
    assert "missing column" not in page and "the columns are" not in page
    assert Delegate.objects.count() == before


def test_a_polls_key_file_that_is_not_one_is_refused_in_welsh(client, conference, user_with):
    client.force_login(user_with("chair", CHAIR))
    client.cookies["django_language"] = "cy"
    form = {"title": "Motion 4", "candidates": "", "method": "plurality", "seats": "1", "college": "clp"}
    page = client.post(
        f"/conference/{conference.slug}/chair/new/", {**form, "key": SimpleUploadedFile("k.json", b"[]")}
    )
    page = unescape(page.content.decode())
    assert "k.json: nid yw'n ffeil allwedd etholiad ddilys: nid ffeil allwedd etholiad tallyroom" in page
    assert "not a valid election key file" not in page
    assert not Poll.objects.exists()
