"""Organisations, memberships with roles, the planning calendar and the audit trail."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bearing.core.choices import Role

__all__ = ["AuditEntry", "Membership", "Organisation", "OrganisationScopedQuerySet", "PlanningCalendar"]


_M = TypeVar("_M", bound=models.Model)


class OrganisationScopedQuerySet(models.QuerySet[_M]):
    """Base queryset of every organisation-owned model: `restrict(user, action)` narrows it to
    what the user may see or change (rules in bearing.core.permissions)."""

    def for_organisation(self, organisation: Organisation) -> OrganisationScopedQuerySet[_M]:
        return self.filter(organisation=organisation)

    def restrict(
        self, user: Any, action: str = "view", organisation: Organisation | None = None
    ) -> models.QuerySet[_M]:
        from bearing.core.permissions import restrict_queryset

        return restrict_queryset(self, user, action, organisation)


class Organisation(models.Model):
    """A company whose IT strategy is planned; nothing is shared between organisations."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    currency = models.CharField(max_length=3, default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=24, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        ordering = ["organisation", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.organisation}"


class PlanningCalendar(models.Model):
    """The planning horizon: `quarters` quarters starting at `first_year`-Q`first_quarter`.
    Demands and capacity refer to quarters by index 0..quarters-1 on this calendar."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="calendar")
    first_year = models.PositiveIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2200)])
    first_quarter = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    quarters = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(1), MaxValueValidator(40)]
    )

    def label(self, index: int) -> str:
        """"2027-Q3" for quarter `index` of the horizon."""
        q0 = self.first_quarter - 1 + index
        return f"{self.first_year + q0 // 4}-Q{q0 % 4 + 1}"

    def labels(self) -> list[str]:
        return [self.label(i) for i in range(self.quarters)]

    def choices(self) -> list[tuple[int, str]]:
        return [(i, self.label(i)) for i in range(self.quarters)]

    def __str__(self) -> str:
        return f"{self.label(0)} – {self.label(self.quarters - 1)}"


class AuditEntry(models.Model):
    """Who changed what, when, before and after, and why — one row per change, written by the
    service layer in the same transaction for web, API and CLI alike."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)  # create, update, delete, transition:<to>, publish, ...
    object_type = models.CharField(max_length=60)  # "demand.Demand"
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for every field whose value differs."""
        before = self.before or {}
        after = self.after or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
