"""Staff sign-in: throttled (django-axes), a TOTP second factor (django-otp), the admin behind
the same, a CSP without inline script or style, sessions that end with the browser."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tallyroom.audit.models import Event
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


def test_without_a_device_an_account_reaches_only_the_set_up_page(officer, two_factor):
    client = Client()
    assert sign_in(client, "ro").status_code == 302  # the password is right
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))
    page = client.get(response["Location"]).content.decode()
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml;base64,' in page
    assert client.post(reverse("two_factor"), {"token": "000000", "next": DASHBOARD}).status_code == 200
    done = client.post(reverse("two_factor"), {"token": code_now(secret), "next": DASHBOARD})
    assert done.status_code == 302 and done["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert Event.objects.filter(verb="account.two_factor_set_up", subject=f"user:{officer.pk}").exists()


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
