"""Issue 7 (13): the returning officer manages staff accounts and their roles on the site."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tallyroom.audit.models import Event
from tallyroom.web.access import RETURNING_OFFICER, SCRUTINEER, STAFF, has_role

pytestmark = pytest.mark.django_db
PASSWORD = "long-enough-passphrase-42"


def new_account(client, **changes):
    data = {"username": "alex", "email": "alex@example.org", "is_active": "on", "roles": [STAFF]}
    data = {**data, "password1": PASSWORD, "password2": PASSWORD, **changes}
    return client.post(reverse("account_new"), data)


def test_officer_creates_an_account_with_roles_and_changes_them(client, officer):
    client.force_login(officer)
    created = new_account(client)
    assert created.status_code == 200 and "Set-up code for alex" in created.content.decode()
    alex = User.objects.get(username="alex")
    assert alex.check_password(PASSWORD) and has_role(alex, STAFF) and not has_role(alex, SCRUTINEER)
    url = reverse("account_edit", args=[alex.pk])
    client.post(url, {"username": "alex", "is_active": "on", "roles": [SCRUTINEER]})
    alex.refresh_from_db()
    assert alex.check_password(PASSWORD)  # blank keeps the password
    assert has_role(alex, SCRUTINEER) and not has_role(alex, STAFF)
    events = Event.objects.filter(subject=f"user:{alex.pk}")
    seen = [(e.verb, e.data.get("roles")) for e in events]
    assert seen == [("user.create", [STAFF]), ("account.enrolment_code", None), ("user.change", [SCRUTINEER])]
    assert PASSWORD not in str(list(events.values()))
    assert "alex" in client.get(reverse("accounts")).content.decode()


def test_weak_or_mismatched_passwords_are_refused(client, officer):
    client.force_login(officer)
    weak = new_account(client, password1="password", password2="password")
    assert "too common" in " ".join(weak.context["form"].errors["password1"])
    differ = new_account(client, password2="something-else-entirely")
    assert "differ" in " ".join(differ.context["form"].errors["password2"])
    assert not User.objects.filter(username="alex").exists()


def test_officer_cannot_lock_themselves_out(client, officer):
    client.force_login(officer)
    response = client.post(reverse("account_edit", args=[officer.pk]), {"username": "ro", "roles": [STAFF]})
    errors = response.context["form"].errors
    assert "own returning officer role" in " ".join(errors["roles"])
    assert "own account" in " ".join(errors["is_active"])
    assert has_role(User.objects.get(pk=officer.pk), RETURNING_OFFICER)


def test_only_a_superuser_changes_a_superuser(client, officer):
    """The attack: an officer resets a superuser's password to take over the Django admin."""
    root = User.objects.create_superuser("root", password="root-secret-password-1")
    client.force_login(officer)
    url = reverse("account_edit", args=[root.pk])
    data = {"username": "root", "is_active": "on", "password1": PASSWORD, "password2": PASSWORD}
    assert client.post(url, data).status_code == 403
    assert User.objects.get(pk=root.pk).check_password("root-secret-password-1")


@pytest.mark.parametrize("who", ["staff", "scrutineer"])
def test_only_the_officer_manages_accounts(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("accounts")).status_code == 403
    assert new_account(client).status_code == 403 and not User.objects.filter(username="alex").exists()


def test_the_account_forms_errors_are_in_welsh(client, officer):
    """Issue 7: Django's Welsh lacks its password checks' errors and the user name's hint; ours has them."""
    client.force_login(officer)
    client.cookies["django_language"] = "cy"
    weak = new_account(client, username="alex!", password1="password", password2="password")
    errors = weak.context["form"].errors
    assert errors["password1"] == ["Mae'r cyfrinair hwn yn rhy gyffredin."]
    assert errors["username"][0].startswith("Rhowch enw defnyddiwr dilys.")
    short = new_account(client, password1="short", password2="short").context["form"].errors["password1"]
    assert "Mae'r cyfrinair hwn yn rhy fyr. Rhaid iddo gynnwys o leiaf 8 nod." in short
    differ = new_account(client, password2="something-else-entirely").content.decode()
    assert "Mae&#x27;r ddau gyfrinair yn wahanol." in differ and "differ" not in differ
    assert "150 nod neu lai" in differ and "150 characters or fewer" not in differ
    assert not User.objects.filter(username="alex").exists()


def test_the_roles_are_named_in_welsh(client, officer, scrutineer):
    client.force_login(officer)
    client.cookies["django_language"] = "cy"
    listed = client.get(reverse("accounts")).content.decode()
    assert "Craffwr" in listed and "Swyddog canlyniadau" in listed and "Scrutineer" not in listed
    form = client.get(reverse("account_new")).content.decode()
    assert "Rhifwr: yn cofnodi papurau pleidleisio" in form and "keys in paper ballots" not in form
    assert "150 nod neu lai" in form
