"""Explanations for demands left out and late starts, each checked against a forced re-plan."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import numpy as np
import pytest

from bearing.engine import explain as explain_module
from bearing.engine.check import check_plan
from bearing.engine.compiled import Compiled, Ledger, compile_problem, plan_from_starts
from bearing.engine.explain import (
    _best_start,
    _ledger,
    explain_unscheduled,
    late_start_reasons,
    repair_seconds,
)
from bearing.engine.generate import generate_problem
from bearing.engine.moves import value_density
from bearing.engine.plan import Plan, Unscheduled
from bearing.engine.problem import Budget, Demand, Problem, Resource
from bearing.engine.repair import Repairs
from bearing.engine.solve import solve
from bearing.engine.tests.instances import selection


def _b_left_out_beside_a(a_hours: float, b_hours: float) -> Unscheduled:
    """10 dev-hours in 2027-Q1, A (worth 10) and B (worth 3): the explanation of B, which is out."""
    problem = Problem(
        periods=1,
        resources={"dev": Resource("dev", (10.0,))},
        demands=(Demand("A", 10, effort={"dev": a_hours}), Demand("B", 3, effort={"dev": b_hours})),
        period_labels=("2027-Q1",),
    )
    (out,) = solve(problem, time_limit=5.0).unscheduled
    assert out.id == "B"
    return out


def test_left_out_demand_names_the_resource_extra_hours_and_value_lost() -> None:
    # A (10 h) takes all; B (4 h) is out. 4 more hours admit B; forcing B in pushes A out: the
    # plan falls from 10 to 3, so 7 of value is lost.
    out = _b_left_out_beside_a(10, 4)
    assert out.details["verified"] is True
    assert out.details["binding_resources"] == ["dev"]
    assert out.details["extra_hours"] == {"dev": 4.0}
    assert out.details["value_lost"] == 7.0
    assert any("dev capacity in 2027-Q1" in r and "4 more dev-hours" in r for r in out.reasons)
    assert any("cost 7 of value" in r for r in out.reasons)


def test_the_extra_hours_named_are_what_is_missing_beside_what_is_left() -> None:
    # A (8 h) leaves 2 of the 10 hours; B needs 5, so 3 more hours admit it (not its whole 5)
    out = _b_left_out_beside_a(8, 5)
    assert out.details["extra_hours"] == {"dev": 3.0}
    assert any("3 more dev-hours" in r for r in out.reasons)


def test_a_left_out_demand_is_explained_where_it_could_start_after_what_it_requires() -> None:
    # 10 dev-hours a quarter. P (periods 0-1) and H (2-3) fill them all. D requires P, so it
    # could start in period 2 at the earliest: its shortage is told there. E requires nothing and
    # lacks the same 10 hours in every period: it is told at the first, period 0.
    problem = Problem(
        periods=4,
        resources={"dev": Resource("dev", (10.0,) * 4)},
        demands=(
            Demand("P", 5, duration=2, effort={"dev": 20}),
            Demand("H", 9, duration=2, effort={"dev": 20}, earliest_start=2),
            Demand("D", 1, effort={"dev": 10}, requires=("P",)),
            Demand("E", 0.5, effort={"dev": 10}),
        ),
    )
    plan = solve(problem, time_limit=2.0)
    assert plan.starts() == {"P": 0, "H": 2}
    starts = {out.id: out.details["start"] for out in plan.unscheduled}
    assert starts == {"D": 2, "E": 0}


def test_left_out_demand_over_budget_names_the_missing_money() -> None:
    # budget 100: A (cost 80, value 9) is in; B (cost 50, value 4) needs 30 more money
    p = Problem(
        periods=1,
        resources={},
        demands=(Demand("A", 9, cost=80), Demand("B", 4, cost=50)),
        budgets=(Budget(0, 0, 100),),
    )
    plan = solve(p, time_limit=5.0, explain=False)
    (out,) = explain_unscheduled(p, plan, time_limit=2.0)
    assert out.details["extra_money"] == 30.0
    assert out.details["value_lost"] == 5.0  # the best plan with B forced in is B alone (4)
    assert out.details["verified"] is True


def test_excluded_demand_says_so() -> None:
    p = Problem(periods=1, resources={}, demands=(Demand("A", 1, excluded=True),))
    plan = solve(p, time_limit=2.0)
    assert plan.unscheduled[0].reasons == ("A is excluded from this scenario",)


def test_late_start_is_explained_by_the_prerequisite() -> None:
    # B requires A; A runs in period 0 (its only allowed start), so B cannot start before period 1
    p = Problem(
        periods=3,
        resources={"dev": Resource("dev", (10.0, 10.0, 10.0))},
        demands=(
            Demand("A", 1, effort={"dev": 5}, fixed_start=0),
            Demand("B", 5, effort={"dev": 5}, requires=("A",)),
        ),
        period_labels=("2027-Q1", "2027-Q2", "2027-Q3"),
    )
    plan = solve(p, time_limit=2.0, explain=False)
    b = next(s for s in late_start_reasons(p, plan) if s.id == "B")
    assert b.start == 1
    assert b.reasons == ("it cannot start in 2027-Q1: prerequisite A finishes at the end of 2027-Q1",)


# 10 dev-hours in one period: A (6 h, value 10), B (5 h, 8), C (4 h, 3). The best plan is A + C (13).
# Forcing B in: B + A needs 11 hours, so A must go; then C fits beside B: B + C = 11, 2 less.
THREE = Problem(
    periods=1,
    resources={"dev": Resource("dev", (10.0,))},
    demands=(Demand("A", 10, effort={"dev": 6}), Demand("B", 8, effort={"dev": 5}), Demand("C", 3, effort={"dev": 4})),
)


def test_without_time_for_a_re_plan_the_cost_is_verified_by_a_repaired_plan() -> None:
    plan = solve(THREE, time_limit=5.0, explain=False)
    assert plan.starts() == {"A": 0, "C": 0}
    # too little time for CP-SAT: the reason is checked by a plan built by taking out A for B
    (out,) = explain_unscheduled(THREE, plan, time_limit=0.02)
    assert out.details["verified"] is True and out.details["verified_by"] == "repair"
    assert out.details["value_lost"] == 2.0
    (said,) = [r for r in out.reasons if "forcing it in" in r]
    assert "cost at most 2 of value" in said and "made by taking out lower-value demands" in said
    assert "re-plan" not in said  # no re-plan ran: the words must not claim one


def test_forcing_in_a_demand_that_improves_a_plan_not_optimal_says_so() -> None:
    # a plan of A alone (10): C fits beside it (A + C = 13), and B forced in pushes A out for C
    # (B + C = 11) - both plans are worth more, so neither forcing costs value
    comp = compile_problem(THREE)
    plan = plan_from_starts(comp, {comp.index["A"]: 0}, status="feasible", bound=None, seconds=0.0)
    outs = {out.id: out for out in explain_unscheduled(THREE, plan, time_limit=2.0)}
    assert outs["C"].details["value_lost"] == 0.0
    assert outs["C"].details["value_gained"] == 3.0
    assert outs["B"].details["value_gained"] == 1.0
    assert any("would not cost value: a plan with it is worth 3 more" in r for r in outs["C"].reasons)
    assert not any("would cost" in r for r in outs["C"].reasons)


def _repairs_of(problem: Problem) -> tuple[Plan, Compiled, Ledger, Repairs]:
    """A 1-second plan of `problem`, its index view and ledger, and its repairs."""
    plan = solve(problem, time_limit=1.0, explain=False)
    comp = compile_problem(problem)
    ledger = _ledger(comp, plan)
    return plan, comp, ledger, Repairs(comp, ledger, value_density(comp))


def test_every_repaired_cost_is_that_of_a_plan_the_checker_accepts_with_the_demand_forced_in() -> None:
    problem = generate_problem(80, 5, 5, seed=3)
    plan, comp, ledger, repairs = _repairs_of(problem)
    explained = {
        out.id: out
        for out in explain_unscheduled(problem, plan, time_limit=0.02)  # no time for CP-SAT
        if out.details.get("verified_by") == "repair"
    }
    repaired = 0
    for out in plan.unscheduled:
        d = comp.index[out.id]
        repair = repairs.force_in(d, _best_start(comp, ledger, d)[0])
        if repair is None:
            continue
        starts = repair.ledger.starts()
        assert d in starts
        forced = dataclasses.replace(
            problem,
            demands=tuple(dataclasses.replace(x, mandatory=True) if x.id == out.id else x for x in problem.demands),
        )
        checked = check_plan(forced, plan_from_starts(compile_problem(forced), starts, status="feasible", bound=None, seconds=0.0))
        assert checked.ok, checked.violations
        if out.id in explained:
            details = explained[out.id].details
            # the cost the explanation states is the value this checked plan gives up, or (the plan
            # not being optimal) the value it adds, said in words
            difference = plan.objective - checked.objective
            assert abs(max(0.0, difference) - cast(float, details["value_lost"])) < 1e-6
            if difference < -1e-6:
                assert abs(cast(float, details["value_gained"]) + difference) < 1e-6
                assert any("would not cost value" in r for r in explained[out.id].reasons)
            else:
                assert "value_gained" not in details
        repaired += 1
    assert repaired >= 10 and explained


def test_a_repair_places_the_missing_prerequisite_first() -> None:
    # two periods of 10 dev-hours: X (10 h, value 10) fills period 0, Y (10 h, 9) period 1. B (5 h,
    # 5) requires P (5 h, 1), which is out too: forcing B in needs P in period 0 and B in period 1,
    # so X and Y both go and the plan falls from 19 to 6.
    p = Problem(
        periods=2,
        resources={"dev": Resource("dev", (10.0, 10.0))},
        demands=(
            Demand("X", 10, effort={"dev": 10}),
            Demand("Y", 9, effort={"dev": 10}),
            Demand("P", 1, effort={"dev": 5}),
            Demand("B", 5, effort={"dev": 5}, requires=("P",)),
        ),
    )
    plan = solve(p, time_limit=5.0, explain=False)
    assert plan.objective == 19
    by_id = {u.id: u for u in explain_unscheduled(p, plan, time_limit=0.02)}
    assert by_id["B"].details["verified_by"] == "repair"
    assert by_id["B"].details["value_lost"] == 13.0
    assert any("requires P" in r for r in by_id["B"].reasons)


def test_a_prerequisite_that_finishes_too_late_is_named_and_moved_earlier_by_the_repair() -> None:
    # two periods of 10 dev-hours. X (10 h, value 10) can only start in period 0; P (5 h, 2) and Y
    # (5 h, 2) then share period 1, so B (5 h, 3), which requires P, has no start left: P finishes
    # at the end of the horizon. Forcing B in moves P to period 0, which X must leave: the plan
    # falls from 14 to P + B + Y = 7, so 7 of value is lost. No capacity figure is given as the
    # reason: more hours would not admit B while P stays where it is.
    p = Problem(
        periods=2,
        resources={"dev": Resource("dev", (10.0, 10.0))},
        demands=(
            Demand("X", 10, effort={"dev": 10}, deadline=1),
            Demand("P", 2, effort={"dev": 5}),
            Demand("Y", 2, effort={"dev": 5}),
            Demand("B", 3, effort={"dev": 5}, requires=("P",)),
        ),
        period_labels=("2027-Q1", "2027-Q2"),
    )
    plan = solve(p, time_limit=5.0, explain=False)
    assert plan.objective == 14 and [u.id for u in plan.unscheduled] == ["B"]
    (out,) = explain_unscheduled(p, plan, time_limit=0.02)
    assert out.reasons[0] == (
        "it requires P, which finishes at the end of 2027-Q2: too late for its last allowed start, 2027-Q2"
    )
    assert out.details["requires_late"] == ["P"]
    assert not any("more dev-hours" in r for r in out.reasons)
    assert out.details["extra_hours"] == {} and out.details["binding_resources"] == []
    assert out.details["verified_by"] == "repair"
    assert out.details["value_lost"] == 7.0


def test_every_left_out_demand_gets_its_repair_before_re_plans_take_the_time() -> None:
    # 150 items, 10 rows: 110 left out. The re-plans alone could use all of a short explanation
    # time; the repairs (milliseconds each) are done first, so each demand has a verified cost.
    problem = selection(4, 150, 10)
    plan = solve(problem, time_limit=1.0, explain=False)
    reasons = explain_unscheduled(problem, plan, time_limit=0.3)
    assert len(reasons) > 100
    unverified = [out.id for out in reasons if not out.details["verified"]]
    assert unverified == []
    assert {out.details["verified_by"] for out in reasons} == {"repair", "re-plan"}


def test_a_re_plan_of_a_few_one_start_demands_is_charged_its_fixed_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    # one period, budgets alone: each re-plan frees a handful of one-start demands, which CP-SAT
    # solves at next to no deterministic time; creating the model and the solver still cost
    # milliseconds, so a second of explanations must not start hundreds of them
    problem = Problem(
        periods=1,
        resources={},
        demands=tuple(Demand(f"D{i}", 10.0 + i % 7, cost=100.0 + i % 5) for i in range(300)),
        budgets=(Budget(0, 0, 1000.0),),
    )
    plan = solve(problem, time_limit=1.0, explain=False)
    assert len(plan.unscheduled) > 250
    replans = 0
    real = explain_module._forced_replan

    def counted(*args: Any, **kwargs: Any) -> tuple[str, float | None]:
        nonlocal replans
        replans += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(explain_module, "_forced_replan", counted)
    explain_unscheduled(problem, plan, time_limit=1.0)
    assert 0 < replans <= 1.0 / explain_module._REPLAN_MIN_SECONDS + 1


def test_the_explanations_a_short_limit_left_unchecked_are_checked_later_on_their_own() -> None:
    # The app's runs: the solve's share of the limit checks the most valuable first and leaves the
    # rest unverified; those are explained again, alone, with the time their repairs need.
    problem = selection(4, 150, 10)
    plan = solve(problem, time_limit=1.0, explain=False)
    first = explain_unscheduled(problem, plan, time_limit=0.05)
    unverified = [out.id for out in first if not out.details["verified"]]
    assert 50 < len(unverified) < len(first)  # the limit ran out after some
    plan.unscheduled = first
    later = explain_unscheduled(
        problem,
        plan,
        time_limit=1.5 * repair_seconds(len(problem.demands), len(unverified)),
        only=list(reversed(unverified)),
    )
    assert [out.id for out in later] == unverified  # only those, in the plan's order
    assert all(out.details["verified"] for out in later)
    # the same reasons (where it would start, what it lacks) as the first pass gave them
    drafts = {out.id: out.reasons[:-1] for out in first}
    assert all(out.reasons[:-1] == drafts[out.id] for out in later)


def test_a_repair_checks_the_rules_for_what_it_moved_as_the_full_check_would() -> None:
    # generated problem with requirements: every repair agrees with the ledger's full rule check;
    # a repair tampered with (a booked demand's prerequisite taken out, or a demand taken out that a
    # booked one requires) is refused by both
    plan, comp, ledger, repairs = _repairs_of(generate_problem(120, 5, 6, seed=5))
    tampered = 0
    for out in plan.unscheduled:
        d = comp.index[out.id]
        if not comp.window[d]:
            continue
        repair = repairs.force_in(d, _best_start(comp, ledger, d)[0])
        if repair is None:
            continue
        assert repairs._keeps_rules(repair) and not repair.ledger.breaks_a_rule()
        needed = [e for x in repair.booked for e in comp.preds[x]] + [
            e for e in range(comp.n) if any(repair.ledger.start[y] >= 0 for y in comp.succs[e])
        ]
        for e in needed:
            if repair.ledger.start[e] >= 0 and not comp.mandatory[e]:
                broken = dataclasses.replace(repair, ledger=repair.ledger.copy(), taken=[*repair.taken, e])
                broken.ledger.unbook(e)
                assert broken.ledger.breaks_a_rule()
                assert not repairs._keeps_rules(broken)
                tampered += 1
                break
    assert tampered >= 3


def _money_plan(p_value: float, q_value: float) -> tuple[Compiled, Ledger, Repairs]:
    # one budget of 10 over two periods; the plan holds P (4 money, period 0) and Q (4, period 1),
    # which requires P; X (8) is left out and needs both gone. The cheaper per money goes first.
    problem = Problem(
        periods=2,
        resources={"dev": Resource("dev", (100.0, 100.0))},
        demands=(
            Demand("P", p_value, cost=4, deadline=1),
            Demand("Q", q_value, cost=4, requires=("P",)),
            Demand("X", 6, cost=8),
        ),
        budgets=(Budget(0, 1, 10.0),),
    )
    comp = compile_problem(problem)
    ledger = Ledger(comp)
    assert ledger.book_in_order({0: 0, 1: 1})
    return comp, ledger, Repairs(comp, ledger, value_density(comp))


def test_a_holder_a_taken_out_holder_required_can_go_too() -> None:
    # Q (1 per 4 money) goes before P (4 per 4): with Q out, nothing requires P any more
    comp, ledger, repairs = _money_plan(p_value=4, q_value=1)
    repair = repairs.force_in(comp.index["X"], 0)
    assert repair is not None
    assert repair.taken == [comp.index["Q"], comp.index["P"]]
    assert repair.ledger.start == [-1, -1, 0]
    assert repair.value_lost(ledger) == -1.0  # 5 out, 6 in


def test_a_holder_still_required_when_its_turn_comes_stays() -> None:
    # P (1 per 4 money) comes first while Q, which requires it, is still in: P stays; Q alone
    # frees 4 of the 6 more money X needs, so there is no such repair
    comp, _, repairs = _money_plan(p_value=1, q_value=4)
    assert repairs.force_in(comp.index["X"], 0) is None


def test_holders_taken_out_together_leave_the_ledger_one_by_one_would() -> None:
    # the exact remaining hours and money, for many sets of scheduled demands taken out
    problem = generate_problem(150, 5, 6, seed=11)
    plan = solve(problem, time_limit=1.0, explain=False)
    comp = compile_problem(problem)
    ledger = _ledger(comp, plan)
    repairs = Repairs(comp, ledger, value_density(comp))
    booked = [d for d in range(comp.n) if ledger.start[d] >= 0]
    rng = np.random.default_rng(3)
    for _ in range(20):
        taken = rng.permutation(booked)[: rng.integers(1, len(booked))]
        one_by_one = ledger.copy()
        for e in taken:
            one_by_one.unbook(int(e))
        together = repairs._without(ledger, taken)
        assert together.start == one_by_one.start
        assert np.array_equal(together.res, one_by_one.res)
        assert np.array_equal(together.bres, one_by_one.bres)


def _deadline_problem() -> Problem:
    # 10 dev-hours a quarter. X1 and X2 (deadline 2: done by the end of 2027-Q2) fill Q1 and Q2;
    # D, with the same deadline, is out. E (no deadline) takes 2027-Q3; 2027-Q4 stays free.
    return Problem(
        periods=4,
        resources={"dev": Resource("dev", (10.0,) * 4)},
        demands=(
            Demand("X1", 10, effort={"dev": 10}, deadline=2),
            Demand("X2", 10, effort={"dev": 10}, deadline=2),
            Demand("D", 5, effort={"dev": 10}, deadline=2),
            Demand("E", 1.0, effort={"dev": 10}),
        ),
        period_labels=("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"),
    )


def test_a_demand_its_deadline_keeps_out_is_told_which_deadline_would_let_it_in() -> None:
    p = _deadline_problem()
    plan = solve(p, time_limit=5.0)
    (out,) = plan.unscheduled
    assert out.id == "D" and out.details["later_deadline"] == 4
    assert any("allowed to finish by the end of 2027-Q4, it would fit from 2027-Q4" in r for r in out.reasons)
    # true by the independent checker: with that deadline, the plan plus D at 2027-Q4 keeps every rule
    later = dataclasses.replace(p, demands=tuple(
        dataclasses.replace(d, deadline=out.details["later_deadline"]) if d.id == "D" else d for d in p.demands
    ))  # fmt: skip
    starts = {**plan.starts(), "D": 3}
    comp = compile_problem(later)
    widened = plan_from_starts(comp, {comp.index[k]: v for k, v in starts.items()}, status="feasible", bound=None, seconds=0)
    assert check_plan(later, widened).ok


def test_no_later_deadline_is_named_where_the_plan_leaves_no_room_after_it() -> None:
    p = dataclasses.replace(_deadline_problem(), periods=3, period_labels=("2027-Q1", "2027-Q2", "2027-Q3"),
                            resources={"dev": Resource("dev", (10.0,) * 3)})  # fmt: skip
    plan = solve(p, time_limit=5.0)
    (out,) = plan.unscheduled
    assert out.id == "D" and "later_deadline" not in out.details
    assert not any("deadline" in r for r in out.reasons)
