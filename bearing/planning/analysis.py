"""Analyses over the organisation's data and its plans: each demand's value with its terms,
capacity sufficiency for all approved demand, two plans side by side, the departments ×
objectives alignment matrix, and traceability from objective to plan slot and back.

All functions read; the one write (a scenario from the sufficiency additions) delegates to
`bearing.planning.services.create_scenario`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from bearing.core.models import AuditEntry, PlanningCalendar
from bearing.core.permissions import require_model_permission, restrict_queryset
from bearing.demand.choices import NeedClass
from bearing.demand.models import Demand, DemandBenefit
from bearing.engine.scoring import Score, score_demand
from bearing.engine.sufficiency import analyse_sufficiency
from bearing.planning import results
from bearing.planning.adapters import build_problem
from bearing.planning.choices import DemandSelection
from bearing.planning.models import PlanDecision, PlanRun, Publication, Scenario
from bearing.planning.scoring import criterion_weights
from bearing.strategy.models import Department, DepartmentGoal, GoalContribution, Objective

__all__ = [
    "alignment_matrix",
    "cached_sufficiency",
    "compare_runs",
    "create_sufficiency_scenario",
    "demand_score",
    "demand_trace",
    "objective_contributions",
    "objective_trace",
    "reference_run",
    "sufficiency_for",
    "traceability",
]

SUFFICIENCY_TIME_LIMIT = 5.0  # seconds for the additions MIP inside a page request
SUFFICIENCY_CACHE_SECONDS = 600
_MUST_FIT = (NeedClass.MANDATORY, NeedClass.CRITICAL)


def _level(part: float, whole: float) -> int:
    """0..4 intensity of `part` against `whole`, for heatmap colouring by CSS class."""
    if part <= 1e-9:
        return 0
    if whole <= 1e-9:
        return 4
    share = part / whole
    return 1 if share <= 0.1 else 2 if share <= 0.25 else 3 if share <= 0.5 else 4


# Value of a demand


def demand_score(demand: Demand) -> Score:
    """The demand's value under the organisation's current scoring model, with every term
    (one per objective it benefits, then need class and risk)."""
    weights, need_multipliers, risk_levels = criterion_weights(demand.organisation)
    objective_weights = {str(k): v for k, v in weights.items()}
    benefits = {
        str(b.objective_id): float(b.score)
        for b in demand.benefits.all()
        if str(b.objective_id) in objective_weights
    }
    return score_demand(
        benefits,
        objective_weights,
        demand.need_class,
        demand.risk,
        need_multipliers=need_multipliers,
        risk_levels=risk_levels,
    )


def score_rows(demand: Demand, score: Score) -> list[dict[str, Any]]:
    """The score's terms with objective names instead of ids, for the page."""
    names = dict(
        Objective.objects.filter(organisation=demand.organisation_id).values_list("pk", "name")
    )
    benefits = {b.objective_id: float(b.score) for b in demand.benefits.all()}
    weights, _, _ = criterion_weights(demand.organisation)
    rows = []
    for term in score.terms:
        row = {"kind": term.kind, "amount": term.amount, "label": term.label}
        if term.kind == "objective":
            pk = int(term.key)
            row.update(
                label=names.get(pk, term.key),
                objective_id=pk,
                benefit=benefits.get(pk),
                weight=weights.get(pk),
            )
        elif term.kind == "need":
            row["label"] = (
                f"Need class {demand.get_need_class_display().lower()} (× {score.need_multiplier:.2f})"
            )
        else:
            row["label"] = (
                f"Risk {demand.get_risk_display().lower()} ({score.risk:.0%} of the value at risk)"
            )
        rows.append(row)
    return rows


# Sufficiency


def _all_approved(organisation: Any) -> Any:
    """A stand-in for an unsaved default scenario: approved and assessed demand, no capacity
    changes, no budget windows, nothing forced (build_problem reads only these)."""
    none = Demand.objects.none()
    return SimpleNamespace(
        organisation=organisation,
        selection=DemandSelection.DEFAULT,
        capacity_changes=[],
        budget_windows=[],
        forced_in=none,
        forced_out=none,
        chosen_demands=none,
    )


def _change_for(name: str, info: dict[str, Any], amount: float, quarter: int) -> dict[str, Any]:
    if info.get("kind") == "system":
        return {
            "resource": name,
            "amount": math.ceil(amount - 1e-6),
            "unit": "units",
            "from_quarter": quarter,
        }
    return {
        "resource": f"skill:{name}",
        "amount": math.ceil(amount - 1e-6),
        "unit": "hours",
        "from_quarter": quarter,
    }


