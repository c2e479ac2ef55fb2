"""Publishing a plan as the organisation's IT Strategy, and the strategy document it becomes.

A CIO publishes one finished plan run for a planning cycle; publications of a cycle are
versioned (v1, v2 …). Publishing moves the plan's scheduled demands to "scheduled" through the
demand workflow (assessed ones are approved first: the CIO's publication is the approval), with
one audit entry per demand and step and one for the publication, all in one transaction.

`strategy_document` gathers everything the document shows — page, PDF and Markdown alike.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch

from bearing.core.audit import record_change, snapshot
from bearing.core.models import Organisation
from bearing.core.permissions import require_model_permission
from bearing.demand.choices import DemandStatus, NeedClass, Transition
from bearing.demand.models import Demand
from bearing.demand.services import transition_demands
from bearing.engine.codec import problem_from_dict
from bearing.engine.sufficiency import analyse_sufficiency
from bearing.planning import results
from bearing.planning.choices import RunStatus
from bearing.planning.models import PlanDecision, PlanRun, Publication
from bearing.planning.runs import explanation_check
from bearing.planning.scoring import NEED, RISK, criteria, raw_weights
from bearing.strategy.models import Department, DepartmentGoal, GoalContribution, Objective

__all__ = [
    "GANTT_LIMIT",
    "StrategyDocument",
    "default_cycle",
    "next_version",
    "publish_run",
    "run_sufficiency",
    "strategy_document",
]

# The document's Gantt chart shows at most this many demands (the quarter table shows all).
GANTT_LIMIT = 150
# Seconds for the capacity-additions MIP when publishing.
SUFFICIENCY_TIME_LIMIT = 10.0
_MUST_FIT = (NeedClass.MANDATORY, NeedClass.CRITICAL)


def default_cycle(organisation: Organisation) -> str:
    """The planning cycle the calendar covers, e.g. "2027–2028"."""
    calendar = organisation.calendar
    first, last = calendar.label(0)[:4], calendar.label(calendar.quarters - 1)[:4]
    return first if first == last else f"{first}–{last}"


def next_version(organisation: Any, cycle: str) -> int:
    """The version the next publication of `cycle` gets."""
    latest = Publication.objects.filter(organisation=organisation, cycle=cycle).aggregate(v=Max("version"))["v"]
    return (latest or 0) + 1


def run_sufficiency(run: PlanRun) -> dict[str, Any]:
    """Capacity shortfalls of the run's problem snapshot and the hires or upgrades that let its
    mandatory and critical demands fit (engine `analyse_sufficiency`), as plain data. Stored in
    the run's summary the first time, so the document does not solve again."""
    stored = (run.summary or {}).get("sufficiency")
    if stored is not None:
        return stored
    problem_data, context = PlanRun.objects.values_list("problem", "context").get(pk=run.pk)
    if not problem_data:
        return {"resources": [], "additions": [], "cannot_fit": [], "status": "not_available"}
    problem = problem_from_dict(problem_data)
    info = (context or {}).get("demands", {})
    hours_per_fte = float((context or {}).get("hours_per_fte") or settings.HOURS_PER_FTE_QUARTER)
    must_fit = [d.id for d in problem.demands if not d.excluded and info.get(d.id, {}).get("need_class") in _MUST_FIT]
    report = analyse_sufficiency(problem, hours_per_fte=hours_per_fte, must_fit_ids=must_fit,
                                 time_limit=SUFFICIENCY_TIME_LIMIT)
    labels = (context or {}).get("resources", {})
    data = {
        "status": report.additions_status,
        "assumption": report.assumption,
        "resources": [
            {"name": r.name, "label": labels.get(r.name, {}).get("label", r.name),
             "kind": labels.get(r.name, {}).get("kind", "skill"),
             "shortfall_hours": [round(x, 1) for x in r.shortfall_hours],
             "shortfall_fte": [round(x, 2) for x in r.shortfall_fte],
             "total_shortfall_hours": round(sum(r.shortfall_hours), 1)}
            for r in report.resources if sum(r.shortfall_hours) > 1e-6
        ],
        "additions": [
            {"resource": a.resource, "label": labels.get(a.resource, {}).get("label", a.resource),
             "kind": labels.get(a.resource, {}).get("kind", "skill"),
             "hours_per_period": round(a.hours_per_period, 1), "from_period": a.from_period,
             "fte": round(a.fte, 2), "message": a.message}
            for a in report.additions
        ],
        "cannot_fit": list(report.cannot_fit),
        "added_hours_total": round(report.added_hours_total, 1),
    }
    with transaction.atomic():
        locked = PlanRun.objects.select_for_update().defer(*PlanRun.LARGE_FIELDS).get(pk=run.pk)
        locked.summary = {**(locked.summary or {}), "sufficiency": data}
        locked.save(update_fields=["summary"])
    run.summary = {**(run.summary or {}), "sufficiency": data}
    return data


