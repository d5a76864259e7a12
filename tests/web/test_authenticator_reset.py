"""A staff member who lost their phone: the returning officer resets their authenticator on the
staff accounts page (a recorded decision with a reason), never their own; they then need a new
one-time set-up code to sign in again."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tallyroom.audit.models import Event
from tallyroom.web.twofactor import code_now, enrol, secret_of

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"
STAFF_PAGE = "/elections/"
REASON = "phone lost on the train; confirmed by telephone"


@pytest.fixture
def two_factor(settings):
    settings.TALLYROOM_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def signed_in(user) -> Client:
    """A client signed in as ``user`` with password and the current code of their device."""
    client = Client()
    token = code_now(secret_of(enrol(user)))
    data = {"username": user.get_username(), "password": PASSWORD, "token": token}
    assert client.post(reverse("login"), data).status_code == 302
    return client


def reset_url(user) -> str:
    return reverse("account_reset_authenticator", args=[user.pk])


def test_officer_resets_a_lost_authenticator_and_the_account_sets_up_a_new_one(officer, staff, two_factor):
    clerk_session = signed_in(staff)  # still open somewhere, perhaps on the lost phone
    assert clerk_session.get(STAFF_PAGE).status_code == 200
    ro = signed_in(officer)
    listing = ro.get(reverse("accounts")).content.decode()
    assert reset_url(staff) in listing and reset_url(officer) not in listing
    page = ro.get(reset_url(staff)).content.decode()
    assert "stop working at once" in page and "set-up code" in page
    assert ro.post(reset_url(staff), {"reason": ""}).status_code == 200  # a reason is required
    assert TOTPDevice.objects.filter(user=staff).exists()

    shown = ro.post(reset_url(staff), {"reason": REASON}).content.decode()
    assert "Set-up code for clerk" in shown
    code = re.search(r'class="secret set-up-code">([A-Z2-7-]+)<', shown).group(1)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    event = Event.objects.get(verb="account.two_factor_reset")
    assert event.subject == f"user:{staff.pk}" and event.actor == "ro"
    assert event.data["reason"] == REASON and event.data["devices"] == 1

    gone = clerk_session.get(STAFF_PAGE)  # the old verified session needs a code again
    assert gone.status_code == 302 and gone["Location"].startswith(reverse("two_factor"))
    again = Client()
    data = {"username": "clerk", "password": PASSWORD, "token": ""}
    assert again.post(reverse("login"), data)["Location"].startswith(reverse("two_factor"))
    assert again.get(STAFF_PAGE).status_code == 302  # the password alone reaches only the set-up page
    assert again.post(reverse("two_factor"), {"code": code}).status_code == 302
    secret = re.search(r'class="secret">([A-Z2-7]+)<', again.get(reverse("two_factor")).content.decode())
    assert again.post(reverse("two_factor"), {"token": code_now(secret.group(1))}).status_code == 302
    assert again.get(STAFF_PAGE).status_code == 200
    assert TOTPDevice.objects.get(user=staff).confirmed


def test_the_officer_cannot_reset_their_own_authenticator(officer, two_factor):
    """Whoever holds the officer's password and a session must not swap in their own device."""
    ro = signed_in(officer)
    assert ro.post(reset_url(officer), {"reason": REASON}).status_code == 403
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert not Event.objects.filter(verb="account.two_factor_reset").exists()


@pytest.mark.parametrize("who", ["staff", "scrutineer"])
def test_only_the_officer_resets_an_authenticator(request, officer, who, two_factor):
    """The attack: another role resets the officer's device, hoping to set up their own."""
    attacker = signed_in(request.getfixturevalue(who))
    enrol(officer)
    assert attacker.post(reset_url(officer), {"reason": REASON}).status_code == 403
    assert TOTPDevice.objects.filter(user=officer, confirmed=True).exists()


def test_only_a_superuser_resets_a_superusers_authenticator(officer, two_factor):
    root = User.objects.create_superuser("root", password=PASSWORD)
    enrol(root)
    ro = signed_in(officer)
    assert reset_url(root) not in ro.get(reverse("accounts")).content.decode()
    assert ro.post(reset_url(root), {"reason": REASON}).status_code == 403
    assert TOTPDevice.objects.filter(user=root).exists()


def test_an_account_without_an_authenticator_is_sent_to_issue_a_code(officer, staff, two_factor):
    ro = signed_in(officer)
    response = ro.post(reset_url(staff), {"reason": REASON}, follow=True)
    assert "has no authenticator set up" in response.content.decode()
    assert not Event.objects.filter(verb="account.two_factor_reset").exists()
