"""Company objectives, departments with their BIOs, department goals and strategy sessions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from bearing.core.models import Organisation, OrganisationScopedQuerySet
from bearing.strategy.choices import ContributionStrength, ObjectiveCategory

__all__ = ["Department", "DepartmentGoal", "GoalContribution", "Objective", "StrategySession"]


class KpiFields(models.Model):
    """A key performance indicator: metric, unit, baseline, target, due date, current value."""

    kpi_metric = models.CharField("KPI metric", max_length=200, blank=True)
    kpi_unit = models.CharField("KPI unit", max_length=40, blank=True)
    kpi_baseline = models.DecimalField("KPI baseline", max_digits=16, decimal_places=2, null=True, blank=True)
    kpi_target = models.DecimalField("KPI target", max_digits=16, decimal_places=2, null=True, blank=True)
    kpi_due_date = models.DateField("KPI due date", null=True, blank=True)
    kpi_current = models.DecimalField("KPI current value", max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        abstract = True

    def kpi_progress(self) -> float | None:
        """Share of the way from baseline to target reached by the current value (0..1+)."""
        baseline, target, current = self.kpi_baseline, self.kpi_target, self.kpi_current
        if baseline is None or target is None or current is None:
            return None
        span = target - baseline
        if span == 0:
            return None
        return float((current - baseline) / span)


class Objective(KpiFields):
    """A company financial objective with its KPI and its weight in the scoring model."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="objectives")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=32, choices=ObjectiveCategory.choices)
    description = models.TextField(blank=True)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_objective_name")]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A business unit, its lead and the BIOs assigned to it as IT liaisons."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="departments")
    name = models.CharField(max_length=120)
    code = models.CharField(max_length=12)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_departments"
    )
    bios = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="bio_departments")

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_department_name"),
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_department_code"),
        ]

    def __str__(self) -> str:
        return self.name


class StrategySession(models.Model):
    """A department's planning meeting, recorded by its BIO, and what was captured in it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="strategy_sessions")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    bio = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attendees = models.TextField(blank=True, help_text="One name per line")
    notes = models.TextField(blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.department} — {self.title} ({self.held_on})"

    def attendee_list(self) -> list[str]:
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.department_id and self.organisation_id and self.department.organisation_id != self.organisation_id:
            raise ValidationError({"department": "The department belongs to another organisation."})


class DepartmentGoal(KpiFields):
    """A department's strategy goal with its KPI, linked to the objectives it serves."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="goals")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    session = models.ForeignKey(
        StrategySession, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals",
        help_text="The strategy session in which the goal was captured",
    )
    objectives = models.ManyToManyField(Objective, through="GoalContribution", related_name="goals")

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["department__name", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.department_id and self.organisation_id and self.department.organisation_id != self.organisation_id:
            errors["department"] = "The department belongs to another organisation."
        session = self.session if self.session_id else None
        if session is not None and self.department_id and session.department_id != self.department_id:
            errors["session"] = "The session was held by another department."
        if errors:
            raise ValidationError(errors)


class GoalContribution(models.Model):
    """How strongly a department goal contributes to a company objective."""

    goal = models.ForeignKey(DepartmentGoal, on_delete=models.CASCADE, related_name="contributions")
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="contributions")
    strength = models.CharField(max_length=8, choices=ContributionStrength.choices, default=ContributionStrength.MEDIUM)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["goal", "objective"], name="one_contribution_per_pair")]

    def __str__(self) -> str:
        return f"{self.goal} → {self.objective} ({self.get_strength_display()})"

    def clean(self) -> None:
        if self.goal_id and self.objective_id and self.goal.organisation_id != self.objective.organisation_id:
            raise ValidationError({"objective": "The objective belongs to another organisation."})
