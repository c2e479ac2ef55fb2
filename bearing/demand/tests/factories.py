"""`make_*` helpers for demands (ORM only; organisation and department are created when not given)."""

from __future__ import annotations

import itertools
from typing import Any

from bearing.demand.choices import DemandType
from bearing.demand.models import Demand, DemandBenefit, DemandEffort, DemandSystemUse
from bearing.strategy.tests.factories import make_department

__all__ = ["make_benefit", "make_demand", "make_effort", "make_system_use"]

_seq = itertools.count(1)


def make_demand(*, requires: Any = (), goals: Any = (), **overrides: Any) -> Demand:
    """A draft demand. Without `department`, one is made (in `organisation` when given)."""
    n = next(_seq)
    fields: dict[str, Any] = {"title": f"Demand {n}", "demand_type": DemandType.ENHANCEMENT}
    fields.update(overrides)
    if "department" not in fields:
        fields["department"] = make_department(
            **({"organisation": fields["organisation"]} if "organisation" in fields else {})
        )
    fields.setdefault("organisation", fields["department"].organisation)
    if "reference" not in fields:
        fields["reference"] = f"D-{n:04d}"
    demand = Demand.objects.create(**fields)
    if requires:
        demand.requires.set(requires)
    if goals:
        demand.goals.set(goals)
    return demand


def make_effort(demand: Demand, skill, hours: Any = 100) -> DemandEffort:
    return DemandEffort.objects.create(demand=demand, skill=skill, hours=hours)


def make_benefit(demand: Demand, objective, score: Any = 5) -> DemandBenefit:
    return DemandBenefit.objects.create(demand=demand, objective=objective, score=score)


def make_system_use(demand: Demand, system, units: Any = 1, is_change: bool = False) -> DemandSystemUse:
    return DemandSystemUse.objects.create(demand=demand, system=system, units=units, is_change=is_change)
