"""``import_members FILE``: import members from CSV, all or nothing; exits non-zero with every
problem if any row is bad."""

from django.core.management.base import BaseCommand, CommandError

from tallyroom.formats.errors import FormatError
from tallyroom.roll.importer import MemberImportError, import_members


class Command(BaseCommand):
    help = "Import members from a CSV file (see docs/roll.md); nothing is written if any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            report = import_members(file)
        except (MemberImportError, FormatError, OSError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(str(report))
