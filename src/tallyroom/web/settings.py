"""Django settings, all from the environment (nothing secret in the repository).

- ``DATABASE_URL``: the database (default: SQLite at ``var/tallyroom.sqlite3``); PostgreSQL in
  production and CI, e.g. ``postgres://user@host:5432/name``.
- ``TALLYROOM_SECRET_KEY`` (or ``TALLYROOM_SECRET_KEY_FILE``, a file holding it): required unless
  ``TALLYROOM_DEBUG=1``; then (the demo) a random key is made once in ``var/secret-key``.
- ``TALLYROOM_ALLOWED_HOSTS``: comma-separated host names.
- ``TALLYROOM_SITE_URL``: the site's address as voters reach it, e.g. ``https://vote.example.org``
  (in code emails and mail-merge files; also the trusted origin for CSRF).
- ``TALLYROOM_ANYMAIL_WEBHOOK_SECRET``: the mail service webhooks' basic-auth "user:password"
  (voting/bounces.py).
- ``TALLYROOM_EMAIL_BACKEND``: a Django mail backend (default: files under ``var/mail``); with
  SMTP, ``TALLYROOM_EMAIL_HOST``, ``_PORT``, ``_HOST_USER``, ``_HOST_PASSWORD``, ``_USE_TLS=1``;
  ``TALLYROOM_FROM_EMAIL``.
- ``TALLYROOM_HTTPS=1``: secure cookies, HSTS (with subdomains) and the HTTPS redirect behind a
  TLS proxy.
- ``TALLYROOM_SESSION_SECONDS``: how long a staff sign-in lasts (default 8 hours; it also ends
  when the browser closes).
- ``TALLYROOM_REQUIRE_2FA``: ``1`` (the default) makes every account sign in with a TOTP code
  as well as the password; ``0`` turns that off (docs/security.md).
- ``TALLYROOM_ENROLMENT_HOURS``: how long a one-time set-up code for the second factor works
  (default 72).
- ``TALLYROOM_SIGNIN_FAILURES`` (default 5) wrong sign-ins for one user name from one address
  lock that pair out for ``TALLYROOM_SIGNIN_LOCKOUT_MINUTES`` (default 15).
- ``TALLYROOM_SIGNING_KEY_FILE``: the Ed25519 private key that signs the audit trail and counts
  (default ``var/signing-key.pem``; `make demo` and ``TALLYROOM_DEBUG`` make it on first use, as
  does ``TALLYROOM_SIGNING_KEY_AUTOCREATE=1``, which the benches set; docs/security.md).
- ``TALLYROOM_PREPARED_STATEMENTS``: ``1`` (the default) prepares casting's statements once per
  PostgreSQL connection; ``0`` behind a connection pooler that keeps no prepared statements.
- ``TALLYROOM_TIME_ZONE``: the organisation's time zone (default Europe/London).
- ``TALLYROOM_CODE_KEY``, ``TALLYROOM_CLIENT_IP_HEADER``, ``TALLYROOM_POSTAL_DIR``,
  ``TALLYROOM_CODE_WINDOW``, ``TALLYROOM_CODE_FAILURES_PER_CLIENT``,
  ``TALLYROOM_CODE_FAILURES_PER_NETWORK``, ``TALLYROOM_CODE_FAILURES_OVERALL`` (the alarm
  threshold): ballot codes and their rate limits (docs/voting.md); when unset, the defaults
  given there.

The web tier keeps no state of its own (sessions and rate limits live in the database), so any
number of processes can serve behind one PostgreSQL.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(os.environ.get("TALLYROOM_HOME", Path.cwd()))
VAR_DIR = BASE_DIR / "var"

DEBUG = os.environ.get("TALLYROOM_DEBUG", "") == "1"


def _secret_key() -> str:
    """The key from the environment or its file; for a local demo, one made at random once."""
    if os.environ.get("TALLYROOM_SECRET_KEY"):
        return os.environ["TALLYROOM_SECRET_KEY"]
    path = os.environ.get("TALLYROOM_SECRET_KEY_FILE") or (VAR_DIR / "secret-key" if DEBUG else None)
    if path is None:
        raise ImproperlyConfigured("set TALLYROOM_SECRET_KEY (or TALLYROOM_DEBUG=1 for a local demo)")
    path = Path(path)
    if not path.exists() and DEBUG:
        path.parent.mkdir(parents=True, exist_ok=True)
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(secrets.token_urlsafe(50))
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"{path} holds no secret key")
    return key


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = [h for h in os.environ.get("TALLYROOM_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
TALLYROOM_SITE_URL = os.environ.get("TALLYROOM_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = [TALLYROOM_SITE_URL]

INSTALLED_APPS = [
    "tallyroom.web.apps.AdminConfig",  # the Django admin behind the site's own sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "tallyroom.web",
    "tallyroom.audit",
    "tallyroom.organisation",
    "tallyroom.roll",
    "tallyroom.elections",
    "tallyroom.ballotbox",
    "tallyroom.voting",
    "tallyroom.results",
    "tallyroom.jobs",
    "tallyroom.appeals",
    "tallyroom.conference",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the voter's language: cookie, then the browser's
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tallyroom.audit.published.download_headers",
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

ROOT_URLCONF = "tallyroom.web.urls"
WSGI_APPLICATION = "tallyroom.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tallyroom.web.context.languages",
                "tallyroom.voting.ratelimit.alarm",
                "tallyroom.audit.published.context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tallyroom.sqlite3'}"),
        conn_max_age=int(os.environ.get("TALLYROOM_CONN_MAX_AGE", "60")),
        # A kept connection is tried (SELECT 1) as a request first uses it, so after the database
        # restarts each one is replaced instead of failing its next request (bench/soak.py).
        conn_health_checks=True,
    )
}
# Casting's statements are prepared once per connection on PostgreSQL (ballotbox/prepared.py);
# 0 behind a pooler that keeps no prepared statements (PgBouncer in transaction mode before 1.21).
TALLYROOM_PREPARED_STATEMENTS = os.environ.get("TALLYROOM_PREPARED_STATEMENTS", "1") != "0"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

# The parts of every page that are the same for every anonymous visitor in a language (the
# header, the footer at a given audit head) are kept rendered in each process (base.html).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "home"  # not the admin's "Logged out" page

LANGUAGE_CODE = "en-gb"
# The voter's pages are in English and Welsh (docs/languages.md); the catalogue is in locale/.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]  # each named in itself, untranslated
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
TIME_ZONE = os.environ.get("TALLYROOM_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

# Long work (opening voting, counting) runs as jobs on the tasks API, queued in the database and
# run by ``manage db_worker`` (docs/jobs.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get("TALLYROOM_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("TALLYROOM_FROM_EMAIL", "returning-officer@tallyroom.invalid")
EMAIL_HOST = os.environ.get("TALLYROOM_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TALLYROOM_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TALLYROOM_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TALLYROOM_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("TALLYROOM_EMAIL_USE_TLS", "") == "1"
# The mail service's webhooks (voting/bounces.py) take HTTP basic auth "user:password" with this
# secret; unset, an unguessable one of this process's own, so that no report is accepted.
ANYMAIL = {"WEBHOOK_SECRET": os.environ.get("TALLYROOM_ANYMAIL_WEBHOOK_SECRET") or secrets.token_urlsafe(32)}

_VOTING = {
    "TALLYROOM_CODE_KEY": str,
    "TALLYROOM_CLIENT_IP_HEADER": str,
    "TALLYROOM_POSTAL_DIR": str,
    "TALLYROOM_CODE_WINDOW": int,
    "TALLYROOM_CODE_FAILURES_PER_CLIENT": int,
    "TALLYROOM_CODE_FAILURES_PER_NETWORK": int,
    "TALLYROOM_CODE_FAILURES_OVERALL": int,
}
globals().update({name: kind(os.environ[name]) for name, kind in _VOTING.items() if os.environ.get(name)})

TALLYROOM_SIGNING_KEY_FILE = Path(os.environ.get("TALLYROOM_SIGNING_KEY_FILE", VAR_DIR / "signing-key.pem"))
# Make the key on first use where there is none (benches on scratch folders; never in production).
TALLYROOM_SIGNING_KEY_AUTOCREATE = os.environ.get("TALLYROOM_SIGNING_KEY_AUTOCREATE") == "1"

# Staff sign-in: short sessions that end with the browser, a second factor, throttled attempts.
SESSION_COOKIE_AGE = int(os.environ.get("TALLYROOM_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
TALLYROOM_REQUIRE_2FA = os.environ.get("TALLYROOM_REQUIRE_2FA", "1") != "0"
OTP_TOTP_ISSUER = "tallyroom"
TALLYROOM_ENROLMENT_HOURS = int(os.environ.get("TALLYROOM_ENROLMENT_HOURS", "72"))
AXES_FAILURE_LIMIT = int(os.environ.get("TALLYROOM_SIGNIN_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("TALLYROOM_SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "tallyroom.web.clients.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True

# Secure headers; the HTTPS-only ones when served over TLS. No inline script or style anywhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tallyroom.web.views.csrf_failure"  # the site's own 403 page
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if os.environ.get("TALLYROOM_HTTPS", "") == "1":
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
