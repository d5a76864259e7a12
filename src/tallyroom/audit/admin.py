"""``AuditedAdmin``: a ModelAdmin whose every change is an audit event (the admin registers no
model of this app)."""

from django.contrib import admin
from django.db import transaction

from .changes import record_deleted, record_saved


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
