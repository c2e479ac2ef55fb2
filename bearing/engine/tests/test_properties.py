"""Property: every plan the solver returns passes the independent checker and beats greedy (and a
start plan that keeps every rule)."""

from __future__ import annotations

import dataclasses
import itertools
import random
import time
from typing import cast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bearing.engine.check import check_plan
from bearing.engine.compiled import Ledger, compile_problem, plan_from_starts
from bearing.engine.generate import generate_problem
from bearing.engine.greedy import solve_greedy
from bearing.engine.lns import LnsSettings, improve
from bearing.engine.model import scale_for
from bearing.engine.plan import Plan, Scheduled, Unscheduled
from bearing.engine.problem import Budget, Demand, Problem, Resource
from bearing.engine.solve import solve
from bearing.engine.tests.instances import selection


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
    assert "rejected_plans" not in plan.stats  # no stage offered a plan that breaks a rule
    result = check_plan(problem, plan)
    assert result.ok, result.violations
    assert abs(result.objective - plan.objective) < 1e-6
    assert plan.objective >= solve_greedy(problem).objective - 1e-9
    assert plan.bound is None or plan.bound >= plan.objective - 1e-9


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(20, 60), periods=st.integers(2, 6))
def test_steps_side_by_side_give_plans_the_checker_accepts(seed: int, n: int, periods: int) -> None:
    """Two workers on small generated problems: neighbourhoods overlap and compete for the same
    hours, so many steps are laid over a plan they were not solved for; what comes out must still
    keep every rule (checked independently) and be worth at least the plan it started from."""
    # many requirements, which the steps laid over each other must keep as well
    problem = generate_problem(n, 3, periods, seed=seed, mandatory_fraction=0.0, dependency_fraction=0.6)
    comp = compile_problem(problem)
    start = Ledger(comp)
    for d in random.Random(seed).sample(range(comp.n), comp.n):
        start.place(d)
    settings_ = LnsSettings(deadline=time.perf_counter() + 30.0, work_budget=0.2, workers=2, seed=seed,
                            moves_share=0.0, step_work=0.01, start_size=12)
    best, stats = improve(comp, start, settings_, value_scale=scale_for(comp))
    assert cast(int, stats["lns_steps"]) >= 2
    plan = plan_from_starts(comp, best.starts(), status="feasible", bound=None, seconds=0.0)
    result = check_plan(problem, plan)
    assert result.ok, result.violations
    assert result.objective >= comp.objective(start.starts()) - 1e-6


# --- claims checked by enumeration: tiny problems with fractional hours and mandatory demands ---


@st.composite
def tight_problems(draw: st.DrawFn) -> Problem:
    """2-4 demands over 1-3 periods, hours in hundredths, capacities near what they ask (so plans
    sit at the limits, where rounding matters), some mandatory, an occasional requirement, deadline,
    budget window or discount."""
    periods = draw(st.integers(1, 3))
    n = draw(st.integers(2, 4))
    hundredths = st.integers(1, 100).map(lambda k: k / 100)
    demands = []
    for i in range(n):
        duration = draw(st.integers(1, min(2, periods)))
        demands.append(
            Demand(
                id=f"D{i}",
                value=float(draw(st.integers(1, 9))),
                cost=float(draw(st.sampled_from([0, 0, 10, 25]))),
                duration=duration,
                effort={"dev": draw(hundredths) * duration},
                requires=(f"D{i - 1}",) if i and draw(st.integers(0, 4)) == 0 else (),
                deadline=periods - 1 if duration < periods and draw(st.integers(0, 5)) == 0 else None,
                mandatory=draw(st.integers(0, 2)) == 0,
            )
        )
    per_period = sum(d.effort["dev"] / d.duration for d in demands)
    share = draw(st.sampled_from([0.5, 0.7, 1.0]))
    capacity = tuple(round(per_period * share, 2) for _ in range(periods))
    budgets = (Budget(0, periods - 1, float(draw(st.sampled_from([20, 40])))),) if draw(st.booleans()) else ()
    return Problem(
        periods=periods,
        resources={"dev": Resource("dev", capacity)},
        demands=tuple(demands),
        budgets=budgets,
        discount_rate=draw(st.sampled_from([0.0, 0.0, 0.1])),
    )


