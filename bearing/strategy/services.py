"""Writes to objectives, departments, department goals and strategy sessions — each checked
against the permission layer, validated, atomic and recorded in the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from bearing.core.audit import record_change, snapshot
from bearing.core.choices import Role
from bearing.core.models import Membership, Organisation
from bearing.core.permissions import require_model_permission, require_permission, role_in
from bearing.core.services import apply_fields, forget_cached_permissions, validate_instance
from bearing.strategy.choices import ContributionStrength
from bearing.strategy.models import (
    Department,
    DepartmentGoal,
    GoalContribution,
    Objective,
    StrategySession,
)

if TYPE_CHECKING:  # demand.services imports this module's models: imported where used
    from bearing.demand.models import Demand

__all__ = [
    "capture_demand",
    "capture_goal",
    "create_department",
    "create_goal",
    "create_objective",
    "create_session",
    "delete_goal",
    "delete_objective",
    "update_department",
    "update_goal",
    "update_objective",
    "update_session",
]


# Objectives


def create_objective(actor: Any, organisation: Organisation, **fields: Any) -> Objective:
    """A new company objective (CIO)."""
    require_model_permission(actor, "add", Objective, organisation)
    objective = Objective(organisation=organisation, **fields)
    validate_instance(objective)
    with transaction.atomic():
        objective.save()
        record_change(actor=actor, organisation=organisation, action="create", obj=objective, before=None,
                      after=snapshot(objective))
    return objective


def update_objective(actor: Any, objective: Objective, *, reason: str = "", **fields: Any) -> Objective:
    """Change an objective's fields (CIO)."""
    require_permission(actor, "change", objective)
    before = snapshot(objective)
    apply_fields(objective, fields)
    validate_instance(objective)
    with transaction.atomic():
        objective.save()
        record_change(actor=actor, organisation=objective.organisation_id, action="update", obj=objective,
                      before=before, after=snapshot(objective), reason=reason)
    return objective


def delete_objective(actor: Any, objective: Objective, reason: str = "") -> None:
    """Delete an objective with its goal contributions and demand benefits (CIO)."""
    require_permission(actor, "delete", objective)
    with transaction.atomic():
        before = snapshot(objective, {
            "contributions": {c.goal.title: c.strength for c in objective.contributions.select_related("goal")},
            "benefit_count": objective.benefits.count(),
        })
        record_change(actor=actor, organisation=objective.organisation_id, action="delete", obj=objective,
                      before=before, after=None, reason=reason)
        objective.delete()


# Departments


def _department_snapshot(department: Department) -> dict[str, Any]:
    return snapshot(department, {"bios": [u.get_username() for u in department.bios.all()]})


def _people_errors(organisation_id: int, department: Department, bios: Any) -> dict[str, list[str]]:
    """Leads must be members of the organisation, BIOs must hold the BIO role in it."""
    errors: dict[str, list[str]] = {}
    roles = dict(Membership.objects.filter(organisation_id=organisation_id).values_list("user_id", "role"))
    if department.lead_id is not None and department.lead_id not in roles:
        errors["lead"] = ["The lead must be a member of the organisation."]
    if bios is not None:
        wrong = [str(user) for user in bios if roles.get(user.pk) != Role.BIO]
        if wrong:
            errors["bios"] = [f"Not a BIO of this organisation: {', '.join(sorted(wrong))}."]
    return errors


def create_department(actor: Any, organisation: Organisation, *, bios: Any = (), **fields: Any) -> Department:
    """A new department with its lead and assigned BIOs (CIO)."""
    require_model_permission(actor, "add", Department, organisation)
    bios = list(bios)
    department = Department(organisation=organisation, **fields)
    validate_instance(department, _people_errors(organisation.pk, department, bios))
    with transaction.atomic():
        department.save()
        department.bios.set(bios)
        record_change(actor=actor, organisation=organisation, action="create", obj=department, before=None,
                      after=_department_snapshot(department))
    forget_cached_permissions(*bios, *([department.lead] if department.lead_id else []))
    return department


def update_department(actor: Any, department: Department, *, bios: Any = None, reason: str = "",
                      **fields: Any) -> Department:
    """Change a department, its lead or (when `bios` is given) its BIOs (CIO)."""
    require_permission(actor, "change", department)
    before = _department_snapshot(department)
    old_bios = list(department.bios.all())
    bios = list(bios) if bios is not None else None
    apply_fields(department, fields)
    validate_instance(department, _people_errors(department.organisation_id, department, bios))
    with transaction.atomic():
        department.save()
        if bios is not None:
            department.bios.set(bios)
        record_change(actor=actor, organisation=department.organisation_id, action="update", obj=department,
                      before=before, after=_department_snapshot(department), reason=reason)
    forget_cached_permissions(*old_bios, *(bios or []))
    return department


# Department goals


def _goal_snapshot(goal: DepartmentGoal) -> dict[str, Any]:
    contributions = {c.objective.name: c.strength for c in goal.contributions.select_related("objective")}
    return snapshot(goal, {"contributions": contributions})


