"""Strategy pages: the permission matrix for every view, writes through the services (saved and
audited, or refused and unchanged), validation errors next to fields, htmx capture from a
session, and list pages whose query count does not grow with their rows."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bearing.core.models import AuditEntry
from bearing.demand.choices import DemandStatus
from bearing.demand.models import Demand
from bearing.demand.tests.factories import make_benefit, make_demand
from bearing.strategy.models import (
    Department,
    DepartmentGoal,
    GoalContribution,
    Objective,
    StrategySession,
)
from bearing.strategy.tests.factories import (
    make_department,
    make_goal,
    make_objective,
    make_session,
)

ROLES = ("cio", "bio", "lead", "resource_manager", "viewer")


@pytest.fixture
def world(cast):
    """An objective, a goal and a session in sales and in finance, on top of the cast."""
    cast.objective = make_objective(organisation=cast.org, name="Grow revenue")
    cast.sales_goal = make_goal(
        department=cast.sales, title="Win more deals", contributions={cast.objective: "high"}
    )
    cast.finance_goal = make_goal(department=cast.finance, title="Close faster")
    cast.sales_session = make_session(department=cast.sales, title="Sales kick-off")
    cast.finance_session = make_session(department=cast.finance, title="Finance review")
    return cast


def audit_count(obj=None, action=None) -> int:
    entries = AuditEntry.objects.all()
    if obj is not None:
        entries = entries.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    if action is not None:
        entries = entries.filter(action=action)
    return entries.count()


def field_block(response, name: str) -> str:
    """The HTML of one field's block (label, input, errors) as rendered by form_field.html."""
    html = response.content.decode()
    match = re.search(
        rf'<div class="field has-error" id="field-{name}">(.*?)\n</div>', html, re.DOTALL
    )
    assert match, f"no error block for {name}"
    return match.group(1)


def login(client, cast, name):
    client.force_login(cast.user(name))
    return client


# URL name -> (how to build the args from the world, expected status per role)
OK_ALL = dict.fromkeys(ROLES, 200)
CIO_ONLY = {"cio": 200, "bio": 403, "lead": 403, "resource_manager": 403, "viewer": 403}
CIO_BIO = {"cio": 200, "bio": 200, "lead": 403, "resource_manager": 403, "viewer": 403}
PAGES = [
    ("strategy:objective_list", lambda w: [], OK_ALL),
    ("strategy:objective_detail", lambda w: [w.objective.pk], OK_ALL),
    ("strategy:objective_create", lambda w: [], CIO_ONLY),
    ("strategy:objective_edit", lambda w: [w.objective.pk], CIO_ONLY),
    ("strategy:objective_delete", lambda w: [w.objective.pk], CIO_ONLY),
    ("strategy:department_list", lambda w: [], OK_ALL),
    ("strategy:department_detail", lambda w: [w.sales.pk], OK_ALL),
    ("strategy:department_create", lambda w: [], CIO_ONLY),
    ("strategy:department_edit", lambda w: [w.sales.pk], CIO_ONLY),
    ("strategy:goal_list", lambda w: [], OK_ALL),
    ("strategy:goal_detail", lambda w: [w.sales_goal.pk], OK_ALL),
    ("strategy:goal_detail", lambda w: [w.finance_goal.pk], {**OK_ALL, "lead": 404}),
    ("strategy:goal_create", lambda w: [], CIO_BIO),
    ("strategy:goal_edit", lambda w: [w.sales_goal.pk], CIO_BIO),
    ("strategy:goal_edit", lambda w: [w.finance_goal.pk], {**CIO_ONLY, "lead": 404}),
    ("strategy:goal_delete", lambda w: [w.sales_goal.pk], CIO_BIO),
    ("strategy:session_list", lambda w: [], OK_ALL),
    ("strategy:session_detail", lambda w: [w.sales_session.pk], OK_ALL),
    ("strategy:session_detail", lambda w: [w.finance_session.pk], {**OK_ALL, "lead": 404}),
    ("strategy:session_create", lambda w: [], CIO_BIO),
    ("strategy:session_edit", lambda w: [w.sales_session.pk], CIO_BIO),
    ("strategy:session_edit", lambda w: [w.finance_session.pk], {**CIO_ONLY, "lead": 404}),
]
OBJECT_PAGES = [
    (name, args) for name, args, _ in PAGES if "list" not in name and "create" not in name
]


