"""The plan to analyse and the departments × objectives alignment matrix of its planned value."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bearing.planning.analysis._common import _level, _objective_shares, _scheduled
from bearing.planning.models import PlanRun, Publication, Scenario
from bearing.strategy.models import Department, Objective

__all__ = [
    "alignment_matrix",
    "reference_run",
]


def reference_run(organisation: Any, scenario: Scenario | None = None) -> PlanRun | None:
    """The plan to analyse: the scenario's latest successful run, or else the published IT
    Strategy's run (latest publication)."""
    if scenario is not None:
        return scenario.latest_plan()
    publication = (
        Publication.objects.filter(organisation=organisation).select_related("run").first()
    )
    return publication.run if publication else None


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
