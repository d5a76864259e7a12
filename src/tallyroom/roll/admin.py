"""Admin for members; the roll and its decisions are read-only here (a frozen roll changes only
through the decision page)."""

from django.contrib import admin

from tallyroom.audit.admin import AuditedAdmin

from .models import Member, RollDecision, RollEntry


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    list_display = ("number", "name", "unit", "category", "status", "joined", "paid_up_to")
    list_filter = ("status", "category", "unit__region")
    search_fields = ("=number", "name", "=email")  # each read from an index on PostgreSQL
    list_select_related = ("unit",)
    raw_id_fields = ("unit", "affiliate")

    def get_readonly_fields(self, request, obj=None):
        """Contact details change only on the contact page (recorded with old and new values)."""
        return ("email", "address") if obj is not None else ()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RollEntry)
class RollEntryAdmin(ReadOnlyAdmin):
    list_display = ("member", "contest", "eligible", "reason", "weight", "college")
    list_filter = ("eligible", "contest")
    search_fields = ("member__number", "member__name")
    list_select_related = ("member", "contest__election")


@admin.register(RollDecision)
class RollDecisionAdmin(ReadOnlyAdmin):
    list_display = ("entry", "kind", "eligible_before", "eligible_after", "decided_by", "decided_at")
    list_filter = ("kind",)
    list_select_related = ("entry__member", "entry__contest__election", "decided_by")
