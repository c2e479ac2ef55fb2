"""The permission layer: querysets narrowed per role and action, single-object checks agreeing
with them, and nothing ever visible across organisations."""

from __future__ import annotations

import pytest

from bearing.capacity.models import Skill
from bearing.capacity.tests.factories import make_skill
from bearing.core.models import AuditEntry
from bearing.core.permissions import has_model_permission, has_permission, restrict_queryset
from bearing.demand.choices import DemandStatus
from bearing.demand.models import Demand
from bearing.demand.tests.factories import make_demand
from bearing.strategy.models import DepartmentGoal, Objective
from bearing.strategy.tests.factories import make_goal, make_objective

ROLES = ("cio", "bio", "lead", "resource_manager", "viewer", "outsider")


@pytest.fixture
def demands(cast):
    """Two demands of sales (a draft and a submitted one), one of finance, one of the other org."""
    return {
        "sales_draft": make_demand(department=cast.sales, reference="D-0001"),
        "sales_submitted": make_demand(department=cast.sales, reference="D-0002", status=DemandStatus.SUBMITTED),
        "finance": make_demand(department=cast.finance, reference="D-0003"),
        "other_org": make_demand(department=cast.other_department, reference="D-0001"),
    }


VISIBLE = {
    "cio": {"sales_draft", "sales_submitted", "finance"},
    "bio": {"sales_draft", "sales_submitted", "finance"},
    "lead": {"sales_draft", "sales_submitted"},
    "resource_manager": {"sales_draft", "sales_submitted", "finance"},
    "viewer": {"sales_draft", "sales_submitted", "finance"},
    "outsider": set(),
}
CHANGEABLE = {
    "cio": {"sales_draft", "sales_submitted", "finance"},
    "bio": {"sales_draft", "sales_submitted"},
    "lead": {"sales_draft"},
    "resource_manager": set(),
    "viewer": set(),
    "outsider": set(),
}
ESTIMABLE = {
    "cio": {"sales_draft", "sales_submitted", "finance"},
    "bio": {"sales_draft", "sales_submitted"},
    "lead": set(),
    "resource_manager": {"sales_draft", "sales_submitted", "finance"},
    "viewer": set(),
    "outsider": set(),
}


def _names(queryset, demands) -> set[str]:
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name, demand in demands.items() if demand.pk in ids}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("action", "expected"), [("view", VISIBLE), ("change", CHANGEABLE), ("estimate", ESTIMABLE)])
def test_restrict_demands_per_role(cast, demands, role, action, expected):
    user = cast.user(role)
    restricted = restrict_queryset(Demand.objects.all(), user, action, cast.org)
    assert _names(restricted, demands) == expected[role]
    # the single-object check agrees with the queryset
    assert {name for name, d in demands.items() if name != "other_org" and has_permission(user, action, d)} == expected[role]


def test_the_queryset_method_is_the_same_rule(cast, demands):
    assert _names(Demand.objects.restrict(cast.lead, "view", cast.org), demands) == {"sales_draft", "sales_submitted"}


def test_without_an_organisation_each_user_sees_their_own_organisations_only(cast, demands):
    assert _names(restrict_queryset(Demand.objects.all(), cast.outsider), demands) == {"other_org"}
    assert _names(restrict_queryset(Demand.objects.all(), cast.cio), demands) == VISIBLE["cio"]


def test_anonymous_users_see_nothing(cast, demands):
    from django.contrib.auth.models import AnonymousUser

    assert not restrict_queryset(Demand.objects.all(), AnonymousUser()).exists()
    assert not has_permission(AnonymousUser(), "view", demands["sales_draft"])


