from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "tallyroom.audit"
    verbose_name = "Audit trail"

    def ready(self):
        checks.register(signing_key_check)


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
