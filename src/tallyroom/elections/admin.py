"""Admin for elections, contests, candidates, nominations and slates, with the staff pages' checks
(ContestForm validates methods, options and constraints) and an event for every change."""

from django.contrib import admin

from tallyroom.organisation.admin import AuditedAdmin

from .forms import ContestForm
from .models import Candidate, Contest, Election, Nomination, Slate


class ContestInline(admin.TabularInline):
    model = Contest
    fields = ("name", "slug", "seats", "method", "position")
    extra = 0
    show_change_link = True

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Election)
class ElectionAdmin(AuditedAdmin):
    list_display = ("name", "slug", "state", "freeze_date", "voting_opens", "voting_closes")
    list_filter = ("state",)
    search_fields = ("name", "slug")
    readonly_fields = ("state",)
    inlines = [ContestInline]


@admin.register(Contest)
class ContestAdmin(AuditedAdmin):
    form = ContestForm
    list_display = ("name", "election", "seats", "method", "ron", "nomination_threshold", "roll_frozen_at")
    list_filter = ("election", "method")
    search_fields = ("name", "slug")
    readonly_fields = ("roll_frozen_at",)
    filter_horizontal = ("regions", "units")

    def get_fields(self, request, obj=None):
        return ["election", *ContestForm.base_fields, "roll_frozen_at"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["fields"] = ["election", *ContestForm.Meta.fields]
        return super().get_form(request, obj, **kwargs)


class NominationInline(admin.TabularInline):
    model = Nomination
    extra = 0


@admin.register(Candidate)
class CandidateAdmin(AuditedAdmin):
    list_display = ("name", "contest", "groups", "position", "withdrawn")
    list_filter = ("contest__election", "withdrawn")
    search_fields = ("name",)
    raw_id_fields = ("member",)
    inlines = [NominationInline]


@admin.register(Nomination)
class NominationAdmin(AuditedAdmin):
    list_display = ("candidate", "unit", "affiliate", "received")
    list_filter = ("candidate__contest__election",)


@admin.register(Slate)
class SlateAdmin(AuditedAdmin):
    list_display = ("name", "election", "show_on_ballot")
    list_filter = ("election",)
    filter_horizontal = ("candidates",)