def test_a_user_of_two_organisations_sees_each_in_its_own_role(cast, demands):
    from bearing.core.tests.factories import make_membership

    make_membership(cast.lead, cast.other_org, "viewer")
    lead = type(cast.lead).objects.get(pk=cast.lead.pk)  # fresh object: permission caches are per object
    assert _names(restrict_queryset(Demand.objects.all(), lead), demands) == {"sales_draft", "sales_submitted", "other_org"}
    assert _names(restrict_queryset(Demand.objects.all(), lead, "view", cast.other_org), demands) == {"other_org"}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("cio", {"sales", "finance"}), ("bio", {"sales"}), ("lead", set()), ("resource_manager", set()),
     ("viewer", set()), ("outsider", set())],
)
def test_goals_are_changed_by_the_cio_and_own_department_bios(cast, role, expected):
    goals = {"sales": make_goal(department=cast.sales), "finance": make_goal(department=cast.finance)}
    restricted = restrict_queryset(DepartmentGoal.objects.all(), cast.user(role), "change", cast.org)
    assert {name for name, g in goals.items() if restricted.filter(pk=g.pk).exists()} == expected


@pytest.mark.parametrize(
    ("role", "visible"),
    [("cio", {"sales", "finance"}), ("bio", {"sales", "finance"}), ("lead", {"sales"}),
     ("resource_manager", {"sales", "finance"}), ("viewer", {"sales", "finance"}), ("outsider", set())],
)
def test_a_lead_reads_goals_of_their_own_department_only(cast, role, visible):
    goals = {"sales": make_goal(department=cast.sales), "finance": make_goal(department=cast.finance)}
    restricted = restrict_queryset(DepartmentGoal.objects.all(), cast.user(role), "view", cast.org)
    assert {name for name, g in goals.items() if restricted.filter(pk=g.pk).exists()} == visible


@pytest.mark.parametrize(
    ("role", "may_change_skills", "may_change_objectives", "may_read_audit"),
    [
        ("cio", True, True, True),
        ("bio", False, False, False),
        ("lead", False, False, False),
        ("resource_manager", True, False, False),
        ("viewer", False, False, False),
        ("outsider", False, False, False),
    ],
)
def test_organisation_wide_objects_per_role(cast, role, may_change_skills, may_change_objectives, may_read_audit):
    user = cast.user(role)
    skill = make_skill(organisation=cast.org)
    objective = make_objective(organisation=cast.org)
    AuditEntry.objects.create(organisation=cast.org, action="create", object_type="x", object_id="1", object_repr="x")
    assert restrict_queryset(Skill.objects.all(), user, "change", cast.org).filter(pk=skill.pk).exists() == may_change_skills
    assert has_permission(user, "change", objective) == may_change_objectives
    assert has_model_permission(user, "add", Objective, cast.org) == may_change_objectives
    assert restrict_queryset(AuditEntry.objects.all(), user, "view", cast.org).exists() == may_read_audit
    # everyone in the organisation reads skills; the outsider does not
    assert restrict_queryset(Skill.objects.all(), user, "view", cast.org).exists() == (role != "outsider")


def test_model_permission_for_own_departments(cast):
    assert has_model_permission(cast.bio, "add", Demand, cast.org, cast.sales)
    assert not has_model_permission(cast.bio, "add", Demand, cast.org, cast.finance)
    assert has_model_permission(cast.lead, "add", Demand, cast.org, cast.sales.pk)
    assert not has_model_permission(cast.resource_manager, "add", Demand, cast.org, cast.sales)
    assert not has_model_permission(cast.outsider, "add", Demand, cast.org)


def test_get_object_for_user_hides_other_organisations_and_forbids_what_is_only_visible(cast, demands):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from bearing.core.permissions import get_object_for_user

    assert get_object_for_user(Demand.objects.all(), cast.viewer, demands["finance"].pk) == demands["finance"]
    with pytest.raises(PermissionDenied):
        get_object_for_user(Demand.objects.all(), cast.viewer, demands["finance"].pk, "change")
    with pytest.raises(Http404):
        get_object_for_user(Demand.objects.all(), cast.outsider, demands["finance"].pk, "view", cast.other_org)
    with pytest.raises(Http404):
        get_object_for_user(Demand.objects.all(), cast.lead, demands["finance"].pk)
