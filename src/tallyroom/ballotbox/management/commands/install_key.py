"""``install_key SLUG FILE``: install the public half of a key ceremony on an election."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tallyroom.ballotbox import box, keys
from tallyroom.elections.arguments import election_argument


class Command(BaseCommand):
    help = "Install an election's trustees' key (election-key.json from `tallyroom keys ceremony`)."

    def add_arguments(self, parser):
        parser.add_argument("election", type=election_argument, help="the election's slug")
        parser.add_argument("file", type=Path, help="election-key.json")

    def handle(self, *args, **options):
        try:
            key = keys.PublicKey.from_json(options["file"].read_text())
            box.install_key(options["election"], key, None)
        except (OSError, keys.ShareError, box.BoxError) as e:
            raise CommandError(f"{options['file']}: {e}") from None
        self.stdout.write(f"installed key {key.fingerprint}: {key.threshold} of {len(key.trustees)} trustees")
