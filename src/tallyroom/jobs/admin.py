"""Jobs in the admin: read-only, with one action for a job whose worker died."""

from django.contrib import admin, messages

from tallyroom.roll.admin import ReadOnlyAdmin

from . import runner
from .models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("pk", "kind", "election", "contest", "state", "done", "total", "created_at", "started_by")
    list_filter = ("state", "kind")
    list_select_related = ("election", "contest", "started_by")
    actions = ["mark_failed"]

    @admin.action(description="Mark failed: its worker stopped (then it can be retried)")
    def mark_failed(self, request, queryset):
        for job in queryset:
            try:
                runner.abandon(job, request.user)
            except ValueError as e:
                self.message_user(request, str(e), messages.WARNING)
