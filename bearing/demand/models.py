"""Demands: the IT needs of departments, with effort by skill, systems, benefits and dependencies."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bearing.core.models import Organisation, OrganisationScopedQuerySet
from bearing.demand.choices import DemandStatus, DemandType, NeedClass, Risk

__all__ = ["Demand", "DemandBenefit", "DemandComment", "DemandEffort", "DemandQuerySet", "DemandSystemUse"]


class DemandQuerySet(OrganisationScopedQuerySet["Demand"]):
    def open(self) -> DemandQuerySet:
        return self.filter(status__in=[DemandStatus.DRAFT, DemandStatus.SUBMITTED, DemandStatus.ASSESSED, DemandStatus.APPROVED])

    def for_department(self, department: Any) -> DemandQuerySet:
        return self.filter(department=department)

    def plannable(self) -> DemandQuerySet:
        """Demands a scenario plans by default: assessed and approved ones."""
        return self.filter(status__in=[DemandStatus.ASSESSED, DemandStatus.APPROVED, DemandStatus.SCHEDULED])


class Demand(models.Model):
    """An IT need of a department. Periods are quarter indexes on the planning calendar:
    it runs `duration_quarters` quarters from its start, not before `earliest_start_quarter`,
    and must finish by `deadline_quarter` (start + duration <= deadline)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="demands")
    reference = models.CharField(max_length=20, help_text="D-0001")
    department = models.ForeignKey("strategy.Department", on_delete=models.PROTECT, related_name="demands")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    demand_type = models.CharField("type", max_length=20, choices=DemandType.choices)
    need_class = models.CharField(max_length=20, choices=NeedClass.choices, default=NeedClass.IMPORTANT)
    status = models.CharField(max_length=20, choices=DemandStatus.choices, default=DemandStatus.DRAFT, db_index=True)
    risk = models.CharField(max_length=8, choices=Risk.choices, default=Risk.MEDIUM)
    goals = models.ManyToManyField("strategy.DepartmentGoal", blank=True, related_name="demands")
    session = models.ForeignKey(
        "strategy.StrategySession", null=True, blank=True, on_delete=models.SET_NULL, related_name="demands",
        help_text="The strategy session in which the demand was captured",
    )
    cost_eur = models.DecimalField("cost (EUR)", max_digits=14, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    duration_quarters = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(40)])
    earliest_start_quarter = models.PositiveSmallIntegerField(default=0)
    deadline_quarter = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Quarter index by which it must be finished (start + duration ≤ deadline)"
    )
    requires = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_by",
        help_text="Demands that must be finished before this one starts",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="unique_demand_reference"),
        ]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["organisation", "department"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_mandatory(self) -> bool:
        return self.need_class == NeedClass.MANDATORY

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.deadline_quarter is not None and self.duration_quarters:
            earliest_finish = (self.earliest_start_quarter or 0) + self.duration_quarters
            if self.deadline_quarter < earliest_finish:
                errors["deadline_quarter"] = (
                    f"The deadline must be at or after earliest start + duration "
                    f"(quarter {earliest_finish} at the soonest)."
                )
        if self.department_id and self.organisation_id and self.department.organisation_id != self.organisation_id:
            errors["department"] = "The department belongs to another organisation."
        session = self.session if self.session_id else None
        if session is not None and self.department_id and session.department_id != self.department_id:
            errors["session"] = "The session was held by another department."
        if errors:
            raise ValidationError(errors)


class DemandEffort(models.Model):
    """Hours of one skill a demand needs in total, spread evenly over its duration."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="efforts")
    skill = models.ForeignKey("capacity.Skill", on_delete=models.PROTECT, related_name="efforts")
    hours = models.DecimalField(max_digits=10, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["skill__name"]
        constraints = [models.UniqueConstraint(fields=["demand", "skill"], name="one_effort_per_skill")]

    def clean(self) -> None:
        if self.demand_id and self.skill_id and self.demand.organisation_id != self.skill.organisation_id:
            raise ValidationError({"skill": "The skill belongs to another organisation."})


class DemandSystemUse(models.Model):
    """A system a demand needs or changes, with the capacity units it uses while active."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="system_uses")
    system = models.ForeignKey("capacity.System", on_delete=models.PROTECT, related_name="demand_uses")
    units = models.DecimalField(max_digits=12, decimal_places=1, default=0, validators=[MinValueValidator(0)])
    is_change = models.BooleanField(default=False, help_text="The demand changes this system")

    class Meta:
        ordering = ["system__name"]
        constraints = [models.UniqueConstraint(fields=["demand", "system"], name="one_use_per_system")]

    def clean(self) -> None:
        if self.demand_id and self.system_id and self.demand.organisation_id != self.system.organisation_id:
            raise ValidationError({"system": "The system belongs to another organisation."})


class DemandBenefit(models.Model):
    """Expected benefit of a demand for one objective, on a 0–10 scale."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="benefits")
    objective = models.ForeignKey("strategy.Objective", on_delete=models.CASCADE, related_name="benefits")
    score = models.DecimalField(max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(10)])
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["objective__name"]
        constraints = [models.UniqueConstraint(fields=["demand", "objective"], name="one_benefit_per_objective")]

    def clean(self) -> None:
        if self.demand_id and self.objective_id and self.demand.organisation_id != self.objective.organisation_id:
            raise ValidationError({"objective": "The objective belongs to another organisation."})


class DemandComment(models.Model):
    """A comment on a demand (department leads propose and comment)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
