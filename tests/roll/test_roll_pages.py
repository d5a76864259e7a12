"""The roll page's keyset pages: Next from the first page visits every entry once, in number
order, and so does Previous from the last (ending on the first page, full); a search and a filter
carry through the links."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tallyroom.roll import views
from tallyroom.roll.eligibility import build_roll

from .conftest import member

pytestmark = pytest.mark.django_db

SIZE = 7


@pytest.fixture
def long_roll(places, contest, monkeypatch):
    monkeypatch.setattr(views, "PAGE", SIZE)
    for i in range(38):
        member(
            f"n{i:03d}", places["hackney"], name=f"Person {i}", status="lapsed" if i % 3 == 0 else "active"
        )
    build_roll(contest)
    return contest


def numbers(response) -> list[str]:
    return [e.member.number for e in response.context["page"]]


def links(response) -> dict[str, str]:
    nav = response.content.decode().split('<nav aria-label="Pages">')[1].split("</nav>")[0]
    return {name: unescape(href) for href, name in re.findall(r'<a href="([^"]+)">(\w+)</a>', nav)}


def walk(client, url: str, start: str, step: str) -> list[list[str]]:
    pages, response = [], client.get(url + start)
    while True:
        pages.append(numbers(response))
        found = links(response)
        if step not in found:
            return pages
        response = client.get(url + found[step])


def test_next_and_previous_visit_every_entry_once_in_order(client, long_roll, scrutineer):
    client.force_login(scrutineer)
    url = reverse("roll:contest", args=[long_roll.pk])
    everyone = [f"n{i:03d}" for i in range(38)]
    forward = walk(client, url, "", "Next")
    assert [n for p in forward for n in p] == everyone
    assert [len(p) for p in forward] == [7, 7, 7, 7, 7, 3]
    backward = walk(client, url, "?last=1", "Previous")
    assert [n for p in reversed(backward[:-1]) for n in p] == everyone[3:]  # full pages of 7 back
    assert backward[-1] == everyone[:7]  # then the first page, full as it is going forward


def test_first_page_has_no_previous_and_last_no_next(client, long_roll, scrutineer):
    client.force_login(scrutineer)
    url = reverse("roll:contest", args=[long_roll.pk])
    assert set(links(client.get(url))) == {"Next", "Last"}
    assert set(links(client.get(url + "?last=1"))) == {"First", "Previous"}
    first = client.get(url + links(client.get(url + "?last=1"))["First"])
    assert numbers(first)[0] == "n000"


def test_a_filter_carries_through_the_pages(client, long_roll, scrutineer):
    client.force_login(scrutineer)
    url = reverse("roll:contest", args=[long_roll.pk])
    excluded = walk(client, url, "?standing=excluded", "Next")
    assert [n for p in excluded for n in p] == [f"n{i:03d}" for i in range(0, 38, 3)]
    found = walk(client, url, "?q=Person+1", "Next")  # Person 1, 10..19
    assert [n for p in found for n in p] == ["n001", *[f"n{i:03d}" for i in range(10, 20)]]
    assert all("q=Person+1" in link for link in links(client.get(url + "?q=Person+1")).values())


def test_a_key_that_is_gone_still_pages(client, long_roll, scrutineer):
    client.force_login(scrutineer)
    url = reverse("roll:contest", args=[long_roll.pk])
    assert numbers(client.get(url + "?after=n010x")) == [f"n{i:03d}" for i in range(11, 18)]
    assert numbers(client.get(url + "?before=n003")) == [f"n{i:03d}" for i in range(7)]


def test_counts_by_unit_follow_a_rebuild_and_stay_once_frozen(client, places, contest, scrutineer):
    from tallyroom.roll.eligibility import freeze_rolls
    from tallyroom.roll.models import Member

    member("u1", places["hackney"])
    member("u2", places["hackney"], status="lapsed")
    build_roll(contest)
    client.force_login(scrutineer)
    url = reverse("roll:contest", args=[contest.pk])

    def by_unit():
        return {u["name"]: (u["eligible"], u["excluded"]) for u in client.get(url).context["units"]}

    assert by_unit() == {"Hackney": (1, 1)}
    Member.objects.filter(number="u2").update(unit=places["leeds"])
    assert by_unit() == {"Hackney": (1, 1)}  # the roll's unit, as built
    build_roll(contest)
    assert by_unit() == {"Hackney": (1, 0), "Leeds": (0, 1)}
    freeze_rolls(contest.election, None)
    Member.objects.filter(number="u1").update(unit=places["camden"])
    assert by_unit() == {"Hackney": (1, 0), "Leeds": (0, 1)}  # frozen as it was
