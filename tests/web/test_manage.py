"""The management commands say in one line what is missing from the environment."""

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