def publish_run(actor: Any, run: PlanRun, cycle: str, summary: str = "") -> Publication:
    """Publish `run` as the IT Strategy of `cycle` (CIO only; `actor` None is the system): the
    next version of that cycle. The run must have produced a plan. Its scheduled demands that are
    approved (or assessed: approved first) move to "scheduled"; demands in other states stay."""
    organisation = run.organisation
    require_model_permission(actor, "change", Publication, organisation)
    cycle = (cycle or "").strip()
    errors: dict[str, str] = {}
    if not cycle:
        errors["cycle"] = "Name the planning cycle, e.g. 2027–2028."
    elif len(cycle) > Publication._meta.get_field("cycle").max_length:
        errors["cycle"] = "Keep the cycle name to 40 characters."
    if run.status != RunStatus.SUCCEEDED:
        errors["run"] = f"Only a finished run can be published; this one is {run.get_status_display().lower()}."
    elif run.plan_status == "infeasible":
        errors["run"] = "This run found no feasible plan; it cannot be published."
    elif (check := explanation_check(run)) is not None and check["status"] == "checking":
        errors["run"] = (
            f"The explanations of {check['count']} left-out demands are still being checked (a few seconds); "
            "publish the plan once they are done, so the document gives the checked reasons."
        )
    if errors:
        raise ValidationError(errors)
    run_sufficiency(run)  # solved outside the transaction; stored with the run

    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)  # one version number at a time
        scheduled = list(
            Demand.objects.select_for_update()
            .filter(plan_decisions__run=run, plan_decisions__is_scheduled=True).order_by("reference")
        )
        publication = Publication.objects.create(
            organisation=organisation, run=run, cycle=cycle, version=next_version(organisation, cycle),
            summary=(summary or "").strip(), published_by=actor if getattr(actor, "pk", None) else None,
        )
        reason = f"Planned in the published {publication}."
        assessed = transition_demands(
            actor, [d for d in scheduled if d.status == DemandStatus.ASSESSED], Transition.APPROVE, reason
        )
        approved = transition_demands(
            actor, [d for d in scheduled if d.status == DemandStatus.APPROVED], Transition.SCHEDULE, reason
        )
        moved = {
            "scheduled": [d.reference for d in approved],
            "approved": [d.reference for d in assessed],
            "unchanged": [
                f"{d.reference} ({d.get_status_display().lower()})"
                for d in scheduled
                if d.status != DemandStatus.SCHEDULED
            ],
        }
        record_change(actor=actor, organisation=organisation, action="publish", obj=publication,
                      before=None, after=snapshot(publication, moved), reason=publication.summary)
    return publication


@dataclass
class StrategyDocument:
    """Everything the published IT Strategy shows, in document order."""

    publication: Publication
    organisation: Organisation
    run: PlanRun
    labels: list[str]
    executive: dict[str, Any]
    criteria: list[dict[str, Any]]
    departments: list[dict[str, Any]]
    roadmap: list[dict[str, Any]]
    gantt: list[dict[str, Any]]
    gantt_hidden: int
    capacity: dict[str, Any]
    budgets: list[dict[str, Any]]
    sufficiency: dict[str, Any]
    conflicts: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"IT Strategy {self.publication.cycle}"


