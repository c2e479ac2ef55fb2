"""Django admin for objectives, departments, goals and strategy sessions."""

from __future__ import annotations

from django.contrib import admin

from bearing.strategy.models import (
    Department,
    DepartmentGoal,
    GoalContribution,
    Objective,
    StrategySession,
)


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "category", "weight", "kpi_metric", "kpi_target", "kpi_due_date")
    list_filter = ("organisation", "category")
    search_fields = ("name", "description", "kpi_metric")
    list_select_related = ("organisation",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "organisation", "lead")
    list_filter = ("organisation",)
    search_fields = ("name", "code", "lead__username")
    list_select_related = ("organisation", "lead")
    filter_horizontal = ("bios",)
    autocomplete_fields = ("lead",)


class GoalContributionInline(admin.TabularInline):
    model = GoalContribution
    extra = 0
    autocomplete_fields = ("objective",)


@admin.register(DepartmentGoal)
class DepartmentGoalAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "organisation", "session", "kpi_metric", "kpi_target")
    list_filter = ("organisation", "department")
    search_fields = ("title", "description", "kpi_metric")
    list_select_related = ("department", "organisation", "session")
    autocomplete_fields = ("department", "session")
    inlines = (GoalContributionInline,)


@admin.register(StrategySession)
class StrategySessionAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "organisation", "held_on", "bio")
    list_filter = ("organisation", "department", "held_on")
    search_fields = ("title", "notes", "attendees")
    list_select_related = ("department", "organisation", "bio")
    date_hierarchy = "held_on"
    autocomplete_fields = ("department", "bio")
