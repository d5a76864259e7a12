"""``audit_export FILE``: write the audit trail as JSON lines for ``tallyroom audit verify``."""

import sys

from django.core.management.base import BaseCommand

from tallyroom.audit.export import export_lines


class Command(BaseCommand):
    help = "Export the audit trail (JSON lines) to FILE, or to standard output with '-'."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write it ('-' for standard output)")

    def handle(self, *args, file, **options):
        if file == "-":
            sys.stdout.writelines(export_lines())
            return
        with open(file, "w", encoding="utf-8") as out:
            out.writelines(export_lines())
        self.stderr.write(f"wrote {file}\n")
