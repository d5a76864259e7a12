"""``issue_codes SLUG``: issue ballot codes to the election's voters who have none, and send them
(in this process, batch by batch, with the progress on standard error)."""

from django.core.management.base import BaseCommand, CommandError

from tallyroom.elections.arguments import election_argument
from tallyroom.voting.codes import DeliveryFailed, issue_and_send


class Command(BaseCommand):
    help = "Issue a ballot code to every eligible voter without one; email it or write a mail-merge CSV."

    def add_arguments(self, parser):
        parser.add_argument("election", type=election_argument, help="the election's slug")

    def handle(self, *args, **options):
        election = options["election"]

        def progress(done, total):
            self.stderr.write(f"\rcodes: {done} of {total}", ending="")

        try:
            sent = issue_and_send(election, progress=progress)
        except DeliveryFailed as e:
            raise CommandError(str(e)) from None
        finally:
            self.stderr.write("")
        self.stdout.write(f"issued {sent.issued} codes: {sent.emailed} emailed, {sent.posted} for post")
        if sent.failed:
            self.stdout.write(f"{sent.failed} refused by the mail server (see the codes page)")
        if sent.postal_file:
            self.stdout.write(f"mail-merge file: {sent.postal_file}")
