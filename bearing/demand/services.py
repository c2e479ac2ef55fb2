"""Writes to demands: create and edit with effort, benefits, dependencies, systems and goals;
effort estimates; the status workflow; comments. Each write is permission-checked, validated
(field-keyed errors), atomic and recorded in the audit trail with the reason."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.functions import Length
from django.utils import timezone

from bearing.capacity.models import Skill, System
from bearing.core.audit import audit_entry, record_change, snapshot
from bearing.core.choices import Role
from bearing.core.models import AuditEntry, Organisation
from bearing.core.permissions import (
    department_ids,
    has_permission,
    require_model_permission,
    require_permission,
    role_in,
)
from bearing.core.services import apply_fields, raise_errors, validate_instance
from bearing.demand.choices import TRANSITIONS, DemandStatus, Transition
from bearing.demand.models import (
    Demand,
    DemandBenefit,
    DemandComment,
    DemandEffort,
    DemandSystemUse,
)
from bearing.strategy.models import DepartmentGoal, Objective

__all__ = [
    "add_comment",
    "allowed_transitions",
    "create_demand",
    "delete_demand",
    "demand_snapshot",
    "estimate_effort",
    "find_dependency_cycle",
    "transition_demand",
    "transition_demands",
    "update_demand",
]

Efforts = dict[Skill, Any]
Benefits = dict[Objective, Any]
SystemUses = dict[System, tuple[Any, bool]]

# Rows per query when many demands are read or written at once (SQLite's limit on parameters).
_BATCH = 500


def _batches(pks: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(pks), _BATCH):
        yield pks[i : i + _BATCH]


def demand_snapshot(demand: Demand) -> dict[str, Any]:
    """The demand's fields with its child rows: effort by skill code, benefit by objective,
    required demands, system uses and goals."""
    if demand.pk is None:
        return snapshot(demand)
    return snapshot(demand, _child_rows([demand.pk])[demand.pk])


def _child_rows(pks: list[int]) -> dict[int, dict[str, Any]]:
    """`demand_snapshot`'s child rows of many demands, in five queries (batches of 500)."""
    rows: dict[int, dict[str, Any]] = {
        pk: {"efforts": {}, "benefits": {}, "requires": [], "system_uses": {}, "goals": []} for pk in pks
    }
    for part in _batches(pks):
        for pk, code, hours in DemandEffort.objects.filter(demand_id__in=part).values_list(
            "demand_id", "skill__code", "hours"
        ):
            rows[pk]["efforts"][code] = hours
        for pk, name, score in DemandBenefit.objects.filter(demand_id__in=part).values_list(
            "demand_id", "objective__name", "score"
        ):
            rows[pk]["benefits"][name] = score
        for pk, ref in Demand.requires.through.objects.filter(from_demand_id__in=part).values_list(
            "from_demand_id", "to_demand__reference"
        ):
            rows[pk]["requires"].append(ref)
        for pk, code, units, is_change in DemandSystemUse.objects.filter(demand_id__in=part).values_list(
            "demand_id", "system__code", "units", "is_change"
        ):
            rows[pk]["system_uses"][code] = {"units": float(units), "is_change": is_change}
        for pk, title in Demand.goals.through.objects.filter(demand_id__in=part).values_list(
            "demand_id", "departmentgoal__title"
        ):
            rows[pk]["goals"].append(title)
    return rows


# Validation


def _amount(value: Any) -> Decimal:
    """An amount as stored (once `_children_errors` has accepted it)."""
    return Decimal(str(value))


def _decimal(value: Any) -> Decimal | None:
    try:
        return _amount(value)
    except (InvalidOperation, ValueError, TypeError):
        return None


def _other_org(items: Any, organisation_id: int) -> list[str]:
    return sorted(str(item) for item in items if item.organisation_id != organisation_id)


