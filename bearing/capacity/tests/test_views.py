"""Capacity pages: skills, people, the capacity table and systems — permissions per role,
saving through the services with an audit entry, validation, htmx cells, query counts."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bearing.capacity.models import Person, Skill, SkillCapacity, System
from bearing.capacity.tests.factories import (
    make_person,
    make_skill,
    make_skill_capacity,
    make_system,
)
from bearing.capacity.views import support_state
from bearing.core.models import AuditEntry
from bearing.demand.tests.factories import make_demand, make_system_use

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
EDITORS = ("cio", "resource_manager")
READERS = ("bio", "lead", "viewer")


@pytest.fixture
def world(cast):
    cast.skill = make_skill(organisation=cast.org, name="Java", code="java")
    cast.person = make_person(organisation=cast.org, name="Ada", skills=[cast.skill], fte=1, operations_share=Decimal("0.5"))
    cast.system = make_system(organisation=cast.org, name="CRM", code="crm", capacity_units=100, utilised_units=40)
    return cast


def login(client, user):
    client.force_login(user)
    return client


def audits(model) -> int:
    return AuditEntry.objects.filter(object_type=model._meta.label).count()


def urls(world):
    """(name, kwargs) of every capacity page."""
    return [
        ("capacity", {}), ("skill_list", {}), ("skill_create", {}), ("skill_detail", {"pk": world.skill.pk}),
        ("skill_edit", {"pk": world.skill.pk}), ("person_list", {}), ("person_create", {}),
        ("person_detail", {"pk": world.person.pk}), ("person_edit", {"pk": world.person.pk}),
        ("system_list", {}), ("system_create", {}), ("system_detail", {"pk": world.system.pk}),
        ("system_edit", {"pk": world.system.pk}),
        ("capacity_cell", {"skill_pk": world.skill.pk, "quarter": 0}),
    ]


def test_anonymous_is_sent_to_login_everywhere(client, world):
    for name, kwargs in urls(world) + [("capacity_cell_clear", {"skill_pk": world.skill.pk, "quarter": 0})]:
        response = client.post(reverse(f"capacity:{name}", kwargs=kwargs))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


@pytest.mark.parametrize("role", [*EDITORS, *READERS])
def test_every_page_status_per_role(client, world, role):
    login(client, world.user(role))
    for name, kwargs in urls(world):
        is_edit = name.endswith(("_create", "_edit"))
        expected = 200 if (not is_edit or role in EDITORS) else 403
        response = client.get(reverse(f"capacity:{name}", kwargs=kwargs))
        if name == "capacity_cell":
            assert response.status_code == 302, name  # without ?edit the cell leads back to the table
        else:
            assert response.status_code == expected, (name, role)


def test_outsider_gets_404_for_objects_of_another_organisation(client, world):
    login(client, world.outsider)
    for name, kwargs in urls(world):
        if kwargs:
            response = client.get(reverse(f"capacity:{name}", kwargs=kwargs), {"edit": "1"})
            assert response.status_code == 404, name
    response = client.post(reverse("capacity:skill_edit", kwargs={"pk": world.skill.pk}), {"name": "X", "code": "x"})
    assert response.status_code == 404
    world.skill.refresh_from_db()
    assert world.skill.name == "Java"


def test_outsider_lists_show_nothing_of_the_other_organisation(client, world):
    login(client, world.outsider)
    assert "Java" not in client.get(reverse("capacity:skill_list")).content.decode()
    assert "Ada" not in client.get(reverse("capacity:person_list")).content.decode()
    assert "CRM" not in client.get(reverse("capacity:system_list")).content.decode()


# Skills --------------------------------------------------------------------------------------

def test_resource_manager_creates_a_skill_with_an_audit_entry(client, world):
    response = login(client, world.resource_manager).post(
        reverse("capacity:skill_create"), {"name": "Python", "code": "python"}
    )
    skill = Skill.objects.get(organisation=world.org, code="python")
    assert response.status_code == 302
    assert response["Location"] == reverse("capacity:skill_detail", kwargs={"pk": skill.pk})
    entry = AuditEntry.objects.get(object_type="capacity.Skill", object_id=str(skill.pk))
    assert entry.action == "create" and entry.actor == world.resource_manager


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_create_or_edit_skills(client, world, role):
    login(client, world.user(role))
    assert client.post(reverse("capacity:skill_create"), {"name": "Python", "code": "python"}).status_code == 403
    response = client.post(reverse("capacity:skill_edit", kwargs={"pk": world.skill.pk}), {"name": "Cobol", "code": "java"})
    assert response.status_code == 403
    world.skill.refresh_from_db()
    assert world.skill.name == "Java"
    assert not Skill.objects.filter(code="python").exists()
    assert audits(Skill) == 0


def test_cio_edits_a_skill(client, world):
    response = login(client, world.cio).post(
        reverse("capacity:skill_edit", kwargs={"pk": world.skill.pk}), {"name": "Java & Kotlin", "code": "java"}
    )
    assert response.status_code == 302
    world.skill.refresh_from_db()
    assert world.skill.name == "Java & Kotlin"
    entry = AuditEntry.objects.get(object_type="capacity.Skill", object_id=str(world.skill.pk))
    assert entry.before["name"] == "Java" and entry.after["name"] == "Java & Kotlin"


def test_duplicate_skill_code_is_shown_next_to_the_field(client, world):
    response = login(client, world.cio).post(reverse("capacity:skill_create"), {"name": "Other", "code": "java"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Skill.objects.filter(organisation=world.org).count() == 1
    assert audits(Skill) == 0


# People --------------------------------------------------------------------------------------

def test_person_list_shows_skills_fte_and_operations_share(client, world):
    body = login(client, world.viewer).get(reverse("capacity:person_list")).content.decode()
    assert "Ada" in body and "Java" in body and "50%" in body and "1.00" in body


def test_person_list_query_count_does_not_grow_with_rows(client, world):
    login(client, world.cio)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("capacity:person_list")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(30):
        make_person(organisation=world.org, name=f"P{i}", skills=[world.skill])
    assert count() == few


def test_resource_manager_creates_a_person_with_skills_and_availability(client, world):
    data = {
        "name": "Grace", "team": "Platform", "skills": [world.skill.pk], "fte": "0.8", "operations_share": "0.25",
        "availability-q2": "0.4",
    }
    response = login(client, world.resource_manager).post(reverse("capacity:person_create"), data)
    assert response.status_code == 302
    person = Person.objects.get(name="Grace")
    assert list(person.skills.all()) == [world.skill]
    assert {a.quarter: a.fte for a in person.availability.all()} == {2: Decimal("0.40")}
    assert AuditEntry.objects.filter(object_type="capacity.Person", object_id=str(person.pk), action="create").exists()


def test_person_edit_replaces_availability_and_prefills(client, world):
    login(client, world.cio)
    url = reverse("capacity:person_edit", kwargs={"pk": world.person.pk})
    data = {"name": "Ada", "skills": [world.skill.pk], "fte": "1", "operations_share": "0.5", "availability-q1": "0.5"}
    assert client.post(url, data).status_code == 302
    assert {a.quarter: a.fte for a in world.person.availability.all()} == {1: Decimal("0.50")}
    assert 'name="availability-q1" value="0.50"' in client.get(url).content.decode()


def test_invalid_fte_is_shown_next_to_the_field_and_nothing_saved(client, world):
    data = {"name": "Grace", "fte": "3", "operations_share": "0.2", "availability-q0": "-1"}
    response = login(client, world.cio).post(reverse("capacity:person_create"), data)
    assert response.status_code == 200
    assert "fte" in response.context["form"].errors
    assert "q0" in response.context["availability_form"].errors
    assert not Person.objects.filter(name="Grace").exists()


def test_viewer_cannot_create_people(client, world):
    response = login(client, world.viewer).post(reverse("capacity:person_create"), {"name": "Grace", "fte": "1", "operations_share": "0"})
    assert response.status_code == 403
    assert not Person.objects.filter(name="Grace").exists()


# Capacity table ------------------------------------------------------------------------------

def test_capacity_table_shows_hours_derived_from_people_and_overrides(client, world, settings):
    settings.HOURS_PER_FTE_QUARTER = 400
    make_skill_capacity(world.skill, 3, 999)
    body = login(client, world.viewer).get(reverse("capacity:capacity")).content.decode()
    assert "2027-Q1" in body and "2027-Q4" in body
    assert _cell_text(body, world.skill, 0).startswith("200")  # 1 FTE × 400 h × (1 − 0.5)
    assert _cell_text(body, world.skill, 3).startswith("999 override")
    assert "?edit=1" not in body  # viewers cannot edit cells


def _cell_text(body: str, skill, quarter: int) -> str:
    """The visible text of one cell of the capacity table."""
    start = body.index(f'id="cell-{skill.pk}-{quarter}"')
    cell = body[start:body.index("</td>", start)]
    return " ".join(re.sub(r"<[^>]+>", " ", cell.split(">", 1)[1]).split())


def test_capacity_cells_are_editable_for_resource_managers(client, world):
    body = login(client, world.resource_manager).get(reverse("capacity:capacity")).content.decode()
    assert reverse("capacity:capacity_cell", kwargs={"skill_pk": world.skill.pk, "quarter": 0}) + "?edit=1" in body


def test_htmx_cell_edit_form_and_save(client, world):
    login(client, world.resource_manager)
    url = reverse("capacity:capacity_cell", kwargs={"skill_pk": world.skill.pk, "quarter": 2})
    form = client.get(url, {"edit": "1"}, **HTMX)
    assert form.status_code == 200
    assert "<html" not in form.content.decode() and 'name="hours"' in form.content.decode()
    response = client.post(url, {"hours": "321", "note": "contractor"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and "321" in body and "override" in body
    capacity = SkillCapacity.objects.get(skill=world.skill, quarter=2)
    assert capacity.hours == Decimal("321.0") and capacity.note == "contractor"
    assert AuditEntry.objects.filter(object_type="capacity.SkillCapacity", actor=world.resource_manager).count() == 1


def test_non_htmx_cell_save_redirects_to_the_table(client, world):
    url = reverse("capacity:capacity_cell", kwargs={"skill_pk": world.skill.pk, "quarter": 1})
    login(client, world.cio)
    assert "<html" in client.get(url, {"edit": "1"}).content.decode()
    response = client.post(url, {"hours": "50"})
    assert response.status_code == 302 and response["Location"] == reverse("capacity:capacity")
    assert SkillCapacity.objects.get(skill=world.skill, quarter=1).hours == 50


def test_negative_cell_hours_are_refused(client, world):
    url = reverse("capacity:capacity_cell", kwargs={"skill_pk": world.skill.pk, "quarter": 1})
    response = login(client, world.cio).post(url, {"hours": "-5"}, **HTMX)
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert not SkillCapacity.objects.exists()


def test_cell_outside_the_calendar_is_404(client, world):
    url = reverse("capacity:capacity_cell", kwargs={"skill_pk": world.skill.pk, "quarter": 8})
    assert login(client, world.cio).post(url, {"hours": "5"}).status_code == 404
    assert not SkillCapacity.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_set_or_clear_capacity(client, world, role):
    make_skill_capacity(world.skill, 0, 10)
    login(client, world.user(role))
    url = reverse("capacity:capacity_cell", kwargs={"skill_pk": world.skill.pk, "quarter": 0})
    assert client.post(url, {"hours": "5"}, **HTMX).status_code == 403
    assert client.get(url, {"edit": "1"}, **HTMX).status_code == 403
    clear = reverse("capacity:capacity_cell_clear", kwargs={"skill_pk": world.skill.pk, "quarter": 0})
    assert client.post(clear, **HTMX).status_code == 403
    assert SkillCapacity.objects.get(skill=world.skill, quarter=0).hours == 10
    assert audits(SkillCapacity) == 0


def test_clearing_an_override_returns_the_derived_hours(client, world, settings):
    settings.HOURS_PER_FTE_QUARTER = 400
    make_skill_capacity(world.skill, 0, 10)
    clear = reverse("capacity:capacity_cell_clear", kwargs={"skill_pk": world.skill.pk, "quarter": 0})
    response = login(client, world.resource_manager).post(clear, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "200" in body and "override" not in body
    assert not SkillCapacity.objects.exists()
    assert AuditEntry.objects.filter(object_type="capacity.SkillCapacity", action="delete").count() == 1


def test_capacity_table_query_count_does_not_grow_with_skills(client, world):
    login(client, world.cio)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("capacity:capacity")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(20):
        skill = make_skill(organisation=world.org, name=f"S{i}", code=f"s{i}")
        make_person(organisation=world.org, skills=[skill])
        make_skill_capacity(skill, 1, 5)
    assert count() == few


# Systems -------------------------------------------------------------------------------------

def test_support_state_relative_to_the_calendar_start(world):
    calendar = world.org.calendar  # starts 2027-Q1
    today = datetime.date(2026, 6, 1)
    system = System(end_of_support=datetime.date(2026, 12, 31))
    assert support_state(system, calendar, today) == "past"
    system.end_of_support = datetime.date(2027, 5, 1)
    assert support_state(system, calendar, today) == "soon"
    system.end_of_support = datetime.date(2027, 7, 1)
    assert support_state(system, calendar, today) == ""
    system.end_of_support = None
    assert support_state(system, calendar, today) == ""


def test_system_list_highlights_end_of_support_and_shows_utilisation(client, world):
    make_system(organisation=world.org, name="Mainframe", code="mf", end_of_support=datetime.date(2020, 1, 1))
    body = login(client, world.viewer).get(reverse("capacity:system_list")).content.decode()
    assert "out of support" in body and "eos-past" in body
    assert "40%" in body and 'style="width: 40%"' in body


def test_system_list_filters_and_has_constant_queries(client, world):
    login(client, world.cio)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("capacity:system_list")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(25):
        make_system(organisation=world.org, name=f"Sys {i}", code=f"sys-{i}", owner_department=world.finance)
    assert count() == few
    body = client.get(reverse("capacity:system_list"), {"owner_department": world.finance.pk}).content.decode()
    assert "Sys 3" in body and "CRM" not in body


def test_cio_creates_a_system(client, world):
    data = {"name": "ERP", "code": "erp", "kind": "application", "criticality": "high",
            "owner_department": world.finance.pk, "end_of_support": "2028-06-30", "capacity_unit": "licences",
            "capacity_units": "500", "utilised_units": "100"}
    response = login(client, world.cio).post(reverse("capacity:system_create"), data)
    assert response.status_code == 302
    system = System.objects.get(code="erp")
    assert system.owner_department == world.finance and system.end_of_support == datetime.date(2028, 6, 30)
    assert AuditEntry.objects.filter(object_type="capacity.System", object_id=str(system.pk), action="create").exists()


def test_utilisation_above_capacity_is_shown_next_to_the_field(client, world):
    data = {"name": "CRM", "code": "crm", "kind": "application", "criticality": "medium", "capacity_unit": "licences",
            "capacity_units": "10", "utilised_units": "20"}
    response = login(client, world.resource_manager).post(
        reverse("capacity:system_edit", kwargs={"pk": world.system.pk}), data
    )
    assert response.status_code == 200
    assert "utilised_units" in response.context["form"].errors
    world.system.refresh_from_db()
    assert world.system.capacity_units == 100
    assert audits(System) == 0


def test_system_detail_lists_only_demands_the_user_may_see(client, world):
    own = make_demand(organisation=world.org, department=world.sales, title="Sales thing")
    other = make_demand(organisation=world.org, department=world.finance, title="Finance thing")
    make_system_use(own, world.system)
    make_system_use(other, world.system)
    url = reverse("capacity:system_detail", kwargs={"pk": world.system.pk})
    body = login(client, world.lead).get(url).content.decode()
    assert "Sales thing" in body and "Finance thing" not in body
    body = login(client, world.cio).get(url).content.decode()
    assert "Finance thing" in body
