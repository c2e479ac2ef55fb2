"""Writes of the planning app: scenarios (create, update) with their validation and audit.

Runs are queued, cancelled and finished in `bearing.planning.runs`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from bearing.capacity.models import Skill, System
from bearing.core.audit import record_change, snapshot
from bearing.core.permissions import require_model_permission, require_permission
from bearing.core.services import apply_fields, validate_instance
from bearing.demand.models import Demand
from bearing.planning.choices import DemandSelection
from bearing.planning.models import Scenario

__all__ = ["CAPACITY_UNITS", "create_scenario", "scenario_snapshot", "update_scenario"]

# unit of a capacity change -> resource kinds it applies to
CAPACITY_UNITS = {"fte": ("skill",), "hours": ("skill",), "units": ("system",)}

Demands = list[Demand] | None


def scenario_snapshot(scenario: Scenario) -> dict[str, Any]:
    """The scenario's fields and chosen/forced demand references, for the audit trail."""
    def refs(relation: Any) -> list[str]:
        return sorted(relation.values_list("reference", flat=True)) if scenario.pk else []

    return snapshot(scenario, {
        "chosen_demands": refs(scenario.chosen_demands),
        "forced_in": refs(scenario.forced_in),
        "forced_out": refs(scenario.forced_out),
    })


def _budget_errors(windows: Any, quarters: int) -> list[str]:
    errors = []
    if not isinstance(windows, list):
        return ["Budget windows must be a list."]
    for i, w in enumerate(windows, start=1):
        try:
            first, last, amount = int(w["first"]), int(w["last"]), float(w["amount"])
        except (KeyError, TypeError, ValueError):
            errors.append(f"Window {i}: first quarter, last quarter and amount are required.")
            continue
        if not (0 <= first < quarters and 0 <= last < quarters):
            errors.append(f"Window {i}: the quarters must lie inside the planning horizon.")
        if first > last:
            errors.append(f"Window {i}: the first quarter must not come after the last.")
        if amount < 0:
            errors.append(f"Window {i}: the amount must be 0 or more.")
    return errors


def _capacity_errors(changes: Any, organisation_id: int, quarters: int) -> list[str]:
    if not isinstance(changes, list):
        return ["Capacity changes must be a list."]
    skills = set(Skill.objects.filter(organisation_id=organisation_id).values_list("code", flat=True))
    systems = set(System.objects.filter(organisation_id=organisation_id).values_list("code", flat=True))
    errors = []
    for i, c in enumerate(changes, start=1):
        try:
            kind, _, code = str(c["resource"]).partition(":")
            amount, unit, start = float(c["amount"]), str(c.get("unit", "hours")), int(c["from_quarter"])
        except (KeyError, TypeError, ValueError):
            errors.append(f"Change {i}: resource, amount, unit and first quarter are required.")
            continue
        known = skills if kind == "skill" else systems if kind == "system" else set()
        if code not in known:
            errors.append(f"Change {i}: no skill or system “{code}” in this organisation.")
        if kind not in CAPACITY_UNITS.get(unit, ()):
            errors.append(f"Change {i}: “{unit}” is not a unit of a {kind or 'resource'}.")
        if not 0 <= start < quarters:
            errors.append(f"Change {i}: the first quarter must lie inside the planning horizon.")
        if amount < 0:
            errors.append(f"Change {i}: the amount must be 0 or more (capacity changes add hires or upgrades).")
    return errors


def _demand_errors(scenario: Scenario, lists: dict[str, Demands]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, demands in lists.items():
        if demands is None:
            continue
        foreign = [d.reference for d in demands if d.organisation_id != scenario.organisation_id]
        if foreign:
            errors[name] = [f"Not demands of this organisation: {', '.join(foreign)}."]
    forced_in = {d.pk: d for d in lists.get("forced_in") or []} if lists.get("forced_in") is not None else {
        d.pk: d for d in scenario.forced_in.all()} if scenario.pk else {}
    forced_out = {d.pk for d in lists.get("forced_out") or []} if lists.get("forced_out") is not None else (
        set(scenario.forced_out.values_list("pk", flat=True)) if scenario.pk else set())
    both = sorted(forced_in[pk].reference for pk in set(forced_in) & forced_out)
    if both:
        errors.setdefault("forced_out", []).append(f"Forced both in and out: {', '.join(both)}.")
    return errors


def _validate(scenario: Scenario, lists: dict[str, Demands]) -> None:
    calendar = scenario.organisation.calendar
    errors: dict[str, list[str]] = _demand_errors(scenario, lists)
    budget = _budget_errors(scenario.budget_windows, calendar.quarters)
    if budget:
        errors["budget_windows"] = budget
    capacity = _capacity_errors(scenario.capacity_changes, scenario.organisation_id, calendar.quarters)
    if capacity:
        errors["capacity_changes"] = capacity
    chosen = lists.get("chosen_demands")
    if scenario.selection == DemandSelection.CHOSEN and chosen is not None and not chosen:
        errors.setdefault("chosen_demands", []).append("Choose at least one demand, or plan the default set.")
    validate_instance(scenario, errors, exclude=["chosen_demands", "forced_in", "forced_out"])


def _set_lists(scenario: Scenario, lists: dict[str, Demands]) -> None:
    for name, demands in lists.items():
        if demands is not None:
            getattr(scenario, name).set(demands)


def create_scenario(actor: Any, organisation: Any, *, chosen_demands: Demands = None, forced_in: Demands = None,
                    forced_out: Demands = None, **fields: Any) -> Scenario:
    """A new scenario of `organisation` (CIO/admin only): budget windows inside the horizon with
    first <= last and amounts >= 0; capacity changes on existing skills and systems."""
    require_model_permission(actor, "add", Scenario, organisation)
    scenario = Scenario(organisation=organisation, created_by=actor if getattr(actor, "pk", None) else None)
    apply_fields(scenario, fields, immutable=())
    lists = {"chosen_demands": chosen_demands, "forced_in": forced_in, "forced_out": forced_out}
    _validate(scenario, lists)
    with transaction.atomic():
        scenario.save()
        _set_lists(scenario, lists)
        record_change(actor=actor, organisation=organisation, action="create", obj=scenario,
                      before=None, after=scenario_snapshot(scenario))
    return scenario


def update_scenario(actor: Any, scenario: Scenario, *, chosen_demands: Demands = None, forced_in: Demands = None,
                    forced_out: Demands = None, reason: str = "", **fields: Any) -> Scenario:
    """Change a scenario's inputs (None leaves a demand list as it is). Runs already made keep
    the snapshot they planned."""
    require_permission(actor, "change", scenario)
    before = scenario_snapshot(scenario)
    apply_fields(scenario, fields, immutable=("organisation", "created_by"))
    lists = {"chosen_demands": chosen_demands, "forced_in": forced_in, "forced_out": forced_out}
    _validate(scenario, lists)
    with transaction.atomic():
        scenario.save()
        _set_lists(scenario, lists)
        record_change(actor=actor, organisation=scenario.organisation_id, action="update", obj=scenario,
                      before=before, after=scenario_snapshot(scenario), reason=reason)
    return scenario
