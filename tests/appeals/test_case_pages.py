"""The appeals case list at scale: keyset pages by case number, every case once; the pending and
overdue counts are over every case, not the page."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tallyroom.appeals import views
from tallyroom.appeals.models import Case, Outcome
from tallyroom.web.access import APPEALS_PANEL

from .conftest import late_member

pytestmark = pytest.mark.django_db


def test_the_case_list_pages_through_every_case(appeals, user_with, monkeypatch):
    monkeypatch.setattr(views, "PAGE", 2)
    now = timezone.now()
    members = [late_member(f"C{i}", appeals.contests.values()) for i in range(5)]
    cases = Case.objects.bulk_create(
        Case(
            election=appeals.election,
            member=m,
            grounds="I paid",
            lodged_at=now - timedelta(days=9),
            due_by=now - timedelta(days=1) if i < 3 else now + timedelta(days=1),
            outcome=Outcome.UPHELD if i == 0 else Outcome.PENDING,
        )
        for i, m in enumerate(members)
    )
    client = Client()
    client.force_login(user_with("clerk", APPEALS_PANEL))
    url = reverse("appeals:cases", args=[appeals.election.slug])
    seen, response = [], client.get(url)
    assert (response.context["pending"], response.context["overdue"]) == (4, 2)
    while True:
        seen += [c.pk for c, _ in response.context["rows"]]
        nav = response.content.decode().split('<nav aria-label="Pages of cases">')[1].split("</nav>")[0]
        found = dict((name, unescape(href)) for href, name in re.findall(r'<a href="([^"]+)">(\w+)</a>', nav))
        if "Next" not in found:
            break
        response = client.get(url + found["Next"])
    assert seen == [c.pk for c in cases]


def test_a_key_that_is_not_a_case_number_gives_the_first_page(appeals, user_with):
    client = Client()
    client.force_login(user_with("clerk", APPEALS_PANEL))
    url = reverse("appeals:cases", args=[appeals.election.slug])
    assert client.get(url + "?after=x&before=%27").status_code == 200


def test_the_case_list_gives_the_rules_in_words(appeals, user_with):
    client = Client()
    client.force_login(user_with("clerk", APPEALS_PANEL))
    url = reverse("appeals:cases", args=[appeals.election.slug])
    assert "quorum 2; 3 days to decide." in client.get(url).content.decode()
    appeals.rules.days_to_decide = 1
    appeals.rules.save()
    assert "quorum 2; 1 day to decide." in client.get(url).content.decode()
