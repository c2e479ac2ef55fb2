"""FilterSets of the strategy lists (shared with the API list endpoints). Choices of related
objects are limited to the request's organisation."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from bearing.strategy.choices import ObjectiveCategory
from bearing.strategy.models import Department, DepartmentGoal, Objective, StrategySession

__all__ = ["DepartmentFilterSet", "GoalFilterSet", "ObjectiveFilterSet", "SessionFilterSet"]


def _organisation(request: Any) -> Any:
    return getattr(request, "organisation", None)


def _departments(request: Any) -> QuerySet:
    return Department.objects.filter(organisation=_organisation(request)).order_by("name")


def _objectives(request: Any) -> QuerySet:
    return Objective.objects.filter(organisation=_organisation(request)).order_by("name")


class ObjectiveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    category = django_filters.ChoiceFilter(
        choices=ObjectiveCategory.choices, empty_label="Any category"
    )

    class Meta:
        model = Objective
        fields = ("q", "category")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(kpi_metric__icontains=value))


class DepartmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")

    class Meta:
        model = Department
        fields = ("q",)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class GoalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    department = django_filters.ModelChoiceFilter(
        queryset=_departments, empty_label="Any department"
    )
    objective = django_filters.ModelChoiceFilter(
        queryset=_objectives,
        field_name="contributions__objective",
        label="Objective",
        empty_label="Any objective",
        distinct=True,
    )

    class Meta:
        model = DepartmentGoal
        fields = ("q", "department", "objective")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(kpi_metric__icontains=value))


class SessionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    department = django_filters.ModelChoiceFilter(
        queryset=_departments, empty_label="Any department"
    )
    held_after = django_filters.DateFilter(
        field_name="held_on",
        lookup_expr="gte",
        label="Held from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    held_before = django_filters.DateFilter(
        field_name="held_on",
        lookup_expr="lte",
        label="Held until",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = StrategySession
        fields = ("q", "department", "held_after", "held_before")

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(title__icontains=value) | Q(notes__icontains=value))
