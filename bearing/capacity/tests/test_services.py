"""Capacity services: who may change skills, people, capacity and systems; validation; and the
skill hours derived from people, worked out by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from bearing.capacity import services
from bearing.capacity.choices import SystemKind
from bearing.capacity.models import Person, Skill, SkillCapacity, System
from bearing.capacity.tests.factories import (
    make_person,
    make_skill,
    make_skill_capacity,
    make_system,
)
from bearing.core.models import AuditEntry
from bearing.demand.tests.factories import make_demand, make_effort

ROLES = ("cio", "bio", "lead", "resource_manager", "viewer", "outsider")
WRITERS = {"cio", "resource_manager"}


def _entry(obj):
    return AuditEntry.objects.get(object_type=obj._meta.label, object_id=str(obj.pk))


# Permission matrix


@pytest.mark.parametrize("role", ROLES)
def test_create_skill_per_role(cast, role):
    actor = cast.user(role)
    if role in WRITERS:
        skill = services.create_skill(actor, cast.org, name="Java", code="java")
        entry = _entry(skill)
        assert (entry.actor, entry.action, entry.after["code"]) == (actor, "create", "java")
    else:
        with pytest.raises(PermissionDenied):
            services.create_skill(actor, cast.org, name="Java", code="java")
        assert not Skill.objects.exists()
        assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_update_and_delete_system_per_role(cast, role):
    actor = cast.user(role)
    system = make_system(organisation=cast.org, name="ERP", capacity_units=100)
    if role in WRITERS:
        services.update_system(actor, system, capacity_units=120, reason="licences bought")
        system.refresh_from_db()
        assert system.capacity_units == 120
        entry = _entry(system)
        assert (entry.before["capacity_units"], entry.after["capacity_units"], entry.reason) == (
            100.0, 120.0, "licences bought"
        )
        services.delete_system(actor, system)
        assert not System.objects.exists()
    else:
        with pytest.raises(PermissionDenied):
            services.update_system(actor, system, capacity_units=120)
        with pytest.raises(PermissionDenied):
            services.delete_system(actor, system)
        system.refresh_from_db()
        assert system.capacity_units == 100
        assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_create_and_update_person_per_role(cast, role):
    actor = cast.user(role)
    java = make_skill(organisation=cast.org, code="java")
    sql = make_skill(organisation=cast.org, code="sql")
    if role in WRITERS:
        person = services.create_person(actor, cast.org, name="Ada", skills=[java], availability={1: 0.5})
        assert list(person.skills.all()) == [java]
        assert _entry(person).after["availability"] == {"1": 0.5}
        services.update_person(actor, person, skills=[java, sql], availability={}, fte=0.8)
        person.refresh_from_db()
        assert (set(person.skills.all()), person.availability.count(), float(person.fte)) == ({java, sql}, 0, 0.8)
        update = AuditEntry.objects.get(action="update")
        assert (update.before["skills"], update.after["skills"]) == (["java"], ["java", "sql"])
        assert (update.before["availability"], update.after["availability"]) == ({"1": 0.5}, {})
    else:
        with pytest.raises(PermissionDenied):
            services.create_person(actor, cast.org, name="Ada", skills=[java])
        assert not Person.objects.exists()
        person = make_person(organisation=cast.org, name="Bob")
        with pytest.raises(PermissionDenied):
            services.update_person(actor, person, name="Robert")
        person.refresh_from_db()
        assert person.name == "Bob"
        assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_set_and_clear_skill_capacity_per_role(cast, role):
    actor = cast.user(role)
    skill = make_skill(organisation=cast.org)
    if role in WRITERS:
        capacity = services.set_skill_capacity(actor, skill, 2, 480, note="contractors")
        assert (float(capacity.hours), capacity.note) == (480.0, "contractors")
        services.set_skill_capacity(actor, skill, 2, 500)
        assert SkillCapacity.objects.get().hours == 500
        assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == ["create", "update"]
        assert services.clear_skill_capacity(actor, skill, 2) is True
        assert services.clear_skill_capacity(actor, skill, 2) is False
        assert not SkillCapacity.objects.exists()
        assert AuditEntry.objects.filter(action="delete").get().before["hours"] == 500.0
    else:
        with pytest.raises(PermissionDenied):
            services.set_skill_capacity(actor, skill, 2, 480)
        make_skill_capacity(skill, 3, 100)
        with pytest.raises(PermissionDenied):
            services.clear_skill_capacity(actor, skill, 3)
        assert list(SkillCapacity.objects.values_list("quarter", flat=True)) == [3]
        assert not AuditEntry.objects.exists()


# Validation


def test_duplicate_skill_code_is_reported_on_the_code(cast):
    make_skill(organisation=cast.org, name="Java", code="java")
    with pytest.raises(ValidationError) as exc:
        services.create_skill(cast.cio, cast.org, name="Java EE", code="java")
    assert list(exc.value.message_dict) == ["code"]
    # the same code is free in another organisation
    services.create_skill(cast.outsider, cast.other_org, name="Java", code="java")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"fte": 2}, "fte"),
        ({"operations_share": 1.5}, "operations_share"),
        ({"availability": {8: 1.0}}, "availability"),
        ({"availability": {1: -0.1}}, "availability"),
    ],
)
def test_person_values_out_of_range_are_rejected(cast, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.create_person(cast.cio, cast.org, name="Ada", **kwargs)
    assert field in exc.value.message_dict
    assert not Person.objects.exists()


def test_a_person_cannot_have_a_skill_of_another_organisation(cast):
    foreign = make_skill(organisation=cast.other_org)
    with pytest.raises(ValidationError) as exc:
        services.create_person(cast.cio, cast.org, name="Ada", skills=[foreign])
    assert "skills" in exc.value.message_dict


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"capacity_units": 10, "utilised_units": 11}, "utilised_units"),
        ({"capacity_units": -1}, "capacity_units"),
        ({"kind": "spaceship"}, "kind"),
    ],
)
def test_system_values_are_checked(cast, fields, field):
    with pytest.raises(ValidationError) as exc:
        services.create_system(cast.cio, cast.org, **({"name": "ERP", "code": "erp", "kind": SystemKind.APPLICATION} | fields))
    assert field in exc.value.message_dict
    assert not System.objects.exists()


def test_a_system_cannot_be_owned_by_another_organisations_department(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_system(cast.cio, cast.org, name="ERP", code="erp", kind=SystemKind.APPLICATION,
                               owner_department=cast.other_department)
    assert "owner_department" in exc.value.message_dict


@pytest.mark.parametrize(("quarter", "hours", "field"), [(8, 10, "quarter"), (-1, 10, "quarter"), (0, -5, "hours")])
def test_skill_capacity_must_be_in_the_calendar_and_not_negative(cast, quarter, hours, field):
    skill = make_skill(organisation=cast.org)
    with pytest.raises(ValidationError) as exc:
        services.set_skill_capacity(cast.cio, skill, quarter, hours)
    assert field in exc.value.message_dict
    assert not SkillCapacity.objects.exists()


def test_a_skill_that_demands_need_is_not_deleted(cast):
    skill = make_skill(organisation=cast.org, name="Java")
    make_effort(make_demand(department=cast.sales, reference="D-0042"), skill, 10)
    with pytest.raises(ValidationError, match="D-0042"):
        services.delete_skill(cast.cio, skill)
    assert Skill.objects.filter(pk=skill.pk).exists()
    assert not AuditEntry.objects.exists()


def test_an_unused_skill_is_deleted_with_an_entry(cast):
    skill = make_skill(organisation=cast.org, code="cobol")
    services.delete_skill(cast.resource_manager, skill, reason="retired")
    assert not Skill.objects.exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.before["code"], entry.after, entry.reason) == ("delete", "cobol", None, "retired")


# Derived skill hours


@pytest.fixture
def team(cast):
    """Hand-built team, 400 hours per FTE per quarter, calendar of 8 quarters:
    Alice  1.0 FTE, 25 % operations, dev            -> dev 300 a quarter
    Bob    0.5 FTE,  0 % operations, dev + ops      -> 100 each a quarter; Q2 away (0 FTE), Q3 full time (1.0 -> 200 each)
    Carol  1.0 FTE, 100 % operations, ops           -> nothing for demands
    Dan    no skills                                -> nothing
    dev has 50 hours entered for Q5, which overrides the derived 400.
    A person of the other organisation with a dev skill counts nowhere here."""
    dev = make_skill(organisation=cast.org, code="dev")
    ops = make_skill(organisation=cast.org, code="ops")
    sec = make_skill(organisation=cast.org, code="sec")
    make_person(organisation=cast.org, name="Alice", fte=1, operations_share=0.25, skills=[dev])
    make_person(organisation=cast.org, name="Bob", fte=0.5, operations_share=0, skills=[dev, ops],
                availability={2: 0, 3: 1})
    make_person(organisation=cast.org, name="Carol", fte=1, operations_share=1, skills=[ops])
    make_person(organisation=cast.org, name="Dan", fte=1, operations_share=0)
    make_skill_capacity(dev, 5, 50)
    foreign = make_skill(organisation=cast.other_org, code="dev")
    make_person(organisation=cast.other_org, fte=1, operations_share=0, skills=[foreign])
    return {"dev": dev, "ops": ops, "sec": sec}


def test_derived_skill_hours_by_hand(cast, team):
    hours = services.derived_skill_hours(cast.org, hours_per_fte=400)
    assert set(hours) == {team["dev"].pk, team["ops"].pk, team["sec"].pk}
    assert hours[team["dev"].pk] == pytest.approx([400, 400, 300, 500, 400, 50, 400, 400])
    assert hours[team["ops"].pk] == pytest.approx([100, 100, 0, 200, 100, 100, 100, 100])
    assert hours[team["sec"].pk] == [0.0] * 8


@override_settings(HOURS_PER_FTE_QUARTER=100)
def test_derived_skill_hours_default_to_the_setting(cast, team):
    hours = services.derived_skill_hours(cast.org)
    # Alice 1.0 x 100 x 0.75 + Bob 0.5 x 100 / 2 = 100; Q5 is entered as 50
    assert hours[team["dev"].pk] == pytest.approx([100, 100, 75, 125, 100, 50, 100, 100])


def test_a_skill_capacity_of_zero_overrides_people(cast, team):
    make_skill_capacity(team["ops"], 0, 0)
    assert services.derived_skill_hours(cast.org, hours_per_fte=400)[team["ops"].pk][0] == 0


def test_derived_skill_hours_take_six_queries_whatever_the_size(cast, team, django_assert_num_queries):
    with django_assert_num_queries(6):
        services.derived_skill_hours(cast.org, hours_per_fte=400)
    for n in range(20):
        make_person(organisation=cast.org, skills=[team["dev"], team["sec"]], availability={n % 8: 0.5})
    with django_assert_num_queries(6):
        hours = services.derived_skill_hours(cast.org, hours_per_fte=400)
    # each new person: 1.0 FTE x 400 x 0.8 / 2 skills = 160, or 80 in their half-time quarter
    assert sum(hours[team["sec"].pk]) == pytest.approx(20 * (7 * 160 + 80))
