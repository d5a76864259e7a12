"""Admin for elections, contests, candidates, nominations and slates, with the staff pages' checks
(ContestForm validates methods, options and constraints) and an event for every change."""

from django.contrib import admin

from tallyroom.audit.admin import AuditedAdmin

from .forms import ContestForm
from .models import Candidate, Contest, Election, Nomination, Slate


class LockedOnceVotingOpens(AuditedAdmin):
    """Rows of an election in voting or closed are read-only here, as on the staff pages."""

    def election_of(self, obj):
        return obj.election

    def _locked(self, obj) -> bool:
        return obj is not None and not self.election_of(obj).accepts_changes

    def has_change_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._locked(obj) and super().has_delete_permission(request, obj)


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
class ElectionAdmin(LockedOnceVotingOpens):
    list_display = ("name", "slug", "state", "freeze_date", "voting_opens", "voting_closes")
    list_filter = ("state",)
    search_fields = ("name", "slug")
    readonly_fields = ("state",)
    inlines = [ContestInline]

    def election_of(self, obj):
        return obj


@admin.register(Contest)
class ContestAdmin(LockedOnceVotingOpens):
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
class CandidateAdmin(LockedOnceVotingOpens):
    list_display = ("name", "contest", "groups", "position", "withdrawn")
    list_filter = ("contest__election", "withdrawn")
    search_fields = ("name",)
    raw_id_fields = ("member",)
    inlines = [NominationInline]

    def election_of(self, obj):
        return obj.contest.election


@admin.register(Nomination)
class NominationAdmin(LockedOnceVotingOpens):
    list_display = ("candidate", "unit", "affiliate", "received")
    list_filter = ("candidate__contest__election",)

    def election_of(self, obj):
        return obj.candidate.contest.election


@admin.register(Slate)
class SlateAdmin(LockedOnceVotingOpens):
    list_display = ("name", "election", "show_on_ballot")
    list_filter = ("election",)
    filter_horizontal = ("candidates",)
