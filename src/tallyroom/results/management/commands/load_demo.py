"""``load_demo``: load the demo election (idempotent) and print the addresses, logins and codes."""

from django.core.management.base import BaseCommand

from tallyroom import demo
from tallyroom.conference import demo as conference_demo


class Command(BaseCommand):
    help = "Load the demo election (again: it is left as it is) and print how to use it."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where the server will listen")

    def handle(self, *args, url, **options):
        election, codes = demo.load()
        url = url.rstrip("/")
        lines = [
            "",
            f"Demo election: {election.name} ({election.get_state_display().lower()})",
            f"  Vote:                 {url}/vote/",
            f"  Results (public):     {url}/results/",
            f"  Returning officer:    {url}/results/officer/{election.slug}/",
            f"  Audit trail:          {url}/audit/",
            f"  Appeals (members):    {url}/appeals/",
            f"  Appeals (the panel):  {url}/appeals/elections/{election.slug}/cases/",
            "Logins (sign in at /accounts/login/):",
            *(f"  {name:<11} password {pw:<24} ({role})" for name, (pw, role) in demo.LOGINS.items()),
            "Each login also asks for the code of an authenticator app set up with the login's key in",
            f"  {demo.totp_file()}; or print the current code: make demo-code LOGIN=ro",
        ]
        lines += [
            f"Trustees' shares ({demo.TRUSTEES_NEEDED} of {len(demo.TRUSTEES)} open the box once closed):",
            *(f"  {name:<14} {path}" for name, path in zip(demo.TRUSTEES, demo.share_files(), strict=True)),
        ]
        if codes:
            lines += [f"Unused ballot codes (also in {demo.codes_file()}):", *(f"  {c}" for c in codes)]
        else:
            lines.append("No unused ballot codes: voting is not open.")
        self.stdout.write("\n".join(lines) + "\n")
        self.stdout.write(conference_demo.summary(conference_demo.load(), url) + "\n")
