"""The one permission layer: who may do what to which object, per organisation and role.

Every page, API view and service asks here. A policy gives, for each action and role, a scope:
ALL objects of the organisation, only OWN departments' objects (a BIO's assigned departments, a
lead's departments), or none. Querysets are narrowed with `restrict_queryset`; single objects are
checked with `has_permission`; both read the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from bearing.core.choices import Role

__all__ = [
    "ALL",
    "OWN",
    "POLICIES",
    "Policy",
    "department_ids",
    "get_object_for_user",
    "has_model_permission",
    "has_permission",
    "require_model_permission",
    "require_permission",
    "restrict_queryset",
    "role_in",
]

_M = TypeVar("_M", bound=Model)

ALL = "all"
OWN = "own"

# role -> scope; keyed by the role's value (a `Role` is a str)
_EVERYONE: dict[str, str] = {role: ALL for role in Role.values}
_CIO: dict[str, str] = {Role.CIO: ALL}
_CIO_RM: dict[str, str] = {Role.CIO: ALL, Role.RESOURCE_MANAGER: ALL}
_DEPARTMENT_READ: dict[str, str] = {
    Role.CIO: ALL, Role.BIO: ALL, Role.RESOURCE_MANAGER: ALL, Role.VIEWER: ALL, Role.LEAD: OWN
}
_DEPARTMENT_WRITE: dict[str, str] = {Role.CIO: ALL, Role.BIO: OWN}


@dataclass(frozen=True)
class Policy:
    """`org_path`/`department_path`: lookups from the model to its organisation id and department;
    `scopes`: action -> role -> ALL/OWN; `conditions`: action -> role -> {field: value} that the
    object must also match (a lead changes only drafts)."""

    org_path: str
    department_path: str | None
    scopes: dict[str, dict[str, str]] = field(default_factory=dict)
    conditions: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)


POLICIES: dict[str, Policy] = {
    "core.Organisation": Policy("pk", None, {"view": _EVERYONE, "change": _CIO}),
    "core.PlanningCalendar": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO}),
    "core.Membership": Policy("organisation", None, {"view": _CIO, "change": _CIO}),
    "core.AuditEntry": Policy("organisation", None, {"view": _CIO}),
    "strategy.Objective": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO}),
    "strategy.Department": Policy("organisation", "pk", {"view": _EVERYONE, "change": _CIO}),
    "strategy.DepartmentGoal": Policy(
        "organisation", "department", {"view": _DEPARTMENT_READ, "change": _DEPARTMENT_WRITE}
    ),
    "strategy.StrategySession": Policy(
        "organisation", "department", {"view": _DEPARTMENT_READ, "change": _DEPARTMENT_WRITE}
    ),
    "demand.Demand": Policy(
        "organisation",
        "department",
        {
            "view": _DEPARTMENT_READ,
            # leads propose demands for their own departments (drafts; see demand.services)
            "change": {Role.CIO: ALL, Role.BIO: OWN, Role.LEAD: OWN},
            "estimate": {Role.CIO: ALL, Role.BIO: OWN, Role.RESOURCE_MANAGER: ALL},
            "comment": {Role.CIO: ALL, Role.BIO: OWN, Role.LEAD: OWN, Role.RESOURCE_MANAGER: ALL},
            "delete": _CIO,
        },
        conditions={"change": {Role.LEAD: {"status": "draft"}}},
    ),
    "capacity.Skill": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO_RM}),
    "capacity.Person": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO_RM}),
    "capacity.SkillCapacity": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO_RM}),
    "capacity.System": Policy("organisation", None, {"view": _EVERYONE, "change": _CIO_RM}),
}

# "add" and "delete" follow "change" unless a policy says otherwise.
_ACTION_FALLBACK = {"add": "change", "delete": "change"}


def _policy(model: type[Model]) -> Policy:
    try:
        return POLICIES[model._meta.label]
    except KeyError as exc:  # a new model must be given a policy before it is shown to users
        raise LookupError(f"no permission policy for {model._meta.label}") from exc


def _resolved_action(policy: Policy, action: str) -> str:
    if action in policy.scopes:
        return action
    return _ACTION_FALLBACK.get(action, action)


def _scopes(policy: Policy, action: str) -> dict[str, str]:
    return policy.scopes.get(_resolved_action(policy, action), {})


def _conditions(policy: Policy, action: str, role: str) -> dict[str, Any]:
    return policy.conditions.get(_resolved_action(policy, action), {}).get(role, {})


def _roles(user: Any) -> dict[int, str]:
    """organisation id -> role of `user`, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_bearing_roles", None)
    if cached is None:
        cached = dict(user.memberships.values_list("organisation_id", "role"))
        user._bearing_roles = cached
    return cached


