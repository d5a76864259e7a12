"""Settings come from the environment; the management commands say in one line what is missing."""

import os
import subprocess
import sys


def test_without_a_secret_key_the_command_says_what_to_set(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALLYROOM_")}
    env |= {"DJANGO_SETTINGS_MODULE": "tallyroom.web.settings", "TALLYROOM_HOME": str(tmp_path)}
    run = subprocess.run(
        [sys.executable, "-m", "tallyroom.web.manage", "check"], env=env, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert run.stderr == "tallyroom: set TALLYROOM_SECRET_KEY (or TALLYROOM_DEBUG=1 for a local demo)\n"


def test_the_voting_settings_come_from_the_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALLYROOM_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tallyroom.web.settings",
        "TALLYROOM_HOME": str(tmp_path),
        "TALLYROOM_DEBUG": "1",
        "TALLYROOM_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
        "TALLYROOM_CODE_WINDOW": "60",
    }
    script = (
        "from django.conf import settings as s;"
        "print(s.TALLYROOM_CLIENT_IP_HEADER, s.TALLYROOM_CODE_WINDOW + 1, hasattr(s, 'TALLYROOM_CODE_KEY'))"
    )
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert run.stdout == "HTTP_X_REAL_IP 61 False\n", run.stderr
