"""Capacity sufficiency for all approved demand: shortfall per skill and system per quarter, the
hires or upgrades that close it, and a scenario made from them.

The one write (the scenario) delegates to `bearing.planning.services.create_scenario`.
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone

from bearing.core.models import AuditEntry
from bearing.core.permissions import require_model_permission
from bearing.demand.choices import NeedClass
from bearing.demand.models import Demand
from bearing.engine.sufficiency import analyse_sufficiency
from bearing.planning.adapters import build_problem
from bearing.planning.analysis._common import SUFFICIENCY_CACHE_SECONDS, _level
from bearing.planning.choices import DemandSelection
from bearing.planning.models import Scenario

__all__ = [
    "cached_sufficiency",
    "create_sufficiency_scenario",
    "sufficiency_for",
]

SUFFICIENCY_TIME_LIMIT = 5.0  # seconds for the additions MIP inside a page request
_MUST_FIT = (NeedClass.MANDATORY, NeedClass.CRITICAL)


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
