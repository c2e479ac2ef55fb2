"""Objective pages: list, detail, create, edit, delete."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bearing.core.decorators import member_required
from bearing.core.forms import save_with_service
from bearing.core.listing import list_context
from bearing.core.permissions import has_permission
from bearing.demand.models import Demand, DemandBenefit
from bearing.strategy import services
from bearing.strategy.filters import (
    ObjectiveFilterSet,
)
from bearing.strategy.forms import (
    ObjectiveForm,
)
from bearing.strategy.models import (
    DepartmentGoal,
    GoalContribution,
    Objective,
)
from bearing.strategy.views.common import (
    count_related,
    delete_page,
    form_page,
    get_for_user,
    may_add,
    require_add,
    visible,
)

__all__ = [
    "objective_create",
    "objective_delete",
    "objective_detail",
    "objective_edit",
    "objective_list",
]


OBJECTIVE_SORTS = {
    "name": "name",
    "category": "category",
    "weight": "weight",
    "goals": "goal_count",
    "due": "kpi_due_date",
}


@member_required
def objective_list(request: HttpRequest) -> HttpResponse:
    queryset = visible(request, Objective).annotate(
        goal_count=count_related(GoalContribution.objects.all(), "objective")
    )
    context = list_context(
        request,
        queryset,
        filterset_class=ObjectiveFilterSet,
        sort_fields=OBJECTIVE_SORTS,
        default_sort="name",
    )
    context["may_add"] = may_add(request, Objective)
    return render(request, "strategy/objective_list.html", context)


@member_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_for_user(request, Objective, pk)
    contributions = (
        GoalContribution.objects.filter(
            objective=objective, goal__in=visible(request, DepartmentGoal)
        )
        .select_related("goal__department")
        .order_by("goal__department__name", "goal__title")
    )
    benefits = DemandBenefit.objects.filter(
        objective=objective, demand__in=visible(request, Demand)
    )
    return render(
        request,
        "strategy/objective_detail.html",
        {
            "object": objective,
            "contributions": contributions,
            "benefit_count": benefits.count(),
            "benefits": benefits.select_related("demand__department").order_by(
                "-score", "demand__reference"
            )[:20],
            "may_change": has_permission(request.user, "change", objective),
        },
    )


@member_required
def objective_create(request: HttpRequest) -> HttpResponse:
    require_add(request, Objective)
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST":
        objective = save_with_service(
            form, lambda data: services.create_objective(request.user, request.organisation, **data)
        )
        if objective is not None:
            messages.success(request, f"Objective “{objective}” created.")
            return redirect("strategy:objective_detail", objective.pk)
    return form_page(
        request, form, title="New objective", cancel_url=reverse("strategy:objective_list")
    )


@member_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_for_user(request, Objective, pk, "change")
    # The form works on a copy: the service snapshots the unchanged object for the audit trail.
    form = ObjectiveForm(request.POST or None, instance=copy.copy(objective))
    if request.method == "POST":
        saved = save_with_service(
            form, lambda data: services.update_objective(request.user, objective, **data)
        )
        if saved is not None:
            messages.success(request, f"Objective “{saved}” saved.")
            return redirect("strategy:objective_detail", saved.pk)
    return form_page(
        request,
        form,
        title=f"Edit objective “{objective}”",
        obj=objective,
        cancel_url=reverse("strategy:objective_detail", args=[objective.pk]),
    )


@member_required
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_for_user(request, Objective, pk, "delete")
    return delete_page(
        request,
        objective,
        services.delete_objective,
        detail_url=reverse("strategy:objective_detail", args=[objective.pk]),
        list_url=reverse("strategy:objective_list"),
        consequences="Its links to department goals and the demands' expected benefits for it are deleted too.",
    )
