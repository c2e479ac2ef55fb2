"""Filters of the capacity list pages (shared with the API lists)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from bearing.capacity.choices import Criticality, SystemKind
from bearing.capacity.models import Person, Skill, System
from bearing.strategy.models import Department

__all__ = ["PersonFilterSet", "SkillFilterSet", "SystemFilterSet"]


def _in_organisation(model):
    def queryset(request) -> QuerySet:
        organisation = getattr(request, "organisation", None)
        if organisation is None:
            return model.objects.none()
        return model.objects.filter(organisation=organisation)

    return queryset


class SkillFilterSet(django_filters.FilterSet):
    """Search in name and code."""

    q = django_filters.CharFilter(label="Search", method="filter_search")

    class Meta:
        model = Skill
        fields = ["q"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value)) if value else queryset


class PersonFilterSet(django_filters.FilterSet):
    """Search in name and team; people with a skill."""

    q = django_filters.CharFilter(label="Search", method="filter_search")
    skill = django_filters.ModelChoiceFilter(
        field_name="skills", queryset=_in_organisation(Skill), empty_label="Any skill"
    )

    class Meta:
        model = Person
        fields = ["q", "skill"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(team__icontains=value)) if value else queryset


class SystemFilterSet(django_filters.FilterSet):
    """Kind, criticality, owning department, and a search in name and code."""

    q = django_filters.CharFilter(label="Search", method="filter_search")
    kind = django_filters.ChoiceFilter(choices=SystemKind.choices, empty_label="Any kind")
    criticality = django_filters.ChoiceFilter(choices=Criticality.choices, empty_label="Any criticality")
    owner_department = django_filters.ModelChoiceFilter(
        label="Owner", queryset=_in_organisation(Department), empty_label="Any owner"
    )

    class Meta:
        model = System
        fields = ["q", "kind", "criticality", "owner_department"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value)) if value else queryset