def sufficiency_for(organisation: Any, hours_per_fte: float | None = None) -> dict[str, Any]:
    """All approved (and assessed) demand against capacity per skill and system per quarter:
    shortfall in hours and FTE, and the hires or upgrades that let every mandatory and critical
    demand (and what it requires) be scheduled."""
    hours_per_fte = settings.HOURS_PER_FTE_QUARTER if hours_per_fte is None else hours_per_fte
    built = build_problem(_all_approved(organisation), hours_per_fte=hours_per_fte)
    problem = built.problem
    info = built.context["demands"]
    resources = built.context["resources"]
    labels = list(problem.period_labels)
    result: dict[str, Any] = {
        "labels": labels,
        "hours_per_fte": hours_per_fte,
        "skills": [],
        "systems": [],
        "additions": [],
        "changes": [],
        "status": "not_needed",
        "cannot_fit": [],
        "must_fit": [],
        "demand_count": len(problem.demands),
        "errors": list(built.context["errors"]),
        "dropped": dict(built.context["dropped"]),
    }
    if result["errors"] or not problem.demands:
        return result
    must_fit = [
        d.id for d in problem.demands if not d.excluded and info[d.id]["need_class"] in _MUST_FIT
    ]
    report = analyse_sufficiency(
        problem,
        hours_per_fte=hours_per_fte,
        must_fit_ids=must_fit,
        time_limit=SUFFICIENCY_TIME_LIMIT,
    )
    for row in report.resources:
        meta = resources.get(row.name, {"label": row.name, "kind": "skill"})
        cells = [
            {
                "capacity": row.capacity[q],
                "demand": row.demand[q],
                "short": row.shortfall_hours[q],
                "short_fte": row.shortfall_fte[q],
                "level": _level(row.shortfall_hours[q], row.capacity[q]),
            }
            for q in range(len(labels))
        ]
        entry = {
            "name": row.name,
            "label": meta["label"],
            "kind": meta["kind"],
            "cells": cells,
            "total_demand": row.total_demand,
            "total_capacity": row.total_capacity,
            "total_short": sum(c["short"] for c in cells),
            "horizon_short": row.total_shortfall_hours,
        }
        result["systems" if meta["kind"] == "system" else "skills"].append(entry)
    for addition in report.additions:
        meta = resources.get(addition.resource, {"label": addition.resource, "kind": "skill"})
        change = _change_for(
            addition.resource, meta, addition.hours_per_period, addition.from_period
        )
        result["additions"].append(
            {
                "label": meta["label"],
                "kind": meta["kind"],
                "amount": addition.hours_per_period,
                "fte": addition.fte,
                "from_quarter": addition.from_period,
                "from_label": labels[addition.from_period],
                "change": change,
            }
        )
        result["changes"].append(change)
    result.update(
        status=report.additions_status,
        cannot_fit=list(report.cannot_fit),
        must_fit=list(report.must_fit_ids),
        all_demand=_all_demand_gap(result["skills"], result["systems"], labels, hours_per_fte),
    )
    return result


def _all_demand_gap(
    skills: list[dict[str, Any]], systems: list[dict[str, Any]], labels: list[str], hours_per_fte: float
) -> dict[str, Any]:
    """Totals of the shortfall tables (all approved and assessed demand, as early as allowed):
    skill hours and system units missing over the horizon, that many hours as FTE over the whole
    horizon, and the FTE missing in the busiest quarter."""
    hours = sum(row["horizon_short"] for row in skills)
    per_quarter = [sum(row["cells"][q]["short_fte"] for row in skills) for q in range(len(labels))]
    peak = max(range(len(labels)), key=lambda q: per_quarter[q]) if labels else None
    return {
        "hours": hours,
        "fte_over_horizon": hours / (hours_per_fte * len(labels)) if labels and hours_per_fte else 0.0,
        "peak_fte": per_quarter[peak] if peak is not None else 0.0,
        "peak_label": labels[peak] if peak is not None else "",
        "units": sum(row["horizon_short"] for row in systems),
        "skills_short": sum(1 for row in skills if row["horizon_short"] > 0),
    }


