"""Django's management commands for tallyroom: ``python -m tallyroom.web.manage migrate``."""

import os
import sys


def main(argv=None):
    """Run a management command; settings missing from the environment end it with one line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["tallyroom-manage", *(sys.argv[1:] if argv is None else argv)])
    except ImproperlyConfigured as e:
        sys.exit(f"tallyroom: {e}")


if __name__ == "__main__":
    main()
