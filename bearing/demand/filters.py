"""Filters of the demand list (shared with the API list)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from bearing.demand.choices import DemandStatus, DemandType, NeedClass
from bearing.demand.models import Demand
from bearing.strategy.models import Department

__all__ = ["DemandFilterSet"]


def _departments(request) -> QuerySet:
    """Departments of the current organisation (none without a request or organisation)."""
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        return Department.objects.none()
    return Department.objects.filter(organisation=organisation)


class DemandFilterSet(django_filters.FilterSet):
    """Department, status, type, need class, and a search in reference and title."""

    q = django_filters.CharFilter(label="Search", method="filter_search")
    department = django_filters.ModelChoiceFilter(queryset=_departments, empty_label="All departments")
    status = django_filters.ChoiceFilter(choices=DemandStatus.choices, empty_label="Any status")
    demand_type = django_filters.ChoiceFilter(label="Type", choices=DemandType.choices, empty_label="Any type")
    need_class = django_filters.ChoiceFilter(choices=NeedClass.choices, empty_label="Any need class")

    class Meta:
        model = Demand
        fields = ["q", "department", "status", "demand_type", "need_class"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))
