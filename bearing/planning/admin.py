"""Django admin for scoring models, scenarios, plan runs and publications. Runs and their
decisions are results of the engine, so they are shown read-only."""

from __future__ import annotations

from django.contrib import admin

from bearing.planning.models import (
    PairwiseJudgement,
    PlanDecision,
    PlanRun,
    Publication,
    Scenario,
    ScoringModel,
)


class PairwiseJudgementInline(admin.TabularInline):
    model = PairwiseJudgement
    extra = 0


@admin.register(ScoringModel)
class ScoringModelAdmin(admin.ModelAdmin):
    list_display = ("organisation", "method", "consistency_ratio", "updated_at")
    list_filter = ("method",)
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    inlines = (PairwiseJudgementInline,)


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "selection", "time_limit_seconds", "created_by", "created_at")
    list_filter = ("organisation", "selection")
    search_fields = ("name", "description")
    list_select_related = ("organisation", "created_by")
    filter_horizontal = ("chosen_demands", "forced_in", "forced_out")


class PlanDecisionInline(admin.TabularInline):
    model = PlanDecision
    extra = 0
    can_delete = False
    fields = ("demand", "is_scheduled", "start_quarter", "finish_quarter", "value", "reasons")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    list_display = ("id", "scenario", "organisation", "status", "plan_status", "objective", "gap", "queued_at",
                    "finished_at")
    list_filter = ("organisation", "status", "plan_status")
    search_fields = ("scenario__name", "task_id", "error")
    list_select_related = ("scenario", "organisation")
    readonly_fields = tuple(f.name for f in PlanRun._meta.fields)
    inlines = (PlanDecisionInline,)

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organisation", "cycle", "version", "published_by", "published_at")
    list_filter = ("organisation", "cycle")
    search_fields = ("cycle", "summary")
    list_select_related = ("organisation", "published_by")
    readonly_fields = ("published_at",)
