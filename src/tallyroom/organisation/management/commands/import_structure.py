"""``import_structure FILE``: load regions, units and affiliates from CSV."""

from django.core.management.base import BaseCommand, CommandError

from tallyroom.formats.errors import FormatError
from tallyroom.organisation.importer import StructureImportError, import_structure


class Command(BaseCommand):
    help = "Import regions, units and affiliates from CSV (columns in docs/roll.md)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            counts = import_structure(file)
        except (StructureImportError, FormatError, OSError) as e:
            raise CommandError(f"nothing imported:\n{e}") from None
        self.stdout.write(", ".join(f"{n} {kind}{'s' * (n != 1)}" for kind, n in counts.items()))
