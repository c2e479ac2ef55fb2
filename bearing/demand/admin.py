"""Django admin for demands with their effort, system uses, benefits and comments inline."""

from __future__ import annotations

from django.contrib import admin

from bearing.demand.models import (
    Demand,
    DemandBenefit,
    DemandComment,
    DemandEffort,
    DemandSystemUse,
)


class DemandEffortInline(admin.TabularInline):
    model = DemandEffort
    extra = 0
    autocomplete_fields = ("skill",)


class DemandSystemUseInline(admin.TabularInline):
    model = DemandSystemUse
    extra = 0
    autocomplete_fields = ("system",)


class DemandBenefitInline(admin.TabularInline):
    model = DemandBenefit
    extra = 0
    autocomplete_fields = ("objective",)


class DemandCommentInline(admin.TabularInline):
    model = DemandComment
    extra = 0
    readonly_fields = ("author", "created_at")


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "organisation", "department", "demand_type", "need_class",
                    "status", "risk", "cost_eur", "duration_quarters")
    list_filter = ("organisation", "status", "demand_type", "need_class", "risk", "department")
    search_fields = ("reference", "title", "description")
    list_select_related = ("organisation", "department")
    autocomplete_fields = ("department", "session", "goals", "requires", "proposed_by")
    readonly_fields = ("created_at", "updated_at")
    inlines = (DemandEffortInline, DemandSystemUseInline, DemandBenefitInline, DemandCommentInline)


@admin.register(DemandComment)
class DemandCommentAdmin(admin.ModelAdmin):
    list_display = ("demand", "author", "created_at")
    search_fields = ("text", "demand__reference", "demand__title")
    list_select_related = ("demand", "author")
