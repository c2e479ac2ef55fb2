"""ORM <-> engine: build the engine's problem from an organisation's data and a scenario, and
store the engine's plan back as one decision per demand.

People become hours per skill per quarter (after their operations share), systems become units
per quarter, demands become effort, cost, dependencies, deadlines and a value from the scoring
model; mandatory need class (or forced in) makes a demand mandatory.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import FloatField
from django.db.models.functions import Cast

from bearing.capacity.models import Skill, System
from bearing.capacity.services import derived_skill_hours
from bearing.demand.choices import DemandStatus, NeedClass
from bearing.demand.models import Demand, DemandBenefit, DemandEffort, DemandSystemUse
from bearing.engine.codec import validate
from bearing.engine.problem import Budget, Problem, Resource
from bearing.engine.problem import Demand as EngineDemand
from bearing.engine.scoring import score_demand
from bearing.planning.choices import DemandSelection
from bearing.planning.models import Scenario
from bearing.planning.scoring import criterion_weights

__all__ = ["BuiltProblem", "build_problem", "skill_resource", "system_resource"]

# Statuses whose work is done or under way: a dependency on them is already satisfied.
_SATISFIED = (DemandStatus.IN_PROGRESS, DemandStatus.DELIVERED)


def skill_resource(code: str) -> str:
    return code


def system_resource(code: str) -> str:
    return f"system:{code}"


@dataclass
class BuiltProblem:
    """The engine problem plus what the app needs to show results: demand id -> pk, department,
    score terms; resource name -> label and kind; notes on demands dropped before solving."""

    problem: Problem
    demand_pks: dict[str, int]
    context: dict[str, Any] = field(default_factory=dict)


_DEMAND_FIELDS = ("pk", "reference", "title", "status", "need_class", "risk", "duration_quarters",
                  "earliest_start_quarter", "deadline_quarter", "department_id", "department__name")


def _as_float(name: str) -> Cast:
    """A decimal column read as a float by the database, which the engine wants anyway (the nearest
    float to the stored decimal either way): Django's conversion of ~95,000 decimals to `Decimal`
    and back cost a 10,000-demand organisation's build ~0.06 s of ~0.55 s (fastest of eight builds
    0.53 -> 0.47 s; the same problem, figure for figure)."""
    return Cast(name, FloatField())


def _selected_demands(scenario: Scenario) -> tuple[list[dict[str, Any]], set[int]]:
    """The scenario's demands as plain rows (values, not model instances: fast at 10,000s), with
    their efforts, system uses, benefits and requirements attached; and the forced-in ids."""
    base = Demand.objects.filter(organisation=scenario.organisation)
    if scenario.selection == DemandSelection.CHOSEN:
        queryset = base.filter(pk__in=scenario.chosen_demands.values("pk"))
    else:
        queryset = base.plannable()
    forced_in = set(scenario.forced_in.values_list("pk", flat=True))
    if forced_in:
        queryset = queryset | base.filter(pk__in=forced_in)
    rows = list(queryset.distinct().order_by("reference").values(*_DEMAND_FIELDS, cost=_as_float("cost_eur")))
    by_pk = {r["pk"]: r for r in rows}
    for r in rows:
        r.update(efforts=[], uses=[], benefits=[], requires=[])
    org = scenario.organisation
    for demand_id, code, hours in DemandEffort.objects.filter(demand__organisation=org).values_list(
            "demand_id", "skill__code", _as_float("hours")):
        if demand_id in by_pk:
            by_pk[demand_id]["efforts"].append((code, hours))
    for demand_id, code, units in DemandSystemUse.objects.filter(demand__organisation=org).values_list(
            "demand_id", "system__code", _as_float("units")):
        if demand_id in by_pk:
            by_pk[demand_id]["uses"].append((code, units))
    for demand_id, objective_id, score in DemandBenefit.objects.filter(demand__organisation=org).values_list(
            "demand_id", "objective_id", _as_float("score")):
        if demand_id in by_pk:
            by_pk[demand_id]["benefits"].append((str(objective_id), score))
    through = Demand.requires.through
    for from_id, to_id, ref, status in through.objects.filter(from_demand__organisation=org).values_list(
            "from_demand_id", "to_demand_id", "to_demand__reference", "to_demand__status"):
        if from_id in by_pk:
            by_pk[from_id]["requires"].append((to_id, ref, status))
    return rows, forced_in


def _capacity_changes(scenario: Scenario, periods: int, hours_per_fte: float) -> dict[str, list[float]]:
    """resource name -> extra capacity per quarter from the scenario's hires and upgrades."""
    extra: dict[str, list[float]] = defaultdict(lambda: [0.0] * periods)
    for change in scenario.capacity_changes or []:
        kind, _, code = str(change.get("resource", "")).partition(":")
        amount = float(change.get("amount", 0))
        unit = change.get("unit", "hours")
        per_quarter = amount * hours_per_fte if unit == "fte" else amount
        name = system_resource(code) if kind == "system" else skill_resource(code)
        for q in range(max(int(change.get("from_quarter", 0)), 0), periods):
            extra[name][q] += per_quarter
    return extra