def _sufficiency_key(organisation: Any, hours_per_fte: float) -> str:
    """Cache key that changes with every audited write in the organisation and every demand edit."""
    last_audit = (
        AuditEntry.objects.filter(organisation=organisation).aggregate(m=Max("pk"))["m"] or 0
    )
    demands = Demand.objects.filter(organisation=organisation).aggregate(m=Max("updated_at"))["m"]
    stamp = demands.timestamp() if demands else 0
    return f"bearing:sufficiency:{organisation.pk}:{last_audit}:{stamp}:{hours_per_fte}"


def cached_sufficiency(
    organisation: Any, *, compute: bool = True, hours_per_fte: float | None = None
) -> dict[str, Any] | None:
    """`sufficiency_for` through the cache (a large organisation takes tens of seconds): the stored
    result while nothing was written since, else computed now (or None when `compute` is False)."""
    hours_per_fte = settings.HOURS_PER_FTE_QUARTER if hours_per_fte is None else hours_per_fte
    key = _sufficiency_key(organisation, hours_per_fte)
    result = cache.get(key)
    if result is None and compute:
        result = sufficiency_for(organisation, hours_per_fte)
        result["computed_at"] = timezone.now()
        cache.set(key, result, SUFFICIENCY_CACHE_SECONDS)
    return result


def create_sufficiency_scenario(actor: Any, organisation: Any) -> Scenario:
    """A new scenario (CIO only) whose capacity changes are the hires and upgrades that close
    the shortfall of the mandatory and critical demands, computed afresh."""
    from bearing.planning import services

    require_model_permission(actor, "add", Scenario, organisation)
    analysis = cached_sufficiency(organisation)
    assert analysis is not None
    if not analysis["changes"]:
        raise ValidationError(
            "No hire or upgrade is needed: the mandatory and critical demands fit the capacity."
        )
    base = f"Close capacity gaps {timezone.localdate():%Y-%m-%d}"
    taken = set(
        Scenario.objects.filter(organisation=organisation, name__startswith=base).values_list(
            "name", flat=True
        )
    )
    name = base
    n = 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    description = "Hires and upgrades from the sufficiency analysis:\n" + "\n".join(
        f"- {a['label']}: +{a['change']['amount']} {a['change']['unit']} per quarter from {a['from_label']}"
        for a in analysis["additions"]
    )
    return services.create_scenario(
        actor,
        organisation,
        name=name,
        description=description,
        capacity_changes=analysis["changes"],
    )


# Plans


def reference_run(organisation: Any, scenario: Scenario | None = None) -> PlanRun | None:
    """The plan to analyse: the scenario's latest successful run, or else the published IT
    Strategy's run (latest publication)."""
    if scenario is not None:
        return scenario.latest_plan()
    publication = (
        Publication.objects.filter(organisation=organisation).select_related("run").first()
    )
    return publication.run if publication else None


def _scheduled(run: PlanRun) -> list[Any]:
    """The run's scheduled decisions as light rows shaped like decisions (`d.value`,
    `d.start_quarter`, `d.demand.reference`, `d.demand.department.name`, ...): one query, no
    model instances, so plans of thousands of demands stay quick."""
    rows = PlanDecision.objects.filter(run=run, is_scheduled=True).values_list(
        "value",
        "start_quarter",
        "finish_quarter",
        "demand_id",
        "demand__reference",
        "demand__title",
        "demand__cost_eur",
        "demand__department_id",
        "demand__department__name",
    )
    return [
        SimpleNamespace(
            value=value,
            start_quarter=start,
            finish_quarter=finish,
            demand=SimpleNamespace(
                pk=pk,
                reference=reference,
                title=title,
                cost_eur=cost,
                department=SimpleNamespace(pk=dept_id, name=dept_name),
            ),
        )
        for value, start, finish, pk, reference, title, cost, dept_id, dept_name in rows
    ]


def _snapshot_shares(run: PlanRun) -> dict[str, dict[int, float]]:
    """demand reference -> objective id -> share of its value, from the score terms in the run's
    snapshot. A finished run never changes, so the result is cached (parsing the snapshot of a
    large organisation takes seconds)."""
    key = f"bearing:run-shares:{run.pk}:{run.finished_at.timestamp() if run.finished_at else 0}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    context = PlanRun.objects.filter(pk=run.pk).values_list("context", flat=True).first() or {}
    snapshot = context.get("demands", {}) if isinstance(context, dict) else {}
    shares: dict[str, dict[int, float]] = {}
    for reference, info in snapshot.items():
        terms = (info.get("score") or {}).get("terms") if isinstance(info, dict) else None
        if terms is None:
            continue
        shares[reference] = _normalised(
            {
                int(t["key"]): float(t["amount"])
                for t in terms
                if t.get("kind") == "objective" and str(t.get("key", "")).isdigit()
            }
        )
    cache.set(key, shares, SUFFICIENCY_CACHE_SECONDS * 6)
    return shares


