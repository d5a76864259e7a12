"""Admin for an election's appeal rules (deadline, quorum, days to decide) and the panel's
membership records; cases are handled on the appeals pages."""

from django.contrib import admin

from tallyroom.audit.admin import AuditedAdmin

from .models import AppealRules, Panellist


@admin.register(AppealRules)
class AppealRulesAdmin(AuditedAdmin):
    list_display = ("election", "appeals_close", "quorum", "days_to_decide")


@admin.register(Panellist)
class PanellistAdmin(AuditedAdmin):
    list_display = ("user", "member")
    raw_id_fields = ("member",)
