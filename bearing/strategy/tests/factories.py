"""`make_*` helpers for strategy objects (ORM only; an organisation is created when not given)."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from bearing.core.tests.factories import make_organisation
from bearing.strategy.choices import ObjectiveCategory
from bearing.strategy.models import (
    Department,
    DepartmentGoal,
    GoalContribution,
    Objective,
    StrategySession,
)

__all__ = ["make_department", "make_goal", "make_objective", "make_session"]

_seq = itertools.count(1)


def make_objective(**overrides: Any) -> Objective:
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"Objective {n}", "category": ObjectiveCategory.REVENUE_GROWTH}
    fields.update(overrides)
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    return Objective.objects.create(**fields)


def make_department(*, bios: Any = (), **overrides: Any) -> Department:
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"Department {n}", "code": f"D{n}"}
    fields.update(overrides)
    if "organisation" not in fields:
        fields["organisation"] = make_organisation()
    department = Department.objects.create(**fields)
    if bios:
        department.bios.set(bios)
    return department


def make_session(**overrides: Any) -> StrategySession:
    n = next(_seq)
    fields: dict[str, Any] = {"title": f"Session {n}", "held_on": datetime.date(2027, 1, 15)}
    fields.update(overrides)
    if "department" not in fields:
        fields["department"] = make_department(**({"organisation": fields["organisation"]} if "organisation" in fields else {}))
    fields.setdefault("organisation", fields["department"].organisation)
    return StrategySession.objects.create(**fields)


def make_goal(*, contributions: dict[Objective, str] | None = None, **overrides: Any) -> DepartmentGoal:
    """A department goal; `contributions` maps objectives to a strength ("low"/"medium"/"high")."""
    n = next(_seq)
    fields: dict[str, Any] = {"title": f"Goal {n}"}
    fields.update(overrides)
    if "department" not in fields:
        fields["department"] = make_department(**({"organisation": fields["organisation"]} if "organisation" in fields else {}))
    fields.setdefault("organisation", fields["department"].organisation)
    goal = DepartmentGoal.objects.create(**fields)
    for objective, strength in (contributions or {}).items():
        GoalContribution.objects.create(goal=goal, objective=objective, strength=strength)
    return goal
