"""Admin for setting a conference up: its standing orders and its delegations (with their
secretaries and declared figures). Entitlements, delegates, presence and polls change only
through the conference's own pages and functions, so they are read here, not edited."""

from django.contrib import admin

from tallyroom.audit.admin import AuditedAdmin

from .models import Conference, Delegation


@admin.register(Conference)
class ConferenceAdmin(AuditedAdmin):
    list_display = ("name", "held_on", "rule", "counted_as_at", "clp_card_votes", "proxies_allowed")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Delegation)
class DelegationAdmin(AuditedAdmin):
    list_display = ("name", "conference", "kind", "college", "entitled", "card_vote")
    list_filter = ("conference", "kind", "college")
    search_fields = ("name",)
    raw_id_fields = ("unit", "affiliate")
    filter_horizontal = ("secretaries",)
    readonly_fields = (
        "members_counted",
        "entitled",
        "women_at_least",
        "young_at_least",
        "working",
        "entitlement_at",
    )
