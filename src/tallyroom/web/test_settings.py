"""Settings for the test suite: the ordinary settings with a throwaway key and fast hashing."""

import os

os.environ.setdefault("TALLYROOM_SECRET_KEY", "test-only-not-secret")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Jobs run in the process that starts them, at once (tests that need the queue say so: docs/jobs.md).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TALLYROOM_MAIL_RETRY_DELAYS = (0, 0)
