"""Explanations for demands left out and late starts, each checked against a forced re-plan."""

from __future__ import annotations

from bearing.engine.explain import explain_unscheduled, late_start_reasons
from bearing.engine.problem import Budget, Demand, Problem, Resource
from bearing.engine.solve import solve


def test_left_out_demand_names_the_resource_extra_hours_and_value_lost() -> None:
    # 10 dev-hours in 2027-Q1: A (10h, 10) takes all; B (4h, 3) is out. 4 more hours admit B;
    # forcing B in pushes A out: the plan falls from 10 to 3, so 7 of value is lost.
    p = Problem(
        periods=1,
        resources={"dev": Resource("dev", (10.0,))},
        demands=(Demand("A", 10, effort={"dev": 10}), Demand("B", 3, effort={"dev": 4})),
        period_labels=("2027-Q1",),
    )
    plan = solve(p, time_limit=5.0)
    (out,) = plan.unscheduled
    assert out.id == "B"
    assert out.details["verified"] is True
    assert out.details["binding_resources"] == ["dev"]
    assert out.details["extra_hours"] == {"dev": 4.0}
    assert out.details["value_lost"] == 7.0
    assert any("dev capacity in 2027-Q1" in r and "4 more dev-hours" in r for r in out.reasons)
    assert any("cost 7 of value" in r for r in out.reasons)


def test_left_out_demand_over_budget_names_the_missing_money() -> None:
    # budget 100: A (cost 80, value 9) is in; B (cost 50, value 4) needs 30 more money
    p = Problem(
        periods=1,
        resources={},
        demands=(Demand("A", 9, cost=80), Demand("B", 4, cost=50)),
        budgets=(Budget(0, 0, 100),),
    )
    plan = solve(p, time_limit=5.0, explain=False)
    (out,) = explain_unscheduled(p, plan, time_limit=2.0)
    assert out.details["extra_money"] == 30.0
    assert out.details["value_lost"] == 5.0  # the best plan with B forced in is B alone (4)
    assert out.details["verified"] is True


def test_excluded_demand_says_so() -> None:
    p = Problem(periods=1, resources={}, demands=(Demand("A", 1, excluded=True),))
    plan = solve(p, time_limit=2.0)
    assert plan.unscheduled[0].reasons == ("A is excluded from this scenario",)


def test_late_start_is_explained_by_the_prerequisite() -> None:
    # B requires A; A runs in period 0 (its only allowed start), so B cannot start before period 1
    p = Problem(
        periods=3,
        resources={"dev": Resource("dev", (10.0, 10.0, 10.0))},
        demands=(
            Demand("A", 1, effort={"dev": 5}, fixed_start=0),
            Demand("B", 5, effort={"dev": 5}, requires=("A",)),
        ),
        period_labels=("2027-Q1", "2027-Q2", "2027-Q3"),
    )
    plan = solve(p, time_limit=2.0, explain=False)
    b = next(s for s in late_start_reasons(p, plan) if s.id == "B")
    assert b.start == 1
    assert b.reasons == ("it cannot start in 2027-Q1: prerequisite A finishes at the end of 2027-Q1",)