def _label(labels: list[str], index: int | None) -> str:
    if index is None:
        return ""
    return labels[index] if 0 <= index < len(labels) else f"Q+{index}"


def _decisions(run: PlanRun) -> list[PlanDecision]:
    goals = Prefetch("demand__goals", queryset=DepartmentGoal.objects.only("pk", "title"))
    return list(
        PlanDecision.objects.filter(run=run)
        .select_related("demand__department")
        .prefetch_related(goals)
        .order_by("start_quarter", "demand__reference")
    )


def _row(d: PlanDecision, labels: list[str], words: dict[str, str]) -> dict[str, Any]:
    """One demand of the document; its reasons in business words (resource labels, whole hours)."""
    demand = d.demand
    row: dict[str, Any] = {
        "pk": demand.pk, "reference": demand.reference, "title": demand.title,
        "department": demand.department.name, "value": d.value,
        "reasons": [results.business_words(r, words) for r in d.reasons or []],
        "need_class": demand.get_need_class_display(), "status": demand.get_status_display(),
        "cost": float(demand.cost_eur), "goals": [g.title for g in demand.goals.all()],
    }
    if d.is_scheduled:
        last = (d.finish_quarter or d.start_quarter + 1) - 1
        row.update(start=d.start_quarter, finish=d.finish_quarter, start_label=_label(labels, d.start_quarter),
                   end_label=_label(labels, last))
        row["when"] = row["start_label"] if last == d.start_quarter else f"{row['start_label']} – {row['end_label']}"
    return row


def _criteria(organisation: Organisation) -> list[dict[str, Any]]:
    weights = raw_weights(organisation)
    objectives = {f"objective:{o.pk}": o for o in Objective.objects.filter(organisation=organisation)}
    out = []
    for key, label in criteria(organisation):
        objective = objectives.get(key)
        out.append({
            "key": key, "name": label, "weight": weights.get(key, 0.0),
            "kind": "objective" if objective else "need" if key == NEED else "risk" if key == RISK else key,
            "category": objective.get_category_display() if objective else "",
            "description": objective.description if objective else (
                "How much the business needs the demand (mandatory, critical, …)." if key == NEED
                else "Delivery risk lowers the expected value." if key == RISK else ""),
        })
    return sorted(out, key=lambda c: (c["kind"] != "objective", -c["weight"], c["name"]))


def _departments(organisation: Organisation, rows: list[dict[str, Any]], department_of: dict[int, int]) -> list[dict[str, Any]]:
    contributions = Prefetch("contributions", queryset=GoalContribution.objects.select_related("objective"))
    goals = Prefetch("goals", queryset=DepartmentGoal.objects.prefetch_related(contributions).order_by("title"))
    departments = (
        Department.objects.filter(organisation=organisation).select_related("lead")
        .prefetch_related("bios", goals).order_by("name")
    )
    by_department: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: {"planned": [], "deferred": []})
    for row in rows:
        by_department[department_of[row["pk"]]]["planned" if "start" in row else "deferred"].append(row)
    out = []
    for dept in departments:
        planned = by_department[dept.pk]["planned"]
        deferred = sorted(by_department[dept.pk]["deferred"], key=lambda r: (-r["value"], r["reference"]))
        out.append({
            "pk": dept.pk, "name": dept.name, "code": dept.code, "description": dept.description,
            "lead": (dept.lead.get_full_name() or dept.lead.username) if dept.lead else "",
            "bios": [u.get_full_name() or u.username for u in dept.bios.all()],
            "goals": [
                {"title": g.title, "description": g.description,
                 "objectives": [f"{c.objective.name} ({c.get_strength_display().lower()})" for c in g.contributions.all()]}
                for g in dept.goals.all()
            ],
            "planned": planned, "deferred": deferred,
            "planned_value": sum(r["value"] for r in planned),
            "planned_cost": sum(r["cost"] for r in planned),
        })
    return out


