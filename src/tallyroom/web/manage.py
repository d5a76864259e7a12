"""Django's management commands for tallyroom: ``python -m tallyroom.web.manage migrate``."""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tallyroom.web.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tallyroom-manage", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
