"""The adapter from the database to the engine problem, on a small organisation built with factories."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bearing.demand.choices import DemandStatus
from bearing.demand.tests.factories import make_benefit, make_demand, make_effort, make_system_use
from bearing.engine.check import check_plan
from bearing.engine.codec import problem_from_dict, problem_to_dict, validate
from bearing.engine.solve import solve
from bearing.planning.adapters import build_problem
from bearing.planning.choices import DemandSelection
from bearing.planning.tests.factories import make_scenario

pytestmark = pytest.mark.django_db


def _demand(built, ref):
    return next(d for d in built.problem.demands if d.id == ref)


def test_problem_is_valid_and_the_checker_accepts_the_solved_plan(planning_org, scenario):
    built = build_problem(scenario)
    assert validate(built.problem) == [] and built.context["errors"] == []
    assert validate(problem_from_dict(problem_to_dict(built.problem))) == []
    assert sorted(built.demand_pks) == ["D-A", "D-B", "D-C", "D-D", "D-E"]
    assert built.problem.resources["java"].capacity == (624.0,) * 8  # 2 people x 390 h x (1 - 0.2)
    assert built.problem.resources["system:erp"].capacity == (10.0,) * 8  # 12 units, 2 utilised
    assert _demand(built, "D-E").effort == {"system:erp": 4.0}
    assert _demand(built, "D-B").requires == ("D-A",)
    plan = solve(built.problem, time_limit=3, workers=1, seed=0)
    assert plan.status in ("optimal", "feasible")
    assert check_plan(built.problem, plan).ok
    assert {s.id for s in plan.scheduled} >= {"D-A", "D-C"}


def test_fractional_hours_units_money_and_scores_reach_the_engine_as_they_are(cast, planning_org, scenario):
    po = planning_org
    for ref, score in (("D-F7", 7), ("D-F75", Decimal("7.5")), ("D-F8", 8)):
        d = make_demand(organisation=cast.org, department=cast.sales, reference=ref, status=DemandStatus.APPROVED,
                        cost_eur=Decimal("1234.56"))
        make_effort(d, po.java, Decimal("12.5"))
        make_system_use(d, po.erp, Decimal("2.5"))
        make_benefit(d, po.revenue, score)
    built = build_problem(scenario)
    half = _demand(built, "D-F75")
    assert half.effort == {"java": 12.5, "system:erp": 2.5} and half.cost == 1234.56
    assert _demand(built, "D-F7").value < half.value < _demand(built, "D-F8").value


def test_default_selection_plans_assessed_and_approved_only(cast, planning_org, scenario):
    make_demand(organisation=cast.org, department=cast.sales, reference="D-DRAFT", status=DemandStatus.DRAFT)
    make_demand(organisation=cast.org, department=cast.sales, reference="D-ASSESSED", status=DemandStatus.ASSESSED)
    ids = set(build_problem(scenario).demand_pks)
    assert "D-ASSESSED" in ids and "D-DRAFT" not in ids


def test_capacity_changes_add_fte_and_system_units_from_their_quarter(cast, planning_org):
    scenario = make_scenario(cast.org, name="Grow", capacity_changes=[
        {"resource": "skill:java", "amount": 2, "unit": "fte", "from_quarter": 2},
        {"resource": "skill:dba", "amount": 100, "unit": "hours", "from_quarter": 0},
        {"resource": "system:erp", "amount": 5, "unit": "units", "from_quarter": 1},
    ])
    resources = build_problem(scenario, hours_per_fte=400).problem.resources
    assert resources["java"].capacity[:3] == (640.0, 640.0, 1440.0)  # 2 x 400 x 0.8, then + 2 x 400
    assert resources["dba"].capacity[0] == 420.0
    assert resources["system:erp"].capacity[:2] == (10.0, 15.0)


def test_mandatory_need_class_and_forced_in_are_mandatory_forced_out_is_excluded(cast, planning_org):
    po = planning_org
    scenario = make_scenario(cast.org, name="Forced")
    scenario.forced_in.set([po.demands["E"]])
    scenario.forced_out.set([po.demands["A"]])
    built = build_problem(scenario)
    assert _demand(built, "D-C").mandatory and _demand(built, "D-E").mandatory
    assert _demand(built, "D-A").excluded and not _demand(built, "D-A").mandatory
    plan = solve(built.problem, time_limit=3)
    assert check_plan(built.problem, plan).ok
    scheduled = {s.id for s in plan.scheduled}
    assert "D-A" not in scheduled and "D-B" not in scheduled  # B needs A
    assert {"D-C", "D-E"} <= scheduled


def test_forced_in_demand_outside_the_default_set_is_planned(cast, planning_org):
    draft = make_demand(organisation=cast.org, department=cast.sales, reference="D-NEW", status=DemandStatus.DRAFT)
    make_effort(draft, planning_org.java, 100)
    scenario = make_scenario(cast.org, name="With draft")
    scenario.forced_in.set([draft])
    built = build_problem(scenario)
    assert _demand(built, "D-NEW").mandatory


def test_dependency_on_a_demand_outside_the_scenario(cast, planning_org):
    po = planning_org
    scenario = make_scenario(cast.org, name="Chosen", selection=DemandSelection.CHOSEN)
    scenario.chosen_demands.set([po.demands["B"], po.demands["C"]])
    built = build_problem(scenario)
    assert validate(built.problem) == []
    assert _demand(built, "D-B").excluded and _demand(built, "D-B").requires == ()
    assert "D-A" in built.context["dropped"]["D-B"]
    # once A is under way, the requirement is met and B is plannable
    po.demands["A"].status = DemandStatus.IN_PROGRESS
    po.demands["A"].save()
    built = build_problem(scenario)
    assert not _demand(built, "D-B").excluded and "D-B" not in built.context["dropped"]


def test_budget_windows_become_engine_budgets(cast, planning_org):
    scenario = make_scenario(cast.org, name="Money", budget_windows=[{"first": 0, "last": 3, "amount": 120000}])
    built = build_problem(scenario)
    assert [(b.first, b.last, b.amount) for b in built.problem.budgets] == [(0, 3, 120000.0)]
    plan = solve(built.problem, time_limit=3)
    assert check_plan(built.problem, plan).ok
