"""Form helpers shared by every app's pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

__all__ = [
    "MemberChoiceField",
    "MembersChoiceField",
    "apply_service_errors",
    "members_of",
    "save_with_service",
]

T = TypeVar("T")


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on `form`: field-keyed messages next to their field,
    the rest (and keys the form has no field for) at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            if target is None and field != NON_FIELD_ERRORS:
                label = field.replace("_", " ").capitalize()
                errors = [f"{label}: {message}" for e in errors for message in e.messages]
            form.add_error(target, errors)
    else:
        form.add_error(None, error.messages)


def save_with_service(form: forms.BaseForm, write: Callable[[dict[str, Any]], T]) -> T | None:
    """Validate `form`, then call `write(cleaned_data)` (a service call); return its result, or
    None with the service's errors added to the form. PermissionDenied propagates (a 403)."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None


def members_of(organisation: Any, role: str | None = None):
    """Users who are members of `organisation` (with `role` when given), by name."""
    condition: dict[str, Any] = {"memberships__organisation": organisation}
    if role is not None:
        condition["memberships__role"] = role
    return (
        get_user_model()
        .objects.filter(**condition)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


def _user_label(user: Any) -> str:
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class MemberChoiceField(forms.ModelChoiceField):
    """One member of the organisation, shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)


class MembersChoiceField(forms.ModelMultipleChoiceField):
    """Several members of the organisation, shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return _user_label(obj)
