"""IT's capacity: skills, people with their availability, skill capacity and systems."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from bearing.capacity.choices import Criticality, SystemKind
from bearing.core.models import Organisation, OrganisationScopedQuerySet

__all__ = ["Person", "PersonAvailability", "Skill", "SkillCapacity", "System"]


class Skill(models.Model):
    """A kind of IT work that demands need hours of (Java development, DBA, security …)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(max_length=120)
    code = models.SlugField(max_length=40, help_text="Short key used in plans and files")
    description = models.TextField(blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_skill_name"),
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_skill_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A member of IT: skills, FTE, and the share of time reserved for operations and support,
    which is not available to demands. Project hours split evenly across the person's skills."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=160)
    email = models.EmailField(blank=True)
    team = models.CharField(max_length=120, blank=True)
    skills = models.ManyToManyField(Skill, related_name="people", blank=True)
    fte = models.DecimalField(
        "FTE", max_digits=4, decimal_places=2, default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1.5)],
        help_text="Full-time equivalent in a normal quarter",
    )
    operations_share = models.DecimalField(
        max_digits=3, decimal_places=2, default=0.2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of time reserved for operations and support (0–1)",
    )

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name


class PersonAvailability(models.Model):
    """The person's FTE in one quarter when it differs from their normal FTE (leave, part-time)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="availability")
    quarter = models.PositiveSmallIntegerField(help_text="Quarter index on the planning calendar")
    fte = models.DecimalField("FTE", max_digits=4, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(1.5)])

    class Meta:
        ordering = ["person", "quarter"]
        constraints = [models.UniqueConstraint(fields=["person", "quarter"], name="one_availability_per_quarter")]


class SkillCapacity(models.Model):
    """Hours of a skill available to demands in one quarter, entered directly; it overrides the
    hours derived from people for that skill and quarter."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="skill_capacities")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="capacities")
    quarter = models.PositiveSmallIntegerField(help_text="Quarter index on the planning calendar")
    hours = models.DecimalField(max_digits=10, decimal_places=1, validators=[MinValueValidator(0)])
    note = models.CharField(max_length=200, blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["skill__name", "quarter"]
        verbose_name_plural = "skill capacities"
        constraints = [models.UniqueConstraint(fields=["skill", "quarter"], name="one_capacity_per_skill_quarter")]

    def clean(self) -> None:
        if self.skill_id and self.organisation_id and self.skill.organisation_id != self.organisation_id:
            raise ValidationError({"skill": "The skill belongs to another organisation."})


class System(models.Model):
    """An IT system or piece of infrastructure. Its capacity (licences, storage, integration
    slots …) per quarter, less current utilisation, is consumed by demands like a skill's hours."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="systems")
    name = models.CharField(max_length=160)
    code = models.SlugField(max_length=40)
    kind = models.CharField(max_length=20, choices=SystemKind.choices)
    owner_department = models.ForeignKey(
        "strategy.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="systems"
    )
    criticality = models.CharField(max_length=20, choices=Criticality.choices, default=Criticality.MEDIUM)
    end_of_support = models.DateField(null=True, blank=True)
    capacity_unit = models.CharField(max_length=40, default="units", help_text="licences, TB, integration slots …")
    capacity_units = models.DecimalField(max_digits=12, decimal_places=1, default=0, validators=[MinValueValidator(0)])
    utilised_units = models.DecimalField(max_digits=12, decimal_places=1, default=0, validators=[MinValueValidator(0)])
    description = models.TextField(blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_system_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def free_units(self) -> Decimal:
        return max(self.capacity_units - self.utilised_units, Decimal(0))

    @property
    def utilisation(self) -> float | None:
        if not self.capacity_units:
            return None
        return float(self.utilised_units / self.capacity_units)

    def clean(self) -> None:
        errors = {}
        if self.utilised_units is not None and self.capacity_units is not None and self.utilised_units > self.capacity_units:
            errors["utilised_units"] = "Utilisation cannot exceed capacity."
        owner = self.owner_department if self.owner_department_id else None
        if owner is not None and self.organisation_id and owner.organisation_id != self.organisation_id:
            errors["owner_department"] = "The department belongs to another organisation."
        if errors:
            raise ValidationError(errors)