def _objective_shares(run: PlanRun, decisions: list[PlanDecision]) -> dict[int, dict[int, float]]:
    """demand pk -> objective id -> share of the demand's value that serves the objective: from
    the score terms in the run's snapshot, or else from current benefits x weights."""
    snapshot = _snapshot_shares(run)
    shares: dict[int, dict[int, float]] = {}
    missing: list[int] = []
    for d in decisions:
        if d.demand.reference in snapshot:
            shares[d.demand.pk] = snapshot[d.demand.reference]
        else:
            missing.append(d.demand.pk)
    if missing:
        weights, _, _ = criterion_weights(run.organisation)
        amounts_by: dict[int, dict[int, float]] = defaultdict(dict)
        for pk, objective_id, score in DemandBenefit.objects.filter(
            demand_id__in=missing
        ).values_list("demand_id", "objective_id", "score"):
            amounts_by[pk][objective_id] = float(score) * weights.get(objective_id, 0.0)
        for pk in missing:
            shares[pk] = _normalised(amounts_by.get(pk, {}))
    return shares


def _normalised(amounts: dict[int, float]) -> dict[int, float]:
    total = sum(v for v in amounts.values() if v > 0)
    return {k: v / total for k, v in amounts.items() if v > 0} if total > 0 else {}


def _spend(run: PlanRun, decisions: list[PlanDecision]) -> float:
    summary = run.summary or {}
    if "spend" in summary:
        return float(summary["spend"])
    return float(sum(d.demand.cost_eur for d in decisions))


def compare_runs(run_a: PlanRun, run_b: PlanRun) -> dict[str, Any]:
    """Two plans side by side: value and spend, the demands scheduled in one but not the other,
    value delivered per department and per objective, and capacity use per resource."""
    sides = {}
    for key, run in (("a", run_a), ("b", run_b)):
        decisions = _scheduled(run)
        shares = _objective_shares(run, decisions)
        by_department: dict[str, float] = defaultdict(float)
        by_objective: dict[int, float] = defaultdict(float)
        for d in decisions:
            by_department[d.demand.department.name] += d.value
            for objective_id, share in shares.get(d.demand.pk, {}).items():
                by_objective[objective_id] += d.value * share
        sides[key] = {
            "run": run,
            "decisions": {d.demand.pk: d for d in decisions},
            "value": sum(d.value for d in decisions),
            "spend": _spend(run, decisions),
            "count": len(decisions),
            "departments": by_department,
            "objectives": by_objective,
            "resources": (run.summary or {}).get("resources", {}),
        }
    a, b = sides["a"], sides["b"]
    only_a = sorted(
        (a["decisions"][pk] for pk in set(a["decisions"]) - set(b["decisions"])),
        key=lambda d: d.demand.reference,
    )
    only_b = sorted(
        (b["decisions"][pk] for pk in set(b["decisions"]) - set(a["decisions"])),
        key=lambda d: d.demand.reference,
    )
    departments = sorted(set(a["departments"]) | set(b["departments"]))
    objective_names = dict(
        Objective.objects.filter(organisation=run_a.organisation_id).values_list("pk", "name")
    )
    objectives = sorted(
        set(a["objectives"]) | set(b["objectives"]), key=lambda pk: objective_names.get(pk, str(pk))
    )

    def pair(name: str, va: float, vb: float) -> dict[str, Any]:
        return {"name": name, "a": va, "b": vb, "diff": vb - va}

    resources = []
    for name in sorted(
        set(a["resources"]) | set(b["resources"]), key=lambda n: (n.startswith("system:"), n)
    ):
        row: dict[str, Any] = {"name": name}
        for key, side in (("a", a), ("b", b)):
            r = side["resources"].get(name)
            used = sum(r.get("used", [])) if r else None
            capacity = sum(r.get("capacity", [])) if r else None
            row["label"] = row.get("label") or (r or {}).get("label", name)
            row["kind"] = row.get("kind") or (r or {}).get("kind", "skill")
            row[key] = {
                "used": used,
                "capacity": capacity,
                "share": used / capacity if used is not None and capacity else None,
            }
        resources.append(row)
    return {
        "a": {k: a[k] for k in ("run", "value", "spend", "count")},
        "b": {k: b[k] for k in ("run", "value", "spend", "count")},
        "value_diff": b["value"] - a["value"],
        "spend_diff": b["spend"] - a["spend"],
        "only_a": only_a,
        "only_b": only_b,
        "departments": [
            pair(n, a["departments"].get(n, 0.0), b["departments"].get(n, 0.0)) for n in departments
        ],
        "objectives": [
            pair(
                objective_names.get(pk, str(pk)),
                a["objectives"].get(pk, 0.0),
                b["objectives"].get(pk, 0.0),
            )
            for pk in objectives
        ],
        "resources": resources,
    }


