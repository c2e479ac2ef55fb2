"""Demand pages: list, detail with workflow and history, create/edit with inline tables,
transitions and comments. Views translate HTTP to the services in bearing.demand.services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from bearing.core.listing import list_context
from bearing.core.models import AuditEntry, Organisation
from bearing.core.permissions import get_object_for_user, has_model_permission, has_permission
from bearing.demand import services
from bearing.demand.choices import TRANSITIONS
from bearing.demand.filters import DemandFilterSet
from bearing.demand.forms import (
    BenefitTableForm,
    CommentForm,
    DemandForm,
    EffortTableForm,
    SystemUseTableForm,
    TransitionForm,
)
from bearing.demand.models import Demand

__all__ = [
    "demand_comment",
    "demand_create",
    "demand_detail",
    "demand_edit",
    "demand_estimate",
    "demand_list",
    "demand_transition",
]

SORT_FIELDS = {
    "reference": "reference",
    "title": "title",
    "department": "department__name",
    "type": "demand_type",
    "need": "need_class",
    "status": "status",
    "cost": "cost_eur",
    "effort": "effort_hours",
    "start": "earliest_start_quarter",
    "deadline": "deadline_quarter",
}


def _organisation(request: HttpRequest) -> Organisation:
    """The organisation the user works in; users without one see nothing here."""
    if request.organisation is None:
        raise Http404("You are not a member of any organisation.")
    return request.organisation


def _get_demand(request: HttpRequest, pk: int, action: str = "view") -> Demand:
    queryset = Demand.objects.select_related("department", "session", "proposed_by", "organisation")
    return get_object_for_user(queryset, request.user, pk, action, _organisation(request))


def may_edit(user: Any, demand: Demand) -> bool:
    """May `user` open the edit page of `demand`? (The permission layer lets leads change only
    drafts; demand.services checks again on save.)"""
    return has_permission(user, "change", demand)


@login_required
def demand_list(request: HttpRequest) -> HttpResponse:
    """The demands the user may see, filtered, sorted and paginated, with total effort hours."""
    organisation = _organisation(request)
    queryset = (
        Demand.objects.restrict(request.user, "view", organisation)
        .select_related("department")
        .annotate(effort_hours=Sum("efforts__hours"))
    )
    context = list_context(
        request, queryset, filterset_class=DemandFilterSet, sort_fields=SORT_FIELDS, default_sort="reference"
    )
    context["may_add"] = has_model_permission(request.user, "add", Demand, organisation)
    template = "demand/partials/demand_table.html" if request.htmx else "demand/demand_list.html"
    return render(request, template, context)


def _workflow_context(request: HttpRequest, demand: Demand, form: TransitionForm | None = None) -> dict[str, Any]:
    transitions = [
        {"value": t.value if hasattr(t, "value") else t, "label": getattr(t, "label", str(t)),
         "needs_reason": TRANSITIONS[t][3]}
        for t in services.allowed_transitions(request.user, demand)
    ]
    return {"demand": demand, "transitions": transitions, "transition_form": form}


def _history(demand: Demand) -> list[AuditEntry]:
    entries = list(
        AuditEntry.objects.filter(
            organisation_id=demand.organisation_id, object_type=Demand._meta.label, object_id=str(demand.pk)
        ).select_related("actor")
    )
    for entry in entries:
        entry.changes = entry.changed_fields() if entry.before is not None else []
    return entries


@login_required
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything about one demand: fields, effort, benefits, systems, dependencies, goals,
    session, comments, the workflow buttons the user may use now, and the history."""
    demand = _get_demand(request, pk)
    context = {
        "demand": demand,
        "efforts": demand.efforts.select_related("skill"),
        "benefits": demand.benefits.select_related("objective"),
        "system_uses": demand.system_uses.select_related("system"),
        "requires": demand.requires.select_related("department").order_by("reference"),
        "required_by": demand.required_by.select_related("department").order_by("reference"),
        "goals": demand.goals.select_related("department"),
        "comments": demand.comments.select_related("author"),
        "history": _history(demand),
        "may_edit": may_edit(request.user, demand),
        "may_comment": has_permission(request.user, "comment", demand),
        "may_estimate": has_permission(request.user, "estimate", demand),
        "comment_form": CommentForm(),
    }
    context["total_effort_hours"] = sum(e.hours for e in context["efforts"])
    context.update(_workflow_context(request, demand))
    return render(request, "demand/demand_detail.html", context)


def _forms(request: HttpRequest, organisation: Organisation, demand: Demand | None) -> dict[str, Any]:
    data = request.POST if request.method == "POST" else None
    instance = demand if demand is not None else Demand(organisation=organisation)
    return {
        "form": DemandForm(data, instance=instance, organisation=organisation, user=request.user),
        "effort_form": EffortTableForm(data, organisation=organisation, demand=demand, prefix="effort"),
        "benefit_form": BenefitTableForm(data, organisation=organisation, demand=demand, prefix="benefit"),
        "system_form": SystemUseTableForm(data, organisation=organisation, demand=demand, prefix="system"),
    }


