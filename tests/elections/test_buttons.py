"""Issue 7 (8): every form a page offers posts to a view the signed-in role may use (the
scrutineer saw "Issue and send codes")."""

import re

import pytest
from django.urls import resolve, reverse

from roll.conftest import member
from tallyroom.elections.models import Candidate
from tallyroom.roll.eligibility import build_roll
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(contest, places):
    slug = contest.election.slug
    Candidate.objects.create(contest=contest, name="Ann")
    member("1", places["hackney"])
    build_roll(contest)
    return [
        reverse("home"),
        reverse("elections:index"),
        reverse("elections:election", args=[slug]),
        reverse("elections:contest", args=[slug, contest.pk]),
        reverse("roll:index"),
        reverse("roll:contest", args=[contest.pk]),
        reverse("voting:codes", args=[slug]),
        reverse("results:dashboard"),
        reverse("results:election", args=[slug]),
        reverse("organisation:index"),
        reverse("accounts"),
    ]


def offered(html: str) -> list[str]:
    """The actions of the page's POST forms, signing out apart."""
    actions = re.findall(r'<form method="post"[^>]*action="([^"]+)"', html)
    return [a for a in actions if a != reverse("logout")]


@pytest.mark.parametrize("role", [STAFF, SCRUTINEER, RETURNING_OFFICER])
def test_every_button_offered_is_one_the_role_may_press(client, user_with, pages, role):
    client.force_login(user_with("someone", role))
    seen = 0
    for url in pages:
        response = client.get(url)
        if response.status_code == 403:
            continue
        for action in offered(response.content.decode()):
            allowed = resolve(action).func.roles
            assert role in allowed, f"{url} offers {action} to {role}"
            seen += 1
    assert seen if role != SCRUTINEER else seen == 0


@pytest.mark.parametrize("role", [STAFF, SCRUTINEER, RETURNING_OFFICER])
def test_every_link_offered_leads_to_a_page_the_role_may_see(client, user_with, pages, role):
    client.force_login(user_with("someone", role))
    for url in pages:
        response = client.get(url)
        if response.status_code == 403:
            continue
        for href in set(re.findall(r'<a [^>]*href="(/[^"#?]*)', response.content.decode())):
            allowed = getattr(resolve(href).func, "roles", None)
            assert allowed is None or role in allowed, f"{url} links {href} for {role}"


def test_every_table_scrolls_inside_a_wrapper(client, user_with, pages):
    """Issue 7 (11): at 390 px the dashboard and roll tables were cut off with no sign they scroll."""
    client.force_login(user_with("both", STAFF, RETURNING_OFFICER))
    tables = 0
    for url in pages:
        html = client.get(url).content.decode()
        for i in [m.start() for m in re.finditer(r"<table\b", html)]:
            tables += 1
            opened = html[:i].rsplit("<div", 1)[-1]
            assert opened.startswith(' class="table-scroll"') and "</div>" not in opened, url
    assert tables >= 6