def build_problem(scenario: Scenario, *, hours_per_fte: float | None = None) -> BuiltProblem:
    """The engine problem for `scenario` from the organisation's current data."""
    organisation = scenario.organisation
    calendar = organisation.calendar
    periods = calendar.quarters
    hours_per_fte = settings.HOURS_PER_FTE_QUARTER if hours_per_fte is None else hours_per_fte
    extra = _capacity_changes(scenario, periods, hours_per_fte)

    resources: dict[str, Resource] = {}
    labels: dict[str, dict[str, str]] = {}
    hours = derived_skill_hours(organisation, hours_per_fte=hours_per_fte)
    for skill in Skill.objects.filter(organisation=organisation).order_by("code"):
        name = skill_resource(skill.code)
        base = hours.get(skill.pk, [0.0] * periods)
        resources[name] = Resource(name, tuple(round(base[q] + extra[name][q], 3) for q in range(periods)))
        labels[name] = {"label": skill.name, "kind": "skill", "pk": skill.pk}
    for system in System.objects.filter(organisation=organisation).order_by("code"):
        name = system_resource(system.code)
        free = float(system.free_units)
        resources[name] = Resource(name, tuple(round(free + extra[name][q], 3) for q in range(periods)))
        labels[name] = {"label": system.name, "kind": "system", "pk": system.pk}

    weights, need_multipliers, risk_levels = criterion_weights(organisation)
    objective_weights = {str(k): v for k, v in weights.items()}
    demands, forced_in = _selected_demands(scenario)
    forced_out = set(scenario.forced_out.values_list("pk", flat=True))
    in_scope = {d["pk"] for d in demands}

    engine_demands: list[EngineDemand] = []
    demand_pks: dict[str, int] = {}
    info: dict[str, dict[str, Any]] = {}
    dropped: dict[str, str] = {}
    for d in demands:
        requires = []
        missing = []
        for pk, reference, status in d["requires"]:
            if pk in in_scope:
                requires.append(reference)
            elif status not in _SATISFIED:
                missing.append(reference)
        score = score_demand(
            {objective: score for objective, score in d["benefits"] if objective in objective_weights},
            objective_weights,
            d["need_class"],
            d["risk"],
            need_multipliers=need_multipliers,
            risk_levels=risk_levels,
        )
        duration = d["duration_quarters"]
        effort: dict[str, float] = {}
        for code, hours in d["efforts"]:
            if hours > 0:
                effort[skill_resource(code)] = hours
        for code, units in d["uses"]:
            if units > 0:
                # a system's units are used in every active quarter: total = units x duration
                effort[system_resource(code)] = units * duration
        is_forced_in = d["pk"] in forced_in
        excluded = d["pk"] in forced_out or bool(missing)
        mandatory = (d["need_class"] == NeedClass.MANDATORY or is_forced_in) and not excluded
        if missing:
            dropped[d["reference"]] = "needs " + ", ".join(missing) + ", which is not in this scenario"
        deadline = d["deadline_quarter"]
        if deadline is not None and deadline > periods:
            deadline = None  # beyond the horizon: no constraint inside it
        engine_demands.append(
            EngineDemand(
                id=d["reference"],
                value=round(score.value, 6),
                cost=d["cost"],
                duration=duration,
                effort=effort,
                earliest_start=min(d["earliest_start_quarter"], periods),
                deadline=deadline,
                requires=tuple(requires),
                mandatory=mandatory,
                excluded=excluded,
            )
        )
        demand_pks[d["reference"]] = d["pk"]
        info[d["reference"]] = {
            "pk": d["pk"],
            "title": d["title"],
            "department": d["department__name"],
            "department_id": d["department_id"],
            "need_class": d["need_class"],
            "score": score.to_dict(),
        }

    problem = Problem(
        periods=periods,
        resources=resources,
        demands=tuple(engine_demands),
        budgets=tuple(Budget(int(b["first"]), int(b["last"]), float(b["amount"])) for b in scenario.budget_windows or []),
        period_labels=tuple(calendar.labels()),
    )
    errors = validate(problem)
    context = {"demands": info, "resources": labels, "dropped": dropped, "errors": errors, "hours_per_fte": hours_per_fte}
    return BuiltProblem(problem=problem, demand_pks=demand_pks, context=context)
