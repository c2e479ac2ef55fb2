"""HiGHS runs that fail must never count as proofs, and solves with different worker counts in one
process (the app's worker, a test session) must all get a working HiGHS.

HiGHS keeps one thread pool per process and refuses to run a model whose thread count differs from
the first one's; its info fields then keep stale defaults (a MIP dual bound of 0), which once made a
second solve in the same process report a weaker plan as "optimal"."""

from __future__ import annotations

from typing import Any, cast

import highspy
import numpy as np
import pytest

from bearing.engine.check import check_plan
from bearing.engine.compiled import compile_problem
from bearing.engine.generate import generate_problem
from bearing.engine.knapsack import _highs, _run_mip
from bearing.engine.lp import LpModel, LpResult, build_lp
from bearing.engine.pace import Pace, lp_seconds
from bearing.engine.solve import solve

# A thread count no engine model uses: a model given it cannot run once the pool exists.
_CLASHING_THREADS = 7


def _start_pool() -> None:
    """Make sure the process's HiGHS pool exists (with the engine's own thread count)."""
    lp = build_lp(compile_problem(generate_problem(6, 2, 2, seed=1)))
    assert lp.solve(5.0).bound is not None


def test_a_failed_mip_run_gives_no_bound_no_plan_and_no_optimality() -> None:
    _start_pool()
    lp = build_lp(compile_problem(generate_problem(20, 3, 4, seed=1)))
    lp.highs.setOptionValue("threads", _CLASHING_THREADS)
    res = lp.solve(5.0, integer=True)
    assert res.bound is None
    assert res.x is None
    assert not res.optimal
    assert not res.infeasible


def test_a_failed_lp_run_gives_no_bound() -> None:
    _start_pool()
    lp = build_lp(compile_problem(generate_problem(20, 3, 4, seed=2)))
    lp.highs.setOptionValue("threads", _CLASHING_THREADS)
    res = lp.solve(5.0)
    assert res.bound is None and res.duals is None and not res.infeasible


def test_a_failed_knapsack_mip_gives_no_bound() -> None:
    _start_pool()
    profit = np.array([5.0, 4.0, 3.0])
    weights = np.array([[2.0, 3.0, 1.0]])
    h = _highs(profit, weights, np.array([4.0]), np.zeros(3), np.ones(3), integer=True, seed=0)
    h.setOptionValue("threads", _CLASHING_THREADS)
    assert _run_mip(h, 5.0, None, pace=Pace(5.0)) == (None, None, False)


def test_solves_with_different_worker_counts_in_one_process_all_use_the_lp() -> None:
    problem = generate_problem(40, 4, 4, seed=1)
    lp_bound = build_lp(compile_problem(problem)).solve(10.0).bound
    assert lp_bound is not None
    for workers in (2, 1, 2):
        plan = solve(problem, time_limit=0.5, explain=False, workers=workers)
        ran = cast(list[tuple[str, float, float]], plan.stats["stages"])
        stages = [stage for stage, _, _ in ran]
        assert "lp" in stages, f"workers={workers}: the LP relaxation did not run ({stages})"
        assert plan.stats.get("mip_bound") != 0.0
        assert check_plan(problem, plan).ok
        # a true bound: at least the plan's value, at most the LP relaxation's
        assert plan.bound is not None
        assert plan.objective - 1e-6 <= plan.bound <= lp_bound + 1e-6


def _relaxation_failing(monkeypatch: pytest.MonkeyPatch, times: int) -> list[str]:
    """Make the first `times` solves of the full relaxation fail as HiGHS's crossover sometimes does
    on a presolved model ("Solve error": no bound, no solution); returns each try's presolve
    setting. Only the first model relaxed counts: the search may relax another one later (the
    relaxation restricted to what pays at the priced bound), which is not a second try."""
    import bearing.engine.lp as lp_module

    real_solve = lp_module.LpModel.solve
    tries: list[str] = []
    relaxed: list[LpModel] = []

    def flaky(self: LpModel, time_limit: float, **kw: Any) -> LpResult:
        if kw.get("integer") or (relaxed and self is not relaxed[0]):
            return real_solve(self, time_limit, **kw)
        relaxed.append(self)
        tries.append(cast(str, self.highs.getOptionValue("presolve")[1]))
        if len(tries) <= times:
            return lp_module.LpResult(bound=None, x=None, duals=None, infeasible=False)
        return real_solve(self, time_limit, **kw)

    monkeypatch.setattr(lp_module.LpModel, "solve", flaky)
    return tries


def test_a_relaxation_highs_failed_on_is_solved_again_without_presolve(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tries = _relaxation_failing(monkeypatch, times=1)
    problem = generate_problem(40, 4, 4, seed=3)
    plan = solve(problem, time_limit=2.0, explain=False)
    assert tries == ["choose", "off"]
    assert plan.stats.get("lp_retried") is True
    ran = cast(list[tuple[str, float, float]], plan.stats["stages"])
    assert "lp" in [stage for stage, _, _ in ran]
    assert check_plan(problem, plan).ok


def test_no_second_try_when_it_would_leave_the_search_no_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bearing.engine.solve as solve_module

    tries = _relaxation_failing(monkeypatch, times=2)
    monkeypatch.setattr(solve_module, "_RETRY_RESERVE", 1.0)  # the retry must leave all the search
    problem = generate_problem(40, 4, 4, seed=3)
    plan = solve(problem, time_limit=2.0, explain=False)
    assert tries == ["choose"]
    assert "lp_retried" not in plan.stats
    assert check_plan(problem, plan).ok


def test_a_relaxation_highs_fails_on_is_charged_by_its_size_and_the_run_stays_reproducible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # HiGHS's crossover "Solve error" reports no iterations: the work is charged by the relaxation's
    # size (a whole solve with its crossover), not by the wall clock, which would make the run
    # depend on the machine's load
    lp = build_lp(compile_problem(generate_problem(40, 4, 4, seed=3)))
    monkeypatch.setattr(LpModel, "_run", lambda self, integer, hint: LpResult(None, None, None, False))
    monkeypatch.setattr(highspy.Highs, "getModelStatus", lambda self: highspy.HighsModelStatus.kSolveError)
    pace = Pace(10.0)
    assert lp.solve(5.0, pace=pace).bound is None
    assert pace.reproducible
    # at least a whole predicted solve (the failure comes at its end), not the instant it took here
    assert lp_seconds(lp.nonzeros) <= pace.spent <= 2 * lp_seconds(lp.nonzeros)
    cut_short = Pace(10.0)
    lp.solve(1e-4, pace=cut_short)
    assert cut_short.spent == pytest.approx(1e-4)  # never more than the time it was given
