"""Small `make_*` helpers for core objects; they write rows directly with the ORM (no services)."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth import get_user_model

from bearing.core.choices import Role
from bearing.core.models import Membership, Organisation, PlanningCalendar

__all__ = ["make_membership", "make_organisation", "make_user"]

_seq = itertools.count(1)


def make_user(**overrides: Any):
    """A user with a unique username; `password` (default "pw") is hashed."""
    n = next(_seq)
    password = overrides.pop("password", "pw")
    fields: dict[str, Any] = {"username": f"user{n}", "email": f"user{n}@example.com"}
    fields.update(overrides)
    user = get_user_model()(**fields)
    user.set_password(password)
    user.save()
    return user


def make_organisation(*, calendar: bool = True, first_year: int = 2027, first_quarter: int = 1,
                      quarters: int = 8, **overrides: Any) -> Organisation:
    """An organisation with a planning calendar of `quarters` quarters from 2027-Q1."""
    n = next(_seq)
    fields: dict[str, Any] = {"name": f"Organisation {n}", "slug": f"org-{n}"}
    fields.update(overrides)
    org = Organisation.objects.create(**fields)
    if calendar:
        PlanningCalendar.objects.create(
            organisation=org, first_year=first_year, first_quarter=first_quarter, quarters=quarters
        )
    return org


def make_membership(user, organisation: Organisation, role: str = Role.VIEWER) -> Membership:
    """Give `user` `role` in `organisation`."""
    return Membership.objects.create(user=user, organisation=organisation, role=role)