def role_in(user: Any, organisation: Any) -> str | None:
    """The user's role in `organisation` (object or id), or None for an outsider."""
    org_id = getattr(organisation, "pk", organisation)
    return _roles(user).get(org_id)


def department_ids(user: Any, role: str) -> set[int]:
    """Departments a BIO is assigned to, or a lead leads; empty for other roles."""
    if role not in (Role.BIO, Role.LEAD):
        return set()
    attr = f"_bearing_departments_{role}"
    cached = getattr(user, attr, None)
    if cached is None:
        relation = user.bio_departments if role == Role.BIO else user.led_departments
        cached = set(relation.values_list("pk", flat=True))
        setattr(user, attr, cached)
    return cached


def restrict_queryset(queryset: QuerySet[_M], user: Any, action: str = "view", organisation: Any = None) -> QuerySet[_M]:
    """Narrow `queryset` to the objects `user` may `action`, in `organisation` if given."""
    policy = _policy(queryset.model)
    scopes = _scopes(policy, action)
    roles = _roles(user)
    if organisation is not None:
        org_id = getattr(organisation, "pk", organisation)
        roles = {org_id: roles[org_id]} if org_id in roles else {}
    condition = Q(pk__in=[])
    for org_id, role in roles.items():
        scope = scopes.get(role)
        extra = _conditions(policy, action, role)
        if scope == ALL:
            condition |= Q(**{policy.org_path: org_id}, **extra)
        elif scope == OWN and policy.department_path:
            depts = department_ids(user, role)
            condition |= Q(**{policy.org_path: org_id, f"{policy.department_path}__in": depts}, **extra)
    return queryset.filter(condition)


def _object_org_id(obj: Model, policy: Policy) -> int:
    org_id: int = obj.pk if policy.org_path == "pk" else getattr(obj, f"{policy.org_path}_id")
    return org_id


def _object_department_id(obj: Model, policy: Policy) -> int | None:
    if policy.department_path is None:
        return None
    path = policy.department_path
    department_id: int | None = obj.pk if path == "pk" else getattr(obj, f"{path}_id")
    return department_id


def has_permission(user: Any, action: str, obj: Model) -> bool:
    """May `user` take `action` on `obj`? No query beyond the cached roles and departments."""
    policy = _policy(type(obj))
    role = _roles(user).get(_object_org_id(obj, policy))
    if role is None:
        return False
    scope = _scopes(policy, action).get(role)
    if any(getattr(obj, name) != value for name, value in _conditions(policy, action, role).items()):
        return False
    if scope == ALL:
        return True
    if scope == OWN:
        return _object_department_id(obj, policy) in department_ids(user, role)
    return False


def has_model_permission(user: Any, action: str, model: type[Model], organisation: Any, department: Any = None) -> bool:
    """May `user` `action` (typically "add") objects of `model` in `organisation` — in
    `department` when given (OWN scopes need it)."""
    policy = _policy(model)
    role = role_in(user, organisation)
    if role is None:
        return False
    scope = _scopes(policy, action).get(role)
    if scope == ALL:
        return True
    if scope == OWN:
        if department is None:
            return bool(department_ids(user, role))
        return getattr(department, "pk", department) in department_ids(user, role)
    return False


def get_object_for_user(queryset: QuerySet[_M], user: Any, pk: Any, action: str = "view", organisation: Any = None) -> _M:
    """The object with `pk` if `user` may `action` it: 404 when they may not even see it (or it
    belongs to another organisation), 403 when they see it but may not `action` it."""
    visible = restrict_queryset(queryset, user, "view", organisation)
    try:
        obj = visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.")
    if action != "view" and not has_permission(user, action, obj):
        raise PermissionDenied(f"You may not {action} this {queryset.model._meta.verbose_name}.")
    return obj


def require_permission(user: Any, action: str, obj: Model) -> None:
    """Raise PermissionDenied unless `user` may `action` `obj`; `user` None is the system (loaders,
    commands) and may do anything."""
    if user is not None and not has_permission(user, action, obj):
        raise PermissionDenied(f"You may not {action} {obj._meta.verbose_name} “{obj}”.")


def require_model_permission(user: Any, action: str, model: type[Model], organisation: Any, department: Any = None) -> None:
    """Raise PermissionDenied unless `user` may `action` (typically "add") `model` objects in
    `organisation` (and `department` for OWN scopes); `user` None is the system."""
    if user is not None and not has_model_permission(user, action, model, organisation, department):
        raise PermissionDenied(f"You may not {action} {model._meta.verbose_name_plural} here.")
