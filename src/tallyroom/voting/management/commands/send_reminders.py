"""``send_reminders SLUG``: send the election's scheduled reminders that are due (run it from cron,
e.g. every 10 minutes); ``--now`` sends a reminder at once to every member who has not voted."""

from django.core.management.base import BaseCommand, CommandError

from tallyroom.elections.arguments import election_argument
from tallyroom.voting import reminders


class Command(BaseCommand):
    help = "Send the due reminders to members who have not voted (no code in them)."

    def add_arguments(self, parser):
        parser.add_argument("election", type=election_argument, help="the election's slug")
        parser.add_argument("--now", action="store_true", help="send a reminder now, scheduled or not")

    def handle(self, *args, **options):
        election = options["election"]
        if options["now"]:
            try:
                sent = reminders.send(election, None)
            except (reminders.NotOpen, reminders.Failed) as e:
                raise CommandError(str(e)) from None
            self.stdout.write(f"reminder sent to {sent} members who have not voted")
            return
        done = reminders.send_due(election)
        for reminder, sent in done:
            self.stdout.write(f"{reminder}: sent to {sent}")
        if not done:
            self.stdout.write("no reminder due")
