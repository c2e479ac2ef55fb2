"""Rank-and-fill on hand-built problems whose best greedy schedule is worked out by hand."""

from __future__ import annotations

import random

import pytest

from bearing.engine.check import check_plan
from bearing.engine.codec import validate
from bearing.engine.greedy import solve_greedy
from bearing.engine.problem import Budget, Demand, Problem, Resource


def make_problem(
    demands: list[Demand],
    periods: int = 1,
    dev: float = 10.0,
    budgets: tuple[Budget, ...] = (),
    rate: float = 0.0,
) -> Problem:
    problem = Problem(
        periods=periods,
        resources={"dev": Resource("dev", (dev,) * periods)},
        demands=tuple(demands),
        budgets=budgets,
        discount_rate=rate,
    )
    assert validate(problem) == []
    return problem


def starts(problem: Problem, **kwargs: str) -> dict[str, int]:
    return solve_greedy(problem, **kwargs).starts()


def test_keeps_the_best_of_the_three_rankings() -> None:
    # By value per cost, A (10 per 1) fills dev alone: 10. By value per hour, B and C (1.2 each)
    # come first and fill dev together: 12.
    problem = make_problem(
        [
            Demand("A", value=10, cost=1, effort={"dev": 10}),
            Demand("B", value=6, cost=10, effort={"dev": 5}),
            Demand("C", value=6, cost=10, effort={"dev": 5}),
        ]
    )
    plan = solve_greedy(problem)
    assert plan.status == "feasible"
    assert plan.objective == pytest.approx(12.0)
    assert plan.starts() == {"B": 0, "C": 0}
    assert plan.stats["ranking"] in ("value_per_scarce_hour", "value_per_hour")
    assert plan.bound is None
    assert [u.id for u in plan.unscheduled] == ["A"]
    assert "dev" in plan.unscheduled[0].reasons[0]
    assert plan.resource_usage == {"dev": [10.0]}
    only_cost = solve_greedy(problem, ranking="value_per_cost")
    assert only_cost.objective == pytest.approx(10.0) and only_cost.starts() == {"A": 0}


def test_the_scarcity_weighted_ranking_wins_when_plentiful_hours_hide_the_scarce_ones() -> None:
    # dev (10 h) is demanded 20 h: scarcity 2; ops (1,000 h) is demanded 100 h: scarcity 0.1.
    # Per hour, A (10 per 10 h) leads B and C (8 per 55 h) and fills dev alone: 10; per cost too.
    # Per scarcity-weighted hour, A is 10 / (10 x 2) = 0.5 and B, C are 8 / (5 x 2 + 50 x 0.1) =
    # 0.53: B and C fill dev together, 16. X is excluded: its hours are demanded by no one.
    problem = Problem(
        periods=1,
        resources={"dev": Resource("dev", (10.0,)), "ops": Resource("ops", (1000.0,))},
        demands=(
            Demand("A", value=10, cost=1, effort={"dev": 10}),
            Demand("B", value=8, cost=10, effort={"dev": 5, "ops": 50}),
            Demand("C", value=8, cost=10, effort={"dev": 5, "ops": 50}),
            Demand("X", value=1, effort={"ops": 20000}, excluded=True),
        ),
    )
    assert validate(problem) == []
    plan = solve_greedy(problem)
    assert plan.stats["ranking"] == "value_per_scarce_hour"
    assert plan.starts() == {"B": 0, "C": 0} and plan.objective == pytest.approx(16.0)
    for ranking in ("value_per_hour", "value_per_cost"):
        assert starts(problem, ranking=ranking) == {"A": 0}


def test_places_each_demand_at_its_earliest_start_with_room() -> None:
    # dev holds one 10-hour demand per period; C (two periods of 10) finds no two free periods.
    problem = make_problem(
        [
            Demand("A", value=5, effort={"dev": 10}),
            Demand("B", value=4, effort={"dev": 10}),
            Demand("C", value=3, duration=2, effort={"dev": 20}),
        ],
        periods=3,
    )
    assert starts(problem) == {"A": 0, "B": 1}


