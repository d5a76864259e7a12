"""Django settings, all from the environment (nothing secret in the repository).

- ``DATABASE_URL``: the database (default: SQLite at ``var/tallyroom.sqlite3``); PostgreSQL in
  production and CI, e.g. ``postgres://user@host:5432/name``.
- ``TALLYROOM_SECRET_KEY``: required unless ``TALLYROOM_DEBUG=1`` (the demo and tests).
- ``TALLYROOM_ALLOWED_HOSTS``: comma-separated host names.
- ``TALLYROOM_EMAIL_BACKEND``: a Django mail backend (default: files under ``var/mail``).
- ``TALLYROOM_HTTPS=1``: secure cookies, HSTS and the HTTPS redirect behind a TLS proxy.
- ``TALLYROOM_CODE_KEY``, ``TALLYROOM_CLIENT_IP_HEADER``, ``TALLYROOM_POSTAL_DIR``,
  ``TALLYROOM_CODE_WINDOW``, ``TALLYROOM_CODE_FAILURES_PER_CLIENT``,
  ``TALLYROOM_CODE_FAILURES_OVERALL``: ballot codes and their rate limits (docs/voting.md); when
  unset, the defaults given there.

The web tier keeps no state of its own (sessions and rate limits live in the database), so any
number of processes can serve behind one PostgreSQL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(os.environ.get("TALLYROOM_HOME", Path.cwd()))
VAR_DIR = BASE_DIR / "var"

DEBUG = os.environ.get("TALLYROOM_DEBUG", "") == "1"
SECRET_KEY = os.environ.get("TALLYROOM_SECRET_KEY") or ("insecure-dev-only-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("set TALLYROOM_SECRET_KEY (or TALLYROOM_DEBUG=1 for a local demo)")
ALLOWED_HOSTS = [h for h in os.environ.get("TALLYROOM_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the voter's language: cookie, then the browser's
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tallyroom.sqlite3'}"),
        conn_max_age=int(os.environ.get("TALLYROOM_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}

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
TIME_ZONE = "Europe/London"
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

_VOTING = {
    "TALLYROOM_CODE_KEY": str,
    "TALLYROOM_CLIENT_IP_HEADER": str,
    "TALLYROOM_POSTAL_DIR": str,
    "TALLYROOM_CODE_WINDOW": int,
    "TALLYROOM_CODE_FAILURES_PER_CLIENT": int,
    "TALLYROOM_CODE_FAILURES_OVERALL": int,
}
globals().update({name: kind(os.environ[name]) for name, kind in _VOTING.items() if os.environ.get(name)})

# Secure headers; the HTTPS-only ones when served over TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "tallyroom.web.views.csrf_failure"  # the site's own 403 page
if os.environ.get("TALLYROOM_HTTPS", "") == "1":
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
