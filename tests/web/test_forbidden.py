"""Issue 7 (8): a refusal is a page in the site's style with a way back, and buttons are offered
only to roles that can use them."""

import pytest
from django.urls import reverse

from tallyroom.web.access import SCRUTINEER, STAFF

pytestmark = pytest.mark.django_db


def test_refusal_is_a_styled_page_with_a_way_back(client, user_with):
    client.force_login(user_with("watcher", SCRUTINEER))
    response = client.get(reverse("elections:election_new"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "web/site.css" in html and 'class="brand"' in html  # the site's own page, not bare text
    assert "signed in as <strong>watcher</strong>" in html and f'href="{reverse("home")}"' in html


def test_unknown_page_is_styled_too(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "web/site.css" in response.content.decode()


def test_home_links_staff_to_their_pages(client, user_with):
    client.force_login(user_with("clerk", STAFF))
    html = client.get(reverse("home")).content.decode()
    assert reverse("elections:index") in html and reverse("results:dashboard") not in html


def test_a_form_without_its_csrf_check_gets_the_sites_page(user_with):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("voting:enter"), {"code": "K7QF-9XMB-2PWD-H4TC"})
    html = response.content.decode()
    assert response.status_code == 403 and "web/site.css" in html
    assert "The form could not be sent" in html and "Nothing was changed" in html
