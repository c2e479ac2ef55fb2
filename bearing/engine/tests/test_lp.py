"""The relaxation and MIP model: the MIP's work budget (charged to the pace by HiGHS's own search, so
it repeats and ends on time) and money rows scaled whatever the money unit."""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Callable
from typing import cast

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bearing.engine.compiled import compile_problem
from bearing.engine.generate import generate_problem
from bearing.engine.lagrangian import _sample_prices
from bearing.engine.lp import LpModel, LpResult, build_lp, unit_scale
from bearing.engine.pace import Pace, mip_root_seconds, mip_seconds_per_check
from bearing.engine.problem import Budget, Demand, Problem, Resource
from bearing.engine.solve import _lp_nonzeros


def _mip(
    n: int, resources: int, periods: int, seed: int, budget: float
) -> tuple[float, tuple[int, float | None, float | None], bool]:
    """Charged seconds, (nodes, bound, primal) and whether HiGHS proved optimality."""
    lp = build_lp(compile_problem(generate_problem(n, resources, periods, seed=seed)))
    pace = Pace(60.0, workers=1)
    res = lp.solve(budget, integer=True, pace=pace)
    return pace.spent, (lp.highs.getInfo().mip_node_count, res.bound, res.primal), res.optimal


def test_a_mip_budget_ends_the_search_at_the_first_call_past_it() -> None:
    spent, _, optimal = _mip(80, 5, 5, 3, 0.3)
    assert not optimal  # this one needs seconds of root work: the budget, not the proof, ends it
    # each callback call adds at most one root charge, so the overrun is under one call's worth
    assert 0.3 <= spent < 0.3 + mip_seconds_per_check(1561, root=True)


def test_the_same_mip_budget_gives_the_same_search() -> None:
    assert _mip(80, 5, 5, 3, 0.3)[1] == _mip(80, 5, 5, 3, 0.3)[1]


def test_a_small_mip_is_still_proven_optimal_within_its_budget() -> None:
    spent, _, optimal = _mip(20, 3, 4, 1, 5.0)
    assert optimal
    assert spent < 5.0


def test_root_calls_cost_more_than_tree_calls_and_the_root_is_bounded() -> None:
    # root calls carry cut rounds and sub-MIP heuristics; a tree call is about one node's LP
    assert mip_seconds_per_check(2000, root=True) > 10 * mip_seconds_per_check(2000)
    # the root's charge stops near its typical cost, measured at 0.14-4.05 s (median 1.75 s) on
    # generated N = 60 problems of 1.8k-2.4k nonzeros; a bigger model's root costs more
    assert 1.0 < mip_root_seconds(2000) < 4.0
    assert mip_root_seconds(8000) > mip_root_seconds(2000)
    # ... and more per nonzero (measured 2.8-12.5 s at 4.6k-9.3k nonzeros)
    assert mip_root_seconds(8000) / 8000 > mip_root_seconds(2000) / 2000


def test_the_mip_branches_on_whether_a_demand_is_done_and_so_proves_what_start_columns_alone_cannot() -> None:
    # generated N = 60, seed 11: with a column per demand saying whether it is done, HiGHS proves
    # the optimum in about 60 nodes; on the start columns alone it needs about 14,000 (~13 s)
    comp = compile_problem(generate_problem(60, 8, 8, seed=11))
    lp = build_lp(comp)
    found: list[dict[int, int]] = []
    res = lp.solve(6.0, integer=True, pace=Pace(60.0, workers=1), on_solution=found.append)
    assert res.optimal and res.primal is not None
    assert len(lp.choice_cols) == sum(1 for d in range(comp.n) if comp.window[d])
    # the plan is read from the start columns only, and is the one HiGHS values
    starts = res.starts(lp)
    assert abs(comp.objective(starts) - res.primal) < 1e-6
    assert found and comp.objective(found[-1]) <= res.primal + 1e-6


def _in_money_units(problem: Problem, factor: float) -> Problem:
    """The same problem with every cost and budget counted in a unit `factor` times smaller."""
    return dataclasses.replace(
        problem,
        demands=tuple(dataclasses.replace(d, cost=d.cost * factor) for d in problem.demands),
        budgets=tuple(dataclasses.replace(b, amount=b.amount * factor) for b in problem.budgets),
    )


