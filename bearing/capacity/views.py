"""Capacity pages: skills, people, the skill × quarter capacity table (editable inline) and
systems. Views translate HTTP to the services in bearing.capacity.services."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Model
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bearing.capacity import services
from bearing.capacity.filters import PersonFilterSet, SkillFilterSet, SystemFilterSet
from bearing.capacity.forms import (
    AvailabilityForm,
    PersonForm,
    SkillCapacityForm,
    SkillForm,
    SystemForm,
)
from bearing.capacity.models import Person, Skill, SkillCapacity, System
from bearing.core.listing import list_context
from bearing.core.models import Organisation
from bearing.core.permissions import get_object_for_user, has_model_permission
from bearing.demand.models import Demand

__all__ = [
    "capacity",
    "capacity_cell",
    "capacity_cell_clear",
    "person_create",
    "person_detail",
    "person_edit",
    "person_list",
    "skill_create",
    "skill_detail",
    "skill_edit",
    "skill_list",
    "system_create",
    "system_detail",
    "system_edit",
    "system_list",
]


def _organisation(request: HttpRequest) -> Organisation:
    if request.organisation is None:
        raise Http404("You are not a member of any organisation.")
    return request.organisation


def _require_add(request: HttpRequest, model: type[Model]) -> Organisation:
    organisation = _organisation(request)
    if not has_model_permission(request.user, "add", model, organisation):
        raise PermissionDenied(f"You may not change {model._meta.verbose_name_plural}.")
    return organisation


def _get(request: HttpRequest, queryset, pk: int, action: str = "view"):
    return get_object_for_user(queryset, request.user, pk, action, _organisation(request))


def _show_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the field it names (or atop the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _try_save(forms: list[Form], save: Callable[[], Any]) -> bool:
    """Run `save` when every form is valid; a service ValidationError lands on the first form.
    True when saved."""
    if not all(f.is_valid() for f in forms):
        return False
    try:
        save()
    except ValidationError as exc:
        _show_errors(forms[0], exc)
        return False
    return True


def _may_change(request: HttpRequest, model: type[Model]) -> bool:
    return request.organisation is not None and has_model_permission(
        request.user, "change", model, request.organisation
    )


# Skills ---------------------------------------------------------------------------------------

@login_required
def skill_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    queryset = Skill.objects.restrict(request.user, "view", organisation).annotate(people_count=Count("people"))
    context = list_context(
        request, queryset, filterset_class=SkillFilterSet, default_sort="name",
        sort_fields={"name": "name", "code": "code", "people": "people_count"},
    )
    context["may_add"] = _may_change(request, Skill)
    return render(request, "capacity/skill_list.html", context)


@login_required
def skill_detail(request: HttpRequest, pk: int) -> HttpResponse:
    skill = _get(request, Skill.objects.all(), pk)
    organisation = skill.organisation
    hours = services.derived_skill_hours(organisation).get(skill.pk, [])
    overrides = {c.quarter: c for c in skill.capacities.all()}
    calendar = organisation.calendar
    quarters = [
        {"label": calendar.label(i), "hours": h, "override": overrides.get(i)} for i, h in enumerate(hours)
    ]
    context = {
        "skill": skill,
        "people": skill.people.order_by("name"),
        "quarters": quarters,
        "may_change": _may_change(request, Skill),
    }
    return render(request, "capacity/skill_detail.html", context)


@login_required
def skill_create(request: HttpRequest) -> HttpResponse:
    organisation = _require_add(request, Skill)
    form = SkillForm(request.POST or None)
    if request.method == "POST":
        created: list[Skill] = []
        if _try_save([form], lambda: created.append(services.create_skill(request.user, organisation, **form.cleaned_data))):
            skill = created[0]
            messages.success(request, f"Skill {skill.name} created.")
            return redirect("capacity:skill_detail", pk=skill.pk)
    return render(request, "capacity/object_form.html", {"form": form, "object": None, "kind": "skill",
                                                          "cancel_url": "capacity:skill_list"})


@login_required
def skill_edit(request: HttpRequest, pk: int) -> HttpResponse:
    skill = _get(request, Skill.objects.all(), pk, "change")
    form = SkillForm(request.POST or None, instance=Skill.objects.get(pk=skill.pk))
    if request.method == "POST" and _try_save(
        [form], lambda: services.update_skill(request.user, skill, **form.cleaned_data)
    ):
        messages.success(request, f"Skill {form.cleaned_data['name']} saved.")
        return redirect("capacity:skill_detail", pk=skill.pk)
    return render(request, "capacity/object_form.html", {"form": form, "object": skill, "kind": "skill",
                                                          "cancel_url": "capacity:skill_list"})


# People ---------------------------------------------------------------------------------------

@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    queryset = Person.objects.restrict(request.user, "view", organisation).prefetch_related("skills")
    context = list_context(
        request, queryset, filterset_class=PersonFilterSet, default_sort="name",
        sort_fields={"name": "name", "team": "team", "fte": "fte", "operations": "operations_share"},
    )
    context["may_add"] = _may_change(request, Person)
    return render(request, "capacity/person_list.html", context)


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, Person.objects.prefetch_related("skills"), pk)
    overrides = {a.quarter: a.fte for a in person.availability.all()}
    calendar = person.organisation.calendar
    quarters = [
        {"label": label, "fte": overrides.get(i, person.fte), "is_override": i in overrides}
        for i, label in calendar.choices()
    ]
    context = {"person": person, "quarters": quarters, "may_change": _may_change(request, Person)}
    return render(request, "capacity/person_detail.html", context)


def _person_form(request: HttpRequest, organisation: Organisation, person: Person | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    instance = Person.objects.get(pk=person.pk) if person else None  # the form's copy; `person` stays as stored
    form = PersonForm(data, instance=instance, organisation=organisation)
    availability = AvailabilityForm(data, organisation=organisation, person=person, prefix="availability")
    if request.method == "POST":
        def save() -> Person:
            fields = form.service_fields()
            skills = fields.pop("skills")
            if person is None:
                return services.create_person(
                    request.user, organisation, skills=skills, availability=availability.availability(), **fields
                )
            return services.update_person(
                request.user, person, skills=skills, availability=availability.availability(), **fields
            )

        saved: list[Person] = []
        if _try_save([form, availability], lambda: saved.append(save())):
            messages.success(request, f"{form.cleaned_data['name']} saved.")
            return redirect("capacity:person_detail", pk=person.pk if person else saved[0].pk)
    return render(request, "capacity/person_form.html", {"form": form, "availability_form": availability,
                                                          "person": person})


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    return _person_form(request, _require_add(request, Person), None)


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get(request, Person.objects.all(), pk, "change")
    return _person_form(request, person.organisation, person)


# Capacity table -------------------------------------------------------------------------------

def _cell(organisation: Organisation, skill: Skill, quarter: int) -> dict[str, Any]:
    hours = services.derived_skill_hours(organisation).get(skill.pk, [])
    override = SkillCapacity.objects.filter(skill=skill, quarter=quarter).first()
    return {
        "skill": skill, "quarter": quarter, "hours": hours[quarter] if quarter < len(hours) else 0,
        "override": override,
    }


@login_required
def capacity(request: HttpRequest) -> HttpResponse:
    """Hours per skill and quarter available to demands: derived from people unless overridden."""
    organisation = _organisation(request)
    skills = list(Skill.objects.restrict(request.user, "view", organisation).order_by("name"))
    hours = services.derived_skill_hours(organisation)
    overrides = {
        (c.skill_id, c.quarter): c for c in SkillCapacity.objects.filter(organisation=organisation)
    }
    calendar = organisation.calendar
    labels = calendar.labels()
    rows = []
    totals = [0.0] * len(labels)
    for skill in skills:
        values = hours.get(skill.pk, [0.0] * len(labels))
        cells = []
        for q in range(len(labels)):
            value = float(values[q]) if q < len(values) else 0.0
            totals[q] += value
            cells.append({"skill": skill, "quarter": q, "hours": value, "override": overrides.get((skill.pk, q))})
        rows.append({"skill": skill, "cells": cells})
    context = {
        "labels": labels, "rows": rows, "totals": totals,
        "may_change": _may_change(request, SkillCapacity),
    }
    return render(request, "capacity/capacity.html", context)


@login_required
def capacity_cell(request: HttpRequest, skill_pk: int, quarter: int) -> HttpResponse:
    """One cell of the capacity table. GET shows it (or, with ?edit=1, its form); POST saves an
    override of the hours through set_skill_capacity."""
    organisation = _organisation(request)
    editing = request.method == "POST" or request.GET.get("edit")
    skill = _get(request, Skill.objects.all(), skill_pk)
    if quarter >= organisation.calendar.quarters:
        raise Http404("No such quarter.")
    may_change = _may_change(request, SkillCapacity)
    if editing and not may_change:
        raise PermissionDenied("You may not change capacity.")
    form = None
    if request.method == "POST":
        form = SkillCapacityForm(request.POST)
        if _try_save([form], lambda: services.set_skill_capacity(
                request.user, skill, quarter, form.cleaned_data["hours"], note=form.cleaned_data["note"])):
            if not request.htmx:
                messages.success(request, f"{skill.name} in {organisation.calendar.label(quarter)} saved.")
                return redirect("capacity:capacity")
            form, editing = None, False
    elif editing:
        current = _cell(organisation, skill, quarter)
        initial = {"hours": current["hours"], "note": current["override"].note if current["override"] else ""}
        form = SkillCapacityForm(initial=initial)
    context = {
        "cell": _cell(organisation, skill, quarter), "form": form, "may_change": may_change,
        "label": organisation.calendar.label(quarter),
    }
    if request.htmx:
        template = "capacity/partials/capacity_cell_form.html" if editing else "capacity/partials/capacity_cell.html"
        return render(request, template, context)
    if not editing:
        return redirect("capacity:capacity")
    return render(request, "capacity/capacity_cell.html", context)


@login_required
@require_POST
def capacity_cell_clear(request: HttpRequest, skill_pk: int, quarter: int) -> HttpResponse:
    """Remove the override so the cell shows the hours derived from people again."""
    organisation = _organisation(request)
    skill = _get(request, Skill.objects.all(), skill_pk)
    if not _may_change(request, SkillCapacity):
        raise PermissionDenied("You may not change capacity.")
    services.clear_skill_capacity(request.user, skill, quarter)
    if request.htmx:
        context = {"cell": _cell(organisation, skill, quarter), "may_change": True,
                   "label": organisation.calendar.label(quarter)}
        return render(request, "capacity/partials/capacity_cell.html", context)
    messages.success(request, f"Override for {skill.name} in {organisation.calendar.label(quarter)} cleared.")
    return redirect("capacity:capacity")


# Systems --------------------------------------------------------------------------------------

def _quarter_start(calendar, index: int) -> datetime.date:
    q0 = calendar.first_quarter - 1 + index
    return datetime.date(calendar.first_year + q0 // 4, (q0 % 4) * 3 + 1, 1)


def support_state(system: System, calendar, today: datetime.date | None = None) -> str:
    """"past" when support has ended (by today or by the calendar start), "soon" when it ends
    within two quarters of the calendar start, else ""."""
    if system.end_of_support is None or calendar is None:
        return ""
    today = today or datetime.date.today()
    if system.end_of_support < max(today, _quarter_start(calendar, 0)):
        return "past"
    if system.end_of_support < _quarter_start(calendar, 2):
        return "soon"
    return ""


@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    queryset = System.objects.restrict(request.user, "view", organisation).select_related("owner_department")
    context = list_context(
        request, queryset, filterset_class=SystemFilterSet, default_sort="name",
        sort_fields={"name": "name", "kind": "kind", "owner": "owner_department__name",
                     "criticality": "criticality", "eos": "end_of_support"},
    )
    calendar = organisation.calendar
    for system in context["object_list"]:
        system.support_state = support_state(system, calendar)
        system.utilisation_percent = round(system.utilisation * 100) if system.utilisation is not None else None
    context["may_add"] = _may_change(request, System)
    return render(request, "capacity/system_list.html", context)


@login_required
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    system = _get(request, System.objects.select_related("owner_department", "organisation"), pk)
    system.support_state = support_state(system, system.organisation.calendar)
    system.utilisation_percent = round(system.utilisation * 100) if system.utilisation is not None else None
    # Only the demands the user may see (a lead sees their own departments' demands).
    visible = Demand.objects.restrict(request.user, "view", system.organisation)
    uses = system.demand_uses.filter(demand__in=visible).select_related("demand")
    context = {"system": system, "uses": uses, "may_change": _may_change(request, System)}
    return render(request, "capacity/system_detail.html", context)


@login_required
def system_create(request: HttpRequest) -> HttpResponse:
    organisation = _require_add(request, System)
    form = SystemForm(request.POST or None, organisation=organisation)
    if request.method == "POST":
        created: list[System] = []
        if _try_save([form], lambda: created.append(services.create_system(request.user, organisation, **form.cleaned_data))):
            system = created[0]
            messages.success(request, f"System {system.name} created.")
            return redirect("capacity:system_detail", pk=system.pk)
    return render(request, "capacity/object_form.html", {"form": form, "object": None, "kind": "system",
                                                          "cancel_url": "capacity:system_list"})


@login_required
def system_edit(request: HttpRequest, pk: int) -> HttpResponse:
    system = _get(request, System.objects.all(), pk, "change")
    form = SystemForm(request.POST or None, instance=System.objects.get(pk=system.pk),
                      organisation=system.organisation)
    if request.method == "POST" and _try_save(
        [form], lambda: services.update_system(request.user, system, **form.cleaned_data)
    ):
        messages.success(request, f"System {form.cleaned_data['name']} saved.")
        return redirect("capacity:system_detail", pk=system.pk)
    return render(request, "capacity/object_form.html", {"form": form, "object": system, "kind": "system",
                                                          "cancel_url": "capacity:system_list"})