def _best_by_enumeration(problem: Problem) -> float | None:
    """The best objective over every choice of start (or none) per demand, each candidate judged
    by the independent checker alone; None when no candidate keeps every rule."""
    choices = [[None, *range(problem.periods - d.duration + 1)] for d in problem.demands]
    best: float | None = None
    for combo in itertools.product(*choices):
        plan = Plan(
            status="feasible",
            scheduled=[Scheduled(d.id, s, s + d.duration) for d, s in zip(problem.demands, combo) if s is not None],
            unscheduled=[Unscheduled(d.id) for d, s in zip(problem.demands, combo) if s is None],
        )
        result = check_plan(problem, plan)
        # the claimed objective (0) is the only thing allowed to be wrong here
        if all(v.startswith("objective:") for v in result.violations):
            best = result.objective if best is None else max(best, result.objective)
    return best


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tight_problems())
def test_optimal_and_infeasible_claims_hold_against_every_possible_plan(problem: Problem) -> None:
    plan = solve(problem, time_limit=1.0, explain=False)
    assert "rejected_plans" not in plan.stats  # no stage offered a plan that breaks a rule
    best = _best_by_enumeration(problem)
    if plan.status == "infeasible":
        assert best is None, f"claimed infeasible, but a plan worth {best} keeps every rule"
    if plan.status in ("optimal", "feasible"):
        result = check_plan(problem, plan)
        assert result.ok, result.violations
        assert best is not None and plan.objective <= best + 1e-6
    if plan.status == "optimal":
        assert best is not None and plan.objective >= best - 1e-6 * max(1.0, best)


@st.composite
def many_row_selections(draw: st.DrawFn) -> Problem:
    """One-period selections of 30-80 demands against 20-30 tight rows (and sometimes a budget and
    mandatory demands): the shape that goes through the core and tabu searches."""
    base = selection(draw(st.integers(0, 10_000)), draw(st.integers(30, 80)), draw(st.integers(20, 30)))
    mandatory = draw(st.sets(st.integers(0, 29), max_size=3))
    demands = tuple(
        dataclasses.replace(d, mandatory=i in mandatory, cost=float(draw(st.integers(0, 30))))
        for i, d in enumerate(base.demands)
    )
    budgets = (Budget(0, 0, float(draw(st.integers(200, 2000)))),) if draw(st.booleans()) else ()
    return dataclasses.replace(base, demands=demands, budgets=budgets)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(many_row_selections())
def test_selection_plans_pass_the_checker_never_fall_below_greedy_and_bound_themselves(problem: Problem) -> None:
    # at most three mandatory demands of at most 1,000 hours against rows of a quarter of
    # 30 x 500 hours and more: they always fit, so a plan must come back
    plan = solve(problem, time_limit=0.6, explain=False)
    assert plan.status in ("optimal", "feasible")
    assert "rejected_plans" not in plan.stats
    result = check_plan(problem, plan)
    assert result.ok, result.violations
    assert abs(result.objective - plan.objective) < 1e-6
    assert plan.objective >= solve_greedy(problem).objective - 1e-9
    assert plan.bound is not None and plan.bound >= plan.objective - 1e-6


@st.composite
def problems_with_a_start(draw: st.DrawFn) -> tuple[Problem, Plan]:
    """A problem (some demands mandatory) and a start plan of any shape: demands at any period,
    some breaking rules, now and then one the problem does not have."""
    problem = draw(problems())
    demands = tuple(
        dataclasses.replace(d, mandatory=True) if not d.excluded and draw(st.integers(0, 6)) == 0 else d
        for d in problem.demands
    )
    problem = dataclasses.replace(problem, demands=demands)
    scheduled = []
    for d in problem.demands:
        if draw(st.booleans()):
            s = draw(st.integers(0, problem.periods - 1))
            scheduled.append(Scheduled(d.id, s, s + d.duration))
    if draw(st.integers(0, 4)) == 0:
        scheduled.append(Scheduled("ghost", 0, 1))
    return problem, Plan(status="feasible", scheduled=scheduled)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_with_a_start())
