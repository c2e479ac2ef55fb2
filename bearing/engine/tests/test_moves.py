"""Insertion moves and the priced (Lagrangian) bound on hand-built problems."""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pytest

import bearing.engine.lagrangian as lagrangian_module
import bearing.engine.lp as lp_module
from bearing.engine.compiled import Ledger, compile_problem
from bearing.engine.generate import generate_problem
from bearing.engine.lagrangian import lagrangian_bound
from bearing.engine.lp import LpModel, LpResult, build_lp
from bearing.engine.moves import improve_by_moves, priced_starts, restricted_lp_plan
from bearing.engine.pace import Pace
from bearing.engine.problem import Budget, Demand, Problem, Resource


def make_problem(demands: list[Demand], *, periods: int) -> Problem:
    return Problem(periods=periods, resources={"dev": Resource("dev", (10.0,) * periods)}, demands=tuple(demands))


def test_a_better_demand_pushes_out_two_cheaper_ones() -> None:
    # 10 dev-hours, one quarter. Booked: A(6h, 3) + C(4h, 2) = 5. B(8h, 8) fits only alone: 8 > 5.
    p = make_problem(
        [Demand("A", 3, effort={"dev": 6}), Demand("B", 8, effort={"dev": 8}), Demand("C", 2, effort={"dev": 4})],
        periods=1,
    )
    comp = compile_problem(p)
    ledger = Ledger(comp)
    ledger.book(0, 0)
    ledger.book(2, 0)
    out, moves, _ = improve_by_moves(comp, ledger, deadline=time.perf_counter() + 5)
    assert out.starts() == {1: 0}
    assert moves == 1


def test_a_pushed_out_demand_comes_back_in_another_quarter() -> None:
    # B(8h, 8) must run in Q1 (deadline 1) where A(6h, 3) sits; A can move to Q2: both in, value 11
    p = make_problem(
        [Demand("A", 3, effort={"dev": 6}), Demand("B", 8, effort={"dev": 8}, deadline=1)],
        periods=2,
    )
    comp = compile_problem(p)
    ledger = Ledger(comp)
    ledger.book(0, 0)
    out, _, _ = improve_by_moves(comp, ledger, deadline=time.perf_counter() + 5)
    assert out.starts() == {0: 1, 1: 0}


def test_a_mandatory_demand_is_never_pushed_out() -> None:
    p = make_problem(
        [Demand("A", 3, effort={"dev": 6}, mandatory=True), Demand("B", 8, effort={"dev": 8})],
        periods=1,
    )
    comp = compile_problem(p)
    ledger = Ledger(comp)
    ledger.book(0, 0)
    out, moves, _ = improve_by_moves(comp, ledger, deadline=time.perf_counter() + 5)
    assert out.starts() == {0: 0}
    assert moves == 0


def test_priced_bound_from_sample_prices_is_never_below_the_lp_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # any prices give a bound at least the LP's (the LP without requirements is the best such bound)
    p = generate_problem(60, 6, 6, seed=3)
    comp = compile_problem(p)
    lp_bound = build_lp(comp).solve(10.0).bound
    assert lp_bound is not None
    monkeypatch.setattr(lagrangian_module, "_SAMPLE_ABOVE", 10)
    monkeypatch.setattr(lagrangian_module, "_SAMPLE_SIZE", 20)
    bound = lagrangian_bound(comp, 0.0, deadline=time.perf_counter() + 2.0, iterations=200)
    assert bound is not None
    assert bound >= lp_bound - 1e-6 * lp_bound
    assert comp.guide is not None and len(comp.guide) == comp.n


def test_priced_starts_put_the_cheapest_start_at_the_prices_first() -> None:
    # 4 quarters; D (value 100) runs 2 quarters with 10 dev-hours and 2 ops-hours and 200 of money
    # in each. Prices per hour: dev 1, 5, 1, 1; ops 0, 0, 0, 3; money in the window Q1-Q2 0.01.
    # Start Q1: 10 * (1 + 5) + 0 + 0.01 * 400 = 64; Q2: 10 * (5 + 1) + 0 + 0.01 * 200 = 62;
    # Q3: 10 * (1 + 1) + 2 * (0 + 3) + 0 = 26. E is excluded: no starts.
    p = Problem(
        periods=4,
        resources={"dev": Resource("dev", (100.0,) * 4), "ops": Resource("ops", (100.0,) * 4)},
        budgets=(Budget(0, 1, 1000.0),),
        demands=(
            Demand("D", 100, cost=400, duration=2, effort={"dev": 20, "ops": 4}),
            Demand("E", 50, effort={"dev": 1}, excluded=True),
        ),
    )
    comp = compile_problem(p)
    assert priced_starts(comp)[0] == [[0, 1, 2], []]  # without prices: earliest first
    comp.prices = np.array([1, 5, 1, 1, 0, 0, 0, 3, 0.01])
    orders, reduced = priced_starts(comp)
    assert orders == [[2, 1, 0], []]
    assert reduced[0] == pytest.approx(100 - 26)
    assert math.isnan(reduced[1])


def test_a_restricted_relaxation_that_cannot_finish_is_not_started(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    p = generate_problem(60, 6, 6, seed=3)
    comp = compile_problem(p)
    lagrangian_bound(comp, 0.0, deadline=time.perf_counter() + 1.0, iterations=50)
    solved: list[float] = []
    real_solve = lp_module.LpModel.solve

    def counting_solve(self: LpModel, *args: Any, **kwargs: Any) -> LpResult:
        solved.append(self.nonzeros)
        return real_solve(self, *args, **kwargs)

    monkeypatch.setattr(lp_module.LpModel, "solve", counting_solve)
    pace = Pace(60.0)
    assert restricted_lp_plan(comp, Ledger(comp), deadline=pace.now() + 1e-6, pace=pace) is None
    assert solved == []  # its time goes to the search instead
    plan = restricted_lp_plan(comp, Ledger(comp), deadline=pace.now() + 30.0, pace=pace)
    assert len(solved) == 1
    assert plan is not None and plan.starts()
    assert not plan.breaks_a_rule()


def test_room_for_a_start_counts_hours_and_money_but_not_requires() -> None:
    # 10 dev-hours a quarter, 100 of money in Q1. B (5 h, 50) requires A (6 h); C costs 150.
    p = Problem(
        periods=2,
        resources={"dev": Resource("dev", (10.0, 10.0))},
        budgets=(Budget(0, 0, 100.0),),
        demands=(
            Demand("A", 3, effort={"dev": 6}),
            Demand("B", 3, cost=50, effort={"dev": 5}, requires=("A",)),
            Demand("C", 3, cost=150, effort={"dev": 1}),
        ),
    )
    ledger = Ledger(compile_problem(p))
    assert ledger.has_room(1, 0) and not ledger.fits(1, 0)  # room, but A is not in the plan
    ledger.book(0, 0)
    assert not ledger.has_room(1, 0)  # 6 + 5 hours > 10
    assert ledger.has_room(1, 1) and ledger.fits(1, 1)
    assert not ledger.has_room(2, 0) and ledger.has_room(2, 1)  # 150 > 100 only inside Q1
