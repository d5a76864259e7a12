"""A motion's For, Against and Abstain (its poll contest's candidates' names) in the reader's
language on the results app's pages and the result sheet PDF; a contest's names as they stand."""

import re

import pytest
from django.test import Client
from django.urls import reverse

import builders as build
from tallyroom.conference import polls, seating
from tallyroom.conference.models import Delegate
from tallyroom.web.access import CHAIR, RETURNING_OFFICER

from .test_welsh_pages import pdf_text, text_of

pytestmark = pytest.mark.django_db
ENGLISH = re.compile(r"\b(?:For|Against|Abstain)\b")


def declared(conference, staff, user_with, check_in_all, title="Motion 1", **fields):
    """A poll with one delegate's vote for its first choice, declared by the chair."""
    check_in_all(conference)
    (badge,) = seating.issue_badges([Delegate.objects.get(member__number="gm00000")], str, staff)
    poll, shares = build.poll(conference, staff, title, **fields)
    polls.open_poll(poll, staff)
    base = f"/conference/{conference.slug}"
    client = Client()
    client.post(f"{base}/v/{badge.code}/", {f"c{poll.contest.pk}": "0"})
    client.force_login(user_with(f"chair-{poll.pk}", CHAIR))
    client.post(f"{base}/chair/{poll.pk}/", {"action": "declare", "share": shares[:2]})
    assert poll.contest.counts.filter(published=True).exists()
    return poll


def shown(client, url) -> str:
    """The page's text, up to the result page's analyses (results/analysis_pages.py's part)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return text_of(response.content.decode().split('<section class="card analysis"')[0])


def test_a_motions_choices_in_welsh_on_the_result_pages_and_the_pdf(
    conference, staff, user_with, check_in_all
):
    poll = declared(conference, staff, user_with, check_in_all)
    args = [poll.election.slug, poll.contest.slug]
    welsh = Client()
    welsh.cookies["django_language"] = "cy"
    welsh.force_login(user_with("ro", RETURNING_OFFICER))
    english = Client()
    english.force_login(user_with("ro-en", RETURNING_OFFICER))
    for url in (reverse("results:contest", args=args), reverse("results:review", args=args)):
        text = shown(welsh, url)
        assert "O blaid" in text and "Yn erbyn" in text, url
        assert not ENGLISH.findall(text), url
        assert {"For", "Against"} <= set(ENGLISH.findall(shown(english, url))), url
    listed = shown(welsh, reverse("results:index"))
    assert f"{poll.contest.name} : O blaid" in listed and not ENGLISH.findall(listed)
    assert f"{poll.contest.name} : For" in shown(english, reverse("results:index"))
    pdf_url = reverse("results:download", args=[*args, "result.pdf"])
    sheet = pdf_text(b"".join(welsh.get(pdf_url).streaming_content))
    assert "O blaid" in sheet and "Yn erbyn" in sheet and not ENGLISH.findall(sheet)
    assert "Against" in pdf_text(b"".join(english.get(pdf_url).streaming_content))
    published = welsh.get(reverse("results:download", args=[*args, "result.json"]))
    assert b'"For"' in b"".join(published.streaming_content)  # the published JSON as counted


def test_a_contests_names_stand_in_welsh(conference, staff, user_with, check_in_all):
    poll = declared(conference, staff, user_with, check_in_all, "Chair", candidates=["For", "Bob"])
    welsh = Client()
    welsh.cookies["django_language"] = "cy"
    text = shown(welsh, reverse("results:contest", args=[poll.election.slug, poll.contest.slug]))
    assert "For" in ENGLISH.findall(text) and "O blaid" not in text
