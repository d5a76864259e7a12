"""Settings for the test suite: the ordinary settings with a throwaway key and fast hashing."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("TALLYROOM_SECRET_KEY", "test-only-not-secret")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Jobs run in the process that starts them, at once (tests that need the queue say so: docs/jobs.md).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
TALLYROOM_MAIL_RETRY_DELAYS = (0, 0)
# Tests sign staff in with force_login; the tests of the second factor turn it on (the default
# everywhere else).
TALLYROOM_REQUIRE_2FA = False
# A signing key of the test run's own, made on first use, and shared with the processes the run
# starts (an election's key sealed by one must open in another).
if "TALLYROOM_TEST_SIGNING_KEY_FILE" not in os.environ:
    folder = tempfile.mkdtemp(prefix="tallyroom-tests-")
    os.environ["TALLYROOM_TEST_SIGNING_KEY_FILE"] = str(Path(folder) / "signing-key.pem")
TALLYROOM_SIGNING_KEY_FILE = Path(os.environ["TALLYROOM_TEST_SIGNING_KEY_FILE"])
TALLYROOM_SIGNING_KEY_AUTOCREATE = True
