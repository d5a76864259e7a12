"""``seal_ballots SLUG``: after the close, rewrite the election's ballots (see tallyroom.voting.seal)."""

from django.core.management.base import BaseCommand, CommandError

from tallyroom.elections.models import Election
from tallyroom.voting.seal import seal_ballots


class Command(BaseCommand):
    help = "Seal a closed election's ballots: one transaction id for all, table rewritten in tracker order."

    def add_arguments(self, parser):
        parser.add_argument("election", help="the election's slug")

    def handle(self, *args, **options):
        election = Election.objects.filter(slug=options["election"]).first()
        if election is None:
            raise CommandError(f"no election with the slug {options['election']!r}")
        try:
            n = seal_ballots(election)
        except ValueError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"sealed {n} ballots")
