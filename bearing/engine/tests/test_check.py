"""The independent checker catches each kind of broken rule, in words."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bearing.engine.check import check_additions, check_plan
from bearing.engine.codec import PlanError, plan_to_dict
from bearing.engine.plan import Plan, Scheduled, Unscheduled
from bearing.engine.problem import Budget, Demand, Problem, Resource

DEMANDS = {
    "A": Demand("A", value=10, cost=600, duration=2, effort={"dev": 600}),
    "B": Demand("B", value=5, effort={"dev": 100}, requires=("A",), earliest_start=1, deadline=4),
    "M": Demand("M", value=1, mandatory=True),
    "X": Demand("X", value=3, excluded=True),
    "F": Demand("F", value=2, fixed_start=3),
    "C": Demand("C", value=0, effort={"dev": 320}),
}
PROBLEM = Problem(
    periods=4,
    resources={"dev": Resource("dev", (480.0,) * 4)},
    demands=tuple(DEMANDS.values()),
    budgets=(Budget(0, 1, 1000.0),),
    period_labels=("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"),
)
GOOD = {"A": 0, "B": 2, "M": 0, "F": 3}


def make_plan(starts: dict[str, int], objective: float | None = None, **overrides: Any) -> Plan:
    """A plan with the given starts, every other demand unscheduled, and the right objective."""
    value = sum(DEMANDS[d].value for d in starts) if objective is None else objective
    fields: dict[str, Any] = {
        "status": "feasible",
        "objective": value,
        "scheduled": [Scheduled(d, s, s + DEMANDS[d].duration) for d, s in starts.items()],
        "unscheduled": [Unscheduled(d, ("left out",)) for d in DEMANDS if d not in starts],
    }
    fields.update(overrides)
    return Plan(**fields)


def violations(plan: Plan, problem: Problem = PROBLEM) -> list[str]:
    return check_plan(problem, plan).violations


def test_accepts_a_feasible_plan_and_recomputes_its_objective() -> None:
    result = check_plan(PROBLEM, make_plan(GOOD))
    assert result.ok and result.violations == []
    assert result.objective == 18.0


def test_accepts_a_plan_dict_as_written_by_the_codec() -> None:
    usage = {"dev": [300.0, 300.0, 100.0, 0.0]}
    plan = make_plan(GOOD, resource_usage=usage, budget_usage=[600.0])
    assert check_plan(PROBLEM, plan_to_dict(plan)).ok


def test_rejects_a_malformed_plan_dict() -> None:
    with pytest.raises(PlanError):
        check_plan(PROBLEM, {"format": "bearing-plan/1", "status": "feasible", "scheduled": "none"})


def test_catches_capacity_overuse() -> None:
    assert violations(make_plan({**GOOD, "C": 1})) == [
        "dev in 2027-Q2: 620.0 hours used, capacity 480.0"
    ]


def test_tolerates_rounding_at_exactly_full_capacity() -> None:
    problem = Problem(
        1,
        {"dev": Resource("dev", (1.0,))},
        tuple(Demand(f"D{i}", 1, effort={"dev": 0.1}) for i in range(10)),
    )
    plan = Plan("feasible", objective=10.0, scheduled=[Scheduled(f"D{i}", 0, 1) for i in range(10)])
    assert violations(plan, problem) == []


# At a million hours or a million of money, adding 0.1 twice lands 2.3e-10 above the decimal sum:
# a plan that uses exactly what there is must still pass (the tolerance scales with the amount).
_LARGE_AMOUNTS = (2000000.3, 0.1, 0.1)
_LARGE_TOTAL = 2000000.5


def _summed_in_plan_order(amounts: tuple[float, ...]) -> float:
    total = 0.0
    for amount in amounts:
        total += amount
    return total


def _three_large(**demand_fields: Any) -> tuple[Demand, ...]:
    return tuple(
        Demand(f"L{i}", 1.0, **{k: v(amount) for k, v in demand_fields.items()})
        for i, amount in enumerate(_LARGE_AMOUNTS)
    )


def _all_in_period_0(demands: tuple[Demand, ...], objective: float = 3.0) -> Plan:
    return Plan("feasible", objective=objective, scheduled=[Scheduled(d.id, 0, 1) for d in demands])


def test_tolerates_rounding_at_exactly_full_capacity_of_a_million_hours() -> None:
    assert _summed_in_plan_order(_LARGE_AMOUNTS) > _LARGE_TOTAL  # the rounding this test is about
    demands = _three_large(effort=lambda hours: {"dev": hours})
    problem = Problem(1, {"dev": Resource("dev", (_LARGE_TOTAL,))}, demands)
    assert violations(_all_in_period_0(demands), problem) == []
    tight = Problem(1, {"dev": Resource("dev", (_LARGE_TOTAL - 10.0,))}, demands)
    assert violations(_all_in_period_0(demands), tight) == [
        "dev in period 0: 2000000.5 hours used, capacity 1999990.5"
    ]


def test_tolerates_rounding_at_exactly_a_budget_of_a_million() -> None:
    demands = _three_large(cost=lambda money: money)
    problem = Problem(1, {}, demands, (Budget(0, 0, _LARGE_TOTAL),))
    assert violations(_all_in_period_0(demands), problem) == []
    tight = Problem(1, {}, demands, (Budget(0, 0, _LARGE_TOTAL - 10.0),))
    assert violations(_all_in_period_0(demands), tight) == [
        "budget period 0..period 0: 2000000.50 spent, amount 1999990.50"
    ]


def test_tolerates_rounding_in_a_claimed_objective_of_a_million() -> None:
    demands = tuple(Demand(f"V{i}", value) for i, value in enumerate(_LARGE_AMOUNTS))
    problem = Problem(1, {}, demands)
    result = check_plan(problem, _all_in_period_0(demands, objective=_LARGE_TOTAL))
    assert result.objective > _LARGE_TOTAL and result.ok
    assert violations(_all_in_period_0(demands, objective=_LARGE_TOTAL + 10.0), problem) == [
        "objective: plan claims 2000010.5, recomputed 2000000.5"
    ]


def test_catches_budget_overspend() -> None:
    problem = Problem(
        4,
        PROBLEM.resources,
        PROBLEM.demands,
        (Budget(0, 1, 500.0),),
        period_labels=PROBLEM.period_labels,
    )
    assert violations(make_plan(GOOD), problem) == [
        "budget 2027-Q1..2027-Q2: 600.00 spent, amount 500.00"
    ]


def test_a_budget_window_counts_only_the_periods_a_demand_runs_inside_it() -> None:
    # 900 over periods 1-3: 300 falls in window 0..1 (period 1), 600 in 2..4 (periods 2-3)
    problem = Problem(
        5,
        {},
        (Demand("P", 1.0, cost=900.0, duration=3),),
        (Budget(0, 1, 300.0), Budget(2, 4, 600.0), Budget(0, 0, 0.0)),
    )
    plan = Plan("feasible", objective=1.0, scheduled=[Scheduled("P", 1, 4)], budget_usage=[300.0, 600.0, 0.0])
    assert violations(plan, problem) == []
    tighter = dataclasses.replace(problem, budgets=(Budget(0, 1, 299.0), Budget(2, 4, 599.0)))
    assert violations(dataclasses.replace(plan, budget_usage=[]), tighter) == [
        "budget period 0..period 1: 300.00 spent, amount 299.00",
        "budget period 2..period 4: 600.00 spent, amount 599.00",
    ]


def test_catches_a_plan_reporting_fewer_budget_windows_than_the_problem_has() -> None:
    problem = dataclasses.replace(PROBLEM, budgets=(Budget(0, 1, 1000.0), Budget(2, 3, 1000.0)))
    assert violations(make_plan(GOOD, budget_usage=[600.0]), problem) == [
        "usage: reports 1 budget windows, the problem has 2"
    ]


def test_catches_an_unknown_scheduled_demand() -> None:
    plan = make_plan(GOOD)
    plan.scheduled.append(Scheduled("Z", 0, 1))
    assert violations(plan) == ["scheduled[4]: Z is not a demand of the problem"]


def test_catches_a_demand_scheduled_twice() -> None:
    plan = make_plan(GOOD)
    plan.scheduled.append(Scheduled("M", 1, 2))
    assert violations(plan) == ["scheduled[4]: M is scheduled more than once"]


def test_catches_a_wrong_finish() -> None:
    plan = make_plan(GOOD)
    plan.scheduled[0] = Scheduled("A", 0, 1)
    assert violations(plan) == ["A: finish 1 is not start + duration (0 + 2 = 2)"]


def test_catches_a_demand_running_past_the_horizon() -> None:
    problem = Problem(2, {}, (Demand("E", 1, duration=2),))
    plan = Plan("feasible", objective=1.0, scheduled=[Scheduled("E", 1, 3)])
    assert violations(plan, problem) == ["E: runs in periods 1..2, outside the horizon 0..1"]


def test_catches_a_start_before_the_earliest_start() -> None:
    problem = Problem(
        4, PROBLEM.resources, PROBLEM.demands[2:], period_labels=PROBLEM.period_labels
    )
    problem = Problem(
        4,
        problem.resources,
        (Demand("E", 1, earliest_start=2),),
        period_labels=PROBLEM.period_labels,
    )
    plan = Plan("feasible", objective=1.0, scheduled=[Scheduled("E", 1, 2)])
    assert violations(plan, problem) == ["E: starts in 2027-Q2, before its earliest start 2027-Q3"]


def test_catches_a_missed_deadline() -> None:
    problem = Problem(4, {}, (Demand("E", 1, deadline=2),))
    plan = Plan("feasible", objective=1.0, scheduled=[Scheduled("E", 2, 3)])
    assert violations(plan, problem) == ["E: finishes at 3, after its deadline 2"]


def test_a_demand_finishing_exactly_at_its_deadline_keeps_it() -> None:
    problem = Problem(4, {}, (Demand("E", 1, duration=2, deadline=3),))
    plan = Plan("feasible", objective=1.0, scheduled=[Scheduled("E", 1, 3)])
    assert violations(plan, problem) == []


def test_catches_a_moved_fixed_start() -> None:
    assert violations(make_plan({**GOOD, "F": 2})) == [
        "F: starts at 2, but its start is fixed at 3"
    ]


def test_catches_a_missing_mandatory_demand() -> None:
    starts = {k: v for k, v in GOOD.items() if k != "M"}
    assert violations(make_plan(starts)) == ["M: mandatory but not scheduled"]


def test_catches_a_scheduled_excluded_demand() -> None:
    assert violations(make_plan({**GOOD, "X": 0})) == ["X: excluded but scheduled"]


def test_catches_a_missing_prerequisite() -> None:
    starts = {"B": 2, "M": 0, "F": 3}
    assert violations(make_plan(starts)) == ["B: requires A, which is not scheduled"]


def test_catches_a_demand_starting_before_its_prerequisite_finishes() -> None:
    assert violations(make_plan({**GOOD, "B": 1})) == [
        "B: starts at 1, before A (which it requires) finishes at 2"
    ]


def test_catches_a_demand_listed_nowhere() -> None:
    plan = make_plan(GOOD)
    plan.unscheduled = [u for u in plan.unscheduled if u.id != "X"]
    assert violations(plan) == ["X is missing: listed neither as scheduled nor as unscheduled"]


def test_catches_a_demand_listed_both_scheduled_and_unscheduled() -> None:
    plan = make_plan(GOOD)
    plan.unscheduled.append(Unscheduled("A", ("why",)))
    assert violations(plan) == ["A is listed both as scheduled and as unscheduled"]


def test_catches_a_demand_listed_as_unscheduled_twice() -> None:
    plan = make_plan(GOOD)
    plan.unscheduled.append(Unscheduled("X", ("again",)))
    assert violations(plan) == ["X is listed as unscheduled more than once"]


def test_catches_a_wrong_objective() -> None:
    assert violations(make_plan(GOOD, objective=20.0)) == [
        "objective: plan claims 20, recomputed 18"
    ]


def test_recomputes_the_objective_with_the_discount() -> None:
    # A ends in period 1 (x 0.9), M in 0 (x 1), B in 2 (x 0.81), F in 3 (x 0.729).
    problem = Problem(4, PROBLEM.resources, PROBLEM.demands, PROBLEM.budgets, discount_rate=0.1)
    expected = 10 * 0.9 + 1 + 5 * 0.81 + 2 * 0.729
    result = check_plan(problem, make_plan(GOOD, objective=expected))
    assert result.ok
    assert result.objective == pytest.approx(15.508)


def test_catches_usage_the_plan_misreports() -> None:
    plan = make_plan(GOOD, resource_usage={"dev": [300.0, 300.0, 0.0, 0.0]}, budget_usage=[600.0])
    assert violations(plan) == ["usage of dev in 2027-Q3: plan reports 0.0, recomputed 100.0"]


def test_checks_only_the_format_of_an_infeasible_plan() -> None:
    plan = Plan("infeasible", conflicts=["mandatory M needs 20 dev-hours; capacity is 10"])
    assert check_plan(PROBLEM, plan).ok


def test_check_additions_catches_each_broken_rule_of_a_sufficiency_report() -> None:
    from types import SimpleNamespace

    from bearing.engine.sufficiency import CapacityAddition

    problem = Problem(
        periods=3,
        resources={"dev": Resource("dev", (100.0, 100.0, 100.0))},
        demands=(
            Demand("A", 1.0, effort={"dev": 150.0}, mandatory=True),
            Demand("B", 1.0, effort={"dev": 50.0}, requires=("A",), earliest_start=1),
        ),
    )

    def report(schedule: dict[str, int], *additions: tuple[float, int]) -> SimpleNamespace:
        steps = [CapacityAddition("dev", h, q, h / 100.0, "") for h, q in additions]
        return SimpleNamespace(schedule=schedule, additions=steps, must_fit_ids=["A", "B"])

    assert check_additions(problem, report({"A": 0, "B": 1}, (50.0, 0))) == []
    short = check_additions(problem, report({"A": 0, "B": 1}, (50.0, 1)))  # added after A's period
    assert short == ["dev in period 0: 150.0 hours used, capacity 100.0"]
    assert check_additions(problem, report({"A": 1, "B": 1}, (100.0, 0))) == [
        "B: starts at 1, before A (which it requires) finishes at 2"
    ]
    assert check_additions(problem, report({"A": 0, "B": 0}, (100.0, 0))) == [
        "B: starts in period 0, before its earliest start period 1",
        "B: starts at 0, before A (which it requires) finishes at 1",
    ]
    assert check_additions(problem, report({"A": 0}, (50.0, 0))) == ["B: must fit but not scheduled"]