def _children_errors(
    demand: Demand,
    efforts: Efforts | None,
    benefits: Benefits | None,
    requires: list[Demand] | None,
    system_uses: SystemUses | None,
    goals: list[DepartmentGoal] | None,
) -> dict[str, list[str]]:
    """Field-keyed errors of the child rows: amounts in range, everything in the demand's
    organisation, no dependency cycle."""
    org_id = demand.organisation_id
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for skill, hours in (efforts or {}).items():
        amount = _decimal(hours)
        if amount is None or amount < 0:
            add("efforts", f"Effort hours must be a number of zero or more ({skill}: {hours}).")
    for objective, score in (benefits or {}).items():
        amount = _decimal(score)
        if amount is None or not 0 <= amount <= 10:
            add("benefits", f"A benefit score is between 0 and 10 ({objective}: {score}).")
    for system, (units, _is_change) in (system_uses or {}).items():
        amount = _decimal(units)
        if amount is None or amount < 0:
            add("system_uses", f"System units must be a number of zero or more ({system}: {units}).")
    for key, items in (("efforts", efforts), ("benefits", benefits), ("requires", requires),
                       ("system_uses", system_uses), ("goals", goals)):
        outside = _other_org(items or (), org_id)
        if outside:
            add(key, f"These belong to another organisation: {', '.join(outside)}.")
    if requires and "requires" not in errors:
        cycle = find_dependency_cycle(demand, requires)
        if cycle:
            add("requires", "These dependencies form a cycle: " + " → ".join(d.reference for d in cycle) + ".")
    return errors


def find_dependency_cycle(demand: Demand, requires: list[Demand]) -> list[Demand] | None:
    """The cycle that making `demand` require `requires` would close, as the demands along it from
    `demand` back to itself ([D-3, D-7, D-3]), or None. Reads the organisation's dependency graph
    in one query; `demand`'s current requirements are replaced, so they are ignored."""
    if demand.pk is None:
        return None
    through = Demand.requires.through
    edges: dict[int, list[int]] = {}
    pairs = through.objects.filter(from_demand__organisation_id=demand.organisation_id).exclude(
        from_demand_id=demand.pk
    ).values_list("from_demand_id", "to_demand_id")
    for source, target in pairs:
        edges.setdefault(source, []).append(target)
    by_id = {r.pk: r for r in requires}
    for first in requires:
        # depth-first search for a path first -> ... -> demand, keeping the path
        path = [first.pk]
        stack = [iter(edges.get(first.pk, ()))] if first.pk != demand.pk else []
        seen = {first.pk}
        found = first.pk == demand.pk
        while stack and not found:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                path.pop()
                continue
            if nxt == demand.pk:
                found = True
                break
            if nxt not in seen:
                seen.add(nxt)
                path.append(nxt)
                stack.append(iter(edges.get(nxt, ())))
        if found:
            ids = [demand.pk] + (path if first.pk != demand.pk else []) + [demand.pk]
            known = {demand.pk: demand} | by_id
            missing = [i for i in ids if i not in known]
            known |= Demand.objects.in_bulk(missing)
            return [known[i] for i in ids]
    return None


# Writing child rows


def _set_children(
    demand: Demand,
    efforts: Efforts | None,
    benefits: Benefits | None,
    requires: list[Demand] | None,
    system_uses: SystemUses | None,
    goals: list[DepartmentGoal] | None,
) -> None:
    if efforts is not None:
        demand.efforts.all().delete()
        DemandEffort.objects.bulk_create(
            DemandEffort(demand=demand, skill=skill, hours=_amount(hours)) for skill, hours in efforts.items()
        )
    if benefits is not None:
        demand.benefits.all().delete()
        DemandBenefit.objects.bulk_create(
            DemandBenefit(demand=demand, objective=objective, score=_amount(score))
            for objective, score in benefits.items()
        )
    if system_uses is not None:
        demand.system_uses.all().delete()
        DemandSystemUse.objects.bulk_create(
            DemandSystemUse(demand=demand, system=system, units=_amount(units), is_change=bool(is_change))
            for system, (units, is_change) in system_uses.items()
        )
    if requires is not None:
        demand.requires.set(requires)
    if goals is not None:
        demand.goals.set(goals)


