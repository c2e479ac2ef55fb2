"""The MIP's work budget: charged to the pace by HiGHS's own search, so it repeats and ends on time."""

from __future__ import annotations

from bearing.engine.compiled import compile_problem
from bearing.engine.generate import generate_problem
from bearing.engine.lp import build_lp
from bearing.engine.pace import Pace, mip_root_seconds, mip_seconds_per_check


def _mip(n: int, resources: int, periods: int, seed: int, budget: float) -> tuple[float, tuple, bool]:
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
    # the root's charge stops at its typical cost: 1.8 s + 0.6 ms per nonzero
    assert abs(mip_root_seconds(2000) - 3.0) < 1e-9
