"""Writes to organisations and memberships, and the helpers every app's services share:
validation with field-keyed errors and applying keyword fields to a model instance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, Model

from bearing.core.audit import record_change, snapshot
from bearing.core.choices import Role
from bearing.core.models import Membership, Organisation, PlanningCalendar
from bearing.core.permissions import require_model_permission

__all__ = [
    "apply_fields",
    "create_organisation",
    "forget_cached_permissions",
    "raise_errors",
    "remove_membership",
    "set_membership",
    "validate_instance",
]


def raise_errors(errors: dict[str, list[str]]) -> None:
    """Raise one ValidationError keyed by field when `errors` holds any message."""
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


def _unique_field(error: ValidationError) -> str | None:
    """The field a unique-constraint error belongs to: the last field other than organisation."""
    check = (error.params or {}).get("unique_check") if hasattr(error, "params") else None
    if not check:
        return None
    fields = [name for name in check if name != "organisation"]
    return fields[-1] if fields else None


def _floats_to_decimals(obj: Model) -> None:
    """Floats given for decimal fields (0.2) become the decimals they read as, not their binary
    expansion, so decimal-places validation judges what the user typed."""
    for f in obj._meta.concrete_fields:
        if isinstance(f, DecimalField):
            value = getattr(obj, f.attname)
            if isinstance(value, float):
                setattr(obj, f.attname, Decimal(str(value)))


def validate_instance(obj: Model, errors: dict[str, list[str]] | None = None, exclude: list[str] | None = None) -> None:
    """Run `full_clean` on `obj` and raise field-keyed errors, merged with `errors` found by the
    caller. A unique-constraint violation over (organisation, field) is reported on the field."""
    merged: dict[str, list[str]] = {key: list(value) for key, value in (errors or {}).items()}
    _floats_to_decimals(obj)
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        for key, items in exc.error_dict.items():
            for item in items:
                target = _unique_field(item) if key == NON_FIELD_ERRORS else None
                if target:
                    # a unique constraint's field is a concrete field (a relation has no verbose name)
                    label = getattr(obj._meta.get_field(target), "verbose_name", target)
                    merged.setdefault(target, []).append(
                        f"A {obj._meta.verbose_name} with this {label} already exists in the organisation."
                    )
                else:
                    merged.setdefault(key, []).extend(item.messages)
    raise_errors(merged)


def apply_fields(obj: Model, fields: dict[str, Any], immutable: tuple[str, ...] = ("organisation",)) -> None:
    """Set keyword `fields` on `obj`; unknown names are a programming error (TypeError), fields in
    `immutable` a validation error."""
    by_name = {f.name: f for f in obj._meta.concrete_fields} | {f.attname: f for f in obj._meta.concrete_fields}
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        field = by_name.get(name)
        if field is None:
            raise TypeError(f"{type(obj).__name__} has no field {name!r}")
        if field.name in immutable:
            if getattr(obj, field.attname) != getattr(value, "pk", value):
                errors.setdefault(field.name, []).append(f"The {field.verbose_name} cannot be changed.")
            continue
        setattr(obj, name, value)
    raise_errors(errors)


def forget_cached_permissions(*users: Any) -> None:
    """Drop the roles and departments cached on user objects after they change."""
    for user in users:
        for attr in ("_bearing_roles", "_bearing_departments_bio", "_bearing_departments_lead"):
            if hasattr(user, attr):
                delattr(user, attr)


def _membership_snapshot(membership: Membership) -> dict[str, Any]:
    return snapshot(membership, {"username": membership.user.get_username()})


def create_organisation(
    actor: Any, name: str, slug: str, first_year: int, first_quarter: int = 1, quarters: int = 8
) -> Organisation:
    """A new organisation with its planning calendar of `quarters` quarters from
    `first_year`-Q`first_quarter`. Only superusers (or the system) create organisations; the
    creating user becomes its CIO."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("Only an administrator may create organisations.")
    organisation = Organisation(name=name, slug=slug)
    calendar = PlanningCalendar(first_year=first_year, first_quarter=first_quarter, quarters=quarters)
    errors: dict[str, list[str]] = {}
    try:
        calendar.full_clean(exclude=["organisation"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    validate_instance(organisation, errors)
    with transaction.atomic():
        organisation.save()
        calendar.organisation = organisation
        calendar.save()
        if actor is not None:
            Membership.objects.create(user=actor, organisation=organisation, role=Role.CIO)
            forget_cached_permissions(actor)
        record_change(
            actor=actor, organisation=organisation, action="create", obj=organisation, before=None,
            after=snapshot(organisation, {"calendar": [calendar.label(0), calendar.quarters]}),
        )
    return organisation


def _ensure_a_cio_remains(organisation: Organisation, user: Any) -> None:
    others = Membership.objects.filter(organisation=organisation, role=Role.CIO).exclude(user=user)
    if not others.exists():
        raise ValidationError({"role": "The organisation needs at least one CIO."})


def set_membership(actor: Any, organisation: Organisation, user: Any, role: str) -> Membership:
    """Give `user` `role` in `organisation` (creating or changing the membership). CIOs only; the
    last CIO cannot be demoted."""
    require_model_permission(actor, "change", Membership, organisation)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(organisation=organisation, user=user).first()
        before = _membership_snapshot(membership) if membership else None
        if membership is not None and membership.role == Role.CIO and role != Role.CIO:
            _ensure_a_cio_remains(organisation, user)
        if membership is None:
            membership = Membership(organisation=organisation, user=user)
        membership.role = role
        membership.save()
        record_change(
            actor=actor, organisation=organisation, action="create" if before is None else "update",
            obj=membership, before=before, after=_membership_snapshot(membership),
        )
    forget_cached_permissions(user)
    return membership


def remove_membership(actor: Any, organisation: Organisation, user: Any, reason: str = "") -> None:
    """Remove `user` from `organisation`: the membership, their BIO assignments and department
    leads there. CIOs only; the last CIO cannot be removed."""
    from bearing.strategy.models import Department

    require_model_permission(actor, "change", Membership, organisation)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(organisation=organisation, user=user).first()
        if membership is None:
            raise ValidationError({"user": f"{user} is not a member of {organisation}."})
        if membership.role == Role.CIO:
            _ensure_a_cio_remains(organisation, user)
        before = _membership_snapshot(membership)
        departments = Department.objects.filter(organisation=organisation)
        before["bio_of"] = sorted(departments.filter(bios=user).values_list("name", flat=True))
        before["lead_of"] = sorted(departments.filter(lead=user).values_list("name", flat=True))
        Department.bios.through.objects.filter(department__organisation=organisation, user=user).delete()
        departments.filter(lead=user).update(lead=None)
        record_change(
            actor=actor, organisation=organisation, action="delete", obj=membership, before=before, after=None,
            reason=reason,
        )
        membership.delete()
    forget_cached_permissions(user)
