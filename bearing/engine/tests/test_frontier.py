"""Efficient frontier on a hand-worked one-period knapsack."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from bearing.engine.cli import run as run_cli
from bearing.engine.codec import problem_to_dict
from bearing.engine.frontier import budget_levels, efficient_frontier, with_total_budget
from bearing.engine.plan import Plan, Scheduled
from bearing.engine.problem import Budget, Demand, Problem, Resource

# A: 10 for 100; B: 6 for 50; C: 5 for 50. Best by total budget, worked by hand:
# 0 -> {} 0;  50 -> {B} 6;  100 -> {B, C} 11;  150 -> {A, B} 16;  200 -> {A, B, C} 21.
PROBLEM = Problem(
    periods=1,
    resources={"dev": Resource("dev", (1000.0,))},
    demands=(
        Demand("A", 10.0, cost=100.0, effort={"dev": 10.0}),
        Demand("B", 6.0, cost=50.0, effort={"dev": 5.0}),
        Demand("C", 5.0, cost=50.0, effort={"dev": 5.0}),
    ),
)
LEVELS = [0.0, 50.0, 100.0, 150.0, 200.0]


def _exact(problem: Problem, _limit: float, _hint: Plan | None) -> Plan:
    """Stand-in optimiser for one-period problems: tries every subset against every budget."""
    best: tuple[float, tuple[Demand, ...]] = (0.0, ())
    for size in range(len(problem.demands) + 1):
        for subset in itertools.combinations(problem.demands, size):
            cost = sum(d.cost for d in subset)
            if all(cost <= b.amount + 1e-9 for b in problem.budgets):
                value = sum(d.value for d in subset)
                best = max(best, (value, subset), key=lambda t: t[0])
    scheduled = [Scheduled(d.id, 0, 1) for d in best[1]]
    return Plan("optimal", objective=best[0], bound=best[0], scheduled=scheduled)


def test_best_value_and_entering_demands_at_each_budget() -> None:
    points = efficient_frontier(PROBLEM, LEVELS, solver=_exact)
    assert [p.value for p in points] == [0.0, 6.0, 11.0, 16.0, 21.0]
    assert [p.entering for p in points] == [(), ("B",), ("C",), ("A",), ("C",)]
    assert [p.leaving for p in points] == [(), (), (), ("C",), ()]
    assert [p.spend for p in points] == [0.0, 50.0, 100.0, 150.0, 200.0]


def test_a_level_below_what_the_mandatory_demands_cost_shows_nothing_bought() -> None:
    # M (mandatory, 40) cannot be paid for with 20: that level has no plan, the next one has M
    problem = Problem(
        periods=1,
        resources={},
        demands=(Demand("M", 1.0, cost=40.0, mandatory=True), Demand("X", 2.0, cost=60.0)),
    )
    low, high = efficient_frontier(problem, [20.0, 100.0], time_limit_per_level=2.0)
    assert (low.status, low.value, low.spend, low.selected) == ("infeasible", 0.0, 0.0, ())
    assert (high.value, high.spend, high.entering) == (3.0, 100.0, ("M", "X"))


def test_total_budget_window_covers_the_whole_horizon_and_replaces_a_looser_one() -> None:
    loose = Problem(periods=4, resources={}, demands=(), budgets=(Budget(0, 3, 500.0),))
    capped = with_total_budget(loose, 120.0)
    assert capped.budgets == (Budget(0, 3, 120.0),)
    tight = Problem(periods=4, resources={}, demands=(), budgets=(Budget(0, 3, 80.0),))
    assert with_total_budget(tight, 120.0).budgets == (Budget(0, 3, 80.0), Budget(0, 3, 120.0))


def test_previous_plan_is_a_floor_when_the_solver_does_worse() -> None:
    hints: list[Plan | None] = []

    def forgetful(problem: Problem, limit: float, hint: Plan | None) -> Plan:
        hints.append(hint)
        if problem.budgets[-1].amount >= 150:
            return Plan("feasible", objective=0.0, scheduled=[])  # a poor plan at high budgets
        return _exact(problem, limit, hint)

    points = efficient_frontier(PROBLEM, [100.0, 150.0], solver=forgetful)
    assert points[1].value == 11.0 and points[1].reused_previous
    assert points[1].entering == () and points[1].status == "feasible"
    assert hints[0] is None and hints[1] is not None and hints[1].objective == 11.0


def test_bound_at_a_higher_budget_bounds_the_lower_levels() -> None:
    def loose_bound(problem: Problem, limit: float, hint: Plan | None) -> Plan:
        plan = _exact(problem, limit, hint)
        amount = problem.budgets[-1].amount
        plan.status = "feasible"
        plan.bound = 16.0 if amount == 150 else 99.0
        return plan

    points = efficient_frontier(PROBLEM, [100.0, 150.0, 200.0], solver=loose_bound)
    assert [p.bound for p in points] == [16.0, 16.0, 99.0]
    assert [p.status for p in points] == ["feasible", "optimal", "feasible"]


def test_a_bound_of_the_problem_itself_bounds_every_level() -> None:
    # every level's own bound is loose (99); the problem's best value is 21 (all three demands), so a
    # bound of 21 proven for it holds at every budget: the 200 level (21) is then proven optimal
    def loose(problem: Problem, limit: float, hint: Plan | None) -> Plan:
        plan = _exact(problem, limit, hint)
        plan.status, plan.bound = "feasible", 99.0
        return plan

    points = efficient_frontier(PROBLEM, [100.0, 150.0, 200.0], solver=loose, bound=21.0)
    assert [p.bound for p in points] == [21.0, 21.0, 21.0]
    assert [p.status for p in points] == ["feasible", "feasible", "optimal"]


def test_default_levels_run_from_mandatory_cost_to_total_cost() -> None:
    mandatory = Problem(
        periods=1,
        resources={},
        demands=(Demand("M", 1.0, cost=40.0, mandatory=True), Demand("X", 1.0, cost=60.0)),
    )
    assert budget_levels(mandatory, 3) == [40.0, 70.0, 100.0]
    assert budget_levels(mandatory, 1) == [100.0]
    # when the mandatory demands are all there is to pay for, one level says it all
    only_mandatory = Problem(periods=1, resources={}, demands=(Demand("M", 1.0, cost=40.0, mandatory=True),))
    assert budget_levels(only_mandatory, 3) == [40.0]


def test_cli_prints_points_with_the_default_solver(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem_to_dict(PROBLEM)))
    code = run_cli("frontier", [str(path), "--budgets", "50,150", "--time-limit-per-level", "1"])
    assert code == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    # a line per level as it is solved, on stderr
    assert "level 1/2: budget 50: value 6.00 (optimal), 1 in, 0 out" in captured.err
    assert "level 2/2: budget 150: value 16.00 (optimal), 1 in, 0 out" in captured.err
    assert [p["value"] for p in out["points"]] == pytest.approx([6.0, 16.0])
    assert out["points"][1]["entering"] == ["A"]
    missing = tmp_path / "none.json"
    assert run_cli("frontier", [str(missing)]) == 2
    assert "no such file" in capsys.readouterr().err


def test_the_default_solver_searches_each_level_on_from_the_plan_below(monkeypatch: pytest.MonkeyPatch) -> None:
    import bearing.engine.solve as solve_module

    starts: list[Plan | None] = []
    real = solve_module.solve

    def recording(problem: Problem, **options: Any) -> Plan:
        starts.append(options.get("start"))
        return real(problem, **options)

    monkeypatch.setattr(solve_module, "solve", recording)
    points = efficient_frontier(PROBLEM, [50.0, 150.0, 200.0], time_limit_per_level=1.0)
    assert [p.value for p in points] == pytest.approx([6.0, 16.0, 21.0])
    assert starts[0] is None
    assert starts[1] is points[0].plan and starts[2] is points[1].plan
