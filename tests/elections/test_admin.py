"""The Django admin's contest form is the staff pages' form, option fields and all."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def test_admin_contest_form_has_the_option_fields(client, contest):
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-only"))
    page = client.get(f"/admin/elections/contest/{contest.pk}/change/")
    assert page.status_code == 200
    assert b'name="option_quota"' in page.content and b'name="whole_membership"' in page.content