@pytest.mark.parametrize(("name", "args", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_status_for_each_role(client, world, name, args, expected):
    url = reverse(name, args=args(world))
    for role in ROLES:
        client.force_login(world.user(role))
        response = client.get(url)
        assert response.status_code == expected[role], (role, url)
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), OBJECT_PAGES, ids=[p[0] for p in OBJECT_PAGES])
def test_outsider_gets_404_for_objects_of_another_organisation(client, world, name, args):
    login(client, world, "outsider")
    assert client.get(reverse(name, args=args(world))).status_code == 404


def test_lists_show_only_the_current_organisation(client, world):
    make_objective(organisation=world.other_org, name="Globex secret objective")
    login(client, world, "outsider")
    response = client.get(reverse("strategy:objective_list"))
    assert b"Globex secret objective" in response.content
    assert b"Grow revenue" not in response.content
    login(client, world, "viewer")
    response = client.get(reverse("strategy:objective_list"))
    assert b"Grow revenue" in response.content
    assert b"Globex secret objective" not in response.content


def test_lead_sees_only_own_department_goals_and_sessions(client, world):
    login(client, world, "lead")
    goals = client.get(reverse("strategy:goal_list")).content
    assert b"Win more deals" in goals and b"Close faster" not in goals
    sessions = client.get(reverse("strategy:session_list")).content
    assert b"Sales kick-off" in sessions and b"Finance review" not in sessions


def test_user_without_membership_gets_a_friendly_page(client, cast):
    from bearing.core.tests.factories import make_user

    client.force_login(make_user(username="loner"))
    response = client.get(reverse("strategy:objective_list"))
    assert response.status_code == 403
    assert b"not a member of any organisation" in response.content


# Buttons follow the permissions


def test_create_and_edit_buttons_only_for_those_who_may(client, world):
    create_url = reverse("strategy:objective_create").encode()
    edit_url = reverse("strategy:goal_edit", args=[world.sales_goal.pk]).encode()
    finance_edit_url = reverse("strategy:goal_edit", args=[world.finance_goal.pk]).encode()
    login(client, world, "cio")
    assert create_url in client.get(reverse("strategy:objective_list")).content
    login(client, world, "viewer")
    assert create_url not in client.get(reverse("strategy:objective_list")).content
    assert (
        edit_url
        not in client.get(reverse("strategy:goal_detail", args=[world.sales_goal.pk])).content
    )
    login(client, world, "bio")
    assert (
        edit_url in client.get(reverse("strategy:goal_detail", args=[world.sales_goal.pk])).content
    )
    assert (
        finance_edit_url
        not in client.get(reverse("strategy:goal_detail", args=[world.finance_goal.pk])).content
    )


# Objectives: writes

OBJECTIVE_POST = {
    "name": "Cut cost",
    "category": "cost_reduction",
    "weight": "2",
    "kpi_metric": "Opex",
    "kpi_baseline": "100",
    "kpi_target": "80",
}


def test_cio_creates_an_objective_and_it_is_audited(client, world):
    login(client, world, "cio")
    response = client.post(reverse("strategy:objective_create"), OBJECTIVE_POST)
    objective = Objective.objects.get(organisation=world.org, name="Cut cost")
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy:objective_detail", args=[objective.pk])
    assert objective.weight == 2 and objective.kpi_target == 80
    assert audit_count(objective, "create") == 1


@pytest.mark.parametrize("role", ["bio", "lead", "resource_manager", "viewer"])
def test_others_may_not_create_objectives(client, world, role):
    login(client, world, role)
    response = client.post(reverse("strategy:objective_create"), OBJECTIVE_POST)
    assert response.status_code == 403
    assert b"You may not do that" in response.content
    assert not Objective.objects.filter(name="Cut cost").exists()
    assert audit_count() == 0


