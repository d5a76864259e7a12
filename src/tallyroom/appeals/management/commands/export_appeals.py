"""``export_appeals ELECTION``: the appeals register as CSV on standard output."""

from django.core.management.base import BaseCommand

from tallyroom.appeals.files import export_appeals
from tallyroom.elections.arguments import election_argument


class Command(BaseCommand):
    help = "Write the appeals register of an election as CSV (no grounds or evidence)."

    def add_arguments(self, parser):
        parser.add_argument("election", type=election_argument)

    def handle(self, *args, election, **options):
        self.stdout.write(export_appeals(election), ending="")
