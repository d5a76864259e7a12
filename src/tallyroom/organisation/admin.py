"""Admin for regions, units and affiliates, every change audited."""

from django.contrib import admin

from tallyroom.audit.admin import AuditedAdmin

from .models import Affiliate, Region, Unit


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
