"""Core services: organisations with their calendar, memberships and the last-CIO rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bearing.core import services
from bearing.core.choices import Role
from bearing.core.models import AuditEntry, Membership, Organisation
from bearing.core.permissions import role_in
from bearing.core.tests.factories import make_user

ROLES = ("cio", "bio", "lead", "resource_manager", "viewer", "outsider")


def test_an_administrator_creates_an_organisation_with_its_calendar_and_becomes_cio(db):
    admin = make_user(is_superuser=True)
    org = services.create_organisation(admin, "Initech", "initech", 2028, first_quarter=3, quarters=6)
    assert org.calendar.labels() == ["2028-Q3", "2028-Q4", "2029-Q1", "2029-Q2", "2029-Q3", "2029-Q4"]
    assert role_in(admin, org) == Role.CIO
    entry = AuditEntry.objects.get(organisation=org)
    assert (entry.actor, entry.action, entry.after["calendar"]) == (admin, "create", ["2028-Q3", 6])


def test_the_system_creates_organisations_without_a_member(db):
    org = services.create_organisation(None, "Initech", "initech", 2028)
    assert org.calendar.quarters == 8
    assert not org.memberships.exists()


def test_an_ordinary_user_may_not_create_an_organisation(cast):
    with pytest.raises(PermissionDenied):
        services.create_organisation(cast.cio, "Initech", "initech", 2028)
    assert not Organisation.objects.filter(slug="initech").exists()


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        ({"name": "Acme", "slug": "acme-2"}, {"name"}),
        ({"name": "Initech", "slug": "not a slug"}, {"slug"}),
        ({"name": "Initech", "slug": "initech", "quarters": 0}, {"quarters"}),
        ({"name": "Initech", "slug": "initech", "first_quarter": 5}, {"first_quarter"}),
    ],
)
def test_organisation_values_are_checked(cast, fields, keys):
    count = Organisation.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_organisation(None, first_year=2028, **fields)
    assert set(exc.value.message_dict) == keys
    assert Organisation.objects.count() == count


@pytest.mark.parametrize("role", ROLES)
def test_memberships_are_set_by_the_cio_only(cast, role):
    newcomer = make_user(username="newcomer")
    actor = cast.user(role)
    if role == "cio":
        services.set_membership(actor, cast.org, newcomer, Role.BIO)
        assert role_in(newcomer, cast.org) == Role.BIO
        services.set_membership(actor, cast.org, newcomer, Role.VIEWER)
        assert Membership.objects.get(user=newcomer).role == Role.VIEWER
        update = AuditEntry.objects.get(action="update")
        assert (update.before["role"], update.after["role"], update.after["username"]) == ("bio", "viewer", "newcomer")
    else:
        with pytest.raises(PermissionDenied):
            services.set_membership(actor, cast.org, newcomer, Role.CIO)
        assert not Membership.objects.filter(user=newcomer).exists()
        assert not AuditEntry.objects.exists()


def test_an_unknown_role_is_a_field_error(cast):
    with pytest.raises(ValidationError) as exc:
        services.set_membership(cast.cio, cast.org, cast.viewer, "emperor")
    assert "role" in exc.value.message_dict


def test_the_last_cio_cannot_step_down_or_be_removed(cast):
    with pytest.raises(ValidationError) as exc:
        services.set_membership(cast.cio, cast.org, cast.cio, Role.VIEWER)
    assert "role" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.remove_membership(cast.cio, cast.org, cast.cio)
    assert Membership.objects.get(user=cast.cio).role == Role.CIO
    services.set_membership(cast.cio, cast.org, cast.viewer, Role.CIO)
    services.set_membership(cast.cio, cast.org, cast.cio, Role.VIEWER)
    assert Membership.objects.get(user=cast.cio).role == Role.VIEWER


def test_removing_a_member_drops_their_department_assignments(cast):
    services.remove_membership(cast.cio, cast.org, cast.bio, reason="left the company")
    services.remove_membership(cast.cio, cast.org, cast.lead)
    assert not Membership.objects.filter(user__in=[cast.bio, cast.lead], organisation=cast.org).exists()
    cast.sales.refresh_from_db()
    assert (cast.sales.lead, list(cast.sales.bios.all())) == (None, [])
    entry = AuditEntry.objects.filter(action="delete").order_by("id").first()
    assert (entry.before["bio_of"], entry.after, entry.reason) == (["Sales"], None, "left the company")
    assert role_in(cast.bio, cast.org) is None


@pytest.mark.parametrize("role", ["bio", "viewer", "outsider"])
def test_others_may_not_remove_members(cast, role):
    with pytest.raises(PermissionDenied):
        services.remove_membership(cast.user(role), cast.org, cast.viewer)
    assert Membership.objects.filter(user=cast.viewer).exists()


def test_removing_a_non_member_is_a_field_error(cast):
    with pytest.raises(ValidationError) as exc:
        services.remove_membership(cast.cio, cast.org, cast.outsider)
    assert "user" in exc.value.message_dict
