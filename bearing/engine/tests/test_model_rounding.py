"""Hours in hundredths: the CP-SAT models round so that their proofs are proofs and their plans fit.

Rounding each demand's hours to the nearest hundredth made a model neither tighter nor looser than
the rules: three demands of 0.335 + 0.335 + 0.33 hours (exactly the 1 hour there is) did not fit it
("infeasible"), and 0.6 + 0.4003 hours (over the hour) did — the engine once returned such a
schedule as "optimal" and the checker rejected it."""

from __future__ import annotations

from ortools.sat.python import cp_model

from bearing.engine.check import check_plan
from bearing.engine.compiled import Ledger, compile_problem
from bearing.engine.model import build_cumulative_model, build_start_model, scale_for, scaled
from bearing.engine.problem import Demand, Problem, Resource
from bearing.engine.schedule import decide_mandatory
from bearing.engine.solve import solve


def one_hour_periods(periods: int, efforts: dict[str, float], *, mandatory: bool) -> Problem:
    return Problem(
        periods=periods,
        resources={"dev": Resource("dev", (1.0,) * periods)},
        demands=tuple(Demand(name, 1, effort={"dev": h}, mandatory=mandatory) for name, h in efforts.items()),
    )


def test_scaled_keeps_whole_amounts_and_rounds_fractions_down_or_up() -> None:
    assert scaled(0.29, 100) == 29  # 28.999999999999996 in floating point: whole, not 28
    assert scaled(0.335, 100) == 33
    assert scaled(0.335, 100, up=True) == 34
    assert scaled(7.0, 1) == 7 and scaled(7.0, 1, up=True) == 7


def test_the_cumulative_model_admits_demands_that_exactly_fill_a_period() -> None:
    problem = one_hour_periods(1, {"A": 0.335, "B": 0.335, "C": 0.33}, mandatory=True)
    comp = compile_problem(problem)
    cm = build_cumulative_model(comp, [0, 1, 2])
    solver = cp_model.CpSolver()
    assert solver.solve(cm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    assert not cm.exact
    # rounded up it is a restriction, and 34 + 34 + 33 hundredths do not fit in 100
    up = build_cumulative_model(comp, [0, 1, 2], up=True)
    assert cp_model.CpSolver().solve(up.model) == cp_model.INFEASIBLE


def test_the_start_model_for_proofs_admits_demands_that_exactly_fill_a_period() -> None:
    problem = one_hour_periods(1, {"A": 0.335, "B": 0.335, "C": 0.33}, mandatory=False)
    comp = compile_problem(problem)
    sm = build_start_model(comp, Ledger(comp), [0, 1, 2], value_scale=scale_for(comp), round_down=True)
    solver = cp_model.CpSolver()
    assert solver.solve(sm.model) == cp_model.OPTIMAL
    assert sorted(sm.read(solver)) == [0, 1, 2]  # all three: their 1.0 hour is the period's hour
    # the search's model (nearest hundredth: 34 + 34 + 33) is not a relaxation, so it proves nothing
    search = build_start_model(comp, Ledger(comp), [0, 1, 2], value_scale=scale_for(comp))
    solver = cp_model.CpSolver()
    assert solver.solve(search.model) == cp_model.OPTIMAL
    assert len(search.read(solver)) == 2


def test_demands_that_exactly_fill_a_period_are_all_planned_and_proven_optimal() -> None:
    # all three fit exactly and are worth most, though the search's CP-SAT model admits only two:
    # the proof must not come from that model
    problem = one_hour_periods(1, {"A": 0.335, "B": 0.335, "C": 0.33}, mandatory=False)
    plan = solve(problem, time_limit=2.0, explain=False)
    assert plan.status == "optimal"
    assert len(plan.scheduled) == 3 and check_plan(problem, plan).ok


def test_a_schedule_over_a_limit_by_a_hair_is_never_reported_as_fitting() -> None:
    # two periods of one hour: the two 0.6-hour demands need a period each, so one of them shares
    # with the 0.4003-hour demand, 0.0003 hours too many. No schedule keeps the rules.
    problem = one_hour_periods(2, {"A": 0.6, "B": 0.6, "C": 0.4003, "D": 0.3997}, mandatory=True)
    comp = compile_problem(problem)
    verdict = decide_mandatory(comp, [0, 1, 2, 3], time_limit=2.0)
    assert verdict.status != "feasible"
    plan = solve(problem, time_limit=2.0, explain=False)
    assert plan.status not in ("optimal", "feasible")


def test_exact_figures_give_an_exact_model() -> None:
    problem = one_hour_periods(1, {"A": 0.25, "B": 0.75}, mandatory=True)
    comp = compile_problem(problem)
    assert build_cumulative_model(comp, [0, 1]).exact
    verdict = decide_mandatory(comp, [0, 1], time_limit=2.0)
    assert verdict.status == "feasible"
    plan = solve(problem, time_limit=2.0, explain=False)
    assert plan.status == "optimal" and check_plan(problem, plan).ok


def test_a_freed_demand_starts_only_after_its_fixed_prerequisite_and_before_its_fixed_successor() -> None:
    # the neighbourhood steps free some demands and keep the rest where they are: P (periods 0-1)
    # and S (from period 4) stay, so D, which requires P and is required by S, may start in 2 or 3
    problem = Problem(
        periods=6,
        resources={},
        demands=(
            Demand("P", 1, duration=2),
            Demand("D", 1, requires=("P",)),
            Demand("S", 1, requires=("D",)),
            Demand("X", 1, requires=("Q",)),
            Demand("Q", 1),
            Demand("E", 1),
            Demand("T", 1, requires=("E",)),
        ),
    )
    comp = compile_problem(problem)
    p, d, s, x, e, t = (comp.index[i] for i in ("P", "D", "S", "X", "E", "T"))
    ledger = Ledger(comp)
    for demand, start in ((p, 0), (s, 4), (t, 0)):
        ledger.book(demand, start)
    sm = build_start_model(comp, ledger, [d, x, e], value_scale=scale_for(comp))
    assert sorted(sm.starts[d]) == [2, 3]
    assert sm.starts[x] == {}  # its prerequisite Q is kept out, so X stays out
    assert sm.starts[e] == {}  # T, which requires E, stays in period 0: nothing can come before it
