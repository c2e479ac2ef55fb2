"""Planning pages: scenarios (list, detail, create, edit), plan runs with live progress, and the
results of a plan — roadmap, capacity and budget, unscheduled demands, priority against need,
and the efficient frontier.

Reads go through the permission layer; writes through `bearing.planning.services` and
`bearing.planning.runs`. Result pages read the run's decisions and small summary only.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from bearing.core.choices import Role
from bearing.core.decorators import member_required
from bearing.core.forms import apply_service_errors
from bearing.core.listing import list_context
from bearing.core.permissions import (
    department_ids,
    get_object_for_user,
    has_model_permission,
    has_permission,
)
from bearing.demand.models import Demand
from bearing.planning import results, runs, services
from bearing.planning.choices import RunStatus
from bearing.planning.forms import ScenarioForm, budget_formset, capacity_formset
from bearing.planning.models import PlanDecision, PlanRun, Scenario
from bearing.strategy.models import Department

__all__ = [
    "run_cancel", "run_capacity", "run_detail", "run_explanations", "run_frontier", "run_frontier_compute",
    "run_priority", "run_roadmap", "run_unscheduled", "scenario_create", "scenario_detail", "scenario_edit",
    "scenario_list", "scenario_plan", "scenario_run",
]

GANTT_PAGE = 40
UNSCHEDULED_PAGE = 50


def _get_scenario(request: HttpRequest, pk: int, action: str = "view") -> Scenario:
    return get_object_for_user(Scenario.objects.select_related("organisation__calendar"), request.user, pk, action,
                               request.organisation)


def _get_run(request: HttpRequest, pk: int, action: str = "view", *, large: tuple[str, ...] = ()) -> PlanRun:
    """The run, without its organisation-sized fields unless named in `large`."""
    deferred = [f for f in PlanRun.LARGE_FIELDS if f not in large]
    queryset = PlanRun.objects.select_related("scenario", "organisation__calendar", "requested_by").defer(*deferred)
    return get_object_for_user(queryset, request.user, pk, action, request.organisation)


def _htmx_redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# Scenarios

SCENARIO_SORTS = {"name": "name", "created": "created_at", "runs": "run_count"}


@member_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    latest = PlanRun.objects.filter(scenario=OuterRef("pk")).order_by("-queued_at", "-id")
    queryset = (
        Scenario.objects.restrict(request.user, "view", request.organisation)
        .select_related("created_by")
        .annotate(run_count=Count("runs"), last_status=Subquery(latest.values("status")[:1]),
                  last_value=Subquery(latest.filter(status=RunStatus.SUCCEEDED).values("objective")[:1]))
    )
    context = list_context(request, queryset, sort_fields=SCENARIO_SORTS, default_sort="-created")
    context["may_add"] = has_model_permission(request.user, "add", Scenario, request.organisation)
    context["status_labels"] = dict(RunStatus.choices)
    return render(request, "planning/scenario_list.html", context)


@member_required
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scenario = _get_scenario(request, pk)
    calendar = scenario.organisation.calendar
    run_list = list(scenario.runs.defer(*PlanRun.LARGE_FIELDS).select_related("requested_by")[:10])
    plan = scenario.latest_plan()
    changes = [{**c, "from_label": calendar.label(int(c["from_quarter"]))} for c in scenario.capacity_changes or []]
    windows = [{**w, "label": f"{calendar.label(int(w['first']))} – {calendar.label(int(w['last']))}"}
               for w in scenario.budget_windows or []]
    return render(request, "planning/scenario_detail.html", {
        "object": scenario,
        "runs": run_list,
        "active_run": next((r for r in run_list if r.is_active), None),
        "plan": plan,
        "changes": changes,
        "windows": windows,
        "chosen": scenario.chosen_demands.order_by("reference").only("pk", "reference", "title")[:200],
        "forced_in": scenario.forced_in.order_by("reference").only("pk", "reference", "title"),
        "forced_out": scenario.forced_out.order_by("reference").only("pk", "reference", "title"),
        "may_change": has_permission(request.user, "change", scenario),
        "may_run": has_permission(request.user, "run", scenario),
    })


def _scenario_form(request: HttpRequest, scenario: Scenario | None) -> HttpResponse:
    organisation = request.organisation
    data = request.POST if request.method == "POST" else None
    form = ScenarioForm(data, instance=copy.copy(scenario) if scenario else None, organisation=organisation)
    budgets = budget_formset(data, organisation, initial=None if data else (scenario.budget_windows if scenario else None))
    changes = capacity_formset(data, organisation, initial=None if data else (scenario.capacity_changes if scenario else None))
    if data is not None and form.is_valid() and budgets.is_valid() and changes.is_valid():
        fields = {k: form.cleaned_data[k] for k in ("name", "description", "selection", "time_limit_seconds")}
        lists = {k: form.cleaned_data[k] for k in ("chosen_demands", "forced_in", "forced_out")}
        fields.update(budget_windows=budgets.rows(), capacity_changes=changes.rows())
        try:
            if scenario is None:
                saved = services.create_scenario(request.user, organisation, **lists, **fields)
            else:
                saved = services.update_scenario(request.user, scenario, **lists, **fields)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Scenario “{saved}” saved.")
            return redirect("planning:scenario_detail", saved.pk)
    return render(request, "planning/scenario_form.html", {
        "form": form, "budgets": budgets, "changes": changes, "object": scenario,
        "hours_per_fte": settings.HOURS_PER_FTE_QUARTER,
        "title": f"Edit scenario “{scenario}”" if scenario else "New scenario",
        "cancel_url": reverse("planning:scenario_detail", args=[scenario.pk]) if scenario else reverse("planning:scenario_list"),
    })


@member_required
def scenario_create(request: HttpRequest) -> HttpResponse:
    if not has_model_permission(request.user, "add", Scenario, request.organisation):
        raise PermissionDenied("Only the CIO or an administrator creates scenarios.")
    return _scenario_form(request, None)


@member_required
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _scenario_form(request, _get_scenario(request, pk, "change"))


@member_required
@require_POST
def scenario_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a plan run and go to its page (the solve happens in the worker)."""
    scenario = _get_scenario(request, pk, "run")
    try:
        run = runs.queue_run(request.user, scenario)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _htmx_redirect(request, reverse("planning:scenario_detail", args=[scenario.pk]))
    return _htmx_redirect(request, reverse("planning:run_detail", args=[run.pk]))


