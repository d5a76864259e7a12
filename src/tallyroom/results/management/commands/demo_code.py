"""``demo_code LOGIN``: the second-factor code a demo login needs now, from ``var/demo/totp.txt``
(the demo's stand-in for an authenticator app)."""

from django.core.management.base import BaseCommand, CommandError

from tallyroom import demo
from tallyroom.web.twofactor import code_now


class Command(BaseCommand):
    help = "Print the current sign-in code of a demo login (from var/demo/totp.txt)."

    def add_arguments(self, parser):
        parser.add_argument("login", choices=sorted(demo.LOGINS))

    def handle(self, *args, login, **options):
        path = demo.totp_file()
        if not path.exists():
            raise CommandError(f"{path} does not exist: load the demo first (make demo)")
        keys = dict(line.split()[:2] for line in path.read_text().splitlines() if line.strip())
        if login not in keys:
            raise CommandError(f"{path} has no key for {login}: load the demo again")
        self.stdout.write(code_now(keys[login]) + "\n")
