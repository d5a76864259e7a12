"""``import_appeals ELECTION FILE.csv``: lodge a batch of appeals, all or nothing; exits non-zero
naming file and line of every problem if any row is bad."""

from django.core.management.base import BaseCommand, CommandError

from tallyroom.appeals.files import AppealsImportError, import_appeals
from tallyroom.elections.arguments import election_argument
from tallyroom.formats.errors import FormatError


class Command(BaseCommand):
    help = "Import appeals from CSV (see docs/appeals.md); nothing is written if any row is bad."

    def add_arguments(self, parser):
        parser.add_argument("election", type=election_argument)
        parser.add_argument("file")

    def handle(self, *args, election, file, **options):
        try:
            n = import_appeals(election, file)
        except (AppealsImportError, FormatError, OSError) as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"{file}: {n} appeals lodged in {election.name}")