def test_a_demand_waits_for_what_it_requires_and_keeps_its_rank() -> None:
    # Rank A (10), C (3), B (1). A waits for B; C takes period 0, B period 1, so A starts in 2.
    problem = make_problem(
        [
            Demand("A", value=10, effort={"dev": 5}, requires=("B",)),
            Demand("B", value=1, effort={"dev": 5}),
            Demand("C", value=3, effort={"dev": 5}),
        ],
        periods=3,
        dev=5,
    )
    plan = solve_greedy(problem)
    assert plan.starts() == {"C": 0, "B": 1, "A": 2}
    assert plan.objective == pytest.approx(14.0)


def test_a_demand_whose_prerequisite_is_out_stays_out() -> None:
    problem = make_problem(
        [Demand("A", value=10, requires=("B",)), Demand("B", value=1, excluded=True)], periods=2
    )
    plan = solve_greedy(problem)
    assert plan.scheduled == []
    reasons = {u.id: u.reasons for u in plan.unscheduled}
    assert reasons["A"] == ("requires B, not scheduled",)
    assert reasons["B"] == ("excluded by the scenario",)


def test_respects_deadlines() -> None:
    # B ranks first and takes period 0, the only period A's deadline allows.
    problem = make_problem(
        [
            Demand("A", value=5, effort={"dev": 10}, deadline=1),
            Demand("B", value=6, effort={"dev": 10}),
        ],
        periods=4,
    )
    plan = solve_greedy(problem)
    assert plan.starts() == {"B": 0}
    assert plan.unscheduled[0].reasons == (
        "not enough dev hours in any start window (10 needed per period)",
    )


def test_says_when_a_prerequisite_finishes_too_late_for_the_deadline() -> None:
    # A fills periods 0-1 and finishes at 2; B must start after it, but its deadline ends period 1.
    problem = make_problem(
        [
            Demand("A", value=5, duration=2, effort={"dev": 2}),
            Demand("B", value=6, effort={"dev": 1}, requires=("A",), deadline=2),
        ],
        periods=3,
    )
    plan = solve_greedy(problem)
    assert plan.starts() == {"A": 0}
    assert plan.unscheduled[0].reasons == ("its prerequisites finish too late for its deadline",)


def test_respects_budget_windows() -> None:
    # Budget 100 in period 0 only: A takes it, B moves to period 1 where no budget applies.
    budgets = (Budget(0, 0, 100.0),)
    problem = make_problem(
        [Demand("A", value=5, cost=100), Demand("B", value=4, cost=100)], periods=2, budgets=budgets
    )
    plan = solve_greedy(problem)
    assert plan.starts() == {"A": 0, "B": 1}
    assert plan.budget_usage == [100.0]


def test_leaves_out_what_the_budget_cannot_pay_for() -> None:
    budgets = (Budget(0, 1, 150.0),)
    problem = make_problem(
        [Demand("A", value=5, cost=100), Demand("B", value=4, cost=100)], periods=2, budgets=budgets
    )
    plan = solve_greedy(problem)
    assert plan.starts() == {"A": 0}
    assert plan.unscheduled[0].reasons == ("budget period 0..period 1 has 50 left",)


def test_places_mandatory_demands_first() -> None:
    problem = make_problem(
        [
            Demand("A", value=10, effort={"dev": 10}),
            Demand("M", value=1, effort={"dev": 5}, mandatory=True),
        ]
    )
    plan = solve_greedy(problem)
    assert plan.starts() == {"M": 0}
    assert plan.status == "feasible"


def test_mandatory_demands_that_do_not_fit_together_give_unknown_with_a_conflict() -> None:
    # Each fits alone, so the failure proves nothing: status is "unknown", not "infeasible".
    problem = make_problem(
        [
            Demand("M1", value=1, effort={"dev": 10}, mandatory=True),
            Demand("M2", value=1, effort={"dev": 10}, mandatory=True),
        ]
    )
    plan = solve_greedy(problem)
    assert plan.status == "unknown"
    assert plan.conflicts == [
        "mandatory M2 could not be placed: not enough dev hours in any start window (10 needed per period)"
    ]


def test_a_mandatory_demand_larger_than_capacity_is_proven_infeasible() -> None:
    problem = make_problem([Demand("M", value=1, effort={"dev": 20}, mandatory=True)])
    plan = solve_greedy(problem)
    assert plan.status == "infeasible"
    assert "M" in plan.conflicts[0] and "dev" in plan.conflicts[0]


