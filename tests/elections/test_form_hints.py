"""Issue 7 (12): every aria-describedby on a staff form page names an element that exists, with
and without errors shown (Django points at <id>_helptext and <id>_error)."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from roll.conftest import member
from tallyroom.elections.models import Candidate
from tallyroom.roll.models import RollEntry
from tallyroom.web.access import RETURNING_OFFICER, STAFF
from tallyroom.web.twofactor import enrol

pytestmark = pytest.mark.django_db


class Ids(HTMLParser):
    """The ids in a page and the ids its aria-describedby attributes point at."""

    def __init__(self):
        super().__init__()
        self.ids, self.wanted = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for target in (attrs.get("aria-describedby") or "").split():
            self.wanted.append((tag, attrs.get("name") or attrs.get("id") or "", target))


def dangling(html: str) -> list[tuple[str, str, str]]:
    parser = Ids()
    parser.feed(html)
    return [w for w in parser.wanted if w[2] not in parser.ids]


@pytest.fixture
def staff_pages(contest, places):
    """(url, bad POST or None) for each staff form page."""
    slug = contest.election.slug
    ann = Candidate.objects.create(contest=contest, name="Ann")
    entry = RollEntry.objects.create(contest=contest, member=member("1", places["hackney"]), eligible=True)
    contest.freeze_roll()
    phone_lost = enrol(User.objects.create_user("clerk", password="pw-for-tests-only"))
    return [
        (reverse("elections:election_new"), {"slug": "new"}),
        (reverse("elections:election_edit", args=[slug]), {"name": ""}),
        (reverse("elections:contest_new", args=[slug]), {"seats": "x", "method": "nope"}),
        (reverse("elections:contest_edit", args=[slug, contest.pk]), {"name": ""}),
        (reverse("elections:contest", args=[slug, contest.pk]), None),
        (reverse("elections:candidate_new", args=[slug, contest.pk]), {"name": ""}),
        (reverse("elections:candidate_edit", args=[slug, contest.pk, ann.pk]), {"name": ""}),
        (reverse("elections:slate_new", args=[slug]), {"name": ""}),
        (reverse("roll:import"), {}),
        (reverse("roll:decision", args=[entry.pk]), {"reason": ""}),
        (reverse("roll:contest", args=[contest.pk]), None),
        (reverse("voting:codes", args=[slug]), None),
        (reverse("organisation:new", args=["region"]), {"code": "a b"}),
        (reverse("organisation:new", args=["unit"]), {"code": ""}),
        (reverse("organisation:edit", args=["affiliate", places["unison"].pk]), {"name": ""}),
        (reverse("account_new"), {"password1": "x"}),
        (reverse("account_reset_authenticator", args=[phone_lost.user_id]), {"reason": ""}),
    ]


def test_every_hint_and_error_link_points_at_an_element(client, user_with, staff_pages):
    client.force_login(user_with("both", STAFF, RETURNING_OFFICER))
    checked = 0
    for url, bad in staff_pages:
        for response in [client.get(url)] + ([client.post(url, bad)] if bad is not None else []):
            assert response.status_code == 200, url
            html = response.content.decode()
            assert dangling(html) == [], url
            checked += html.count("aria-describedby")
    assert checked > 20  # the forms do carry hints and errors


def test_the_checker_finds_a_dangling_link():
    assert dangling('<input name="x" aria-describedby="x_helptext"><small id="x_help">') == [
        ("input", "x", "x_helptext")
    ]
