"""Staff sign-in: throttled (django-axes), a TOTP second factor (django-otp), the admin behind
the same, a CSP without inline script or style, sessions that end with the browser."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tallyroom.audit.models import Event
from tallyroom.web import enrolment
from tallyroom.web.access import STAFF
from tallyroom.web.models import EnrolmentCode
from tallyroom.web.twofactor import code_now, enrol, secret_of

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-only"
DASHBOARD = "/results/officer/"


@pytest.fixture
def two_factor(settings):
    settings.TALLYROOM_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp's own slowing of wrong codes: not tested here


def sign_in(client, username, password=PASSWORD, token="", address="198.51.100.7"):
    data = {"username": username, "password": password, "token": token}
    return client.post(reverse("login"), data, REMOTE_ADDR=address)


def code_of(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key).token():06d}"


def test_fifteen_wrong_passwords_then_the_right_one_is_refused(officer):
    client = Client()
    for _ in range(15):
        assert sign_in(client, "ro", "wrong").status_code in (200, 429)
    assert sign_in(client, "ro").status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(DASHBOARD).status_code == 302  # not signed in
    other = Client()  # the same user from another address is not locked out by this one
    assert sign_in(other, "ro", address="203.0.113.9").status_code == 302
    assert other.get(DASHBOARD).status_code == 200


def test_the_sign_in_lock_counts_wrong_codes_too(officer, two_factor):
    enrol(officer)
    client = Client()
    for _ in range(5):
        sign_in(client, "ro", token="000000")
    assert sign_in(client, "ro", token=code_now(secret_of(officer.totpdevice_set.get()))).status_code == 429


def test_an_enrolled_account_needs_its_code(officer, two_factor):
    device = enrol(officer)
    client = Client()
    page = sign_in(client, "ro").content.decode()
    assert "wrong or has expired" in page and "_auth_user_id" not in client.session
    assert (
        sign_in(client, "ro", token="123456" if code_of(device) != "123456" else "654321").status_code == 200
    )
    assert sign_in(client, "ro", token=code_of(device)).status_code == 302
    assert client.get(DASHBOARD).status_code == 200


def shown_secret(client) -> str:
    """The authenticator key the set-up page shows."""
    return re.search(
        r'class="secret">([A-Z2-7]+)<', client.get(reverse("two_factor")).content.decode()
    ).group(1)


def set_up_code_step(client, code):
    return client.post(reverse("two_factor"), {"code": code, "next": DASHBOARD}, REMOTE_ADDR="198.51.100.7")


def test_without_a_device_an_account_reaches_only_the_set_up_page(officer, two_factor):
    code = enrolment.issue(officer)
    client = Client()
    assert sign_in(client, "ro").status_code == 302  # the password is right
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))
    page = client.get(response["Location"]).content.decode()
    assert "set-up code" in page and 'class="secret"' not in page  # no key before the set-up code
    assert set_up_code_step(client, code.lower()).status_code == 302  # as typed: case and dashes don't matter
    page = client.get(reverse("two_factor")).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    assert client.post(reverse("two_factor"), {"token": "000000", "next": DASHBOARD}).status_code == 200
    done = client.post(reverse("two_factor"), {"token": code_now(secret), "next": DASHBOARD})
    assert done.status_code == 302 and done["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert Event.objects.filter(verb="account.two_factor_set_up", subject=f"user:{officer.pk}").exists()
    assert EnrolmentCode.objects.get(user=officer).used_at is not None


def test_a_stolen_password_cannot_set_up_the_thiefs_authenticator(officer, two_factor):
    """The attack: the thief signs in with the password, before its owner ever has, and tries to
    add their own authenticator. Without the set-up code they get no key, and guessing codes
    locks them out like wrong passwords."""
    code = enrolment.issue(officer)  # given to the officer in person; the thief has only the password
    thief = Client()
    assert sign_in(thief, "ro").status_code == 302
    page = thief.get(reverse("two_factor")).content.decode()
    assert 'class="secret"' not in page and "otpauth" not in page
    assert not TOTPDevice.objects.filter(user=officer).exists()
    for guess in ("AAAA-BBBB-CCCC-DDDD", "", code[:-1] + ("A" if code[-1] != "A" else "B")):
        page = set_up_code_step(thief, guess).content.decode()
        assert 'class="secret"' not in page
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert thief.get(DASHBOARD)["Location"].startswith(reverse("two_factor"))  # every staff page refused
    for _ in range(3):
        set_up_code_step(thief, "AAAA-BBBB-CCCC-DDDD")
    assert set_up_code_step(thief, code).status_code == 429  # even the right one, now: throttled
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_a_set_up_code_works_once_for_its_account_until_it_expires(officer, user_with, two_factor, settings):
    clerk = user_with("clerk", STAFF)
    theirs = enrolment.issue(clerk)
    client = Client()
    sign_in(client, "ro")
    assert 'class="secret"' not in client.get(reverse("two_factor")).content.decode()
    assert set_up_code_step(client, theirs).status_code == 200  # another account's code: refused
    code = enrolment.issue(officer)
    EnrolmentCode.objects.filter(user=officer).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert set_up_code_step(client, code).status_code == 200  # expired
    code = enrolment.issue(officer)
    assert set_up_code_step(client, code).status_code == 302
    secret = shown_secret(client)
    client.post(reverse("two_factor"), {"token": code_now(secret), "next": DASHBOARD})
    TOTPDevice.objects.filter(user=officer).delete()  # say the device is lost: the used code is no way back
    again = Client()
    sign_in(again, "ro")
    assert set_up_code_step(again, code).status_code == 200
    assert not TOTPDevice.objects.filter(user=officer).exists()


def test_a_key_shown_before_a_new_code_is_useless(officer, two_factor):
    """Someone who saw a half-made device's key (say over the owner's shoulder) cannot use it once
    the owner starts again with a new code: each accepted code makes a new key."""
    client = Client()
    sign_in(client, "ro")
    set_up_code_step(client, enrolment.issue(officer))
    seen = shown_secret(client)
    owner = Client()
    sign_in(owner, "ro")
    set_up_code_step(owner, enrolment.issue(officer))
    secret = shown_secret(owner)
    assert secret != seen
    assert (
        owner.post(reverse("two_factor"), {"token": code_now(secret), "next": DASHBOARD}).status_code == 302
    )
    assert secret_of(TOTPDevice.objects.get(user=officer, confirmed=True)) == secret


def test_the_officer_issues_set_up_codes_and_the_command_line_too(officer, user_with, capsys):
    clerk, done = user_with("clerk", STAFF), user_with("done", STAFF)
    enrol(done)
    client = Client()
    client.force_login(officer)
    page = client.post(reverse("account_set_up_code", args=[clerk.pk])).content.decode()
    code = re.search(r'set-up-code">([A-Z2-7-]+)<', page).group(1)
    assert enrolment.valid(clerk, code) is not None
    stored = EnrolmentCode.objects.get(user=clerk)
    assert code not in str(list(EnrolmentCode.objects.values())) and stored.issued_by == officer
    assert Event.objects.filter(
        verb="account.enrolment_code", subject=f"user:{clerk.pk}", actor="ro"
    ).exists()
    enrolled = client.post(reverse("account_set_up_code", args=[done.pk]), follow=True)
    assert "has set up their second factor already" in enrolled.content.decode()
    call_command("enrolment_code", "clerk")
    printed = capsys.readouterr().out.strip()
    assert (
        enrolment.valid(clerk, printed) is not None and enrolment.valid(clerk, code) is None
    )  # the old one stops


def test_signing_in_without_a_device_leads_straight_to_setting_one_up(officer, two_factor):
    """Not to the front page, where nothing says that every staff page will refuse them."""
    response = Client().post(f"{reverse('login')}?next={DASHBOARD}", {"username": "ro", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('two_factor')}?next=%2Fresults%2Fofficer%2F"


def test_a_session_signed_in_without_the_code_is_not_verified(officer, two_factor):
    enrol(officer)
    client = Client()
    client.force_login(officer)  # e.g. a session from before the device was set up
    assert client.get(DASHBOARD)["Location"].startswith(reverse("two_factor"))


def test_the_admin_has_no_sign_in_of_its_own(two_factor):
    admin = User.objects.create_superuser("admin", password=PASSWORD)
    client = Client()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    posted = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert posted.status_code == 302 and "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.force_login(admin)  # the password alone
    assert client.get("/admin/").status_code == 302
    device = enrol(admin)
    client = Client()
    sign_in(client, "admin", token=code_of(device))
    assert client.get("/admin/").status_code == 200


def test_staff_sessions_end_with_the_browser_and_within_hours(officer, settings):
    client = Client()
    sign_in(client, "ro")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600


def test_pages_carry_a_csp_without_inline_script_or_style(client):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and "unsafe" not in policy


def test_no_template_has_inline_script_or_style():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)
    templates = Path(__file__).parents[2].joinpath("src", "tallyroom").rglob("*.html")
    found = [f"{path}: {m.group(0)}" for path in templates for m in inline.finditer(path.read_text())]
    assert not found, found


def test_sign_in_and_its_second_factor_are_in_welsh(officer, two_factor):
    """Issue 7: a wrong password, the code's label and a wrong code, with the Welsh cookie."""
    client = Client()
    client.cookies["django_language"] = "cy"
    wrong = sign_in(client, "ro", "wrong").content.decode()
    assert "Teipiwch yr enw defnyddiwr a chyfrinair cywir" in wrong and "Please enter" not in wrong
    assert "Cod o&#x27;ch ap dilysu" in wrong and "Code from your authenticator app" not in wrong
    enrol(officer)
    code = sign_in(client, "ro", token="000000").content.decode()
    assert "Mae&#x27;r cod o&#x27;ch ap dilysu yn anghywir" in code and "wrong or has expired" not in code
    set_up = Client()
    set_up.cookies["django_language"] = "cy"
    user = User.objects.create_user("new", password=PASSWORD)
    set_up.force_login(user)
    page = set_up.post(reverse("two_factor"), {"code": "NOT-A-CODE"}).content.decode()
    assert "Cod gosod" in page and "Mae&#x27;r cod gosod hwnnw&#x27;n anghywir" in page
    assert "Set-up code" not in page and "ask the returning officer" not in page