def alignment_matrix(organisation: Any, run: PlanRun | None = None) -> dict[str, Any]:
    """Departments × objectives for a plan (default: the published one): the planned value
    serving each objective per department and how many scheduled demands contribute to it."""
    run = run if run is not None else reference_run(organisation)
    objectives = list(
        Objective.objects.filter(organisation=organisation).order_by("name").only("pk", "name")
    )
    departments = list(
        Department.objects.filter(organisation=organisation).order_by("name").only("pk", "name")
    )
    value: dict[tuple[int, int], float] = defaultdict(float)
    count: dict[tuple[int, int], int] = defaultdict(int)
    department_value: dict[int, float] = defaultdict(float)
    department_count: dict[int, int] = defaultdict(int)
    if run is not None:
        decisions = _scheduled(run)
        shares = _objective_shares(run, decisions)
        for d in decisions:
            dept = d.demand.department.pk
            department_value[dept] += d.value
            department_count[dept] += 1
            for objective_id, share in shares.get(d.demand.pk, {}).items():
                value[(dept, objective_id)] += d.value * share
                count[(dept, objective_id)] += 1
    top = max(value.values(), default=0.0)
    rows = []
    for dept in departments:
        cells = [
            {
                "objective": o,
                "value": value[(dept.pk, o.pk)],
                "count": count[(dept.pk, o.pk)],
                "level": _level(value[(dept.pk, o.pk)], top) if top else 0,
            }
            for o in objectives
        ]
        rows.append(
            {
                "department": dept,
                "cells": cells,
                "value": department_value[dept.pk],
                "count": department_count[dept.pk],
            }
        )
    totals = [
        {
            "objective": o,
            "value": sum(value[(d.pk, o.pk)] for d in departments),
            "count": sum(count[(d.pk, o.pk)] for d in departments),
        }
        for o in objectives
    ]
    return {
        "run": run,
        "objectives": objectives,
        "rows": rows,
        "totals": totals,
        "value": sum(department_value.values()),
        "count": sum(department_count.values()),
    }


# Traceability


def _slots(run: PlanRun | None, demand_ids: Any) -> dict[int, PlanDecision]:
    """demand pk -> the run's decision about it, with `period` ("2027-Q2 – 2027-Q3") when scheduled
    and `display_reasons` (its reasons in business words)."""
    if run is None:
        return {}
    calendar = PlanningCalendar.objects.get(organisation=run.organisation_id)
    slots = {
        d.demand_id: d
        for d in PlanDecision.objects.filter(run=run, demand_id__in=demand_ids).only(
            "pk",
            "run_id",
            "demand_id",
            "is_scheduled",
            "start_quarter",
            "finish_quarter",
            "value",
            "reasons",
        )
    }
    words = results.resource_words(run)
    for d in slots.values():
        d.display_reasons = [results.business_words(r, words) for r in d.reasons or []]
        d.period = ""
        if d.is_scheduled and d.start_quarter is not None:
            last = max((d.finish_quarter or d.start_quarter + 1) - 1, d.start_quarter)
            first_label, last_label = calendar.label(d.start_quarter), calendar.label(last)
            d.period = first_label if first_label == last_label else f"{first_label} – {last_label}"
    return slots


def _visible(queryset: QuerySet, user: Any, organisation: Any) -> QuerySet:
    return queryset if user is None else restrict_queryset(queryset, user, "view", organisation)


