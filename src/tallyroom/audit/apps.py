from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tallyroom.audit"
    verbose_name = "Audit trail"
