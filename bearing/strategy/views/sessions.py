"""Strategy session pages: list, detail, create, edit, and capturing goals and demands from the
session page (htmx partial or a plain POST and redirect)."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bearing.core.decorators import member_required
from bearing.core.forms import save_with_service
from bearing.core.listing import list_context
from bearing.core.permissions import has_permission
from bearing.demand.models import Demand
from bearing.strategy import services
from bearing.strategy.filters import (
    SessionFilterSet,
)
from bearing.strategy.forms import (
    CaptureDemandForm,
    CaptureGoalForm,
    SessionForm,
)
from bearing.strategy.models import (
    DepartmentGoal,
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

__all__ = [
    "session_capture_demand",
    "session_capture_goal",
    "session_create",
    "session_detail",
    "session_edit",
    "session_list",
]


SESSION_SORTS = {
    "held_on": "held_on",
    "title": "title",
    "department": "department__name",
    "goals": "goal_count",
    "demands": "demand_count",
}


@member_required
def session_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        visible(request, StrategySession)
        .select_related("department", "bio")
        .annotate(
            goal_count=count_related(visible(request, DepartmentGoal), "session"),
            demand_count=count_related(visible(request, Demand), "session"),
        )
    )
    context = list_context(
        request,
        queryset,
        filterset_class=SessionFilterSet,
        sort_fields=SESSION_SORTS,
        default_sort="-held_on",
    )
    context["may_add"] = may_add(request, StrategySession)
    return render(request, "strategy/session_list.html", context)


def _capture_context(
    request: HttpRequest,
    session: StrategySession,
    *,
    goal_form: CaptureGoalForm | None = None,
    demand_form: CaptureDemandForm | None = None,
    captured: Any = None,
) -> dict[str, Any]:
    """What the session page's capture section shows: the goals and demands captured so far and,
    for those who may capture, the two forms (fresh unless given)."""
    may_capture = has_permission(request.user, "change", session)
    return {
        "object": session,
        "captured_goals": visible(request, DepartmentGoal)
        .filter(session=session)
        .order_by("title"),
        "captured_demands": visible(request, Demand).filter(session=session).order_by("reference"),
        "may_capture": may_capture,
        "goal_form": goal_form or (CaptureGoalForm() if may_capture else None),
        "demand_form": demand_form
        or (CaptureDemandForm(organisation=request.organisation) if may_capture else None),
        "just_captured": captured,
    }


@member_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_for_user(request, StrategySession, pk)
    context = _capture_context(request, session)
    context["may_change"] = context["may_capture"]
    return render(request, "strategy/session_detail.html", context)


@member_required
def session_create(request: HttpRequest) -> HttpResponse:
    require_add(request, StrategySession)
    initial = {"department": request.GET["department"]} if request.GET.get("department") else {}
    form = SessionForm(
        request.POST or None, initial=initial, organisation=request.organisation, user=request.user
    )
    if request.method == "POST":
        session = save_with_service(
            form, lambda data: services.create_session(request.user, request.organisation, **data)
        )
        if session is not None:
            messages.success(
                request, f"Session “{session.title}” recorded. Capture its goals and demands below."
            )
            return redirect("strategy:session_detail", session.pk)
    return form_page(
        request,
        form,
        title="Record a strategy session",
        cancel_url=reverse("strategy:session_list"),
    )


@member_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_for_user(request, StrategySession, pk, "change")
    form = SessionForm(
        request.POST or None,
        instance=copy.copy(session),
        organisation=request.organisation,
        user=request.user,
    )
    if request.method == "POST":
        saved = save_with_service(
            form, lambda data: services.update_session(request.user, session, **data)
        )
        if saved is not None:
            messages.success(request, f"Session “{saved.title}” saved.")
            return redirect("strategy:session_detail", saved.pk)
    return form_page(
        request,
        form,
        title=f"Edit session “{session.title}”",
        obj=session,
        cancel_url=reverse("strategy:session_detail", args=[session.pk]),
    )


def _capture(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Capture a goal or a demand from the session page. htmx gets the refreshed capture
    section; a plain POST redirects back to the session (or shows the page with errors)."""
    session = get_for_user(request, StrategySession, pk, "change")
    if kind == "goal":
        form: Any = CaptureGoalForm(request.POST)
        captured = save_with_service(
            form, lambda data: services.capture_goal(request.user, session, **data)
        )
        forms_given = {"goal_form": form if captured is None else None}
    else:
        form = CaptureDemandForm(request.POST, organisation=request.organisation)
        captured = save_with_service(
            form, lambda data: services.capture_demand(request.user, session, **data)
        )
        forms_given = {"demand_form": form if captured is None else None}
    if captured is not None and not request.htmx:
        messages.success(request, f"Captured {kind} “{captured}”.")
        return redirect("strategy:session_detail", session.pk)
    context = _capture_context(request, session, captured=captured, **forms_given)
    if request.htmx:
        return render(request, "strategy/partials/session_capture.html", context)
    context["may_change"] = context["may_capture"]
    return render(request, "strategy/session_detail.html", context)


@member_required
@require_POST
def session_capture_goal(request: HttpRequest, pk: int) -> HttpResponse:
    return _capture(request, pk, "goal")


@member_required
@require_POST
def session_capture_demand(request: HttpRequest, pk: int) -> HttpResponse:
    return _capture(request, pk, "demand")