def test_mandatory_demand_pulls_in_what_it_requires() -> None:
    # P has no value of its own but M needs it, so it is placed first, and M after it.
    problem = make_problem(
        [
            Demand("M", value=1, effort={"dev": 5}, mandatory=True, requires=("P",)),
            Demand("P", value=0),
        ],
        periods=2,
    )
    assert starts(problem) == {"P": 0, "M": 1}


def test_schedules_a_valueless_demand_only_when_a_valuable_one_requires_it() -> None:
    problem = make_problem(
        [
            Demand("A", value=10, effort={"dev": 5}, requires=("P",)),
            Demand("P", value=0, effort={"dev": 5}),
            Demand("Q", value=0, effort={"dev": 5}),
        ],
        periods=2,
    )
    plan = solve_greedy(problem)
    assert plan.starts() == {"P": 0, "A": 1}
    assert {u.id: u.reasons for u in plan.unscheduled} == {"Q": ("has no value to gain",)}


def test_never_schedules_excluded_demands() -> None:
    problem = make_problem([Demand("A", value=100, excluded=True), Demand("B", value=1)])
    assert starts(problem) == {"B": 0}


def test_honours_fixed_start() -> None:
    problem = make_problem(
        [
            Demand("A", value=10, effort={"dev": 10}, fixed_start=2),
            Demand("B", value=1, effort={"dev": 10}),
        ],
        periods=3,
    )
    assert starts(problem) == {"A": 2, "B": 0}


def test_discounts_value_by_the_last_active_period() -> None:
    # B is fixed in period 0, so A (two periods) starts in 1 and ends in 2: 8 * 0.5**2 = 2.
    problem = make_problem(
        [
            Demand("B", value=100, effort={"dev": 10}, fixed_start=0),
            Demand("A", value=8, duration=2, effort={"dev": 20}),
        ],
        periods=3,
        rate=0.5,
    )
    plan = solve_greedy(problem)
    assert plan.starts() == {"B": 0, "A": 1}
    assert plan.objective == pytest.approx(102.0)


def random_problem(seed: int) -> Problem:
    rng = random.Random(seed)
    periods = rng.randint(2, 6)
    names = ["dev", "ops", "db"]
    demands = []
    for i in range(rng.randint(2, 25)):
        duration = rng.randint(1, min(3, periods))
        earliest = rng.randint(0, periods - duration)
        deadline = rng.choice([None, min(periods, earliest + duration + rng.randint(0, 2))])
        requires = (f"D{rng.randrange(i)}",) if i and rng.random() < 0.2 else ()
        demands.append(
            Demand(
                f"D{i}",
                value=rng.uniform(0, 20),
                cost=rng.uniform(0, 50),
                duration=duration,
                effort={n: rng.uniform(1, 40) for n in rng.sample(names, rng.randint(0, 2))},
                earliest_start=earliest,
                deadline=deadline,
                requires=requires,
                mandatory=(kind := rng.random()) < 0.05,
                excluded=kind > 0.95,
            )
        )
    resources = {n: Resource(n, tuple(rng.uniform(0, 60) for _ in range(periods))) for n in names}
    budgets = (Budget(0, periods // 2, rng.uniform(20, 200)),)
    problem = Problem(
        periods, resources, tuple(demands), budgets, discount_rate=rng.choice([0.0, 0.05])
    )
    assert validate(problem) == []
    return problem


@pytest.mark.parametrize("seed", range(30))
def test_greedy_plans_pass_the_independent_checker(seed: int) -> None:
    problem = random_problem(seed)
    plan = solve_greedy(problem)
    result = check_plan(problem, plan)
    if plan.status == "infeasible":
        assert plan.conflicts and result.violations == []  # the checker only reads its format
        return
    if plan.status == "feasible":
        assert result.violations == []
    else:
        # Only the unplaced mandatory demands may break a rule.
        assert all("mandatory but not scheduled" in v for v in result.violations)
    assert result.objective == pytest.approx(plan.objective)


def test_greedy_plan_on_a_generated_instance_is_feasible() -> None:
    from bearing.engine.generate import generate_size

    problem = generate_size("S", seed=0)
    plan = solve_greedy(problem)
    result = check_plan(problem, plan)
    assert plan.status == "feasible" and result.violations == []
    assert 0 < len(plan.scheduled) < len(problem.demands)
    assert len(plan.scheduled) + len(plan.unscheduled) == len(problem.demands)
    assert all(u.reasons for u in plan.unscheduled)