def _next_reference(organisation_id: int) -> str:
    """"D-0001" for the first demand of the organisation, then one more than the highest."""
    last = (
        Demand.objects.filter(organisation_id=organisation_id, reference__regex=r"^D-[0-9]+$")
        .annotate(reference_length=Length("reference"))
        .order_by("-reference_length", "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last[2:]) + 1 if last else 1
    return f"D-{number:04d}"


# Create, edit, estimate, delete


def create_demand(
    actor: Any,
    organisation: Organisation,
    *,
    efforts: Efforts | None = None,
    benefits: Benefits | None = None,
    requires: list[Demand] | None = None,
    system_uses: SystemUses | None = None,
    goals: list[DepartmentGoal] | None = None,
    **fields: Any,
) -> Demand:
    """A new draft demand of a department (CIO; a BIO or lead of that department), proposed by
    `actor`. `efforts` are total hours by skill, `benefits` 0–10 scores by objective,
    `system_uses` (units, is_change) by system. The reference "D-0001" … is assigned when not
    given. Only the system (`actor` None, e.g. loaders) may set another status than draft."""
    requires = list(requires) if requires is not None else None
    goals = list(goals) if goals is not None else None
    if actor is not None and fields.get("status", DemandStatus.DRAFT) != DemandStatus.DRAFT:
        raise ValidationError({"status": "A new demand starts as a draft; use the workflow to move it."})
    fields.setdefault("proposed_by", actor)
    demand = Demand(organisation=organisation, **fields)
    require_model_permission(actor, "add", Demand, organisation, demand.department_id)
    if not demand.reference:
        demand.reference = _next_reference(organisation.pk)
    errors = _children_errors(demand, efforts, benefits, requires, system_uses, goals)
    validate_instance(demand, errors)
    with transaction.atomic():
        demand.save()
        _set_children(demand, efforts, benefits, requires, system_uses, goals)
        record_change(actor=actor, organisation=organisation, action="create", obj=demand, before=None,
                      after=demand_snapshot(demand))
    return demand


def _require_edit(actor: Any, demand: Demand) -> None:
    """Leads edit only drafts of their own departments, BIOs their own departments, CIOs all."""
    if actor is None:
        return
    if not has_permission(actor, "change", demand):
        if role_in(actor, demand.organisation_id) == Role.LEAD and demand.department_id in department_ids(actor, Role.LEAD):
            raise PermissionDenied("A department lead may edit only draft demands.")
        raise PermissionDenied(f"You may not change demand {demand.reference}.")


def update_demand(
    actor: Any,
    demand: Demand,
    *,
    efforts: Efforts | None = None,
    benefits: Benefits | None = None,
    requires: list[Demand] | None = None,
    system_uses: SystemUses | None = None,
    goals: list[DepartmentGoal] | None = None,
    reason: str = "",
    **fields: Any,
) -> Demand:
    """Change a demand's fields and, where given, replace its child rows (None leaves them as
    they are). The status moves only through `transition_demand`."""
    _require_edit(actor, demand)
    requires = list(requires) if requires is not None else None
    goals = list(goals) if goals is not None else None
    if actor is not None and "status" in fields and fields["status"] != demand.status:
        raise ValidationError({"status": "The status changes only through the workflow."})
    before = demand_snapshot(demand)
    apply_fields(demand, fields, immutable=("organisation", "proposed_by"))
    require_model_permission(actor, "change", Demand, demand.organisation_id, demand.department_id)
    errors = _children_errors(demand, efforts, benefits, requires, system_uses, goals)
    validate_instance(demand, errors)
    with transaction.atomic():
        demand.save()
        _set_children(demand, efforts, benefits, requires, system_uses, goals)
        record_change(actor=actor, organisation=demand.organisation_id, action="update", obj=demand,
                      before=before, after=demand_snapshot(demand), reason=reason)
    return demand


def estimate_effort(actor: Any, demand: Demand, efforts: Efforts, reason: str = "") -> Demand:
    """Replace the demand's effort estimate: total hours by skill (resource managers and CIOs; a
    BIO for their departments)."""
    require_permission(actor, "estimate", demand)
    raise_errors(_children_errors(demand, efforts, None, None, None, None))
    before = demand_snapshot(demand)
    with transaction.atomic():
        _set_children(demand, efforts, None, None, None, None)
        record_change(actor=actor, organisation=demand.organisation_id, action="estimate", obj=demand,
                      before=before, after=demand_snapshot(demand), reason=reason)
    return demand


def delete_demand(actor: Any, demand: Demand, reason: str = "") -> None:
    """Delete a demand with its child rows (CIO). Demands that others require cannot be deleted."""
    require_permission(actor, "delete", demand)
    dependants = list(demand.required_by.values_list("reference", flat=True))
    if dependants:
        raise ValidationError({"requires": f"Required by {', '.join(sorted(dependants))}; remove those dependencies first."})
    with transaction.atomic():
        record_change(actor=actor, organisation=demand.organisation_id, action="delete", obj=demand,
                      before=demand_snapshot(demand), after=None, reason=reason)
        try:
            demand.delete()
        except ProtectedError as exc:  # pragma: no cover - no protected relation points at demands today
            raise ValidationError({"__all__": f"{demand.reference} is still in use."}) from exc


# Workflow


def _may_take(user: Any, demand: Demand, roles: frozenset[str]) -> bool:
    """Does the user hold one of `roles` in the demand's organisation — for BIOs and leads, in
    one of their own departments?"""
    role = role_in(user, demand.organisation_id)
    if role is None or role not in roles:
        return False
    if role in (Role.BIO, Role.LEAD):
        return demand.department_id in department_ids(user, role)
    return True


def allowed_transitions(user: Any, demand: Demand) -> list[Transition]:
    """The transitions `user` may take on `demand` in its current status (for the buttons)."""
    return [
        Transition(name)
        for name, (sources, _target, roles, _needs_reason) in TRANSITIONS.items()
        if demand.status in sources and _may_take(user, demand, roles)
    ]


def transition_demand(actor: Any, demand: Demand, transition: str, reason: str = "") -> Demand:
    """Move the demand along the workflow (see demand.choices.TRANSITIONS for who may take which
    step from where, and which need a reason)."""
    return transition_demands(actor, [demand], transition, reason)[0]


def transition_demands(actor: Any, demands: list[Demand], transition: str, reason: str = "") -> list[Demand]:
    """`transition_demand` for many demands at once — all or none, one audit entry each — in a
    number of queries that does not grow with each demand (publishing a plan moves thousands:
    one by one, 3,884 demands took a minute)."""
    if transition not in TRANSITIONS:
        raise ValidationError({"transition": f"Unknown transition “{transition}”."})
    step = Transition(transition)
    sources, target, roles, needs_reason = TRANSITIONS[step]
    for demand in demands:
        if actor is not None and not _may_take(actor, demand, roles):
            raise PermissionDenied(f"You may not {step.label.lower()} demand {demand.reference}.")
    reason = (reason or "").strip()
    if not demands:
        return []
    with transaction.atomic():
        pks = [d.pk for d in demands]
        locked = {
            d.pk: d for part in _batches(pks) for d in Demand.objects.select_for_update().filter(pk__in=part)
        }
        for demand in demands:
            current = locked[demand.pk]
            if current.status not in sources:
                raise ValidationError({"transition": (
                    f"A {current.get_status_display().lower()} demand cannot be moved by “{step.label}”."
                )})
        if needs_reason and not reason:
            raise ValidationError({"reason": f"Give a reason to {step.label.lower()} the demand."})
        children = _child_rows(list(locked))
        now = timezone.now()
        entries = []
        for pk, current in locked.items():
            before = snapshot(current, children[pk])
            current.status, current.updated_at = target, now
            entries.append(audit_entry(
                actor=actor, organisation=current.organisation_id, action=f"transition:{target}",
                obj=current, before=before, after=snapshot(current, children[pk]), reason=reason,
            ))
        for part in _batches(pks):
            Demand.objects.filter(pk__in=part).update(status=target, updated_at=now)
        AuditEntry.objects.bulk_create(entries, batch_size=_BATCH)
    for demand in demands:
        demand.status, demand.updated_at = target, now
    return demands


def add_comment(actor: Any, demand: Demand, text: str) -> DemandComment:
    """A comment on the demand (CIO, resource managers; BIOs and leads of its department)."""
    require_permission(actor, "comment", demand)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write a comment."})
    with transaction.atomic():
        comment = DemandComment.objects.create(demand=demand, author=actor, text=text)
        record_change(actor=actor, organisation=demand.organisation_id, action="comment", obj=demand,
                      before=None, after={"comment": text})
    return comment