def _contribution_errors(organisation_id: int, contributions: dict[Objective, str] | None) -> dict[str, list[str]]:
    messages = []
    for objective, strength in (contributions or {}).items():
        if objective.organisation_id != organisation_id:
            messages.append(f"“{objective}” belongs to another organisation.")
        if strength not in ContributionStrength.values:
            messages.append(f"“{strength}” is not a contribution strength for “{objective}”.")
    return {"contributions": messages} if messages else {}


def _set_contributions(goal: DepartmentGoal, contributions: dict[Objective, str]) -> None:
    goal.contributions.all().delete()
    GoalContribution.objects.bulk_create(
        GoalContribution(goal=goal, objective=objective, strength=strength)
        for objective, strength in contributions.items()
    )


def create_goal(actor: Any, organisation: Organisation, *, contributions: dict[Objective, str] | None = None,
                **fields: Any) -> DepartmentGoal:
    """A new department goal with its contribution to objectives (CIO, or a BIO of the department)."""
    goal = DepartmentGoal(organisation=organisation, **fields)
    require_model_permission(actor, "add", DepartmentGoal, organisation, goal.department_id)
    validate_instance(goal, _contribution_errors(organisation.pk, contributions))
    with transaction.atomic():
        goal.save()
        _set_contributions(goal, contributions or {})
        record_change(actor=actor, organisation=organisation, action="create", obj=goal, before=None,
                      after=_goal_snapshot(goal))
    return goal


def update_goal(actor: Any, goal: DepartmentGoal, *, contributions: dict[Objective, str] | None = None,
                reason: str = "", **fields: Any) -> DepartmentGoal:
    """Change a goal, and its contributions when given (CIO, or a BIO of its department — and of
    the department it moves to)."""
    require_permission(actor, "change", goal)
    before = _goal_snapshot(goal)
    apply_fields(goal, fields)
    require_model_permission(actor, "change", DepartmentGoal, goal.organisation_id, goal.department_id)
    validate_instance(goal, _contribution_errors(goal.organisation_id, contributions))
    with transaction.atomic():
        goal.save()
        if contributions is not None:
            _set_contributions(goal, contributions)
        record_change(actor=actor, organisation=goal.organisation_id, action="update", obj=goal, before=before,
                      after=_goal_snapshot(goal), reason=reason)
    return goal


def delete_goal(actor: Any, goal: DepartmentGoal, reason: str = "") -> None:
    """Delete a goal and its contributions (CIO, or a BIO of its department)."""
    require_permission(actor, "delete", goal)
    with transaction.atomic():
        record_change(actor=actor, organisation=goal.organisation_id, action="delete", obj=goal,
                      before=_goal_snapshot(goal), after=None, reason=reason)
        goal.delete()


# Strategy sessions


def _session_errors(session: StrategySession) -> dict[str, list[str]]:
    if session.bio_id is None:
        return {}
    if Membership.objects.filter(organisation_id=session.organisation_id, user_id=session.bio_id).exists():
        return {}
    return {"bio": ["The BIO must be a member of the organisation."]}


def create_session(actor: Any, organisation: Organisation, **fields: Any) -> StrategySession:
    """A new strategy session of a department (CIO, or a BIO of the department, who is recorded
    as its BIO unless another is given)."""
    session = StrategySession(organisation=organisation, **fields)
    require_model_permission(actor, "add", StrategySession, organisation, session.department_id)
    if session.bio_id is None and actor is not None and role_in(actor, organisation) == Role.BIO:
        session.bio = actor
    validate_instance(session, _session_errors(session))
    with transaction.atomic():
        session.save()
        record_change(actor=actor, organisation=organisation, action="create", obj=session, before=None,
                      after=snapshot(session))
    return session


def update_session(actor: Any, session: StrategySession, *, reason: str = "", **fields: Any) -> StrategySession:
    """Change a strategy session (CIO, or a BIO of its department)."""
    require_permission(actor, "change", session)
    before = snapshot(session)
    apply_fields(session, fields)
    require_model_permission(actor, "change", StrategySession, session.organisation_id, session.department_id)
    validate_instance(session, _session_errors(session))
    with transaction.atomic():
        session.save()
        record_change(actor=actor, organisation=session.organisation_id, action="update", obj=session,
                      before=before, after=snapshot(session), reason=reason)
    return session


def capture_goal(actor: Any, session: StrategySession, *, contributions: dict[Objective, str] | None = None,
                 **fields: Any) -> DepartmentGoal:
    """A goal captured in a strategy session: in the session's department, linked to the session."""
    fields.update(department=session.department, session=session)
    return create_goal(actor, session.organisation, contributions=contributions, **fields)


def capture_demand(actor: Any, session: StrategySession, **demand_fields: Any) -> Demand:
    """A demand captured in a strategy session: in the session's department, linked to the session
    (see bearing.demand.services.create_demand for the keyword arguments)."""
    from bearing.demand.services import create_demand

    demand_fields.update(department=session.department, session=session)
    return create_demand(actor, session.organisation, **demand_fields)
