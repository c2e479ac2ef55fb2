"""Property: every plan the solver returns passes the independent checker and beats greedy."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bearing.engine.check import check_plan
from bearing.engine.greedy import solve_greedy
from bearing.engine.problem import Budget, Demand, Problem, Resource
from bearing.engine.solve import solve


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    periods = draw(st.integers(1, 4))
    names = ["dev", "ops"]
    resources = {r: Resource(r, tuple(draw(st.integers(5, 30)) for _ in range(periods))) for r in names}
    n = draw(st.integers(1, 7))
    demands = []
    for i in range(n):
        duration = draw(st.integers(1, periods))
        earliest = draw(st.integers(0, periods - duration))
        deadline = draw(st.one_of(st.none(), st.integers(earliest + duration, periods)))
        requires = tuple(f"D{j}" for j in range(i) if draw(st.integers(0, 5)) == 0)
        demands.append(
            Demand(
                id=f"D{i}",
                value=draw(st.integers(1, 20)),
                cost=draw(st.integers(0, 50)),
                duration=duration,
                effort={r: float(draw(st.integers(0, 20))) for r in names},
                earliest_start=earliest,
                deadline=deadline,
                requires=requires,
                excluded=draw(st.integers(0, 9)) == 0,
            )
        )
    budgets = (Budget(0, periods - 1, float(draw(st.integers(20, 150)))),) if draw(st.booleans()) else ()
    rate = draw(st.sampled_from([0.0, 0.0, 0.1]))
    return Problem(periods=periods, resources=resources, demands=tuple(demands), budgets=budgets, discount_rate=rate)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_solver_plans_pass_the_checker_and_never_fall_below_greedy(problem: Problem) -> None:
    plan = solve(problem, time_limit=1.0, explain=False)
    assert plan.status in ("optimal", "feasible")
    result = check_plan(problem, plan)
    assert result.ok, result.violations
    assert abs(result.objective - plan.objective) < 1e-6
    assert plan.objective >= solve_greedy(problem).objective - 1e-9
    assert plan.bound is None or plan.bound >= plan.objective - 1e-9
