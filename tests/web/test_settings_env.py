"""Security settings come from the environment; the demo's secret key is random, never the old
fixed one."""

import json
import os
import stat
import subprocess
import sys

FIXED_KEY = "insecure-dev-only-key"  # what the demo once used: public, so anyone could sign with it


def settings_of(tmp_path, script: str, **environ: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALLYROOM_")}
    env |= {"DJANGO_SETTINGS_MODULE": "tallyroom.web.settings", "TALLYROOM_HOME": str(tmp_path), **environ}
    prelude = "import json, django; django.setup(); from django.conf import settings as s;"
    run = subprocess.run([sys.executable, "-c", prelude + script], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


STEP_FORGED = (
    "from django.core import signing; from tallyroom.voting import views;"
    f"forged = signing.dumps({{'code': 'X', 'choices': None}}, key={FIXED_KEY!r}, salt=views.STEP_SALT);"
    "ok = views.sign('X', ());"
    "refused = False\n"
    "try: views.unsign(forged)\n"
    "except views.CodeError: refused = True\n"
    "print(json.dumps({'key': s.SECRET_KEY, 'refused': refused, 'own': views.unsign(ok)['code']}))"
)


def test_the_demo_makes_a_random_secret_key_once_and_refuses_the_old_fixed_one(tmp_path):
    first = settings_of(tmp_path, STEP_FORGED, TALLYROOM_DEBUG="1")
    key_file = tmp_path / "var" / "secret-key"
    assert first["key"] != FIXED_KEY and len(first["key"]) >= 50
    assert key_file.read_text() == first["key"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["refused"] and first["own"] == "X"  # a ballot step signed with the fixed key fails
    assert settings_of(tmp_path, STEP_FORGED, TALLYROOM_DEBUG="1")["key"] == first["key"]


def test_the_secret_key_can_come_from_a_file(tmp_path):
    (tmp_path / "key").write_text("from-a-file-0123456789\n")
    got = settings_of(
        tmp_path, "print(json.dumps(s.SECRET_KEY))", TALLYROOM_SECRET_KEY_FILE=str(tmp_path / "key")
    )
    assert got == "from-a-file-0123456789"


def test_https_sessions_site_url_and_two_factor_from_the_environment(tmp_path):
    script = (
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE,"
        " s.TALLYROOM_SITE_URL, s.CSRF_TRUSTED_ORIGINS, s.TALLYROOM_REQUIRE_2FA, s.AXES_FAILURE_LIMIT]))"
    )
    got = settings_of(
        tmp_path,
        script,
        TALLYROOM_SECRET_KEY="k" * 50,
        TALLYROOM_HTTPS="1",
        TALLYROOM_SITE_URL="https://vote.example.org/",
        TALLYROOM_SESSION_SECONDS="3600",
        TALLYROOM_SIGNIN_FAILURES="3",
    )
    assert got == [
        31536000,
        True,
        True,
        3600,
        True,
        "https://vote.example.org",
        ["https://vote.example.org"],
        True,
        3,
    ]
    defaults = settings_of(
        tmp_path,
        "print(json.dumps([s.SESSION_COOKIE_AGE, s.TALLYROOM_REQUIRE_2FA]))",
        TALLYROOM_SECRET_KEY="k" * 50,
    )
    assert defaults == [8 * 3600, True]
