"""Demand pages: permissions per role, saving through the services with an audit entry,
validation next to the field with nothing saved, workflow buttons, htmx fragments, query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bearing.capacity.tests.factories import make_skill, make_system
from bearing.core.models import AuditEntry
from bearing.demand.choices import DemandStatus
from bearing.demand.models import Demand, DemandComment
from bearing.demand.tests.factories import make_demand, make_effort
from bearing.strategy.tests.factories import make_objective

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(cast):
    """Demands in sales (draft) and finance (submitted), a skill, an objective and a system."""
    cast.skill = make_skill(organisation=cast.org, name="Java", code="java")
    cast.objective = make_objective(organisation=cast.org, name="Grow revenue")
    cast.system = make_system(organisation=cast.org, name="CRM", code="crm", capacity_unit="licences")
    cast.sales_demand = make_demand(organisation=cast.org, department=cast.sales, title="New CRM", reference="D-0001")
    cast.finance_demand = make_demand(
        organisation=cast.org, department=cast.finance, title="Ledger upgrade", reference="D-0002",
        status=DemandStatus.SUBMITTED,
    )
    return cast


def login(client, user):
    client.force_login(user)
    return client


def audit_count(demand: Demand) -> int:
    return AuditEntry.objects.filter(object_type="demand.Demand", object_id=str(demand.pk)).count()


def form_data(world, **overrides) -> dict:
    """A valid POST of the demand form for the sales department."""
    data = {
        "department": world.sales.pk,
        "title": "Customer portal",
        "description": "Self-service for customers",
        "demand_type": "new_system",
        "need_class": "important",
        "risk": "medium",
        "cost_eur": "1000",
        "duration_quarters": "2",
        "earliest_start_quarter": "1",
        "deadline_quarter": "4",
        f"effort-effort_{world.skill.pk}": "120",
        f"benefit-benefit_{world.objective.pk}": "7",
        f"system-system_{world.system.pk}_units": "5",
        f"system-system_{world.system.pk}_change": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# Anonymous and outsiders ---------------------------------------------------------------------

@pytest.mark.parametrize("name, needs_pk, method", [
    ("demand_list", False, "get"), ("demand_create", False, "get"), ("demand_create", False, "post"),
    ("demand_detail", True, "get"), ("demand_edit", True, "get"), ("demand_edit", True, "post"),
    ("demand_transition", True, "post"), ("demand_comment", True, "post"),
])
def test_anonymous_is_sent_to_login(client, world, name, needs_pk, method):
    url = reverse(f"demand:{name}", kwargs={"pk": world.sales_demand.pk} if needs_pk else {})
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name, method", [
    ("demand_detail", "get"), ("demand_edit", "get"), ("demand_edit", "post"),
    ("demand_transition", "post"), ("demand_comment", "post"),
])
def test_outsider_gets_404_for_another_organisations_demand(client, world, name, method):
    login(client, world.outsider)
    url = reverse(f"demand:{name}", kwargs={"pk": world.sales_demand.pk})
    response = getattr(client, method)(url, {"transition": "submit", "text": "hi", "title": "x"})
    assert response.status_code == 404
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.status == DemandStatus.DRAFT
    assert world.sales_demand.title == "New CRM"
    assert audit_count(world.sales_demand) == 0


def test_outsider_list_shows_nothing_of_the_other_organisation(client, world):
    response = login(client, world.outsider).get(reverse("demand:demand_list"))
    assert response.status_code == 200
    assert "New CRM" not in response.content.decode()


# List ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, sees_finance", [
    ("cio", True), ("bio", True), ("lead", False), ("resource_manager", True), ("viewer", True),
])
def test_list_shows_what_the_role_may_see(client, world, role, sees_finance):
    response = login(client, world.user(role)).get(reverse("demand:demand_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "New CRM" in body
    assert ("Ledger upgrade" in body) is sees_finance


def test_list_filters_by_status_and_searches_reference_and_title(client, world):
    login(client, world.cio)
    body = client.get(reverse("demand:demand_list"), {"status": "submitted"}).content.decode()
    assert "Ledger upgrade" in body and "New CRM" not in body
    body = client.get(reverse("demand:demand_list"), {"q": "d-0001"}).content.decode()
    assert "New CRM" in body and "Ledger upgrade" not in body
    body = client.get(reverse("demand:demand_list"), {"department": world.finance.pk}).content.decode()
    assert "Ledger upgrade" in body and "New CRM" not in body


def test_list_sorts_by_total_effort_and_shows_quarter_labels(client, world):
    make_effort(world.sales_demand, world.skill, 50)
    make_effort(world.finance_demand, world.skill, 900)
    world.finance_demand.deadline_quarter = 2
    world.finance_demand.save()
    body = login(client, world.cio).get(reverse("demand:demand_list"), {"sort": "-effort"}).content.decode()
    assert body.index("Ledger upgrade") < body.index("New CRM")
    assert "900" in body
    assert "2027-Q3" in body  # deadline quarter 2 of a calendar starting 2027-Q1


def test_list_htmx_request_gets_the_table_fragment_only(client, world):
    login(client, world.cio)
    full = client.get(reverse("demand:demand_list"))
    partial = client.get(reverse("demand:demand_list"), **HTMX)
    assert "<html" in full.content.decode()
    assert "<html" not in partial.content.decode()
    assert 'id="demand-table"' in partial.content.decode()
    assert "New CRM" in partial.content.decode()


def _list_queries(client, count_before: int, world, extra: int) -> int:
    for i in range(extra):
        demand = make_demand(organisation=world.org, department=world.sales, title=f"Extra {count_before + i}")
        make_effort(demand, world.skill, 10)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("demand:demand_list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries):
    login(client, world.cio)
    few = _list_queries(client, 0, world, 2)
    many = _list_queries(client, 2, world, 40)
    assert many == few
    with django_assert_max_num_queries(12):
        client.get(reverse("demand:demand_list"), {"sort": "-effort", "status": "draft"})


# Detail --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, department, status", [
    ("cio", "finance", 200), ("bio", "finance", 200), ("resource_manager", "finance", 200),
    ("viewer", "finance", 200), ("lead", "sales", 200), ("lead", "finance", 404),
])
def test_detail_visibility_per_role(client, world, role, department, status):
    demand = world.sales_demand if department == "sales" else world.finance_demand
    response = login(client, world.user(role)).get(reverse("demand:demand_detail", kwargs={"pk": demand.pk}))
    assert response.status_code == status


def test_detail_shows_efforts_benefits_systems_dependencies_and_history(client, world):
    make_effort(world.sales_demand, world.skill, 120)
    world.finance_demand.requires.add(world.sales_demand)
    login(client, world.bio)
    client.post(reverse("demand:demand_transition", kwargs={"pk": world.sales_demand.pk}), {"transition": "submit"})
    body = client.get(reverse("demand:demand_detail", kwargs={"pk": world.sales_demand.pk})).content.decode()
    assert "Java" in body and "120.0" in body
    assert '<span class="demand-ref">D-0002</span> Ledger upgrade' in body  # required by, with a link
    assert reverse("demand:demand_detail", kwargs={"pk": world.finance_demand.pk}) in body
    assert "transition:submitted" in body
    assert "draft → submitted" in body


@pytest.mark.parametrize("role, expected, absent", [
    ("bio", ["Submit", "Withdraw"], ["Approve", "Mark assessed"]),
    ("lead", ["Submit", "Withdraw"], ["Approve"]),
    ("cio", ["Submit", "Withdraw"], ["Approve", "Reject"]),
    ("viewer", [], ["Submit", "Withdraw"]),
    ("resource_manager", [], ["Submit", "Withdraw"]),
])
def test_workflow_buttons_show_only_what_the_user_may_do(client, world, role, expected, absent):
    body = login(client, world.user(role)).get(
        reverse("demand:demand_detail", kwargs={"pk": world.sales_demand.pk})
    ).content.decode()
    buttons = body[body.index('id="workflow"'):body.index('id="comments"')]
    for label in expected:
        assert f">{label}</button>" in buttons
    for label in absent:
        assert f">{label}</button>" not in buttons


def test_cio_sees_reject_with_a_reason_field_on_a_submitted_demand(client, world):
    body = login(client, world.cio).get(
        reverse("demand:demand_detail", kwargs={"pk": world.finance_demand.pk})
    ).content.decode()
    assert ">Mark assessed</button>" in body
    assert ">Reject</button>" in body
    assert 'id="reason-reject"' in body
    assert 'id="reason-assess"' not in body


# Create and edit -----------------------------------------------------------------------------

@pytest.mark.parametrize("role, status", [
    ("cio", 200), ("bio", 200), ("lead", 200), ("resource_manager", 403), ("viewer", 403),
])
def test_create_page_per_role(client, world, role, status):
    assert login(client, world.user(role)).get(reverse("demand:demand_create")).status_code == status


def test_bio_creates_a_demand_with_its_inline_rows_and_an_audit_entry(client, world):
    data = form_data(world, requires=[world.sales_demand.pk])
    response = login(client, world.bio).post(reverse("demand:demand_create"), data)
    assert response.status_code == 302
    demand = Demand.objects.get(title="Customer portal")
    assert response["Location"] == reverse("demand:demand_detail", kwargs={"pk": demand.pk})
    assert demand.status == DemandStatus.DRAFT and demand.proposed_by == world.bio
    assert demand.earliest_start_quarter == 1 and demand.deadline_quarter == 4
    assert {e.skill_id: e.hours for e in demand.efforts.all()} == {world.skill.pk: Decimal("120.0")}
    assert {b.objective_id: b.score for b in demand.benefits.all()} == {world.objective.pk: Decimal("7.0")}
    use = demand.system_uses.get()
    assert (use.system_id, use.units, use.is_change) == (world.system.pk, Decimal("5.0"), True)
    assert list(demand.requires.all()) == [world.sales_demand]
    entry = AuditEntry.objects.get(object_type="demand.Demand", object_id=str(demand.pk))
    assert entry.action == "create" and entry.actor == world.bio
    assert entry.after["efforts"] == {"java": 120.0}


def test_viewer_cannot_create_and_nothing_is_saved(client, world):
    response = login(client, world.viewer).post(reverse("demand:demand_create"), form_data(world))
    assert response.status_code == 403
    assert not Demand.objects.filter(title="Customer portal").exists()


def test_bio_cannot_create_for_a_department_not_theirs(client, world):
    response = login(client, world.bio).post(reverse("demand:demand_create"), form_data(world, department=world.finance.pk))
    assert response.status_code == 200
    assert "department" in response.context["form"].errors
    assert not Demand.objects.filter(title="Customer portal").exists()


def test_create_form_shows_quarters_as_calendar_labels(client, world):
    body = login(client, world.cio).get(reverse("demand:demand_create")).content.decode()
    assert '<option value="2">2027-Q3</option>' in body


@pytest.mark.parametrize("role, which, status", [
    ("cio", "finance", 200), ("bio", "sales", 200), ("bio", "finance", 403),
    ("lead", "sales", 200), ("lead", "finance", 404), ("viewer", "sales", 403),
    ("resource_manager", "sales", 403), ("outsider", "sales", 404),
])
def test_edit_page_per_role(client, world, role, which, status):
    demand = world.sales_demand if which == "sales" else world.finance_demand
    response = login(client, world.user(role)).get(reverse("demand:demand_edit", kwargs={"pk": demand.pk}))
    assert response.status_code == status


def test_lead_cannot_edit_a_submitted_demand_of_their_department(client, world):
    world.sales_demand.status = DemandStatus.SUBMITTED
    world.sales_demand.save()
    login(client, world.lead)
    url = reverse("demand:demand_edit", kwargs={"pk": world.sales_demand.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(world, title="Changed")).status_code == 403
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.title == "New CRM"
    assert audit_count(world.sales_demand) == 0


def test_lead_edit_of_another_department_is_404_and_not_saved(client, world):
    response = login(client, world.lead).post(
        reverse("demand:demand_edit", kwargs={"pk": world.finance_demand.pk}),
        form_data(world, department=world.finance.pk, title="Hijacked"),
    )
    assert response.status_code == 404
    world.finance_demand.refresh_from_db()
    assert world.finance_demand.title == "Ledger upgrade"


def test_viewer_post_to_edit_is_403_and_not_saved(client, world):
    response = login(client, world.viewer).post(
        reverse("demand:demand_edit", kwargs={"pk": world.sales_demand.pk}), form_data(world, title="Changed")
    )
    assert response.status_code == 403
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.title == "New CRM"
    assert audit_count(world.sales_demand) == 0


def test_cio_edit_saves_fields_and_rows_with_before_and_after(client, world):
    make_effort(world.sales_demand, world.skill, 10)
    response = login(client, world.cio).post(
        reverse("demand:demand_edit", kwargs={"pk": world.sales_demand.pk}), form_data(world, title="Better CRM")
    )
    assert response.status_code == 302
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.title == "Better CRM"
    assert world.sales_demand.efforts.get().hours == Decimal("120.0")
    entry = AuditEntry.objects.get(object_type="demand.Demand", object_id=str(world.sales_demand.pk))
    assert entry.action == "update" and entry.actor == world.cio
    assert entry.before["title"] == "New CRM" and entry.after["title"] == "Better CRM"
    assert entry.before["efforts"] == {"java": 10.0} and entry.after["efforts"] == {"java": 120.0}


def test_edit_page_prefills_inline_rows(client, world):
    make_effort(world.sales_demand, world.skill, 75)
    body = login(client, world.cio).get(reverse("demand:demand_edit", kwargs={"pk": world.sales_demand.pk})).content.decode()
    assert f'name="effort-effort_{world.skill.pk}" value="75.0"' in body


def _assert_unchanged(world):
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.title == "New CRM"
    assert not world.sales_demand.efforts.exists()
    assert not world.sales_demand.requires.exists()
    assert audit_count(world.sales_demand) == 0


def test_negative_hours_are_shown_next_to_the_field_and_nothing_is_saved(client, world):
    url = reverse("demand:demand_edit", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.cio).post(url, form_data(world, title="Changed", **{f"effort-effort_{world.skill.pk}": "-5"}))
    assert response.status_code == 200
    assert f"effort_{world.skill.pk}" in response.context["effort_form"].errors
    assert "greater than or equal to 0" in response.content.decode()
    _assert_unchanged(world)


def test_deadline_before_earliest_start_plus_duration_is_rejected(client, world):
    url = reverse("demand:demand_edit", kwargs={"pk": world.sales_demand.pk})
    data = form_data(world, title="Changed", earliest_start_quarter="2", duration_quarters="3", deadline_quarter="4")
    response = login(client, world.cio).post(url, data)
    assert response.status_code == 200
    assert "deadline_quarter" in response.context["form"].errors
    body = response.content.decode()
    assert body.index("field-deadline_quarter") < body.index("earliest start + duration") < body.index("field-requires")
    _assert_unchanged(world)


def test_dependency_cycle_is_named_next_to_the_requires_field(client, world):
    world.finance_demand.requires.add(world.sales_demand)
    url = reverse("demand:demand_edit", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.cio).post(url, form_data(world, title="Changed", requires=[world.finance_demand.pk]))
    assert response.status_code == 200
    errors = response.context["form"].errors["requires"]
    assert "D-0001 → D-0002 → D-0001" in " ".join(errors)
    body = response.content.decode()
    assert body.index('id="field-requires"') < body.index("D-0001 → D-0002 → D-0001")
    _assert_unchanged(world)


def test_invalid_input_on_create_saves_nothing(client, world):
    before = Demand.objects.count()
    response = login(client, world.cio).post(reverse("demand:demand_create"), form_data(world, title=""))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert Demand.objects.count() == before
    assert not AuditEntry.objects.filter(action="create", object_type="demand.Demand").exists()


# Transitions ---------------------------------------------------------------------------------

def test_bio_submits_a_draft_and_is_redirected(client, world):
    url = reverse("demand:demand_transition", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.bio).post(url, {"transition": "submit"})
    assert response.status_code == 302
    assert response["Location"] == reverse("demand:demand_detail", kwargs={"pk": world.sales_demand.pk})
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.status == DemandStatus.SUBMITTED
    entry = AuditEntry.objects.get(object_type="demand.Demand", object_id=str(world.sales_demand.pk))
    assert entry.action == "transition:submitted" and entry.actor == world.bio


def test_htmx_transition_returns_the_updated_workflow_fragment(client, world):
    url = reverse("demand:demand_transition", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.bio).post(url, {"transition": "submit"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="workflow"' in body and "Submitted" in body
    assert ">Submit</button>" not in body  # no longer possible
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.status == DemandStatus.SUBMITTED


@pytest.mark.parametrize("role", ["viewer", "resource_manager"])
def test_roles_without_the_step_get_403_and_nothing_changes(client, world, role):
    url = reverse("demand:demand_transition", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.user(role)).post(url, {"transition": "submit"})
    assert response.status_code == 403
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.status == DemandStatus.DRAFT
    assert audit_count(world.sales_demand) == 0


def test_reject_without_a_reason_is_refused_with_a_message(client, world):
    url = reverse("demand:demand_transition", kwargs={"pk": world.finance_demand.pk})
    response = login(client, world.cio).post(url, {"transition": "reject", "reason": " "}, **HTMX)
    assert response.status_code == 200
    assert "Give a reason" in response.content.decode()
    world.finance_demand.refresh_from_db()
    assert world.finance_demand.status == DemandStatus.SUBMITTED
    assert audit_count(world.finance_demand) == 0


def test_reject_with_a_reason_records_it(client, world):
    url = reverse("demand:demand_transition", kwargs={"pk": world.finance_demand.pk})
    login(client, world.cio).post(url, {"transition": "reject", "reason": "Out of scope"})
    world.finance_demand.refresh_from_db()
    assert world.finance_demand.status == DemandStatus.REJECTED
    entry = AuditEntry.objects.get(object_type="demand.Demand", object_id=str(world.finance_demand.pk))
    assert entry.reason == "Out of scope"
    body = client.get(reverse("demand:demand_detail", kwargs={"pk": world.finance_demand.pk})).content.decode()
    assert "Out of scope" in body


def test_transition_from_the_wrong_status_shows_an_error_without_saving(client, world):
    url = reverse("demand:demand_transition", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.cio).post(url, {"transition": "approve"}, follow=True)
    assert response.status_code in (200, 403)
    world.sales_demand.refresh_from_db()
    assert world.sales_demand.status == DemandStatus.DRAFT


def test_transition_only_accepts_post(client, world):
    url = reverse("demand:demand_transition", kwargs={"pk": world.sales_demand.pk})
    assert login(client, world.cio).get(url).status_code == 405


# Comments ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, status, saved", [
    ("lead", 302, True), ("bio", 302, True), ("cio", 302, True), ("resource_manager", 302, True),
    ("viewer", 403, False),
])
def test_comment_per_role(client, world, role, status, saved):
    url = reverse("demand:demand_comment", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.user(role)).post(url, {"text": "Needs SSO"})
    assert response.status_code == status
    assert DemandComment.objects.filter(demand=world.sales_demand, text="Needs SSO").exists() is saved
    assert AuditEntry.objects.filter(action="comment", object_id=str(world.sales_demand.pk)).exists() is saved


def test_comment_form_is_shown_only_to_those_who_may_comment(client, world):
    url = reverse("demand:demand_detail", kwargs={"pk": world.sales_demand.pk})
    assert "Add comment" in login(client, world.lead).get(url).content.decode()
    assert "Add comment" not in login(client, world.viewer).get(url).content.decode()


def test_htmx_comment_returns_the_comments_fragment(client, world):
    url = reverse("demand:demand_comment", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.lead).post(url, {"text": "Needs SSO"}, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert 'id="comments"' in body and "Needs SSO" in body


def test_empty_comment_is_not_saved(client, world):
    url = reverse("demand:demand_comment", kwargs={"pk": world.sales_demand.pk})
    response = login(client, world.lead).post(url, {"text": ""}, **HTMX)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not DemandComment.objects.exists()


def test_detail_links_the_session_and_goals_it_came_from(client, world):
    from bearing.strategy.tests.factories import make_goal, make_session

    session = make_session(organisation=world.org, department=world.sales, title="Spring planning")
    goal = make_goal(organisation=world.org, department=world.sales, title="Double online sales")
    world.sales_demand.session = session
    world.sales_demand.save()
    world.sales_demand.goals.add(goal)
    body = login(client, world.viewer).get(reverse("demand:demand_detail", kwargs={"pk": world.sales_demand.pk})).content.decode()
    assert reverse("strategy:session_detail", kwargs={"pk": session.pk}) in body and "Spring planning" in body
    assert reverse("strategy:goal_detail", kwargs={"pk": goal.pk}) in body and "Double online sales" in body


def test_requires_select_marks_current_dependencies_and_escapes_titles(client, world):
    evil = make_demand(organisation=world.org, department=world.finance, title="<script>x</script>", reference="D-0009")
    world.sales_demand.requires.add(world.finance_demand)
    body = login(client, world.cio).get(reverse("demand:demand_edit", kwargs={"pk": world.sales_demand.pk})).content.decode()
    assert f'<option value="{world.finance_demand.pk}" selected>D-0002 Ledger upgrade</option>' in body
    assert f'<option value="{evil.pk}">D-0009 &lt;script&gt;x&lt;/script&gt;</option>' in body
    assert ">D-0001 New CRM</option>" not in body  # a demand cannot require itself


def test_resource_manager_estimates_effort_with_an_audit_entry(client, world):
    url = reverse("demand:demand_estimate", kwargs={"pk": world.finance_demand.pk})
    login(client, world.resource_manager)
    assert client.get(url).status_code == 200
    response = client.post(url, {f"effort-effort_{world.skill.pk}": "300", "reason": "sized with the team"})
    assert response.status_code == 302
    assert world.finance_demand.efforts.get().hours == Decimal("300.0")
    entry = AuditEntry.objects.get(object_type="demand.Demand", object_id=str(world.finance_demand.pk))
    assert entry.action == "estimate" and entry.reason == "sized with the team"


@pytest.mark.parametrize("role, status", [("viewer", 403), ("lead", 404), ("outsider", 404)])
def test_others_cannot_estimate(client, world, role, status):
    url = reverse("demand:demand_estimate", kwargs={"pk": world.finance_demand.pk})
    response = login(client, world.user(role)).post(url, {f"effort-effort_{world.skill.pk}": "300"})
    assert response.status_code == status
    assert not world.finance_demand.efforts.exists()
    assert audit_count(world.finance_demand) == 0


def test_negative_estimate_is_refused(client, world):
    url = reverse("demand:demand_estimate", kwargs={"pk": world.finance_demand.pk})
    response = login(client, world.resource_manager).post(url, {f"effort-effort_{world.skill.pk}": "-3"})
    assert response.status_code == 200
    assert f"effort_{world.skill.pk}" in response.context["effort_form"].errors
    assert not world.finance_demand.efforts.exists()


def test_detail_shows_the_demands_value_with_every_term(client, cast):
    from bearing.demand.tests.factories import make_benefit

    revenue = make_objective(organisation=cast.org, name="Grow revenue", weight=1)
    demand = make_demand(organisation=cast.org, department=cast.sales, need_class="important", risk="medium")
    make_benefit(demand, revenue, 8)
    client.force_login(cast.viewer)
    html = client.get(reverse("demand:demand_detail", args=[demand.pk])).content.decode()
    section = html[html.index('id="demand-score"'):]
    section = section[: section.index("</section>")]
    # by hand: the only objective carries all objective weight (1.0); need and risk at an equal
    # share of the criteria keep the defaults: important x1.0, medium risk takes 25%:
    # 8 x 1.0 x 1.0 x (1 - 0.25) = 6.00, the risk term is -2.00
    assert "Grow revenue" in section
    assert "Value 6.00" in section
    assert "-2.00" in section


def test_detail_description_heading_has_room_above_it(db):
    from django.contrib.staticfiles import finders

    with open(finders.find("bearing/bearing.css"), encoding="utf-8") as handle:
        assert "dl.details + h3 { margin-top: 1.25rem; }" in handle.read()


def test_list_keeps_each_reference_on_one_line(client, world):
    from django.contrib.staticfiles import finders

    html = login(client, world.cio).get(reverse("demand:demand_list")).content.decode()
    assert f'<span class="demand-ref">{world.sales_demand.reference}</span>' in html
    with open(finders.find("bearing/bearing.css"), encoding="utf-8") as handle:
        assert ".nowrap, .demand-ref { white-space: nowrap; }" in handle.read()