def test_unit_scale_is_a_power_of_two_that_brings_an_amount_near_a_thousand() -> None:
    assert unit_scale(0.0) == 1.0
    assert unit_scale(500.0) == 1.0
    for amount in (5_000.0, 3.7e6, 1e8, 2.5e11):
        scale = unit_scale(amount)
        assert math.log2(scale) == int(math.log2(scale))
        assert 700 < amount / scale < 1500


def test_the_relaxation_does_not_depend_on_the_money_unit() -> None:
    problem = generate_problem(60, 4, 6, seed=2)
    assert problem.budgets and any(d.cost > 0 for d in problem.demands)
    bounds = []
    for factor in (1e-3, 1.0, 1e6):
        lp = build_lp(compile_problem(_in_money_units(problem, factor)))
        res = lp.solve(30.0)
        assert res.bound is not None
        bounds.append(res.bound)
        # HiGHS sees money rows of the order of hours, however large the amounts (1e8 and more
        # made its crossover fail on a 10,000-demand problem)
        model = lp.highs.getLp()
        assert all(model.row_upper_[row] < 1500 for row in lp.budget_rows)
    assert bounds[0] == pytest.approx(bounds[1], rel=1e-7)
    assert bounds[2] == pytest.approx(bounds[1], rel=1e-7)
    # and the budgets bind here: without them the bound is higher
    unbudgeted = dataclasses.replace(problem, budgets=())
    free = build_lp(compile_problem(unbudgeted)).solve(30.0).bound
    assert free is not None and free > bounds[1] + 1e-6


def _in_resource_units(problem: Problem, name: str, factor: float) -> Problem:
    """The same problem with resource `name` counted in a unit `factor` times smaller."""
    resource = problem.resources[name]
    return dataclasses.replace(
        problem,
        resources={
            **problem.resources,
            name: dataclasses.replace(resource, capacity=tuple(c * factor for c in resource.capacity)),
        },
        demands=tuple(
            dataclasses.replace(d, effort={r: e * factor if r == name else e for r, e in d.effort.items()})
            for d in problem.demands
        ),
    )


def test_the_relaxation_does_not_depend_on_a_resource_unit() -> None:
    # a system counted in requests or bytes has capacities of 1e6 and more beside hours of 1e3
    problem = generate_problem(60, 4, 6, seed=2)
    name = next(iter(problem.resources))
    bounds, prices = [], []
    for factor in (1.0, 1e6):
        scaled = _in_resource_units(problem, name, factor)
        lp = build_lp(compile_problem(scaled))
        res = lp.solve(30.0)
        assert res.bound is not None
        bounds.append(res.bound)
        model = lp.highs.getLp()
        assert all(model.row_upper_[row] < 1500 for row in lp.cap_rows.values())
        comp = compile_problem(scaled)
        prices.append(_sample_prices(comp, time.perf_counter() + 30.0, comp.n))
    assert bounds[1] == pytest.approx(bounds[0], rel=1e-7)
    periods = problem.periods
    r = list(problem.resources).index(name)
    cells = slice(r * periods, (r + 1) * periods)
    assert prices[0] is not None and prices[1] is not None
    assert prices[0][cells].max() > 0  # the resource binds in the sample
    # an hour a million times smaller is worth a million times less; the other prices stay
    assert np.allclose(prices[1][cells] * 1e6, prices[0][cells], rtol=1e-6, atol=1e-9)
    others = np.ones(len(prices[0]), dtype=bool)
    others[cells] = False
    assert np.allclose(prices[1][others], prices[0][others], rtol=1e-6, atol=1e-9)


