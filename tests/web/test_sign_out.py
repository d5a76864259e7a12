"""Signing out returns to the site's front page, not the Django admin's "Logged out" page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sign_out_lands_on_the_front_page(client, officer):
    client.force_login(officer)
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    page = response.content.decode()
    assert "Staff sign-in" in page and "Django administration" not in page
