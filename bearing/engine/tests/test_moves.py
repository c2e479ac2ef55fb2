"""Insertion moves and the priced (Lagrangian) bound on hand-built problems."""

from __future__ import annotations

import time

import bearing.engine.lp as lp_module
from bearing.engine.compiled import Ledger, compile_problem
from bearing.engine.generate import generate_problem
from bearing.engine.lp import build_lp, lagrangian_bound
from bearing.engine.moves import improve_by_moves
from bearing.engine.problem import Demand, Problem, Resource


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


def test_priced_bound_from_sample_prices_is_never_below_the_lp_bound(monkeypatch) -> None:
    # any prices give a bound at least the LP's (the LP without requirements is the best such bound)
    p = generate_problem(60, 6, 6, seed=3)
    comp = compile_problem(p)
    lp_bound = build_lp(comp).solve(10.0).bound
    assert lp_bound is not None
    monkeypatch.setattr(lp_module, "_SAMPLE_ABOVE", 10)
    monkeypatch.setattr(lp_module, "_SAMPLE_SIZE", 20)
    bound = lagrangian_bound(comp, 0.0, deadline=time.perf_counter() + 2.0, iterations=200)
    assert bound is not None
    assert bound >= lp_bound - 1e-6 * lp_bound
    assert comp.guide is not None and len(comp.guide) == comp.n
