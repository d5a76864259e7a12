"""``make_signing_key``: make the audit trail's Ed25519 signing key (once) and print its id."""

from django.core.management.base import BaseCommand

from tallyroom.audit import signing


class Command(BaseCommand):
    help = "Make the signing key at TALLYROOM_SIGNING_KEY_FILE (kept if there) and print its id."

    def handle(self, *args, **options):
        path = signing.key_file()
        made = signing.make_key(path)
        self.stdout.write(f"{'made' if made else 'kept'} {path}; key id {signing.current_key_id()}\n")
