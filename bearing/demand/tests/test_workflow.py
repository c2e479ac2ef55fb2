"""The demand workflow: every transition allowed or denied per role and department, reasons,
states a transition may start from, and the buttons offered."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bearing.capacity.tests.factories import make_skill, make_system
from bearing.core.models import AuditEntry
from bearing.demand import services
from bearing.demand.choices import TRANSITIONS, DemandStatus, Transition
from bearing.demand.tests.factories import make_benefit, make_demand, make_effort, make_system_use
from bearing.strategy.tests.factories import make_goal, make_objective

S = DemandStatus
ROLES = ("cio", "bio", "lead", "resource_manager", "viewer", "outsider")

# Written out by hand (not read from TRANSITIONS) so that a change to the table shows up here:
# transition -> (a status it starts from, the status it leads to, roles that may take it, reason needed)
EXPECTED = {
    "submit": (S.DRAFT, S.SUBMITTED, {"cio", "bio", "lead"}, False),
    "assess": (S.SUBMITTED, S.ASSESSED, {"cio", "resource_manager"}, False),
    "approve": (S.ASSESSED, S.APPROVED, {"cio"}, False),
    "schedule": (S.APPROVED, S.SCHEDULED, {"cio"}, False),
    "start": (S.SCHEDULED, S.IN_PROGRESS, {"cio", "resource_manager"}, False),
    "deliver": (S.IN_PROGRESS, S.DELIVERED, {"cio", "resource_manager"}, False),
    "reject": (S.SUBMITTED, S.REJECTED, {"cio"}, True),
    "defer": (S.APPROVED, S.DEFERRED, {"cio"}, True),
    "withdraw": (S.ASSESSED, S.WITHDRAWN, {"cio", "bio", "lead"}, True),
    "reopen": (S.REJECTED, S.DRAFT, {"cio", "bio"}, False),
}


def _entries(demand):
    return AuditEntry.objects.filter(object_type="demand.Demand", object_id=str(demand.pk))


def test_the_expected_table_covers_every_transition():
    assert set(EXPECTED) == set(Transition.values) == set(TRANSITIONS)


@pytest.mark.parametrize("department", ["sales", "finance"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("transition", sorted(EXPECTED))
def test_transition_per_role_and_department(cast, transition, role, department):
    source, target, roles, _needs_reason = EXPECTED[transition]
    demand = make_demand(department=getattr(cast, department), status=source)
    actor = cast.user(role)
    own = department == "sales" or role not in ("bio", "lead")
    offered = services.allowed_transitions(actor, demand)
    if role in roles and own:
        assert Transition(transition) in offered
        services.transition_demand(actor, demand, transition, reason="decided in the board")
        assert demand.status == target
        demand.refresh_from_db()
        assert demand.status == target
        entry = _entries(demand).get()
        assert (entry.actor, entry.action, entry.reason) == (actor, f"transition:{target}", "decided in the board")
        assert (entry.before["status"], entry.after["status"]) == (source, target)
    else:
        with pytest.raises(PermissionDenied):
            services.transition_demand(actor, demand, transition, reason="decided in the board")
        demand.refresh_from_db()
        assert demand.status == source
        assert not _entries(demand).exists()
        assert Transition(transition) not in offered


@pytest.mark.parametrize("transition", sorted(EXPECTED))
def test_a_transition_starts_from_its_listed_states_only(cast, transition):
    sources, target, *_rest = TRANSITIONS[transition]
    for status in S.values:
        demand = make_demand(department=cast.sales, status=status)
        if status in sources:
            services.transition_demand(cast.cio, demand, transition, reason="because")
            demand.refresh_from_db()
            assert demand.status == target, status
            assert _entries(demand).count() == 1
        else:
            with pytest.raises(ValidationError) as exc:
                services.transition_demand(cast.cio, demand, transition, reason="because")
            assert "transition" in exc.value.message_dict
            demand.refresh_from_db()
            assert demand.status == status
            assert not _entries(demand).exists(), status


@pytest.mark.parametrize("transition", [name for name, spec in EXPECTED.items() if spec[3]])
@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_defer_and_withdraw_need_a_reason(cast, transition, reason):
    source = EXPECTED[transition][0]
    demand = make_demand(department=cast.sales, status=source)
    with pytest.raises(ValidationError) as exc:
        services.transition_demand(cast.cio, demand, transition, reason=reason)
    assert "reason" in exc.value.message_dict
    demand.refresh_from_db()
    assert demand.status == source
    assert not _entries(demand).exists()


@pytest.mark.parametrize("transition", [name for name, spec in EXPECTED.items() if not spec[3]])
def test_other_transitions_need_no_reason(cast, transition):
    source, target, *_rest = EXPECTED[transition]
    demand = make_demand(department=cast.sales, status=source)
    services.transition_demand(cast.cio, demand, transition)
    assert demand.status == target
    assert _entries(demand).get().reason == ""


def test_the_needs_reason_flags_match_the_table():
    assert {name: spec[3] for name, spec in TRANSITIONS.items()} == {
        name: spec[3] for name, spec in EXPECTED.items()
    }


def test_an_unknown_transition_is_a_field_error(cast):
    demand = make_demand(department=cast.sales)
    with pytest.raises(ValidationError) as exc:
        services.transition_demand(cast.cio, demand, "teleport")
    assert "transition" in exc.value.message_dict


def test_a_stale_copy_cannot_take_a_transition_twice(cast):
    demand = make_demand(department=cast.sales, status=S.SUBMITTED)
    stale = type(demand).objects.get(pk=demand.pk)
    services.transition_demand(cast.cio, demand, "assess")
    with pytest.raises(ValidationError):
        services.transition_demand(cast.cio, stale, "assess")
    assert _entries(demand).count() == 1


def test_the_whole_happy_path_leaves_one_entry_per_step(cast):
    demand = make_demand(department=cast.sales)
    steps = [(cast.lead, "submit"), (cast.resource_manager, "assess"), (cast.cio, "approve"),
             (cast.cio, "schedule"), (cast.resource_manager, "start"), (cast.resource_manager, "deliver")]
    for actor, step in steps:
        services.transition_demand(actor, demand, step)
    assert demand.status == S.DELIVERED
    actions = list(_entries(demand).order_by("id").values_list("action", flat=True))
    assert actions == ["transition:submitted", "transition:assessed", "transition:approved",
                       "transition:scheduled", "transition:in_progress", "transition:delivered"]


@pytest.mark.parametrize(
    ("status", "role", "department", "expected"),
    [
        (S.DRAFT, "cio", "finance", ["submit", "withdraw"]),
        (S.DRAFT, "bio", "sales", ["submit", "withdraw"]),
        (S.DRAFT, "bio", "finance", []),
        (S.DRAFT, "lead", "sales", ["submit", "withdraw"]),
        (S.DRAFT, "resource_manager", "sales", []),
        (S.SUBMITTED, "cio", "sales", ["assess", "reject", "defer", "withdraw"]),
        (S.SUBMITTED, "resource_manager", "finance", ["assess"]),
        (S.SUBMITTED, "lead", "sales", ["withdraw"]),
        (S.APPROVED, "cio", "sales", ["schedule", "defer", "withdraw"]),
        (S.SCHEDULED, "resource_manager", "sales", ["start"]),
        (S.DEFERRED, "bio", "sales", ["reopen"]),
        (S.DEFERRED, "lead", "sales", []),
        (S.DELIVERED, "cio", "sales", []),
        (S.DRAFT, "viewer", "sales", []),
        (S.DRAFT, "outsider", "sales", []),
    ],
)
def test_allowed_transitions_offer_only_what_the_user_may_do_now(cast, status, role, department, expected):
    demand = make_demand(department=getattr(cast, department), status=status)
    assert [t.value for t in services.allowed_transitions(cast.user(role), demand)] == expected


def _moved_together(cast, count):
    """`count` approved sales demands, each with an effort, a benefit, a system use, a goal and a
    prerequisite, moved to scheduled in one call; the queries it took."""
    skill = make_skill(organisation=cast.org, code=f"dev-{count}")
    objective = make_objective(organisation=cast.org, name=f"Grow {count}")
    system = make_system(organisation=cast.org, code=f"crm-{count}")
    goal = make_goal(department=cast.sales, title=f"Faster quotes {count}")
    base = make_demand(department=cast.sales, status=S.DELIVERED)
    demands = []
    for k in range(count):
        demand = make_demand(department=cast.sales, status=S.APPROVED, requires=[base], goals=[goal])
        make_effort(demand, skill, hours=100 + k)
        make_benefit(demand, objective, score=3)
        make_system_use(demand, system, units=2, is_change=True)
        demands.append(demand)
    with CaptureQueriesContext(connection) as queries:
        services.transition_demands(cast.cio, demands, "schedule", reason="published")
    return demands, len(queries), (skill, objective, system, goal, base)


def test_many_demands_move_together_each_with_its_own_entry_and_child_rows(cast):
    demands, _queries, (skill, objective, system, goal, base) = _moved_together(cast, 3)
    for k, demand in enumerate(demands):
        assert demand.status == S.SCHEDULED
        demand.refresh_from_db()
        assert demand.status == S.SCHEDULED
        entry = _entries(demand).get()
        assert (entry.actor, entry.action, entry.reason) == (cast.cio, "transition:scheduled", "published")
        assert (entry.before["status"], entry.after["status"]) == (S.APPROVED, S.SCHEDULED)
        for snap in (entry.before, entry.after):
            assert snap["efforts"] == {skill.code: 100.0 + k}
            assert snap["benefits"] == {objective.name: 3.0}
            assert snap["system_uses"] == {system.code: {"units": 2.0, "is_change": True}}
            assert snap["requires"] == [base.reference]
            assert snap["goals"] == [goal.title]


def test_moving_many_demands_takes_as_many_queries_as_moving_a_few(cast):
    _moved_together(cast, 1)  # the actor's role is looked up once, then kept
    assert _moved_together(cast, 30)[1] == _moved_together(cast, 3)[1]


def test_many_demands_move_all_or_none(cast):
    ready = [make_demand(department=cast.sales, status=S.APPROVED) for _ in range(3)]
    draft = make_demand(department=cast.sales, status=S.DRAFT)
    with pytest.raises(ValidationError):
        services.transition_demands(cast.cio, [*ready, draft], "schedule")
    foreign = make_demand(department=cast.finance, status=S.SUBMITTED)
    own = make_demand(department=cast.sales, status=S.DRAFT)
    with pytest.raises(PermissionDenied):
        services.transition_demands(cast.bio, [own, foreign], "submit")
    for demand in [*ready, draft, own, foreign]:
        before = demand.status
        demand.refresh_from_db()
        assert demand.status == before
        assert not _entries(demand).exists()
