"""Plans read from the LP relaxation: list scheduling in the LP's start order, and the MIP's
improving solutions reported as they are found."""

from __future__ import annotations

import itertools

import numpy as np

from bearing.engine.compiled import Ledger, compile_problem
from bearing.engine.generate import generate_problem
from bearing.engine.lp import LpResult, _dual_bound, build_lp, round_lp
from bearing.engine.problem import Demand, Problem, Resource


def test_list_scheduling_follows_the_lp_start_order() -> None:
    # 10 dev-hours a period, two periods. A must finish in period 0, B may go in either, L takes
    # both periods. Best: A in 0 and B in 1 (value 10 > L's 9), the LP's own answer. B comes first
    # in the file, so placing by file order would put B in period 0 and leave A out.
    p = Problem(
        periods=2,
        resources={"dev": Resource("dev", (10.0, 10.0))},
        demands=(
            Demand("B", 5, effort={"dev": 10}),
            Demand("A", 5, effort={"dev": 10}, deadline=1),
            Demand("L", 9, effort={"dev": 20}, duration=2),
        ),
    )
    comp = compile_problem(p)
    lp = build_lp(comp)
    res = lp.solve(5.0)
    assert res.bound is not None and abs(res.bound - 10.0) < 1e-6
    ledger = round_lp(comp, lp, res, Ledger(comp), variant=2)
    starts = {comp.ids[d]: s for d, s in ledger.starts().items()}
    assert starts == {"A": 0, "B": 1}


def test_list_scheduling_books_what_the_lp_takes_whole_before_what_it_takes_in_part() -> None:
    # 10 dev-hours a period, two periods; W and P need all 10 hours of one period. A relaxation
    # that takes W whole in period 1 and 0.6 of P in period 0: by mean start alone (variant 2) P
    # is booked first and takes period 0; taking the whole ones first (variant 3) W gets it.
    p = Problem(
        periods=2,
        resources={"dev": Resource("dev", (10.0, 10.0))},
        demands=(Demand("W", 5, effort={"dev": 10}), Demand("P", 4, effort={"dev": 10})),
    )
    comp = compile_problem(p)
    lp = build_lp(comp)
    x = np.zeros(len(lp.col_demand))
    w, part = comp.index["W"], comp.index["P"]
    x[lp.first_col[w] + 1] = 1.0
    x[lp.first_col[part]] = 0.6
    res = LpResult(bound=None, x=x, duals=None, infeasible=False)

    def rounded(variant: int) -> dict[str, int]:
        return {comp.ids[d]: s for d, s in round_lp(comp, lp, res, Ledger(comp), variant=variant).starts().items()}

    assert rounded(2) == {"P": 0, "W": 1}
    assert rounded(3) == {"W": 0, "P": 1}


def test_every_improving_mip_solution_is_reported_and_the_last_is_the_answer() -> None:
    comp = compile_problem(generate_problem(20, 3, 4, seed=1))
    lp = build_lp(comp)
    found: list[dict[int, int]] = []
    res = lp.solve(5.0, integer=True, on_solution=found.append)
    assert res.optimal and res.primal is not None
    assert found, "HiGHS found at least one solution on its way"
    values = [comp.objective(s) for s in found]
    # each report is a complete plan that keeps every rule, and better than the one before
    for starts in found:
        ledger = Ledger(comp)
        for d in sorted(starts, key=lambda k: (starts[k], k)):
            assert ledger.fits(d, starts[d])
            ledger.book(d, starts[d])
    assert all(b > a - 1e-6 for a, b in itertools.pairwise(values))
    assert abs(values[-1] - res.primal) < 1e-6


def test_the_bound_from_duals_is_the_lp_optimum_and_never_below_it() -> None:
    comp = compile_problem(generate_problem(60, 4, 6, seed=2))
    exact = build_lp(comp).solve(10.0).bound
    rigorous_lp = build_lp(comp)
    rigorous_lp.rigorous_bound = True
    rigorous_lp.highs.setOptionValue("run_crossover", "off")  # an interior solution's duals
    res = rigorous_lp.solve(10.0)
    assert exact is not None and res.bound is not None and res.duals is not None
    # from the interior-point duals it is the optimum, to solver tolerance, and never below it
    assert exact - 1e-6 * abs(exact) <= res.bound <= exact * (1 + 1e-6)
    # any multipliers give a valid bound: halved or doubled prices give a weaker one, not a wrong one
    for factor in (0.0, 0.5, 2.0):
        assert _dual_bound(rigorous_lp.highs, factor * res.duals) >= exact - 1e-6 * abs(exact)