_COLUMNS = {"effort_columns": ["Hours"], "benefit_columns": ["Score"], "system_columns": ["Units", "Changes it"]}

# Service error keys that belong to an inline table rather than a field of DemandForm.
_TABLE_ERRORS = {"efforts": "effort_form", "benefits": "benefit_form", "system_uses": "system_form"}


def _show_errors(forms: dict[str, Any], exc: ValidationError) -> None:
    """Put a service's ValidationError next to the field it names (or atop the form)."""
    form = forms["form"]
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        elif field in _TABLE_ERRORS:
            forms[_TABLE_ERRORS[field]].add_error(None, errors)
        else:
            form.add_error(None, errors)


def _save(request: HttpRequest, organisation: Organisation, demand: Demand | None) -> tuple[Demand | None, dict]:
    """Validate every form; if all are valid, save through the service in one go."""
    forms = _forms(request, organisation, demand)
    if request.method != "POST" or not all(f.is_valid() for f in forms.values()):
        return None, forms
    related = {
        "efforts": forms["effort_form"].efforts(),
        "benefits": forms["benefit_form"].benefits(),
        "system_uses": forms["system_form"].system_uses(),
    }
    fields = forms["form"].service_fields()
    try:
        if demand is None:
            saved = services.create_demand(request.user, organisation, **related, **fields)
        else:
            # The form changed `demand` in memory; the service snapshots a fresh copy for the audit.
            fresh = Demand.objects.get(pk=demand.pk)
            saved = services.update_demand(request.user, fresh, **related, **fields) or fresh
    except ValidationError as exc:
        _show_errors(forms, exc)
        return None, forms
    return saved, forms


@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    """Propose a demand, with its effort, benefits, systems and dependencies."""
    organisation = _organisation(request)
    if not has_model_permission(request.user, "add", Demand, organisation):
        raise PermissionDenied("You may not propose demands.")
    saved, forms = _save(request, organisation, None)
    if saved is not None:
        messages.success(request, f"Demand {saved.reference} created.")
        return redirect("demand:demand_detail", pk=saved.pk)
    return render(request, "demand/demand_form.html", {**forms, **_COLUMNS, "demand": None})


@login_required
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a demand and its inline tables; nothing is saved unless everything is valid."""
    demand = _get_demand(request, pk)
    if not may_edit(request.user, demand):
        raise PermissionDenied("You may not edit this demand.")
    saved, forms = _save(request, demand.organisation, demand)
    if saved is not None:
        messages.success(request, f"Demand {saved.reference} saved.")
        return redirect("demand:demand_detail", pk=saved.pk)
    return render(request, "demand/demand_form.html", {**forms, **_COLUMNS, "demand": demand})


@login_required
def demand_estimate(request: HttpRequest, pk: int) -> HttpResponse:
    """Estimate the effort by skill (resource managers, the CIO, BIOs of the department)."""
    demand = _get_demand(request, pk)
    if not has_permission(request.user, "estimate", demand):
        raise PermissionDenied("You may not estimate this demand.")
    data = request.POST if request.method == "POST" else None
    form = EffortTableForm(data, organisation=demand.organisation, demand=demand, prefix="effort")
    reason = request.POST.get("reason", "").strip() if data else ""
    if data is not None and form.is_valid():
        try:
            services.estimate_effort(request.user, demand, form.efforts(), reason=reason)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Effort of {demand.reference} estimated.")
            return redirect("demand:demand_detail", pk=demand.pk)
    context = {"demand": demand, "effort_form": form, "reason": reason, **_COLUMNS}
    return render(request, "demand/demand_estimate.html", context)


@login_required
@require_POST
def demand_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a demand along its workflow. htmx gets the updated workflow fragment back."""
    demand = _get_demand(request, pk)
    form = TransitionForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            demand = services.transition_demand(
                request.user, demand, form.cleaned_data["transition"], form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "Choose a workflow step."
    if request.htmx:
        context = _workflow_context(request, demand)
        context.update({"transition_error": error, "failed_transition": request.POST.get("transition", "")})
        return render(request, "demand/partials/workflow.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, f"{demand.reference} is now {demand.get_status_display().lower()}.")
    return redirect("demand:demand_detail", pk=demand.pk)


@login_required
@require_POST
def demand_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a comment (leads and BIOs of the department, resource managers, the CIO)."""
    demand = _get_demand(request, pk)
    if not has_permission(request.user, "comment", demand):
        raise PermissionDenied("You may not comment on this demand.")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.add_comment(request.user, demand, form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error("text", exc)
    if request.htmx:
        context = {
            "demand": demand,
            "comments": demand.comments.select_related("author"),
            "may_comment": True,
            "comment_form": CommentForm() if form.is_valid() and not form.errors else form,
        }
        return render(request, "demand/partials/comments.html", context)
    if form.errors:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("demand:demand_detail", kwargs={"pk": demand.pk}) + "#comments")