def test_prices_of_money_are_per_unit_of_money() -> None:
    problem = generate_problem(60, 4, 6, seed=2)
    nres, periods = len(problem.resources), problem.periods
    prices: dict[float, np.ndarray] = {}
    for factor in (1.0, 1e6):
        comp = compile_problem(_in_money_units(problem, factor))
        sample = _sample_prices(comp, time.perf_counter() + 30.0, comp.n)
        assert sample is not None
        prices[factor] = sample
    hours = slice(0, nres * periods)
    money = slice(nres * periods, None)
    assert prices[1.0][money].max() > 0  # a budget binds in the sample
    assert np.allclose(prices[1e6][hours], prices[1.0][hours], rtol=1e-6, atol=1e-9)
    # a unit of money a million times smaller is worth a million times less
    assert np.allclose(prices[1e6][money] * 1e6, prices[1.0][money], rtol=1e-6, atol=1e-9)


def test_the_mip_takes_a_better_plan_handed_to_it_while_it_runs() -> None:
    comp = compile_problem(generate_problem(80, 5, 5, seed=3))

    def mip(
        seconds: float, incumbent: Callable[[], tuple[dict[int, int], float]] | None = None
    ) -> tuple[LpModel, LpResult]:
        lp = build_lp(comp)
        return lp, lp.solve(seconds, integer=True, pace=Pace(seconds, workers=2), incumbent=incumbent)

    lp, good = mip(1.0)  # what a longer search finds: better than a short one finds alone
    _, alone = mip(0.1)
    assert good.primal is not None and alone.primal is not None and good.primal > alone.primal + 1.0
    starts = good.starts(lp)
    asked: list[bool] = []

    def latest() -> tuple[dict[int, int], float]:
        asked.append(True)
        return starts, cast(float, good.primal)  # not None: asserted above (lost in a closure)

    _, handed = mip(0.1, latest)
    assert asked and handed.primal is not None
    assert handed.primal >= good.primal - 1e-6  # the short search kept the plan it was handed
    assert handed.bound is not None and handed.bound >= handed.primal - 1e-6


@st.composite
def _scheduling_problems(draw: st.DrawFn) -> Problem:
    """Problems with every part of the relaxation: long start windows, requirements between
    demands whose windows differ, excluded and fixed demands, partial budget windows."""
    periods = draw(st.integers(1, 14))
    names = ["dev", "ops", "db"]
    resources = {r: Resource(r, tuple(float(draw(st.integers(0, 40))) for _ in range(periods))) for r in names}
    demands = []
    for i in range(draw(st.integers(1, 9))):
        duration = draw(st.integers(1, periods))
        earliest = draw(st.integers(0, periods - duration))
        deadline = draw(st.one_of(st.none(), st.integers(earliest + duration, periods)))
        last = (periods if deadline is None else deadline) - duration
        fixed = draw(st.one_of(st.none(), st.integers(earliest, last)))
        demands.append(
            Demand(
                id=f"D{i}",
                value=float(draw(st.integers(0, 20))),
                cost=float(draw(st.sampled_from([0, 0, 30, 120]))),
                duration=duration,
                effort={r: float(draw(st.integers(0, 20))) for r in names if draw(st.booleans())},
                earliest_start=earliest,
                deadline=deadline,
                requires=tuple(f"D{j}" for j in range(i) if draw(st.integers(0, 3)) == 0),
                excluded=draw(st.integers(0, 7)) == 0,
                fixed_start=fixed,
            )
        )
    budgets = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(st.integers(0, periods - 1))
        budgets.append(Budget(first, draw(st.integers(first, periods - 1)), float(draw(st.integers(10, 200)))))
    return Problem(periods=periods, resources=resources, demands=tuple(demands), budgets=tuple(budgets))


@settings(max_examples=60, deadline=None)
@given(_scheduling_problems())
def test_the_relaxations_size_is_counted_exactly_without_building_it(problem: Problem) -> None:
    # the count decides whether the relaxation is solved in time; its requirement rows grow with
    # the square of a start window, so a flat share for them was 1.44 times short over 48 periods
    comp = compile_problem(problem)
    assert _lp_nonzeros(comp) == build_lp(comp).nonzeros


@pytest.mark.parametrize("shape", [(60, 8, 8), (300, 6, 40)])
def test_the_relaxations_size_is_counted_exactly_on_generated_problems(shape: tuple[int, int, int]) -> None:
    comp = compile_problem(generate_problem(*shape, seed=2))
    assert _lp_nonzeros(comp) == build_lp(comp).nonzeros