def _roadmap(planned: list[dict[str, Any]], labels: list[str]) -> list[dict[str, Any]]:
    """One row per quarter: the demands starting then, and how many are under way."""
    rows = []
    for q, label in enumerate(labels):
        starting = [r for r in planned if r["start"] == q]
        active = sum(1 for r in planned if r["start"] <= q < (r["finish"] or r["start"] + 1))
        rows.append({"label": label, "starting": starting, "active": active,
                     "value": sum(r["value"] for r in starting), "cost": sum(r["cost"] for r in starting)})
    return rows


def _gantt(planned: list[dict[str, Any]], periods: int) -> list[dict[str, Any]]:
    ordered = sorted(planned, key=lambda r: (r["department"], r["start"], r["reference"]))[:GANTT_LIMIT]
    return [
        {**r, "cells": [r["start"] <= q < (r["finish"] or r["start"] + 1) for q in range(periods)]}
        for r in ordered
    ]


def _for_display(sufficiency: dict[str, Any], labels: list[str]) -> dict[str, Any]:
    """The stored sufficiency with (hours, FTE) cells per resource and quarter, and each
    addition's first quarter as a label, for tables."""
    resources = [
        {**r, "cells": [{"hours": h, "fte": f} for h, f in zip(r["shortfall_hours"], r["shortfall_fte"], strict=False)]}
        for r in sufficiency.get("resources", [])
    ]
    additions = [{**a, "from_label": _label(labels, a["from_period"])} for a in sufficiency.get("additions", [])]
    return {**sufficiency, "resources": resources, "additions": additions}


def strategy_document(publication: Publication) -> StrategyDocument:
    """The content of the published IT Strategy: executive summary, objectives and weights, a
    section per department, roadmap, capacity and budget plan, sufficiency gaps."""
    run = PlanRun.objects.defer(*PlanRun.LARGE_FIELDS).select_related("scenario").get(pk=publication.run_id)
    organisation = Organisation.objects.select_related("calendar").get(pk=publication.organisation_id)
    summary = run.summary or {}
    labels = list(summary.get("labels") or organisation.calendar.labels())
    decisions = _decisions(run)
    words = results.resource_words(run)
    rows = [_row(d, labels, words) for d in decisions]
    department_of = {d.demand_id: d.demand.department_id for d in decisions}
    planned = [r for r in rows if "start" in r]
    deferred = [r for r in rows if "start" not in r]
    budgets = results.budget_rows(run)
    budget_total = sum(w["amount"] for w in budgets)
    spend = sum(r["cost"] for r in planned)
    executive = {
        "scenario": run.scenario.name,
        "value_planned": sum(r["value"] for r in planned),
        "value_candidate": sum(r["value"] for r in rows),
        "planned": len(planned),
        "deferred": len(deferred),
        "candidates": len(rows),
        "spend": spend,
        "budget_total": budget_total,
        "budget_share": spend / budget_total if budget_total else None,
        "plan_status": run.plan_status,
        "objective": run.objective,
        "bound": run.bound,
        "gap": run.gap,
        "is_optimal": run.plan_status == "optimal",
        "mandatory_planned": sum(1 for r in planned if r["need_class"] == NeedClass.MANDATORY.label),
        "mandatory": sum(1 for r in rows if r["need_class"] == NeedClass.MANDATORY.label),
        "horizon": f"{labels[0]} – {labels[-1]}" if labels else "",
        "dropped": summary.get("dropped", {}),
    }
    return StrategyDocument(
        publication=publication,
        organisation=organisation,
        run=run,
        labels=labels,
        executive=executive,
        criteria=_criteria(organisation),
        departments=_departments(organisation, rows, department_of),
        roadmap=_roadmap(planned, labels),
        gantt=_gantt(planned, len(labels)),
        gantt_hidden=max(len(planned) - GANTT_LIMIT, 0),
        capacity=results.heatmap_rows(run),
        budgets=budgets,
        sufficiency=_for_display(run_sufficiency(run), labels),
        conflicts=list(summary.get("conflicts", [])),
    )