@member_required
def scenario_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The scenario's plan: the roadmap of its latest successful run."""
    scenario = _get_scenario(request, pk)
    plan = scenario.latest_plan()
    if plan is None:
        messages.info(request, "This scenario has no plan yet.")
        return redirect("planning:scenario_detail", scenario.pk)
    return redirect("planning:run_roadmap", plan.pk)


# Runs

@member_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Live progress of a run (the htmx partial polls every second while it is active), its
    outcome, the reason when it failed, and the conflicts when it cannot be planned."""
    runs.mark_lost_runs()
    run = _get_run(request, pk)
    elapsed = None
    if run.started_at:
        elapsed = ((run.finished_at or timezone.now()) - run.started_at).total_seconds()
    context: dict[str, Any] = {
        "run": run, "elapsed": elapsed, "may_change": has_permission(request.user, "change", run),
        "check": runs.explanation_check(run),
    }
    if run.started_at:
        # the run plans the snapshot taken when it started; say so when the data moved on since
        context["edited_since"] = Demand.objects.filter(
            organisation=run.organisation_id, updated_at__gt=run.started_at
        ).count()
    if run.plan_status == "infeasible":
        conflicts = (run.summary or {}).get("conflicts", [])
        refs = set(results._REFERENCE.findall(" ".join(conflicts)))
        known = dict(Demand.objects.filter(organisation=run.organisation_id, reference__in=refs).values_list("reference", "pk"))
        words = results.resource_words(run)
        context["conflicts"] = [results.link_references(c, known, words) for c in conflicts]
        context["conflict_demands"] = Demand.objects.filter(pk__in=known.values()).select_related("department")
    template = "planning/partials/run_status.html" if request.htmx else "planning/run_detail.html"
    return render(request, template, context)


@member_required
@require_POST
def run_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk, "change")
    if run.is_active:
        runs.cancel_run(request.user, run)
        messages.success(request, "Cancellation requested." if run.status == RunStatus.RUNNING else "Run cancelled.")
    return _htmx_redirect(request, reverse("planning:run_detail", args=[run.pk]))


def _result_run(request: HttpRequest, pk: int) -> PlanRun:
    run = _get_run(request, pk)
    if run.status != RunStatus.SUCCEEDED or run.plan_status == "infeasible":
        raise Http404("This run has no plan.")
    return run


def _own_departments(request: HttpRequest) -> set[int] | None:
    """A department lead's departments: the plan pages show them only their part of the plan.
    None for every other role, who see the whole plan."""
    if request.role != Role.LEAD:
        return None
    return department_ids(request.user, Role.LEAD)


def _result_context(request: HttpRequest, run: PlanRun, tab: str) -> dict[str, Any]:
    latest = run.scenario.latest_plan()
    return {
        "run": run, "scenario": run.scenario, "tab": tab, "labels": (run.summary or {}).get("labels", []),
        "is_current_plan": latest is not None and latest.pk == run.pk, "summary": run.summary or {},
        "own_departments_only": _own_departments(request) is not None,
    }


@member_required
def run_roadmap(request: HttpRequest, pk: int) -> HttpResponse:
    """Gantt of the scheduled demands by department, or of the demands using one resource."""
    run = _result_run(request, pk)
    by = "resource" if request.GET.get("by") == "resource" else "department"
    choices = results.resource_choices(run)
    resource = request.GET.get("resource") or (choices[0][0] if choices else None)
    if resource not in dict(choices):
        resource = choices[0][0] if choices else None
    try:
        department = int(request.GET.get("department") or 0) or None
    except ValueError:
        department = None
    queryset = results.roadmap_queryset(run, by=by, resource=resource, department=department)
    own = _own_departments(request)
    if own is not None:
        queryset = queryset.filter(demand__department_id__in=own)
    page = Paginator(queryset, GANTT_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    words = results.resource_words(run)
    for decision in rows:
        decision.display_reasons = [results.link_references(r, {}, words) for r in decision.reasons]
    labels = (run.summary or {}).get("labels", [])
    group = "department" if by == "department" else dict(choices).get(resource, "")
    params = request.GET.copy()
    params.pop("page", None)
    context = _result_context(request, run, "roadmap")
    context.update({
        "rows": rows, "page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages(),
        "query_string": params.urlencode(), "by": by, "resource": resource, "resource_choices": choices,
        "department": department, "departments": Department.objects.filter(organisation=run.organisation_id).order_by("name"),
        "gantt": results.gantt_data(rows, labels, group),
    })
    return render(request, "planning/run_roadmap.html", context)


@member_required
def run_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    """Capacity heatmap (resource × quarter, used against capacity) and budget use per window."""
    run = _result_run(request, pk)
    context = _result_context(request, run, "capacity")
    context.update({"heatmap": results.heatmap_rows(run), "budgets": results.budget_rows(run)})
    return render(request, "planning/run_capacity.html", context)


@member_required
def run_unscheduled(request: HttpRequest, pk: int) -> HttpResponse:
    """Every demand the plan leaves out, with its explanation."""
    run = _result_run(request, pk)
    queryset = PlanDecision.objects.filter(run=run, is_scheduled=False).select_related("demand__department")
    own = _own_departments(request)
    if own is not None:
        queryset = queryset.filter(demand__department_id__in=own)
    query = request.GET.get("q", "").strip()
    department = request.GET.get("department", "")
    if department.isdigit():
        queryset = queryset.filter(demand__department_id=int(department))
    if query:
        queryset = queryset.filter(Q(demand__reference__icontains=query) | Q(demand__title__icontains=query))
    queryset = queryset.order_by("-value", "demand__reference")
    context = _result_context(request, run, "unscheduled")
    listing = list_context(request, queryset, sort_fields={"value": "value", "reference": "demand__reference"},
                           default_sort="-value", per_page=UNSCHEDULED_PAGE)
    refs: set[str] = set()
    for decision in listing["object_list"]:
        refs.update(results._REFERENCE.findall(" ".join(decision.reasons)))
    known = dict(Demand.objects.filter(organisation=run.organisation_id, reference__in=refs).values_list("reference", "pk"))
    words = results.resource_words(run)
    listing["rows"] = [
        {"decision": d, "reasons": [results.link_references(r, known, words) for r in d.reasons],
         "forced_in_cost": results.forced_in_cost(d.details, d.reasons),
         "details": results.readable_details(d.details, words, context["labels"])}
        for d in listing["object_list"]
    ]
    context.update(listing)
    context.update({
        "q": query, "dropped": (run.summary or {}).get("dropped", {}), "check": runs.explanation_check(run),
        "department": int(department) if department.isdigit() else None,
        "departments": Department.objects.filter(organisation=run.organisation_id).order_by("name"),
    })
    return render(request, "planning/run_unscheduled.html", context)


@member_required
def run_explanations(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the pages of a run whose explanations are being checked after it: the notice while
    the check goes on, then a refresh of the page that polls, which shows the checked reasons."""
    run = _result_run(request, pk)
    check = runs.explanation_check(run)
    if not request.htmx:
        return redirect("planning:run_unscheduled", pk=run.pk)
    if check is not None and check["status"] != "checking":
        return HttpResponseClientRefresh()
    return render(request, "planning/partials/explanation_check.html", {"run": run, "check": check})


@member_required
def run_priority(request: HttpRequest, pk: int) -> HttpResponse:
    """Priority against need: each demand's value against its need class and urgency."""
    run = _result_run(request, pk)
    context = _result_context(request, run, "priority")
    context["priority"] = results.priority_data(
        run, run.organisation.calendar.quarters, departments=_own_departments(request)
    )
    return render(request, "planning/run_priority.html", context)


@member_required
def run_frontier(request: HttpRequest, pk: int) -> HttpResponse:
    """The efficient frontier (best value per total budget), once computed in the background;
    the htmx partial polls while it is being computed."""
    run = _result_run(request, pk)
    context = _result_context(request, run, "frontier")
    context["frontier"] = (run.summary or {}).get("frontier", {})
    context["may_change"] = has_permission(request.user, "change", run)
    template = "planning/partials/frontier.html" if request.htmx else "planning/run_frontier.html"
    return render(request, template, context)


@member_required
@require_POST
def run_frontier_compute(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get_run(request, pk, "change")
    try:
        runs.queue_frontier(request.user, run)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _htmx_redirect(request, reverse("planning:run_frontier", args=[run.pk]))
