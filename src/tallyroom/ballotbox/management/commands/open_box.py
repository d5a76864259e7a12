"""``open_box SLUG SHARE_FILE...``: the trustees open a closed election's ballot box."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tallyroom import lifecycle
from tallyroom.elections.arguments import election_argument


class Command(BaseCommand):
    help = "Open a closed election's ballot box with k trustees' share files ('-' reads shares from stdin)."

    def add_arguments(self, parser):
        parser.add_argument("election", type=election_argument, help="the election's slug")
        parser.add_argument("shares", nargs="+", help="share files, or - for shares on standard input")

    def handle(self, *args, **options):
        texts = []
        for name in options["shares"]:
            try:
                texts += sys.stdin.read().split() if name == "-" else [Path(name).read_text()]
            except OSError as e:
                raise CommandError(f"{name}: {e.strerror}") from None

        def progress(done, total):
            self.stderr.write(f"\ropened {done} of {total} ballots", ending="")

        try:
            opened = lifecycle.open_box(options["election"], None, texts, progress)
        except lifecycle.Refused as e:
            raise CommandError(str(e)) from None
        self.stderr.write("")
        for slug, n in opened.items():
            self.stdout.write(f"{slug}: {n} ballot{'' if n == 1 else 's'} opened")
