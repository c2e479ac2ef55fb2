"""Department pages: list, detail, create, edit (lead and BIOs inline)."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from bearing.core.decorators import member_required
from bearing.core.forms import save_with_service
from bearing.core.listing import list_context
from bearing.core.permissions import has_model_permission, has_permission
from bearing.demand.choices import DemandStatus
from bearing.demand.models import Demand
from bearing.strategy import services
from bearing.strategy.filters import (
    DepartmentFilterSet,
)
from bearing.strategy.forms import (
    DepartmentForm,
)
from bearing.strategy.models import (
    Department,
    DepartmentGoal,
    GoalContribution,
    StrategySession,
)
from bearing.strategy.views.common import (
    count_related,
    form_page,
    get_for_user,
    may_add,
    require_add,
    visible,
)

__all__ = ["department_create", "department_detail", "department_edit", "department_list"]


DEPARTMENT_SORTS = {
    "name": "name",
    "code": "code",
    "lead": "lead__username",
    "goals": "goal_count",
    "sessions": "session_count",
    "demands": "demand_count",
}


@member_required
def department_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        visible(request, Department)
        .select_related("lead")
        .prefetch_related("bios")
        .annotate(
            goal_count=count_related(visible(request, DepartmentGoal), "department"),
            session_count=count_related(visible(request, StrategySession), "department"),
            demand_count=count_related(visible(request, Demand), "department"),
        )
    )
    context = list_context(
        request,
        queryset,
        filterset_class=DepartmentFilterSet,
        sort_fields=DEPARTMENT_SORTS,
        default_sort="name",
    )
    context["may_add"] = may_add(request, Department)
    return render(request, "strategy/department_list.html", context)


@member_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_for_user(request, Department, pk)
    demands = visible(request, Demand).filter(department=department)
    by_status = dict(demands.order_by().values_list("status").annotate(n=Count("pk")))
    goals = (
        visible(request, DepartmentGoal)
        .filter(department=department)
        .prefetch_related(
            Prefetch("contributions", GoalContribution.objects.select_related("objective"))
        )
    )
    sessions = visible(request, StrategySession).filter(department=department).select_related("bio")
    return render(
        request,
        "strategy/department_detail.html",
        {
            "object": department,
            "bios": department.bios.order_by("username"),
            "goals": goals,
            "sessions": sessions,
            "status_counts": [
                (s.value, s.label, by_status[s.value])
                for s in DemandStatus
                if by_status.get(s.value)
            ],
            "demand_count": sum(by_status.values()),
            "may_change": has_permission(request.user, "change", department),
            "may_add_goal": has_model_permission(
                request.user, "add", DepartmentGoal, request.organisation, department
            ),
            "may_add_session": has_model_permission(
                request.user, "add", StrategySession, request.organisation, department
            ),
        },
    )


def _department_fields(form: DepartmentForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    return {"bios": list(data.pop("bios")), **data}


@member_required
def department_create(request: HttpRequest) -> HttpResponse:
    require_add(request, Department)
    form = DepartmentForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST":
        department = save_with_service(
            form,
            lambda data: services.create_department(
                request.user, request.organisation, **_department_fields(form)
            ),
        )
        if department is not None:
            messages.success(request, f"Department “{department}” created.")
            return redirect("strategy:department_detail", department.pk)
    return form_page(
        request, form, title="New department", cancel_url=reverse("strategy:department_list")
    )


@member_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_for_user(request, Department, pk, "change")
    form = DepartmentForm(
        request.POST or None, instance=copy.copy(department), organisation=request.organisation
    )
    if request.method == "POST":
        saved = save_with_service(
            form,
            lambda data: services.update_department(
                request.user, department, **_department_fields(form)
            ),
        )
        if saved is not None:
            messages.success(request, f"Department “{saved}” saved.")
            return redirect("strategy:department_detail", saved.pk)
    return form_page(
        request,
        form,
        title=f"Edit department “{department}”",
        obj=department,
        cancel_url=reverse("strategy:department_detail", args=[department.pk]),
    )
