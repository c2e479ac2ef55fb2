"""Demand services: the permission matrix per role, validation rules, child rows and references."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bearing.capacity.tests.factories import make_skill, make_system
from bearing.core.models import AuditEntry
from bearing.demand import services
from bearing.demand.choices import DemandStatus, DemandType
from bearing.demand.models import Demand, DemandComment
from bearing.demand.tests.factories import make_demand, make_effort
from bearing.strategy.tests.factories import make_goal, make_objective, make_session

ROLES = ("cio", "bio", "lead", "resource_manager", "viewer", "outsider")


def _entries(demand: Demand, action: str | None = None):
    entries = AuditEntry.objects.filter(object_type="demand.Demand", object_id=str(demand.pk))
    return entries.filter(action=action) if action else entries


def _new_fields(cast, department) -> dict:
    return {"department": department, "title": "New CRM", "demand_type": DemandType.NEW_SYSTEM}


# create_demand

CREATE_ALLOWED = {("cio", "sales"), ("cio", "finance"), ("bio", "sales"), ("lead", "sales")}


@pytest.mark.parametrize("department", ["sales", "finance"])
@pytest.mark.parametrize("role", ROLES)
def test_create_demand_is_allowed_only_to_cio_and_own_department_bio_and_lead(cast, role, department):
    actor = cast.user(role)
    fields = _new_fields(cast, getattr(cast, department))
    if (role, department) in CREATE_ALLOWED:
        demand = services.create_demand(actor, cast.org, **fields)
        demand.refresh_from_db()
        assert demand.title == "New CRM"
        assert demand.status == DemandStatus.DRAFT
        assert demand.proposed_by == actor
        entry = _entries(demand).get()
        assert (entry.actor, entry.action, entry.before) == (actor, "create", None)
        assert entry.after["title"] == "New CRM"
        assert entry.organisation == cast.org
    else:
        with pytest.raises(PermissionDenied):
            services.create_demand(actor, cast.org, **fields)
        assert not Demand.objects.exists()
        assert not AuditEntry.objects.exists()


def test_create_demand_assigns_references_per_organisation(cast):
    first = services.create_demand(cast.cio, cast.org, **_new_fields(cast, cast.sales))
    second = services.create_demand(cast.cio, cast.org, **_new_fields(cast, cast.sales))
    elsewhere = services.create_demand(cast.outsider, cast.other_org, **_new_fields(cast, cast.other_department))
    make_demand(department=cast.sales, reference="D-0099")
    make_demand(department=cast.sales, reference="X-5000")
    after_gap = services.create_demand(cast.cio, cast.org, **_new_fields(cast, cast.sales))
    assert [first.reference, second.reference, elsewhere.reference, after_gap.reference] == [
        "D-0001", "D-0002", "D-0001", "D-0100",
    ]


def test_create_demand_passes_ten_thousand(cast):
    make_demand(department=cast.sales, reference="D-9999")
    assert services.create_demand(cast.cio, cast.org, **_new_fields(cast, cast.sales)).reference == "D-10000"
    assert services.create_demand(cast.cio, cast.org, **_new_fields(cast, cast.sales)).reference == "D-10001"


def test_create_demand_stores_child_rows_and_records_them(cast):
    dev = make_skill(organisation=cast.org, code="dev")
    crm = make_system(organisation=cast.org, code="crm")
    revenue = make_objective(organisation=cast.org, name="Grow revenue")
    goal = make_goal(department=cast.sales, title="Win more deals")
    base = make_demand(department=cast.sales, reference="D-0001")
    demand = services.create_demand(
        cast.bio, cast.org, **_new_fields(cast, cast.sales),
        efforts={dev: 120}, benefits={revenue: 7.5}, requires=[base], system_uses={crm: (3, True)}, goals=[goal],
    )
    assert {(e.skill_id, float(e.hours)) for e in demand.efforts.all()} == {(dev.pk, 120.0)}
    assert {(b.objective_id, float(b.score)) for b in demand.benefits.all()} == {(revenue.pk, 7.5)}
    assert list(demand.requires.all()) == [base]
    assert {(u.system_id, float(u.units), u.is_change) for u in demand.system_uses.all()} == {(crm.pk, 3.0, True)}
    assert list(demand.goals.all()) == [goal]
    after = _entries(demand).get().after
    assert after["efforts"] == {"dev": 120.0}
    assert after["benefits"] == {"Grow revenue": 7.5}
    assert after["requires"] == ["D-0001"]
    assert after["system_uses"] == {"crm": {"units": 3.0, "is_change": True}}
    assert after["goals"] == ["Win more deals"]


def test_a_user_may_not_create_a_demand_in_another_status_than_draft(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_demand(cast.cio, cast.org, status=DemandStatus.APPROVED, **_new_fields(cast, cast.sales))
    assert "status" in exc.value.message_dict
    assert not Demand.objects.exists()


def test_the_system_may_load_demands_in_any_status(cast):
    demand = services.create_demand(None, cast.org, status=DemandStatus.APPROVED, **_new_fields(cast, cast.sales))
    assert demand.status == DemandStatus.APPROVED
    assert _entries(demand).get().actor is None


def test_capture_demand_links_the_session_and_its_department(cast):
    from bearing.strategy.services import capture_demand

    session = make_session(department=cast.sales)
    demand = capture_demand(cast.bio, session, title="Lead scoring", demand_type=DemandType.ENHANCEMENT)
    demand.refresh_from_db()
    assert (demand.session, demand.department, demand.organisation) == (session, cast.sales, cast.org)
    other = make_session(department=cast.finance)
    with pytest.raises(PermissionDenied):
        capture_demand(cast.bio, other, title="Ledger", demand_type=DemandType.ENHANCEMENT)
    assert Demand.objects.count() == 1


# update_demand

UPDATE_ALLOWED = {("cio", "sales"), ("cio", "finance"), ("bio", "sales"), ("lead", "sales")}


@pytest.mark.parametrize("department", ["sales", "finance"])
@pytest.mark.parametrize("role", ROLES)
def test_update_draft_demand_per_role_and_department(cast, role, department):
    demand = make_demand(department=getattr(cast, department), title="Old title")
    actor = cast.user(role)
    if (role, department) in UPDATE_ALLOWED:
        services.update_demand(actor, demand, title="New title", reason="clearer")
        demand.refresh_from_db()
        assert demand.title == "New title"
        entry = _entries(demand, "update").get()
        assert (entry.actor, entry.reason) == (actor, "clearer")
        assert (entry.before["title"], entry.after["title"]) == ("Old title", "New title")
    else:
        with pytest.raises(PermissionDenied):
            services.update_demand(actor, demand, title="New title")
        demand.refresh_from_db()
        assert demand.title == "Old title"
        assert not _entries(demand).exists()


@pytest.mark.parametrize("status", [DemandStatus.SUBMITTED, DemandStatus.APPROVED, DemandStatus.DEFERRED])
def test_a_lead_may_edit_only_drafts_but_a_bio_any_status(cast, status):
    demand = make_demand(department=cast.sales, title="Old title", status=status)
    with pytest.raises(PermissionDenied, match="only draft"):
        services.update_demand(cast.lead, demand, title="Lead's title")
    demand.refresh_from_db()
    assert demand.title == "Old title"
    services.update_demand(cast.bio, demand, title="BIO's title")
    demand.refresh_from_db()
    assert demand.title == "BIO's title"


@pytest.mark.parametrize("role", ["bio", "lead"])
def test_bio_and_lead_cannot_move_a_demand_to_a_department_not_theirs(cast, role):
    demand = make_demand(department=cast.sales)
    with pytest.raises(PermissionDenied):
        services.update_demand(cast.user(role), demand, department=cast.finance)
    demand.refresh_from_db()
    assert demand.department == cast.sales
    assert not _entries(demand).exists()


def test_update_demand_leaves_children_alone_unless_given(cast):
    dev = make_skill(organisation=cast.org, code="dev")
    ops = make_skill(organisation=cast.org, code="ops")
    demand = make_demand(department=cast.sales)
    make_effort(demand, dev, 100)
    services.update_demand(cast.cio, demand, title="Renamed")
    assert list(demand.efforts.values_list("skill__code", "hours")) == [("dev", 100)]
    services.update_demand(cast.cio, demand, efforts={ops: 40})
    assert list(demand.efforts.values_list("skill__code", "hours")) == [("ops", 40)]
    entry = _entries(demand, "update").first()
    assert (entry.before["efforts"], entry.after["efforts"]) == ({"dev": 100.0}, {"ops": 40.0})
    services.update_demand(cast.cio, demand, efforts={})
    assert not demand.efforts.exists()


def test_status_and_organisation_cannot_be_edited(cast):
    demand = make_demand(department=cast.sales)
    with pytest.raises(ValidationError) as exc:
        services.update_demand(cast.cio, demand, status=DemandStatus.APPROVED)
    assert "status" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.update_demand(cast.cio, demand, organisation=cast.other_org)
    assert "organisation" in exc.value.message_dict
    demand.refresh_from_db()
    assert (demand.status, demand.organisation) == (DemandStatus.DRAFT, cast.org)


# estimate_effort, add_comment, delete_demand

ESTIMATE_ALLOWED = {("cio", "sales"), ("cio", "finance"), ("resource_manager", "sales"),
                    ("resource_manager", "finance"), ("bio", "sales")}


@pytest.mark.parametrize("department", ["sales", "finance"])
@pytest.mark.parametrize("role", ROLES)
def test_estimate_effort_per_role(cast, role, department):
    dev = make_skill(organisation=cast.org, code="dev")
    demand = make_demand(department=getattr(cast, department), status=DemandStatus.SUBMITTED)
    actor = cast.user(role)
    if (role, department) in ESTIMATE_ALLOWED:
        services.estimate_effort(actor, demand, {dev: 250}, reason="sized with the team")
        assert list(demand.efforts.values_list("hours", flat=True)) == [250]
        entry = _entries(demand, "estimate").get()
        assert (entry.actor, entry.before["efforts"], entry.after["efforts"]) == (actor, {}, {"dev": 250.0})
        assert entry.reason == "sized with the team"
    else:
        with pytest.raises(PermissionDenied):
            services.estimate_effort(actor, demand, {dev: 250})
        assert not demand.efforts.exists()
        assert not _entries(demand).exists()


COMMENT_ALLOWED = {("cio", "sales"), ("cio", "finance"), ("resource_manager", "sales"),
                   ("resource_manager", "finance"), ("bio", "sales"), ("lead", "sales")}


@pytest.mark.parametrize("department", ["sales", "finance"])
@pytest.mark.parametrize("role", ROLES)
def test_add_comment_per_role(cast, role, department):
    demand = make_demand(department=getattr(cast, department), status=DemandStatus.ASSESSED)
    actor = cast.user(role)
    if (role, department) in COMMENT_ALLOWED:
        comment = services.add_comment(actor, demand, "  Needed before the trade fair.  ")
        assert (comment.author, comment.text) == (actor, "Needed before the trade fair.")
        entry = _entries(demand, "comment").get()
        assert (entry.actor, entry.after) == (actor, {"comment": "Needed before the trade fair."})
    else:
        with pytest.raises(PermissionDenied):
            services.add_comment(actor, demand, "Needed before the trade fair.")
        assert not DemandComment.objects.exists()
        assert not _entries(demand).exists()


def test_an_empty_comment_is_rejected(cast):
    demand = make_demand(department=cast.sales)
    with pytest.raises(ValidationError) as exc:
        services.add_comment(cast.lead, demand, "   ")
    assert "text" in exc.value.message_dict
    assert not DemandComment.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_the_cio_deletes_demands(cast, role):
    demand = make_demand(department=cast.sales)
    if role == "cio":
        services.delete_demand(cast.cio, demand, reason="duplicate")
        assert not Demand.objects.exists()
        entry = AuditEntry.objects.get(action="delete")
        assert (entry.actor, entry.after, entry.reason) == (cast.cio, None, "duplicate")
        assert entry.before["reference"] == demand.reference
    else:
        with pytest.raises(PermissionDenied):
            services.delete_demand(cast.user(role), demand)
        assert Demand.objects.count() == 1
        assert not AuditEntry.objects.exists()


def test_a_demand_others_require_is_not_deleted(cast):
    base = make_demand(department=cast.sales, reference="D-0001")
    make_demand(department=cast.sales, reference="D-0002", requires=[base])
    with pytest.raises(ValidationError, match="D-0002"):
        services.delete_demand(cast.cio, base)
    assert Demand.objects.count() == 2


# Validation rules


def test_deadline_must_leave_room_for_the_duration(cast):
    fields = _new_fields(cast, cast.sales) | {"earliest_start_quarter": 2, "duration_quarters": 3}
    with pytest.raises(ValidationError) as exc:
        services.create_demand(cast.cio, cast.org, deadline_quarter=4, **fields)
    assert "quarter 5" in exc.value.message_dict["deadline_quarter"][0]
    assert not Demand.objects.exists()
    demand = services.create_demand(cast.cio, cast.org, deadline_quarter=5, **fields)
    with pytest.raises(ValidationError) as exc:
        services.update_demand(cast.cio, demand, duration_quarters=4)
    assert "deadline_quarter" in exc.value.message_dict
    demand.refresh_from_db()
    assert demand.duration_quarters == 3


def test_a_dependency_cycle_is_rejected_and_named(cast):
    d3 = make_demand(department=cast.sales, reference="D-0003")
    d7 = make_demand(department=cast.sales, reference="D-0007", requires=[d3])
    d9 = make_demand(department=cast.finance, reference="D-0009", requires=[d7])
    with pytest.raises(ValidationError) as exc:
        services.update_demand(cast.cio, d3, requires=[d9])
    assert exc.value.message_dict["requires"] == ["These dependencies form a cycle: D-0003 → D-0009 → D-0007 → D-0003."]
    assert not d3.requires.exists()
    assert not _entries(d3).exists()


def test_find_dependency_cycle_returns_the_demands_along_it(cast):
    d3 = make_demand(department=cast.sales, reference="D-0003")
    d7 = make_demand(department=cast.sales, reference="D-0007", requires=[d3])
    other = make_demand(department=cast.sales, reference="D-0008")
    assert services.find_dependency_cycle(d3, [d7]) == [d3, d7, d3]
    assert services.find_dependency_cycle(d3, [other]) is None
    assert services.find_dependency_cycle(d3, [d3]) == [d3, d3]
    # d7's current requirement is replaced, so re-pointing it elsewhere is no cycle
    assert services.find_dependency_cycle(d7, [other]) is None


def test_a_demand_cannot_require_itself(cast):
    demand = make_demand(department=cast.sales, reference="D-0004")
    with pytest.raises(ValidationError, match="D-0004 → D-0004"):
        services.update_demand(cast.cio, demand, requires=[demand])


def test_a_diamond_of_dependencies_is_not_a_cycle(cast):
    base = make_demand(department=cast.sales)
    left = make_demand(department=cast.sales, requires=[base])
    right = make_demand(department=cast.sales, requires=[base])
    top = make_demand(department=cast.sales)
    services.update_demand(cast.cio, top, requires=Demand.objects.filter(pk__in=[left.pk, right.pk]))
    assert set(top.requires.all()) == {left, right}


@pytest.mark.parametrize(
    ("children", "field"),
    [
        ("efforts", "efforts"),
        ("system_uses", "system_uses"),
        ("benefits", "benefits"),
        ("cost", "cost_eur"),
    ],
)
def test_negative_amounts_are_rejected_next_to_their_field(cast, children, field):
    skill = make_skill(organisation=cast.org)
    system = make_system(organisation=cast.org)
    objective = make_objective(organisation=cast.org)
    extra = {
        "efforts": {"efforts": {skill: -5}},
        "system_uses": {"system_uses": {system: (-1, False)}},
        "benefits": {"benefits": {objective: 11}},
        "cost": {"cost_eur": -100},
    }[children]
    with pytest.raises(ValidationError) as exc:
        services.create_demand(cast.cio, cast.org, **_new_fields(cast, cast.sales), **extra)
    assert field in exc.value.message_dict
    assert not Demand.objects.exists()
    assert not AuditEntry.objects.exists()


def test_zero_effort_and_cost_are_accepted(cast):
    skill = make_skill(organisation=cast.org)
    demand = services.create_demand(cast.cio, cast.org, cost_eur=0, efforts={skill: 0}, **_new_fields(cast, cast.sales))
    assert demand.efforts.get().hours == 0


def test_negative_estimate_is_rejected(cast):
    skill = make_skill(organisation=cast.org)
    demand = make_demand(department=cast.sales)
    with pytest.raises(ValidationError) as exc:
        services.estimate_effort(cast.resource_manager, demand, {skill: -1})
    assert "efforts" in exc.value.message_dict
    assert not _entries(demand).exists()


@pytest.mark.parametrize("link", ["efforts", "benefits", "requires", "system_uses", "goals", "department", "session"])
def test_links_to_another_organisation_are_rejected(cast, link):
    foreign = {
        "efforts": lambda: {make_skill(organisation=cast.other_org): 10},
        "benefits": lambda: {make_objective(organisation=cast.other_org): 5},
        "requires": lambda: [make_demand(department=cast.other_department)],
        "system_uses": lambda: {make_system(organisation=cast.other_org): (1, False)},
        "goals": lambda: [make_goal(department=cast.other_department)],
        "department": lambda: cast.other_department,
        "session": lambda: make_session(department=cast.other_department),
    }[link]()
    fields = _new_fields(cast, cast.sales) | {link: foreign}
    before = Demand.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_demand(cast.cio, cast.org, **fields)
    assert link in exc.value.message_dict
    assert Demand.objects.count() == before
    assert not AuditEntry.objects.exists()


def test_a_session_of_another_department_is_rejected(cast):
    session = make_session(department=cast.finance)
    with pytest.raises(ValidationError) as exc:
        services.create_demand(cast.cio, cast.org, session=session, **_new_fields(cast, cast.sales))
    assert "session" in exc.value.message_dict


def test_several_errors_are_reported_together(cast):
    skill = make_skill(organisation=cast.org)
    with pytest.raises(ValidationError) as exc:
        services.create_demand(
            cast.cio, cast.org, title="", demand_type=DemandType.SUPPORT, department=cast.sales,
            efforts={skill: -1}, earliest_start_quarter=4, deadline_quarter=1,
        )
    assert {"title", "efforts", "deadline_quarter"} <= set(exc.value.message_dict)


def test_a_missing_department_is_a_field_error(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_demand(cast.cio, cast.org, title="No home", demand_type=DemandType.SUPPORT)
    assert "department" in exc.value.message_dict


def test_an_outsider_cannot_reach_into_another_organisation_from_their_own(cast):
    with pytest.raises(ValidationError) as exc:
        services.create_demand(cast.outsider, cast.other_org, **_new_fields(cast, cast.sales))
    assert "department" in exc.value.message_dict
    theirs = make_demand(department=cast.other_department)
    ours = make_demand(department=cast.sales)
    with pytest.raises(ValidationError) as exc:
        services.update_demand(cast.outsider, theirs, requires=[ours])
    assert "requires" in exc.value.message_dict
    assert not theirs.requires.exists()
    assert not AuditEntry.objects.exists()