def test_a_start_plan_of_any_shape_gives_a_checked_plan_worth_at_least_it_when_it_keeps_the_rules(
    pair: tuple[Problem, Plan],
) -> None:
    problem, start = pair
    # is the start itself a plan that keeps every rule? (judged by the independent checker)
    comp = compile_problem(problem)
    known = {comp.index[s.id]: s.start for s in start.scheduled if s.id in comp.index}
    allowed = {d: s for d, s in known.items() if s in comp.window[d]}  # others break a rule anyway
    as_plan = plan_from_starts(comp, allowed, status="feasible", bound=None, seconds=0)
    valid = len(allowed) == len(start.scheduled) and check_plan(problem, as_plan).ok
    plan = solve(problem, time_limit=1.0, explain=False, start=start)
    if valid:
        assert plan.status in ("optimal", "feasible")
        assert plan.objective >= as_plan.objective - 1e-9
    if plan.status in ("optimal", "feasible"):
        result = check_plan(problem, plan)
        assert result.ok, result.violations
        greedy = solve_greedy(problem)
        if greedy.status in ("optimal", "feasible"):
            assert plan.objective >= greedy.objective - 1e-9
        assert plan.bound is None or plan.bound >= plan.objective - 1e-9


@st.composite
def early_deadline_problems(draw: st.DrawFn) -> Problem:
    """3-6 demands on one resource over 2-4 periods, half of them due as soon as they can finish,
    capacity for about half of what they ask: they compete for the early periods while later ones
    have room, the case where a later deadline would let a demand in."""
    periods = draw(st.integers(2, 4))
    demands = []
    for i in range(draw(st.integers(3, 6))):
        duration = draw(st.integers(1, min(2, periods - 1)))
        earliest = draw(st.integers(0, periods - duration - 1))
        demands.append(
            Demand(
                id=f"D{i}",
                value=float(draw(st.integers(1, 9))),
                duration=duration,
                effort={"dev": float(draw(st.integers(1, 10)) * duration)},
                earliest_start=earliest,
                deadline=earliest + duration if draw(st.booleans()) else None,
                requires=(f"D{i - 1}",) if i and draw(st.integers(0, 5)) == 0 else (),
            )
        )
    capacity = float(max(1, round(sum(d.effort["dev"] / d.duration for d in demands) / 2)))
    return Problem(periods=periods, resources={"dev": Resource("dev", (capacity,) * periods)}, demands=tuple(demands))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(early_deadline_problems())
def test_every_later_deadline_named_would_let_its_demand_in_as_the_plan_stands(problem: Problem) -> None:
    """An explanation that names a later deadline claims the plan, unchanged, has room for the demand
    at the start that deadline allows: the independent checker must accept the plan with it there."""
    plan = solve(problem, time_limit=1.0)
    for out in plan.unscheduled:
        later = cast(int | None, out.details.get("later_deadline"))
        if later is None:
            continue
        demand = next(d for d in problem.demands if d.id == out.id)
        assert demand.deadline is not None and later > demand.deadline
        widened = dataclasses.replace(problem, demands=tuple(
            dataclasses.replace(d, deadline=later) if d.id == out.id else d for d in problem.demands
        ))  # fmt: skip
        comp = compile_problem(widened)
        starts = {comp.index[s.id]: s.start for s in plan.scheduled}
        starts[comp.index[out.id]] = later - demand.duration
        result = check_plan(widened, plan_from_starts(comp, starts, status="feasible", bound=None, seconds=0))
        assert result.ok, result.violations
