"""``seal_ballots SLUG``: after the close, rewrite the election's ballots (see tallyroom.voting.seal)."""

from django.core.management.base import BaseCommand, CommandError

from tallyroom.elections.arguments import election_argument
from tallyroom.voting.seal import seal_ballots


class Command(BaseCommand):
    help = "Seal a closed election's ballots: one transaction id for all, table rewritten in tracker order."

    def add_arguments(self, parser):
        parser.add_argument("election", type=election_argument, help="the election's slug")

    def handle(self, *args, **options):
        election = options["election"]
        try:
            n = seal_ballots(election)
        except ValueError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"sealed {n} ballots")
