"""``enrolment_code USER``: a one-time code for USER to set up their second factor (e.g. the first
superuser's, who has no returning officer to issue one)."""

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from tallyroom.web import enrolment


class Command(BaseCommand):
    help = "Print a one-time code with which USER sets up their authenticator (the second factor)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="the account's user name")

    def handle(self, *args, user, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no account {user!r}")
        code = enrolment.issue(account)
        hours = int(enrolment.lifetime().total_seconds() // 3600)
        self.stdout.write(f"{code}\n")
        self.stderr.write(f"the set-up code for {user}: it works once, within {hours} hours\n")
