"""Scoring model, scenarios, plan runs with their per-demand decisions, and the published IT Strategy."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bearing.core.models import Organisation, OrganisationScopedQuerySet
from bearing.planning.choices import DemandSelection, RunStatus, WeightMethod

__all__ = ["PairwiseJudgement", "PlanDecision", "PlanRun", "Publication", "Scenario", "ScoringModel"]


class ScoringModel(models.Model):
    """How demand value is computed: criteria are the objectives plus need class and risk, with
    weights entered directly or derived by AHP from raters' pairwise judgements."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="scoring_model")
    method = models.CharField(max_length=8, choices=WeightMethod.choices, default=WeightMethod.DIRECT)
    # criterion key ("objective:<id>", "need", "risk") -> weight; normalised to sum 1 when used
    weights = models.JSONField(default=dict, blank=True)
    consistency_ratio = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationScopedQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Scoring model of {self.organisation}"


class PairwiseJudgement(models.Model):
    """One rater's judgement: criterion `first` is `value` times as important as `second` (Saaty 1–9)."""

    scoring_model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="judgements")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    first = models.CharField(max_length=40)
    second = models.CharField(max_length=40)
    value = models.FloatField(validators=[MinValueValidator(1 / 9), MaxValueValidator(9)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scoring_model", "rater", "first", "second"], name="one_judgement_per_pair")
        ]


class Scenario(models.Model):
    """A plan's inputs: which demands, budget windows, capacity changes, forced in/out, time limit."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    selection = models.CharField(max_length=10, choices=DemandSelection.choices, default=DemandSelection.DEFAULT)
    chosen_demands = models.ManyToManyField("demand.Demand", blank=True, related_name="chosen_in_scenarios")
    forced_in = models.ManyToManyField("demand.Demand", blank=True, related_name="forced_in_scenarios")
    forced_out = models.ManyToManyField("demand.Demand", blank=True, related_name="forced_out_scenarios")
    # [{"first": 0, "last": 3, "amount": 1000000}]
    budget_windows = models.JSONField(default=list, blank=True)
    # [{"resource": "skill:java" | "system:erp", "amount": 2, "unit": "fte" | "hours" | "units", "from_quarter": 2}]
    capacity_changes = models.JSONField(default=list, blank=True)
    time_limit_seconds = models.PositiveIntegerField(default=20, validators=[MinValueValidator(1), MaxValueValidator(3600)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_scenario_name")]

    def __str__(self) -> str:
        return self.name

    def latest_plan(self) -> PlanRun | None:
        """The scenario's plan: its latest run that succeeded with a schedule (an infeasible
        outcome is shown on its run page but does not replace the plan in place)."""
        return (
            self.runs.filter(status=RunStatus.SUCCEEDED).exclude(plan_status="infeasible")
            .defer(*PlanRun.LARGE_FIELDS).order_by("-finished_at", "-id").first()
        )


# What each stage of the engine does for the plan, for the run page.
STAGE_LABELS = {
    "greedy": "first plan (greedy)",
    "start": "the plan it started from",
    "bound": "first bound",
    "lp-start": "solving the relaxation (LP)",
    "lp": "bound from the relaxation (LP)",
    "lagrangian-start": "pricing capacity and budgets for a bound (Lagrangian)",
    "lagrangian": "bound by pricing (Lagrangian)",
    "lp-guided": "plan from the relaxation",
    "cp-sat": "improving the plan (CP-SAT)",
    "lns": "improving part by part (neighbourhood search)",
    "mip": "improving and proving (MIP)",
    "mandatory": "plan that fits the mandatory demands",
    "schedule": "schedule of the mandatory demands",
    "core": "choosing among the closest calls (core search)",
    "tabu": "trying exchanges (tabu search)",
    "explain": "checking why each left-out demand is left out",
}


class PlanRun(models.Model):
    """One solve of a scenario, executed by a background worker. It plans the snapshot of the data
    taken when it was queued (`problem`), so later edits do not change a running plan."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="plan_runs")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    task_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    queued_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    stage = models.CharField(max_length=40, blank=True)
    # For a stage the engine announces as it starts (the relaxation, the reasons): the seconds it
    # is expected to take; None once something else is reported.
    stage_expected_seconds = models.FloatField(null=True, blank=True)
    objective = models.FloatField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    plan_status = models.CharField(max_length=12, blank=True)  # optimal / feasible / infeasible / unknown
    progress = models.JSONField(default=list, blank=True)  # [{"seconds", "stage", "objective", "bound"[, "expected_seconds"]}]
    error = models.TextField(blank=True)
    problem = models.JSONField(null=True, blank=True)  # bearing-problem/1 snapshot
    plan = models.JSONField(null=True, blank=True)  # bearing-plan/1 result
    context = models.JSONField(default=dict, blank=True)  # demand id -> department, score terms, ...
    # Small figures the result pages need without loading the snapshot: resource labels,
    # capacity and use per quarter, budget windows with their spend, conflicts, frontier points.
    summary = models.JSONField(default=dict, blank=True)

    # Fields of organisation size; pages defer them.
    LARGE_FIELDS = ("problem", "plan", "context", "progress")

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.scenario} run {self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in RunStatus.active()

    @property
    def stage_label(self) -> str:
        """The stage in words: the engine's stage names (`docs/formats.md`) say what ran, not what
        it is doing for the plan."""
        return STAGE_LABELS.get(self.stage, self.stage)


class PlanDecision(models.Model):
    """The plan's decision about one demand: its start and finish quarter, or why it is out."""

    run = models.ForeignKey(PlanRun, on_delete=models.CASCADE, related_name="decisions")
    demand = models.ForeignKey("demand.Demand", on_delete=models.CASCADE, related_name="plan_decisions")
    is_scheduled = models.BooleanField()
    start_quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    finish_quarter = models.PositiveSmallIntegerField(null=True, blank=True)  # exclusive: start + duration
    value = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["start_quarter", "demand__reference"]
        constraints = [models.UniqueConstraint(fields=["run", "demand"], name="one_decision_per_demand")]


class Publication(models.Model):
    """A plan published as the organisation's IT Strategy for a planning cycle (versioned)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="publications")
    run = models.ForeignKey(PlanRun, on_delete=models.PROTECT, related_name="publications")
    cycle = models.CharField(max_length=40, help_text="e.g. 2027–2028")
    version = models.PositiveIntegerField()
    summary = models.TextField(blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "cycle", "version"], name="unique_publication_version")]

    def __str__(self) -> str:
        return f"IT Strategy {self.cycle} v{self.version}"
