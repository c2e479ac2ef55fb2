"""Strategy services: objectives and departments (CIO), goals and sessions (CIO and own
department BIOs), capture from a session, validation and cross-organisation links."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bearing.core.models import AuditEntry
from bearing.strategy import services
from bearing.strategy.choices import ObjectiveCategory
from bearing.strategy.models import Department, DepartmentGoal, Objective, StrategySession
from bearing.strategy.tests.factories import make_goal, make_objective, make_session

ROLES = ("cio", "bio", "lead", "resource_manager", "viewer", "outsider")
DEPARTMENT_WRITERS = {("cio", "sales"), ("cio", "finance"), ("bio", "sales")}


def _entry(obj, action="create"):
    return AuditEntry.objects.get(object_type=obj._meta.label, object_id=str(obj.pk), action=action)


@pytest.mark.parametrize("role", ROLES)
def test_objectives_are_written_by_the_cio_only(cast, role):
    actor = cast.user(role)
    fields = {"name": "Grow revenue", "category": ObjectiveCategory.REVENUE_GROWTH, "kpi_target": 12}
    if role == "cio":
        objective = services.create_objective(actor, cast.org, **fields)
        services.update_objective(actor, objective, weight=2.0, reason="board decision")
        objective.refresh_from_db()
        assert objective.weight == 2.0
        entry = _entry(objective, "update")
        assert (entry.actor, entry.before["weight"], entry.after["weight"], entry.reason) == (
            actor, 1.0, 2.0, "board decision"
        )
        services.delete_objective(actor, objective)
        assert not Objective.objects.exists()
    else:
        with pytest.raises(PermissionDenied):
            services.create_objective(actor, cast.org, **fields)
        objective = make_objective(organisation=cast.org, weight=1.0)
        with pytest.raises(PermissionDenied):
            services.update_objective(actor, objective, weight=2.0)
        with pytest.raises(PermissionDenied):
            services.delete_objective(actor, objective)
        objective.refresh_from_db()
        assert objective.weight == 1.0
        assert not AuditEntry.objects.exists()


def test_objective_names_are_unique_per_organisation(cast):
    make_objective(organisation=cast.org, name="Grow revenue")
    with pytest.raises(ValidationError) as exc:
        services.create_objective(cast.cio, cast.org, name="Grow revenue", category=ObjectiveCategory.OTHER)
    assert list(exc.value.message_dict) == ["name"]


def test_a_negative_objective_weight_is_rejected(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_objective(cast.cio, cast.org, name="X", category=ObjectiveCategory.OTHER, weight=-1)
    assert "weight" in exc.value.message_dict


@pytest.mark.parametrize("role", ROLES)
def test_departments_are_written_by_the_cio_only(cast, role):
    actor = cast.user(role)
    if role == "cio":
        department = services.create_department(actor, cast.org, name="Marketing", code="MKT", bios=[cast.bio],
                                                lead=cast.lead)
        assert _entry(department).after["bios"] == ["bio"]
        services.update_department(actor, department, bios=[])
        assert _entry(department, "update").after["bios"] == []
        assert not department.bios.exists()
    else:
        with pytest.raises(PermissionDenied):
            services.create_department(actor, cast.org, name="Marketing", code="MKT")
        with pytest.raises(PermissionDenied):
            services.update_department(actor, cast.sales, bios=[])
        assert Department.objects.filter(organisation=cast.org).count() == 2
        assert list(cast.sales.bios.all()) == [cast.bio]
        assert not AuditEntry.objects.exists()


def test_bios_must_be_bios_and_leads_members_of_the_organisation(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_department(cast.cio, cast.org, name="Marketing", code="MKT", bios=[cast.viewer],
                                   lead=cast.outsider)
    assert set(exc.value.message_dict) == {"bios", "lead"}
    assert "viewer" in exc.value.message_dict["bios"][0]


def test_assigning_a_bio_gives_them_the_department(cast):
    from bearing.core.permissions import has_model_permission

    bio = type(cast.bio).objects.get(pk=cast.bio.pk)
    assert not has_model_permission(bio, "add", DepartmentGoal, cast.org, cast.finance)
    services.update_department(cast.cio, cast.finance, bios=[bio])
    assert has_model_permission(bio, "add", DepartmentGoal, cast.org, cast.finance)


@pytest.mark.parametrize("department", ["sales", "finance"])
@pytest.mark.parametrize("role", ROLES)
def test_goals_per_role_and_department(cast, role, department):
    actor = cast.user(role)
    dept = getattr(cast, department)
    objective = make_objective(organisation=cast.org, name="Grow revenue")
    if (role, department) in DEPARTMENT_WRITERS:
        goal = services.create_goal(actor, cast.org, department=dept, title="More leads",
                                    contributions={objective: "high"})
        assert _entry(goal).after["contributions"] == {"Grow revenue": "high"}
        services.update_goal(actor, goal, contributions={objective: "low"}, reason="smaller market")
        entry = _entry(goal, "update")
        assert (entry.before["contributions"], entry.after["contributions"], entry.reason) == (
            {"Grow revenue": "high"}, {"Grow revenue": "low"}, "smaller market"
        )
        services.delete_goal(actor, goal)
        assert not DepartmentGoal.objects.exists()
    else:
        with pytest.raises(PermissionDenied):
            services.create_goal(actor, cast.org, department=dept, title="More leads")
        goal = make_goal(department=dept, title="Old")
        with pytest.raises(PermissionDenied):
            services.update_goal(actor, goal, title="New")
        with pytest.raises(PermissionDenied):
            services.delete_goal(actor, goal)
        goal.refresh_from_db()
        assert goal.title == "Old"
        assert not AuditEntry.objects.exists()


def test_a_bio_cannot_move_a_goal_to_a_department_not_theirs(cast):
    goal = make_goal(department=cast.sales)
    with pytest.raises(PermissionDenied):
        services.update_goal(cast.bio, goal, department=cast.finance)
    goal.refresh_from_db()
    assert goal.department == cast.sales


@pytest.mark.parametrize(
    ("contributions", "message"),
    [("foreign", "another organisation"), ("bad_strength", "not a contribution strength")],
)
def test_goal_contributions_are_checked(cast, contributions, message):
    objective = make_objective(organisation=cast.other_org if contributions == "foreign" else cast.org)
    strength = "huge" if contributions == "bad_strength" else "high"
    with pytest.raises(ValidationError) as exc:
        services.create_goal(cast.cio, cast.org, department=cast.sales, title="G", contributions={objective: strength})
    assert message in exc.value.message_dict["contributions"][0]
    assert not DepartmentGoal.objects.exists()


def test_a_goal_of_another_organisations_department_is_rejected(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_goal(cast.cio, cast.org, department=cast.other_department, title="G")
    assert "department" in exc.value.message_dict


@pytest.mark.parametrize("department", ["sales", "finance"])
@pytest.mark.parametrize("role", ROLES)
def test_sessions_per_role_and_department(cast, role, department):
    actor = cast.user(role)
    dept = getattr(cast, department)
    fields = {"department": dept, "title": "Q1 planning", "held_on": datetime.date(2027, 1, 12)}
    if (role, department) in DEPARTMENT_WRITERS:
        session = services.create_session(actor, cast.org, **fields)
        assert session.bio == (actor if role == "bio" else None)
        services.update_session(actor, session, notes="Pipeline is thin.")
        session.refresh_from_db()
        assert session.notes == "Pipeline is thin."
        assert _entry(session, "update").after["notes"] == "Pipeline is thin."
    else:
        with pytest.raises(PermissionDenied):
            services.create_session(actor, cast.org, **fields)
        session = make_session(department=dept, notes="")
        with pytest.raises(PermissionDenied):
            services.update_session(actor, session, notes="Pipeline is thin.")
        session.refresh_from_db()
        assert session.notes == ""
        assert not AuditEntry.objects.exists()


def test_a_session_bio_must_belong_to_the_organisation(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_session(cast.cio, cast.org, department=cast.sales, title="S",
                                held_on=datetime.date(2027, 1, 1), bio=cast.outsider)
    assert "bio" in exc.value.message_dict
    assert not StrategySession.objects.exists()


def test_a_session_needs_a_date(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_session(cast.cio, cast.org, department=cast.sales, title="S")
    assert "held_on" in exc.value.message_dict


def test_capture_goal_puts_it_in_the_session_and_its_department(cast):
    session = make_session(department=cast.sales)
    goal = services.capture_goal(cast.bio, session, title="Shorter sales cycle")
    goal.refresh_from_db()
    assert (goal.session, goal.department, goal.organisation) == (session, cast.sales, cast.org)
    with pytest.raises(PermissionDenied):
        services.capture_goal(cast.bio, make_session(department=cast.finance), title="Faster close")
    assert DepartmentGoal.objects.count() == 1
