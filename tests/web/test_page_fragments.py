"""The header and footer every page shares are kept rendered per process (base.html) for
anonymous visitors only, per language: a signed-in user's name and sign-out form (with its CSRF
token) never reach another visitor's page, and the next language's page is in that language."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def header(page: str) -> str:
    return page.split("<main", 1)[0]


def test_a_signed_in_users_header_reaches_nobody_else(staff):
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(staff)
    assert "Staff sign-in" in header(anonymous.get("/vote/").content.decode())  # kept rendered now
    mine = header(signed_in.get("/vote/").content.decode())
    assert "clerk" in mine and "Sign out" in mine and "Staff sign-in" not in mine
    token = CSRF.search(mine).group(1)
    theirs = header(anonymous.get("/vote/").content.decode())
    assert "clerk" not in theirs and "Sign out" not in theirs and token not in theirs
    assert "Staff sign-in" in theirs
    other = Client()
    other.force_login(staff.__class__.objects.create_user("second", password="pw-for-tests-only"))
    second = header(other.get("/vote/").content.decode())
    assert "second" in second and "clerk" not in second and token not in second


def test_each_language_has_its_own_header_and_footer(client):
    english = client.get("/vote/", HTTP_ACCEPT_LANGUAGE="en-gb").content.decode()
    welsh = client.get("/vote/", HTTP_ACCEPT_LANGUAGE="cy").content.decode()
    assert "Skip to content" in english and "Staff sign-in" in english
    assert "Neidio i'r cynnwys" in welsh and "Mewngofnodi staff" in welsh and "Skip to content" not in welsh
    again = client.get("/vote/", HTTP_ACCEPT_LANGUAGE="en-gb").content.decode()
    assert header(again) == header(english)
