"""Writes to skills, people, skill capacity and systems (CIO and IT resource managers), and the
skill hours per quarter derived from people."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError

from bearing.capacity.models import Person, PersonAvailability, Skill, SkillCapacity, System
from bearing.core.audit import record_change, snapshot
from bearing.core.models import Organisation, PlanningCalendar
from bearing.core.permissions import require_model_permission, require_permission
from bearing.core.services import apply_fields, validate_instance

__all__ = [
    "clear_skill_capacity",
    "create_person",
    "create_skill",
    "create_system",
    "delete_person",
    "delete_skill",
    "delete_system",
    "derived_skill_hours",
    "set_skill_capacity",
    "update_person",
    "update_skill",
    "update_system",
]


# Shared create/update/delete for the simple models

# the models written through `_create` and `_update`
_M = TypeVar("_M", Skill, System)


def _create(actor: Any, model: type[_M], organisation: Organisation, fields: dict[str, Any]) -> _M:
    require_model_permission(actor, "add", model, organisation)
    obj = model(organisation=organisation, **fields)
    validate_instance(obj)
    with transaction.atomic():
        obj.save()
        record_change(actor=actor, organisation=organisation, action="create", obj=obj, before=None,
                      after=snapshot(obj))
    return obj


def _update(actor: Any, obj: _M, fields: dict[str, Any], reason: str) -> _M:
    require_permission(actor, "change", obj)
    before = snapshot(obj)
    apply_fields(obj, fields)
    validate_instance(obj)
    with transaction.atomic():
        obj.save()
        record_change(actor=actor, organisation=obj.organisation_id, action="update", obj=obj, before=before,
                      after=snapshot(obj), reason=reason)
    return obj


def _delete(actor: Any, obj: Any, before: dict[str, Any], reason: str, in_use: str) -> None:
    require_permission(actor, "delete", obj)
    try:
        with transaction.atomic():
            record_change(actor=actor, organisation=obj.organisation_id, action="delete", obj=obj, before=before,
                          after=None, reason=reason)
            obj.delete()
    except ProtectedError as exc:
        users = sorted({str(getattr(o, "demand", o)) for o in exc.protected_objects})
        raise ValidationError({"__all__": f"{obj} {in_use}: {', '.join(users[:10])}"
                                          f"{' …' if len(users) > 10 else ''}."}) from exc


# Skills


def create_skill(actor: Any, organisation: Organisation, **fields: Any) -> Skill:
    """A new skill (CIO, resource managers)."""
    return _create(actor, Skill, organisation, fields)


def update_skill(actor: Any, skill: Skill, *, reason: str = "", **fields: Any) -> Skill:
    """Change a skill (CIO, resource managers)."""
    return _update(actor, skill, fields, reason)


def delete_skill(actor: Any, skill: Skill, reason: str = "") -> None:
    """Delete a skill no demand needs effort of, with its capacity overrides."""
    _delete(actor, skill, snapshot(skill), reason, "is needed by demands")


# People


def _person_snapshot(person: Person) -> dict[str, Any]:
    return snapshot(person, {
        "skills": list(person.skills.values_list("code", flat=True)),
        "availability": {str(q): fte for q, fte in person.availability.values_list("quarter", "fte")},
    })


def _person_errors(person: Person, skills: list[Skill] | None, availability: dict[int, Any] | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    outside = sorted(str(s) for s in skills or () if s.organisation_id != person.organisation_id)
    if outside:
        errors["skills"] = [f"These belong to another organisation: {', '.join(outside)}."]
    if availability:
        calendar = PlanningCalendar.objects.filter(organisation_id=person.organisation_id).first()
        quarters = calendar.quarters if calendar else 0
        messages = []
        for quarter, fte in availability.items():
            try:
                amount = Decimal(str(fte))
            except (InvalidOperation, ValueError):
                amount = None
            if not isinstance(quarter, int) or not 0 <= quarter < quarters:
                messages.append(f"Quarter {quarter} is outside the planning calendar.")
            if amount is None or not 0 <= amount <= Decimal("1.5"):
                messages.append(f"FTE must be between 0 and 1.5 (quarter {quarter}: {fte}).")
        if messages:
            errors["availability"] = messages
    return errors


def _set_person_children(person: Person, skills: list[Skill] | None, availability: dict[int, Any] | None) -> None:
    if skills is not None:
        person.skills.set(skills)
    if availability is not None:
        person.availability.all().delete()
        PersonAvailability.objects.bulk_create(
            PersonAvailability(person=person, quarter=quarter, fte=Decimal(str(fte)))
            for quarter, fte in availability.items()
        )


def create_person(actor: Any, organisation: Organisation, *, skills: Any = (),
                  availability: dict[int, Any] | None = None, **fields: Any) -> Person:
    """A new member of IT with skills and, where it differs from `fte`, FTE by quarter index."""
    require_model_permission(actor, "add", Person, organisation)
    skills = list(skills)
    person = Person(organisation=organisation, **fields)
    validate_instance(person, _person_errors(person, skills, availability))
    with transaction.atomic():
        person.save()
        _set_person_children(person, skills, availability or {})
        record_change(actor=actor, organisation=organisation, action="create", obj=person, before=None,
                      after=_person_snapshot(person))
    return person


def update_person(actor: Any, person: Person, *, skills: Any = None, availability: dict[int, Any] | None = None,
                  reason: str = "", **fields: Any) -> Person:
    """Change a person; `skills` and `availability` (all per-quarter FTE) replace the current ones
    when given."""
    require_permission(actor, "change", person)
    skills = list(skills) if skills is not None else None
    before = _person_snapshot(person)
    apply_fields(person, fields)
    validate_instance(person, _person_errors(person, skills, availability))
    with transaction.atomic():
        person.save()
        _set_person_children(person, skills, availability)
        record_change(actor=actor, organisation=person.organisation_id, action="update", obj=person,
                      before=before, after=_person_snapshot(person), reason=reason)
    return person


def delete_person(actor: Any, person: Person, reason: str = "") -> None:
    """Delete a person with their skills and availability."""
    _delete(actor, person, _person_snapshot(person), reason, "is in use")


# Skill capacity


def set_skill_capacity(actor: Any, skill: Skill, quarter: int, hours: Any, note: str = "") -> SkillCapacity:
    """Enter the hours of `skill` available in `quarter`, overriding the hours derived from people."""
    require_model_permission(actor, "change", SkillCapacity, skill.organisation_id)
    existing = SkillCapacity.objects.filter(skill=skill, quarter=quarter).first()
    before = snapshot(existing) if existing else None
    capacity = existing or SkillCapacity(organisation_id=skill.organisation_id, skill=skill, quarter=quarter)
    capacity.hours = hours
    capacity.note = note
    errors: dict[str, list[str]] = {}
    calendar = PlanningCalendar.objects.filter(organisation_id=skill.organisation_id).first()
    if calendar is None or not isinstance(quarter, int) or not 0 <= quarter < calendar.quarters:
        errors["quarter"] = [f"Quarter {quarter} is outside the planning calendar."]
    validate_instance(capacity, errors)
    with transaction.atomic():
        capacity.save()
        record_change(actor=actor, organisation=skill.organisation_id, action="create" if before is None else "update",
                      obj=capacity, before=before, after=snapshot(capacity))
    return capacity


def clear_skill_capacity(actor: Any, skill: Skill, quarter: int) -> bool:
    """Remove the entered hours of `skill` in `quarter`, so the derived hours apply again.
    Returns whether there was an entry."""
    require_model_permission(actor, "change", SkillCapacity, skill.organisation_id)
    with transaction.atomic():
        existing = SkillCapacity.objects.filter(skill=skill, quarter=quarter).first()
        if existing is None:
            return False
        record_change(actor=actor, organisation=skill.organisation_id, action="delete", obj=existing,
                      before=snapshot(existing), after=None)
        existing.delete()
    return True


# Systems


def create_system(actor: Any, organisation: Organisation, **fields: Any) -> System:
    """A new system with its capacity and utilisation (CIO, resource managers)."""
    return _create(actor, System, organisation, fields)


def update_system(actor: Any, system: System, *, reason: str = "", **fields: Any) -> System:
    """Change a system (CIO, resource managers)."""
    return _update(actor, system, fields, reason)


def delete_system(actor: Any, system: System, reason: str = "") -> None:
    """Delete a system no demand uses."""
    _delete(actor, system, snapshot(system), reason, "is used by demands")


# Derived capacity


def derived_skill_hours(organisation: Organisation, hours_per_fte: float | None = None) -> dict[int, list[float]]:
    """Hours per quarter of every skill of the organisation available to demands: over people,
    FTE in the quarter × `hours_per_fte` (default settings.HOURS_PER_FTE_QUARTER) × (1 − operations
    share), split evenly across the person's skills; an entered SkillCapacity wins. Six queries,
    whatever the size."""
    if hours_per_fte is None:
        hours_per_fte = settings.HOURS_PER_FTE_QUARTER
    calendar = PlanningCalendar.objects.filter(organisation=organisation).first()
    quarters = calendar.quarters if calendar else 0
    result: dict[int, list[float]] = {
        pk: [0.0] * quarters for pk in Skill.objects.filter(organisation=organisation).values_list("pk", flat=True)
    }
    skills_of: dict[int, list[int]] = defaultdict(list)
    for person_id, skill_id in Person.skills.through.objects.filter(person__organisation=organisation).values_list(
        "person_id", "skill_id"
    ):
        skills_of[person_id].append(skill_id)
    overrides: dict[int, dict[int, float]] = defaultdict(dict)
    for person_id, quarter, fte in PersonAvailability.objects.filter(person__organisation=organisation).values_list(
        "person_id", "quarter", "fte"
    ):
        overrides[person_id][quarter] = float(fte)
    for person_id, fte, operations_share in Person.objects.filter(organisation=organisation).values_list(
        "pk", "fte", "operations_share"
    ):
        skills = skills_of.get(person_id)
        if not skills:
            continue
        project_share = (1.0 - float(operations_share)) * hours_per_fte / len(skills)
        person_overrides = overrides.get(person_id, {})
        for quarter in range(quarters):
            hours = person_overrides.get(quarter, float(fte)) * project_share
            for skill_id in skills:
                result[skill_id][quarter] += hours
    for skill_id, quarter, set_hours in SkillCapacity.objects.filter(organisation=organisation).values_list(
        "skill_id", "quarter", "hours"
    ):
        if skill_id in result and 0 <= quarter < quarters:
            result[skill_id][quarter] = float(set_hours)
    return result
