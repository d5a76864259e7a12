"""Admin for regions, units and affiliates; ``AuditedAdmin`` records an event for every change."""

from django.contrib import admin
from django.db import transaction

from .changes import record_deleted, record_saved
from .models import Affiliate, Region, Unit


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletions are recorded in the audit trail."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record_saved(request.user, obj, created=not change, fields=form.changed_data)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            super().save_formset(request, form, formset, change)
            for obj in formset.new_objects:
                record_saved(request.user, obj, created=True)
            for obj, fields in formset.changed_objects:
                record_saved(request.user, obj, created=False, fields=fields)
            for obj in formset.deleted_objects:
                record_deleted(request.user, obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            record_deleted(request.user, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                record_deleted(request.user, obj)
            super().delete_queryset(request, queryset)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "region")
    list_filter = ("kind", "region")
    search_fields = ("name", "code")


@admin.register(Affiliate)
class AffiliateAdmin(AuditedAdmin):
    list_display = ("name", "code", "kind", "affiliated_members")
    list_filter = ("kind",)
    search_fields = ("name", "code")