def test_invalid_objective_shows_the_error_next_to_the_field_and_saves_nothing(client, world):
    login(client, world, "cio")
    response = client.post(
        reverse("strategy:objective_create"), {**OBJECTIVE_POST, "name": "", "weight": "-1"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors and "weight" in form.errors
    assert "This field is required." in field_block(response, "name")
    assert "greater than or equal to 0" in field_block(response, "weight")
    assert Objective.objects.filter(organisation=world.org).count() == 1
    assert audit_count() == 0


def test_duplicate_objective_name_from_the_service_is_shown_on_the_name_field(client, world):
    login(client, world, "cio")
    response = client.post(
        reverse("strategy:objective_create"), {**OBJECTIVE_POST, "name": "Grow revenue"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors.get("name")
    assert "already" in field_block(response, "name")
    assert Objective.objects.filter(organisation=world.org, name="Grow revenue").count() == 1
    assert audit_count() == 0


def test_cio_edits_an_objective_with_before_and_after_in_the_audit(client, world):
    login(client, world, "cio")
    url = reverse("strategy:objective_edit", args=[world.objective.pk])
    response = client.post(
        url, {**OBJECTIVE_POST, "name": "Grow revenue fast", "category": "revenue_growth"}
    )
    assert response.status_code == 302
    world.objective.refresh_from_db()
    assert world.objective.name == "Grow revenue fast"
    entry = AuditEntry.objects.get(object_type="strategy.Objective", action="update")
    assert entry.before["name"] == "Grow revenue" and entry.after["name"] == "Grow revenue fast"
    assert entry.actor == world.cio


def test_bio_may_not_edit_an_objective(client, world):
    login(client, world, "bio")
    response = client.post(
        reverse("strategy:objective_edit", args=[world.objective.pk]), OBJECTIVE_POST
    )
    assert response.status_code == 403
    world.objective.refresh_from_db()
    assert world.objective.name == "Grow revenue"
    assert audit_count() == 0


def test_cio_deletes_an_objective_with_a_reason(client, world):
    login(client, world, "cio")
    response = client.post(
        reverse("strategy:objective_delete", args=[world.objective.pk]), {"reason": "merged"}
    )
    assert response.status_code == 302
    assert not Objective.objects.filter(pk=world.objective.pk).exists()
    entry = AuditEntry.objects.get(object_type="strategy.Objective", action="delete")
    assert entry.reason == "merged"


def test_viewer_may_not_delete_an_objective(client, world):
    login(client, world, "viewer")
    response = client.post(reverse("strategy:objective_delete", args=[world.objective.pk]))
    assert response.status_code == 403
    assert Objective.objects.filter(pk=world.objective.pk).exists()
    assert audit_count() == 0


def test_objective_detail_lists_goals_and_benefits(client, world):
    demand = make_demand(department=world.sales, title="CRM upgrade")
    make_benefit(demand, world.objective, score=8)
    login(client, world, "viewer")
    html = client.get(
        reverse("strategy:objective_detail", args=[world.objective.pk])
    ).content.decode()
    assert "Win more deals" in html and "CRM upgrade" in html


# Departments: writes


def test_cio_edits_department_lead_and_bios(client, world):
    from bearing.core.choices import Role
    from bearing.core.tests.factories import make_membership, make_user

    second_bio = make_user(username="bio2")
    make_membership(second_bio, world.org, Role.BIO)
    login(client, world, "cio")
    response = client.post(
        reverse("strategy:department_edit", args=[world.finance.pk]),
        {
            "name": "Finance",
            "code": "FIN",
            "description": "Money",
            "lead": world.viewer.pk,
            "bios": [world.bio.pk, second_bio.pk],
        },
    )
    assert response.status_code == 302
    world.finance.refresh_from_db()
    assert world.finance.lead == world.viewer
    assert set(world.finance.bios.all()) == {world.bio, second_bio}
    entry = AuditEntry.objects.get(object_type="strategy.Department", action="update")
    assert sorted(entry.after["bios"]) == ["bio", "bio2"]


def test_department_bios_must_be_bios_of_the_organisation(client, world):
    login(client, world, "cio")
    response = client.post(
        reverse("strategy:department_edit", args=[world.finance.pk]),
        {
            "name": "Finance",
            "code": "FIN",
            "bios": [world.viewer.pk],
        },
    )
    assert response.status_code == 200
    assert "bios" in response.context["form"].errors
    assert world.finance.bios.count() == 0
    assert audit_count() == 0


def test_department_lead_must_be_a_member(client, world):
    login(client, world, "cio")
    response = client.post(
        reverse("strategy:department_create"),
        {
            "name": "Marketing",
            "code": "MKT",
            "lead": world.outsider.pk,
        },
    )
    assert response.status_code == 200
    assert "lead" in response.context["form"].errors
    assert not Department.objects.filter(name="Marketing").exists()


def test_cio_creates_a_department(client, world):
    login(client, world, "cio")
    response = client.post(
        reverse("strategy:department_create"),
        {
            "name": "Marketing",
            "code": "MKT",
            "lead": world.lead.pk,
            "bios": [world.bio.pk],
        },
    )
    department = Department.objects.get(organisation=world.org, name="Marketing")
    assert response.status_code == 302
    assert department.lead == world.lead and list(department.bios.all()) == [world.bio]
    assert audit_count(department, "create") == 1


def test_bio_may_not_edit_a_department(client, world):
    login(client, world, "bio")
    response = client.post(
        reverse("strategy:department_edit", args=[world.sales.pk]),
        {"name": "Renamed", "code": "SAL"},
    )
    assert response.status_code == 403
    world.sales.refresh_from_db()
    assert world.sales.name == "Sales"


# Goals: writes with inline contributions


def goal_post(cast, **overrides):
    data = {
        "department": cast.sales.pk,
        "title": "Shorter sales cycle",
        "description": "",
        f"contribution_{cast.objective.pk}": "medium",
    }
    data.update(overrides)
    return data


def test_bio_creates_a_goal_for_own_department_with_contributions(client, world):
    login(client, world, "bio")
    response = client.post(reverse("strategy:goal_create"), goal_post(world))
    assert response.status_code == 302
    goal = DepartmentGoal.objects.get(title="Shorter sales cycle")
    assert goal.department == world.sales
    assert dict(goal.contributions.values_list("objective__name", "strength")) == {
        "Grow revenue": "medium"
    }
    entry = AuditEntry.objects.get(object_type="strategy.DepartmentGoal", action="create")
    assert entry.after["contributions"] == {"Grow revenue": "medium"}


def test_bio_may_not_create_a_goal_for_another_department(client, world):
    login(client, world, "bio")
    response = client.post(
        reverse("strategy:goal_create"), goal_post(world, department=world.finance.pk)
    )
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not DepartmentGoal.objects.filter(title="Shorter sales cycle").exists()
    assert audit_count() == 0


def test_lead_may_not_create_goals(client, world):
    login(client, world, "lead")
    response = client.post(reverse("strategy:goal_create"), goal_post(world))
    assert response.status_code == 403
    assert not DepartmentGoal.objects.filter(title="Shorter sales cycle").exists()


def test_goal_edit_changes_contribution_strengths(client, world):
    second = make_objective(organisation=world.org, name="Delight customers")
    login(client, world, "bio")
    url = reverse("strategy:goal_edit", args=[world.sales_goal.pk])
    form_page = client.get(url).content.decode()
    assert (
        f'name="contribution_{world.objective.pk}"' in form_page
        and "Delight customers" in form_page
    )
    response = client.post(
        url,
        goal_post(
            world,
            title="Win more deals",
            **{f"contribution_{world.objective.pk}": "", f"contribution_{second.pk}": "low"},
        ),
    )
    assert response.status_code == 302
    assert dict(world.sales_goal.contributions.values_list("objective__name", "strength")) == {
        "Delight customers": "low"
    }
    entry = AuditEntry.objects.get(object_type="strategy.DepartmentGoal", action="update")
    assert entry.before["contributions"] == {"Grow revenue": "high"}
    assert entry.after["contributions"] == {"Delight customers": "low"}


def test_goal_session_of_another_department_is_rejected_next_to_the_field(client, world):
    login(client, world, "cio")
    response = client.post(
        reverse("strategy:goal_create"), goal_post(world, session=world.finance_session.pk)
    )
    assert response.status_code == 200
    assert "session" in response.context["form"].errors
    assert not DepartmentGoal.objects.filter(title="Shorter sales cycle").exists()


def test_bio_may_not_edit_another_departments_goal(client, world):
    login(client, world, "bio")
    response = client.post(
        reverse("strategy:goal_edit", args=[world.finance_goal.pk]),
        goal_post(world, department=world.finance.pk, title="Hijacked"),
    )
    assert response.status_code == 403
    world.finance_goal.refresh_from_db()
    assert world.finance_goal.title == "Close faster"
    assert audit_count() == 0


def test_bio_deletes_own_departments_goal(client, world):
    login(client, world, "bio")
    response = client.post(reverse("strategy:goal_delete", args=[world.sales_goal.pk]))
    assert response.status_code == 302
    assert not DepartmentGoal.objects.filter(pk=world.sales_goal.pk).exists()
    assert audit_count(action="delete") == 1
    assert not GoalContribution.objects.filter(goal_id=world.sales_goal.pk).exists()


# Sessions: writes and capture


def test_bio_records_a_session_and_becomes_its_bio(client, world):
    login(client, world, "bio")
    page = client.get(reverse("strategy:session_create"))
    assert list(page.context["form"].fields["department"].queryset) == [world.sales]
    response = client.post(
        reverse("strategy:session_create"),
        {
            "department": world.sales.pk,
            "title": "Q3 planning",
            "held_on": "2027-06-01",
            "bio": world.bio.pk,
            "attendees": "Ann\nBob",
            "notes": "Pipeline review",
        },
    )
    session = StrategySession.objects.get(title="Q3 planning")
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy:session_detail", args=[session.pk])
    assert session.bio == world.bio and session.held_on == datetime.date(2027, 6, 1)
    assert audit_count(session, "create") == 1


def test_session_needs_a_date(client, world):
    login(client, world, "bio")
    response = client.post(
        reverse("strategy:session_create"), {"department": world.sales.pk, "title": "No date"}
    )
    assert response.status_code == 200
    assert "held_on" in response.context["form"].errors
    assert not StrategySession.objects.filter(title="No date").exists()


def test_lead_may_not_edit_a_session(client, world):
    login(client, world, "lead")
    response = client.post(
        reverse("strategy:session_edit", args=[world.sales_session.pk]),
        {"department": world.sales.pk, "title": "Renamed", "held_on": "2027-01-15"},
    )
    assert response.status_code == 403
    world.sales_session.refresh_from_db()
    assert world.sales_session.title == "Sales kick-off"


def test_bio_edits_own_session(client, world):
    login(client, world, "bio")
    response = client.post(
        reverse("strategy:session_edit", args=[world.sales_session.pk]),
        {
            "department": world.sales.pk,
            "title": "Kick-off 2027",
            "held_on": "2027-01-20",
            "notes": "Done",
        },
    )
    assert response.status_code == 302
    world.sales_session.refresh_from_db()
    assert world.sales_session.title == "Kick-off 2027"
    assert audit_count(world.sales_session, "update") == 1


DEMAND_CAPTURE = {
    "demand-title": "Lead scoring",
    "demand-demand_type": "new_system",
    "demand-need_class": "critical",
    "demand-description": "From the meeting",
    "demand-cost_eur": "25000",
    "demand-duration_quarters": "2",
    "demand-earliest_start_quarter": "2",
}


def test_session_page_offers_capture_forms_only_to_those_who_may(client, world):
    url = reverse("strategy:session_detail", args=[world.sales_session.pk])
    login(client, world, "bio")
    html = client.get(url).content.decode()
    assert 'id="capture-goal"' in html and 'id="capture-demand"' in html
    assert "2027-Q3" in html  # earliest-start choices are calendar labels
    login(client, world, "lead")
    html = client.get(url).content.decode()
    assert 'id="capture-goal"' not in html and 'id="capture-demand"' not in html


def test_htmx_capture_of_a_demand_returns_the_refreshed_section(client, world):
    login(client, world, "bio")
    url = reverse("strategy:session_capture_demand", args=[world.sales_session.pk])
    response = client.post(url, DEMAND_CAPTURE, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="session-capture"' in html
    demand = Demand.objects.get(title="Lead scoring")
    assert (demand.session, demand.department, demand.status) == (
        world.sales_session,
        world.sales,
        DemandStatus.DRAFT,
    )
    assert (
        demand.earliest_start_quarter == 2
        and demand.cost_eur == 25000
        and demand.proposed_by == world.bio
    )
    assert demand.reference in html
    assert audit_count(demand, "create") == 1
    # The form is fresh again, ready for the next demand.
    assert response.context["demand_form"].is_bound is False


def test_plain_post_capture_of_a_goal_redirects_to_the_session(client, world):
    login(client, world, "bio")
    url = reverse("strategy:session_capture_goal", args=[world.sales_session.pk])
    response = client.post(url, {"goal-title": "Double the pipeline", "goal-kpi_target": "200"})
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy:session_detail", args=[world.sales_session.pk])
    goal = DepartmentGoal.objects.get(title="Double the pipeline")
    assert goal.session == world.sales_session and goal.department == world.sales
    assert audit_count(goal, "create") == 1
    page = client.get(response["Location"]).content.decode()
    assert "Double the pipeline" in page and "Captured goal" in page


def test_invalid_htmx_capture_shows_errors_next_to_fields_and_saves_nothing(client, world):
    login(client, world, "bio")
    url = reverse("strategy:session_capture_demand", args=[world.sales_session.pk])
    response = client.post(
        url,
        {
            **DEMAND_CAPTURE,
            "demand-title": "",
            "demand-cost_eur": "-5",
            "demand-earliest_start_quarter": "99",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    errors = response.context["demand_form"].errors
    assert {"title", "cost_eur", "earliest_start_quarter"} <= set(errors)
    html = response.content.decode()
    assert "<html" not in html
    assert "This field is required." in field_block(response, "demand-title")
    assert "greater than or equal to 0" in field_block(response, "demand-cost_eur")
    assert not Demand.objects.exists()
    assert audit_count() == 0


def test_invalid_plain_capture_shows_the_full_page_with_errors(client, world):
    login(client, world, "bio")
    url = reverse("strategy:session_capture_goal", args=[world.sales_session.pk])
    response = client.post(url, {"goal-title": ""})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "title" in response.context["goal_form"].errors
    assert not DepartmentGoal.objects.filter(session=world.sales_session).exists()


@pytest.mark.parametrize("role", ["lead", "resource_manager", "viewer"])
def test_others_may_not_capture_from_a_session(client, world, role):
    login(client, world, role)
    url = reverse("strategy:session_capture_demand", args=[world.sales_session.pk])
    response = client.post(url, DEMAND_CAPTURE, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not Demand.objects.exists()


def test_bio_may_not_capture_into_another_departments_session(client, world):
    login(client, world, "bio")
    response = client.post(
        reverse("strategy:session_capture_goal", args=[world.finance_session.pk]),
        {"goal-title": "Sneaky"},
    )
    assert response.status_code == 403
    assert not DepartmentGoal.objects.filter(title="Sneaky").exists()


def test_capture_is_post_only(client, world):
    login(client, world, "bio")
    assert (
        client.get(
            reverse("strategy:session_capture_goal", args=[world.sales_session.pk])
        ).status_code
        == 405
    )


def test_outsider_may_not_capture(client, world):
    login(client, world, "outsider")
    response = client.post(
        reverse("strategy:session_capture_goal", args=[world.sales_session.pk]),
        {"goal-title": "Foreign"},
    )
    assert response.status_code == 404
    assert not DepartmentGoal.objects.filter(title="Foreign").exists()


# Lists: filter, sort, paginate, constant query counts


def test_goal_list_filters_by_department_and_sorts(client, world):
    login(client, world, "cio")
    response = client.get(reverse("strategy:goal_list"), {"department": world.finance.pk})
    assert [g.title for g in response.context["object_list"]] == ["Close faster"]
    response = client.get(reverse("strategy:goal_list"), {"sort": "-title"})
    assert [g.title for g in response.context["object_list"]] == ["Win more deals", "Close faster"]
    response = client.get(reverse("strategy:goal_list"), {"sort": "password"})  # not a sort key
    assert response.status_code == 200 and response.context["sort"] == "department"


def test_session_list_paginates_and_keeps_filters_in_links(client, world):
    for i in range(55):
        make_session(department=world.sales, title=f"Weekly {i}")
    login(client, world, "cio")
    response = client.get(
        reverse("strategy:session_list"), {"department": world.sales.pk, "sort": "title"}
    )
    assert len(response.context["object_list"]) == 50
    html = response.content.decode()
    assert f"department={world.sales.pk}&amp;sort=title&amp;page=2" in html
    response = client.get(
        reverse("strategy:session_list"), {"department": world.sales.pk, "page": 2}
    )
    assert len(response.context["object_list"]) == 6


def _rows(cast, n, start):
    for i in range(start, start + n):
        department = make_department(
            organisation=cast.org, name=f"Unit {i}", code=f"U{i}", lead=cast.lead, bios=[cast.bio]
        )
        goal = make_goal(
            department=department, title=f"Goal {i}", contributions={cast.objective: "low"}
        )
        session = make_session(department=department, title=f"Session {i}")
        make_objective(organisation=cast.org, name=f"Objective {i}")
        make_demand(department=department, session=session, goals=[goal])


LIST_PAGES = [
    "strategy:objective_list",
    "strategy:department_list",
    "strategy:goal_list",
    "strategy:session_list",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_query_count_does_not_grow_with_rows(
    client, world, django_assert_max_num_queries, name
):
    login(client, world, "cio")
    url = reverse(name)
    _rows(world, 5, 0)
    client.get(url)  # warm up per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(response.context["object_list"]) >= 5
    _rows(world, 25, 5)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url)
    assert len(response.context["object_list"]) >= 30


def test_goal_list_counts_only_demands_the_user_may_see(client, world):
    make_demand(department=world.sales, goals=[world.sales_goal])
    make_demand(department=world.finance, goals=[world.sales_goal])
    login(client, world, "cio")
    rows = {
        g.title: g.demand_count
        for g in client.get(reverse("strategy:goal_list")).context["object_list"]
    }
    assert rows["Win more deals"] == 2
    login(client, world, "lead")
    rows = {
        g.title: g.demand_count
        for g in client.get(reverse("strategy:goal_list")).context["object_list"]
    }
    assert rows == {"Win more deals": 1}


def test_session_list_counts_captured_goals_and_demands(client, world):
    make_goal(department=world.sales, session=world.sales_session)
    make_demand(department=world.sales, session=world.sales_session)
    make_demand(department=world.sales, session=world.sales_session)
    login(client, world, "bio")
    rows = {
        s.title: (s.goal_count, s.demand_count)
        for s in client.get(reverse("strategy:session_list")).context["object_list"]
    }
    assert rows["Sales kick-off"] == (1, 2) and rows["Finance review"] == (0, 0)


def test_detail_breadcrumbs_end_with_the_current_page_not_a_separator(client, world):
    client.force_login(world.viewer)
    pages = {
        reverse("strategy:session_detail", args=[world.sales_session.pk]): "Sales kick-off",
        reverse("strategy:department_detail", args=[world.sales.pk]): world.sales.name,
        reverse("strategy:goal_detail", args=[world.sales_goal.pk]): "Win more deals",
        reverse("strategy:objective_detail", args=[world.objective.pk]): "Grow revenue",
    }
    for url, current in pages.items():
        html = client.get(url).content.decode()
        crumbs = re.search(r'<p class="breadcrumbs">(.*?)</p>', html).group(1)
        assert crumbs.endswith(f'› <span aria-current="page">{current}</span>'), (url, crumbs)
