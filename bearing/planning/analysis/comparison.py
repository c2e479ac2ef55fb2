"""Two plans side by side: value, spend, the demands only one schedules, value per department and
objective, and capacity use per resource."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from bearing.planning.analysis._common import _objective_shares, _scheduled
from bearing.planning.models import PlanDecision, PlanRun
from bearing.strategy.models import Objective

__all__ = [
    "compare_runs",
]


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