def traceability(
    organisation: Any, run: PlanRun | None = None, user: Any = None
) -> list[dict[str, Any]]:
    """Per objective: the department goals serving it, their demands and how many of those the
    plan schedules (what `user` may see; all when None)."""
    goals = _visible(DepartmentGoal.objects.filter(organisation=organisation), user, organisation)
    demands = _visible(Demand.objects.filter(organisation=organisation), user, organisation)
    contributions = GoalContribution.objects.filter(goal__in=goals).values_list(
        "objective_id", "goal_id"
    )
    goals_of: dict[int, set[int]] = defaultdict(set)
    for objective_id, goal_id in contributions:
        goals_of[objective_id].add(goal_id)
    links = Demand.goals.through.objects.filter(
        departmentgoal_id__in=goals.values("pk"), demand__in=demands
    )
    demands_of: dict[int, set[int]] = defaultdict(set)
    for goal_id, demand_id in links.values_list("departmentgoal_id", "demand_id"):
        demands_of[goal_id].add(demand_id)
    scheduled: set[int] = set()
    if run is not None:
        scheduled = set(
            PlanDecision.objects.filter(run=run, is_scheduled=True).values_list(
                "demand_id", flat=True
            )
        )
    out = []
    for objective in Objective.objects.filter(organisation=organisation).order_by("name"):
        goal_ids = goals_of.get(objective.pk, set())
        demand_ids = (
            set().union(*(demands_of.get(g, set()) for g in goal_ids)) if goal_ids else set()
        )
        out.append(
            {
                "objective": objective,
                "goals": len(goal_ids),
                "demands": len(demand_ids),
                "scheduled": len(demand_ids & scheduled),
            }
        )
    return out


def objective_contributions(objective: Objective, user: Any = None) -> QuerySet:
    """The contributions of the department goals `user` may see to `objective`, in page order."""
    organisation = objective.organisation_id
    goals = _visible(DepartmentGoal.objects.filter(organisation=organisation), user, organisation)
    return (
        GoalContribution.objects.filter(objective=objective, goal__in=goals)
        .select_related("goal__department")
        .order_by("goal__department__name", "goal__title", "pk")
    )


def objective_trace(
    objective: Objective,
    run: PlanRun | None = None,
    user: Any = None,
    contributions: Any = None,
    demands_per_goal: int | None = None,
) -> list[dict[str, Any]]:
    """The goals serving `objective` (with strength), each with its demands and their plan slot;
    `contributions` limits it to a page of `objective_contributions`, `demands_per_goal` the
    demands listed per goal (`more` counts the rest)."""
    organisation = objective.organisation_id
    if contributions is None:
        contributions = objective_contributions(objective, user)
    contributions = list(contributions)
    demands = _visible(Demand.objects.filter(organisation=organisation), user, organisation)
    links: dict[int, list[Demand]] = defaultdict(list)
    through = (
        Demand.goals.through.objects.filter(
            departmentgoal_id__in=[c.goal_id for c in contributions], demand__in=demands
        )
        .select_related("demand")
        .only(
            "departmentgoal_id",
            "demand__id",
            "demand__reference",
            "demand__title",
            "demand__status",
        )
        .order_by("demand__reference")
    )
    more: dict[int, int] = defaultdict(int)
    for link in through:
        if demands_per_goal is not None and len(links[link.departmentgoal_id]) >= demands_per_goal:
            more[link.departmentgoal_id] += 1
        else:
            links[link.departmentgoal_id].append(link.demand)
    slots = _slots(run, {d.pk for ds in links.values() for d in ds})
    return [
        {
            "goal": c.goal,
            "strength": c.get_strength_display(),
            "strength_key": c.strength,
            "demands": [{"demand": d, "slot": slots.get(d.pk)} for d in links.get(c.goal_id, [])],
            "more": more.get(c.goal_id, 0),
        }
        for c in contributions
    ]


def demand_trace(demand: Demand, run: PlanRun | None = None, user: Any = None) -> dict[str, Any]:
    """The goals `demand` serves with their objectives, its expected benefits, and its plan slot."""
    organisation = demand.organisation_id
    goals = (
        _visible(demand.goals.all(), user, organisation)
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=GoalContribution.objects.select_related("objective").order_by(
                    "objective__name"
                ),
            )
        )
    )
    return {
        "goals": [{"goal": g, "contributions": list(g.contributions.all())} for g in goals],
        "benefits": list(demand.benefits.select_related("objective").order_by("objective__name")),
        "slot": _slots(run, [demand.pk]).get(demand.pk),
    }
