"""The fixed test cast: one organisation with two departments and a user per role, plus an
outsider who is CIO of another organisation.

    org                 organisation "Acme" (calendar 2027-Q1, 8 quarters)
    sales, finance      departments of org
    cio                 CIO of org
    bio                 BIO of org, assigned to sales only
    lead                department lead of org, leads sales only
    resource_manager    IT resource manager of org
    viewer              viewer of org
    outsider            CIO of other_org (nothing of org is theirs)
    other_org           another organisation, with department other_department

Every user's password is "pw". Permission caches live on user objects; after changing a
membership or department assignment in a test, re-fetch the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from bearing.core.choices import Role
from bearing.core.models import Organisation
from bearing.core.tests.factories import make_membership, make_organisation, make_user
from bearing.strategy.models import Department
from bearing.strategy.tests.factories import make_department

__all__ = ["ROLE_NAMES", "Cast", "make_cast"]

# Cast attribute names of the users, in a stable order (handy for parametrised tests).
ROLE_NAMES = ("cio", "bio", "lead", "resource_manager", "viewer", "outsider")


@dataclass
class Cast:
    org: Organisation
    other_org: Organisation
    sales: Department
    finance: Department
    other_department: Department
    cio: AbstractBaseUser
    bio: AbstractBaseUser
    lead: AbstractBaseUser
    resource_manager: AbstractBaseUser
    viewer: AbstractBaseUser
    outsider: AbstractBaseUser

    def user(self, name: str) -> AbstractBaseUser:
        """The cast member called `name` ("cio", "bio", ...)."""
        return getattr(self, name)


def make_cast() -> Cast:
    """Build the cast in the database (needs DB access)."""
    org = make_organisation(name="Acme", slug="acme")
    other_org = make_organisation(name="Globex", slug="globex")
    users = {name: make_user(username=name, first_name=name.replace("_", " ").title()) for name in ROLE_NAMES}
    for name in ("cio", "bio", "lead", "resource_manager", "viewer"):
        make_membership(users[name], org, Role(name))
    make_membership(users["outsider"], other_org, Role.CIO)
    sales = make_department(organisation=org, name="Sales", code="SAL", lead=users["lead"], bios=[users["bio"]])
    finance = make_department(organisation=org, name="Finance", code="FIN")
    other_department = make_department(organisation=other_org, name="Sales", code="SAL")
    return Cast(
        org=org, other_org=other_org, sales=sales, finance=finance, other_department=other_department, **users
    )
