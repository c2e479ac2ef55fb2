"""Department goal pages: list, detail, create, edit (contributions to objectives inline), delete."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bearing.core.decorators import member_required
from bearing.core.forms import save_with_service
from bearing.core.listing import list_context
from bearing.core.permissions import has_permission
from bearing.demand.models import Demand
from bearing.strategy import services
from bearing.strategy.filters import (
    GoalFilterSet,
)
from bearing.strategy.forms import (
    GoalForm,
)
from bearing.strategy.models import (
    DepartmentGoal,
    GoalContribution,
)
from bearing.strategy.views.common import (
    delete_page,
    form_page,
    get_for_user,
    may_add,
    require_add,
    visible,
)

__all__ = ["goal_create", "goal_delete", "goal_detail", "goal_edit", "goal_list"]


def _goal_demands(request: HttpRequest) -> QuerySet:
    """Links from goals to the demands the user may see (rows of Demand.goals' through table)."""
    return Demand.goals.through.objects.filter(demand__in=visible(request, Demand))


GOAL_SORTS = {
    "title": "title",
    "department": "department__name",
    "session": "session__held_on",
}


@member_required
def goal_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        visible(request, DepartmentGoal)
        .select_related("department", "session")
        .prefetch_related(
            Prefetch(
                "contributions",
                GoalContribution.objects.select_related("objective").order_by("objective__name"),
            )
        )
    )
    context = list_context(
        request,
        queryset,
        filterset_class=GoalFilterSet,
        sort_fields=GOAL_SORTS,
        default_sort="department",
    )
    # Demand counts for this page's goals in one grouped query: a correlated subquery over the
    # goal-demand links is slow on SQLite with 10,000 demands (it picks the wrong index).
    goals = list(context["object_list"])
    counts = dict(
        _goal_demands(request)
        .filter(departmentgoal__in=[g.pk for g in goals])
        .order_by()
        .values_list("departmentgoal")
        .annotate(n=Count("pk"))
    )
    for goal in goals:
        goal.demand_count = counts.get(goal.pk, 0)
    context["object_list"] = goals
    context["may_add"] = may_add(request, DepartmentGoal)
    return render(request, "strategy/goal_list.html", context)


@member_required
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_for_user(request, DepartmentGoal, pk)
    return render(
        request,
        "strategy/goal_detail.html",
        {
            "object": goal,
            "contributions": goal.contributions.select_related("objective").order_by(
                "objective__name"
            ),
            "demands": visible(request, Demand).filter(goals=goal).select_related("department"),
            "may_change": has_permission(request.user, "change", goal),
            "may_delete": has_permission(request.user, "delete", goal),
        },
    )


def _goal_write(form: GoalForm, write: Any) -> Any:
    return save_with_service(
        form, lambda data: write(contributions=form.contributions(), **form.goal_fields())
    )


@member_required
def goal_create(request: HttpRequest) -> HttpResponse:
    require_add(request, DepartmentGoal)
    initial = {key: request.GET[key] for key in ("department", "session") if request.GET.get(key)}
    form = GoalForm(
        request.POST or None, initial=initial, organisation=request.organisation, user=request.user
    )
    if request.method == "POST":
        goal = _goal_write(
            form,
            lambda **fields: services.create_goal(request.user, request.organisation, **fields),
        )
        if goal is not None:
            messages.success(request, f"Goal “{goal}” created.")
            return redirect("strategy:goal_detail", goal.pk)
    return form_page(
        request,
        form,
        title="New department goal",
        cancel_url=reverse("strategy:goal_list"),
        template="strategy/goal_form.html",
    )


@member_required
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_for_user(request, DepartmentGoal, pk, "change")
    form = GoalForm(
        request.POST or None,
        instance=copy.copy(goal),
        organisation=request.organisation,
        user=request.user,
    )
    if request.method == "POST":
        saved = _goal_write(
            form, lambda **fields: services.update_goal(request.user, goal, **fields)
        )
        if saved is not None:
            messages.success(request, f"Goal “{saved}” saved.")
            return redirect("strategy:goal_detail", saved.pk)
    return form_page(
        request,
        form,
        title=f"Edit goal “{goal}”",
        obj=goal,
        cancel_url=reverse("strategy:goal_detail", args=[goal.pk]),
        template="strategy/goal_form.html",
    )


@member_required
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_for_user(request, DepartmentGoal, pk, "delete")
    return delete_page(
        request,
        goal,
        services.delete_goal,
        detail_url=reverse("strategy:goal_detail", args=[goal.pk]),
        list_url=reverse("strategy:goal_list"),
        consequences="Its links to objectives are deleted; demands that served it stay, without the link.",
    )
