from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "tallyroom.audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.db.models.signals import post_save

        checks.register(signing_key_check)
        post_save.connect(give_signing_key, sender="elections.Election", dispatch_uid="election_signing_key")


def give_signing_key(sender, instance, created, raw=False, **kwargs):
    """A new election gets its own signing key at once (``election_keys``)."""
    if created and not raw:
        from django.db import transaction

        from .election_keys import key_for

        with transaction.atomic():
            key_for(instance.pk)


def signing_key_check(app_configs, **kwargs):
    """``manage check`` (and every server start) says when the audit signing key is missing."""
    from django.conf import settings

    from .signing import key_file

    if key_file().exists() or settings.DEBUG or getattr(settings, "TALLYROOM_SIGNING_KEY_AUTOCREATE", False):
        return []
    return [
        checks.Error(
            f"no audit signing key at {key_file()}",
            hint="run `tallyroom manage make_signing_key`, or set TALLYROOM_SIGNING_KEY_FILE",
            id="tallyroom.E001",
        )
    ]
