"""Core pages: the home dashboard and the organisation switcher."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from bearing.capacity.models import Person, Skill, System
from bearing.core.middleware import select_organisation
from bearing.core.permissions import has_model_permission
from bearing.demand.choices import DemandStatus
from bearing.demand.models import Demand
from bearing.planning.choices import RunStatus
from bearing.planning.models import PlanRun, Publication, Scenario
from bearing.strategy.models import Department, DepartmentGoal, Objective, StrategySession

__all__ = ["home", "switch_organisation"]

ATTENTION_LIMIT = 10
# "Near end of support": within two quarters from today.
END_OF_SUPPORT_WARNING = datetime.timedelta(days=183)


def _url(name: str) -> str | None:
    """The URL called `name`, or None while the app that owns it is not wired in."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _planning_overview(user, organisation) -> dict:
    """The current plan of each scenario (its latest successful, feasible run) and the latest
    published IT Strategy, as far as `user` may see them."""
    latest = (
        PlanRun.objects.filter(scenario=OuterRef("pk"), status=RunStatus.SUCCEEDED)
        .exclude(plan_status="infeasible").order_by("-finished_at", "-id")
    )
    scenarios = list(
        Scenario.objects.restrict(user, "view", organisation)
        .annotate(plan_id=Subquery(latest.values("pk")[:1])).order_by("name")[:ATTENTION_LIMIT]
        .values("pk", "name", "plan_id")
    )
    plans = {
        p["pk"]: p for p in PlanRun.objects.filter(pk__in=[s["plan_id"] for s in scenarios if s["plan_id"]])
        .values("pk", "objective", "gap", "plan_status", "finished_at", "summary__scheduled", "summary__unscheduled")
    }
    return {
        "scenario_plans": [{**s, "plan": plans.get(s["plan_id"])} for s in scenarios],
        "publication": Publication.objects.restrict(user, "view", organisation)
        .select_related("published_by").first(),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Counts of the organisation's strategy, demand and capacity, and what needs attention now."""
    organisation = request.organisation
    if organisation is None:
        return render(request, "core/no_membership.html", status=200)
    user = request.user

    def visible(model):
        return model.objects.restrict(user, "view", organisation)

    demands = visible(Demand)
    by_status = dict(demands.order_by().values_list("status").annotate(n=Count("pk")))
    status_counts = [(s.value, s.label, by_status.get(s.value, 0)) for s in DemandStatus]

    waiting = demands.filter(
        status__in=[DemandStatus.SUBMITTED, DemandStatus.ASSESSED]
    ).select_related("department")
    waiting_count = waiting.count()
    waiting_rows = list(waiting.order_by("reference")[:ATTENTION_LIMIT])

    sessions = (
        visible(StrategySession)
        .filter(
            ~Exists(DepartmentGoal.objects.filter(session=OuterRef("pk"))),
            ~Exists(Demand.objects.filter(session=OuterRef("pk"))),
        )
        .select_related("department")
    )
    empty_session_count = sessions.count()
    empty_sessions = list(sessions[:ATTENTION_LIMIT])

    today = datetime.date.today()
    ageing = visible(System).filter(
        end_of_support__isnull=False, end_of_support__lte=today + END_OF_SUPPORT_WARNING
    )
    ageing_count = ageing.count()
    ageing_systems = list(ageing.order_by("end_of_support", "name")[:ATTENTION_LIMIT])

    def may_add(model) -> bool:
        return has_model_permission(user, "add", model, organisation)

    counts = [
        (
            "Objectives",
            visible(Objective).count(),
            _url("strategy:objective_list"),
            _url("strategy:objective_create") if may_add(Objective) else None,
        ),
        (
            "Departments",
            visible(Department).count(),
            _url("strategy:department_list"),
            _url("strategy:department_create") if may_add(Department) else None,
        ),
        (
            "Goals",
            visible(DepartmentGoal).count(),
            _url("strategy:goal_list"),
            _url("strategy:goal_create") if may_add(DepartmentGoal) else None,
        ),
        (
            "Sessions",
            visible(StrategySession).count(),
            _url("strategy:session_list"),
            _url("strategy:session_create") if may_add(StrategySession) else None,
        ),
        (
            "Demands",
            sum(by_status.values()),
            _url("demand:demand_list"),
            _url("demand:demand_create") if may_add(Demand) else None,
        ),
        (
            "Skills",
            visible(Skill).count(),
            _url("capacity:skill_list"),
            _url("capacity:skill_create") if may_add(Skill) else None,
        ),
        (
            "People",
            visible(Person).count(),
            _url("capacity:person_list"),
            _url("capacity:person_create") if may_add(Person) else None,
        ),
        (
            "Systems",
            visible(System).count(),
            _url("capacity:system_list"),
            _url("capacity:system_create") if may_add(System) else None,
        ),
    ]
    context = {
        "counts": [
            {"label": label, "count": n, "list_url": lst, "create_url": new}
            for label, n, lst, new in counts
        ],
        "status_counts": status_counts,
        "demand_list_url": _url("demand:demand_list"),
        "waiting_count": waiting_count,
        "waiting_rows": waiting_rows,
        "empty_session_count": empty_session_count,
        "empty_sessions": empty_sessions,
        "ageing_count": ageing_count,
        "ageing_systems": ageing_systems,
        "today": today,
        **_planning_overview(user, organisation),
    }
    return render(request, "core/home.html", context)


@login_required
@require_POST
def switch_organisation(request: HttpRequest) -> HttpResponse:
    """Work in another of the user's organisations (only ones they are a member of)."""
    chosen = request.POST.get("organisation", "")
    membership = next(
        (m for m in getattr(request, "memberships", []) if str(m.organisation_id) == chosen), None
    )
    if membership is None:
        messages.error(request, "You are not a member of that organisation.")
    else:
        select_organisation(request, membership.organisation)
        messages.success(request, f"You are now working in {membership.organisation.name}.")
    # Home, not the page the user was on: that page may belong to the previous organisation.
    return redirect("core:home")
