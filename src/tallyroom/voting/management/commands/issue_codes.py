"""``issue_codes SLUG``: issue ballot codes to the election's voters who have none, and send them."""

from django.core.management.base import BaseCommand

from tallyroom.elections.arguments import election_argument
from tallyroom.voting.codes import issue_codes, send_codes


class Command(BaseCommand):
    help = "Issue a ballot code to every eligible voter without one; email it or write a mail-merge CSV."

    def add_arguments(self, parser):
        parser.add_argument("election", type=election_argument, help="the election's slug")

    def handle(self, *args, **options):
        election = options["election"]
        pairs = issue_codes(election)
        sent = send_codes(pairs, election)
        self.stdout.write(f"issued {len(pairs)} codes: {sent.emailed} emailed, {sent.posted} for post")
        if sent.postal_file:
            self.stdout.write(f"mail-merge file: {sent.postal_file}")
