"""Large-neighbourhood search on a hand-built problem."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from bearing.engine.compiled import Compiled, Ledger, compile_problem
from bearing.engine.generate import generate_problem
from bearing.engine.lns import LnsSettings, _combine, _lay_over, _neighbourhood, _Shapes, improve
from bearing.engine.model import scale_for
from bearing.engine.moves import fill
from bearing.engine.pace import Pace
from bearing.engine.problem import Demand, Problem, Resource


def _one_busy_resource_among_idle_ones() -> Problem:
    # 40 one-quarter demands of 15 dev-hours over 4 quarters of 100 hours: 24 fit. Five systems no
    # demand uses, as in an organisation where some systems are rarely asked for: a neighbourhood
    # drawn on one of them frees nothing.
    resources = {"dev": Resource("dev", (100.0,) * 4)}
    resources |= {f"spare-{k}": Resource(f"spare-{k}", (50.0,) * 4) for k in range(5)}
    demands = tuple(Demand(f"D{k:02d}", 10 + (k * 7) % 13, effort={"dev": 15}) for k in range(40))
    return Problem(periods=4, resources=resources, demands=demands)


def _least_valuable_first(comp: Compiled) -> Ledger:
    """A plan that leaves room to improve: the least valuable demands placed first, then filled."""
    start = Ledger(comp)
    for d in sorted(range(comp.n), key=lambda k: comp.values[k][0]):
        start.place(d)
    return fill(comp, start)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_neighbourhood_that_frees_nothing_does_not_end_the_search(seed: int) -> None:
    comp = compile_problem(_one_busy_resource_among_idle_ones())
    start = _least_valuable_first(comp)
    pace = Pace(10.0)
    settings = LnsSettings(deadline=pace.now() + 1.0, seed=seed, moves_share=0.0, pace=pace)
    best, stats = improve(comp, start, settings, value_scale=scale_for(comp))
    assert stats["lns_steps"] >= 5  # it stopped at the first empty draw, after 0-2 steps
    assert not best.breaks_a_rule()
    assert comp.objective(best.starts()) >= comp.objective(start.starts())


# Steps side by side (workers > 1): each lane solves a neighbourhood of the same plan; the best
# step is kept and the others' moves are laid over it where they still fit and still gain.


def _two_teams() -> Problem:
    # dev and ops, one quarter of 30 hours each. Planned: A (dev 20) and C (ops 20). Out: B (dev 10)
    # and D (ops 10), worth 3 and 2. Bringing in both gains 5; dev and ops share no hour.
    resources = {"dev": Resource("dev", (30.0,)), "ops": Resource("ops", (30.0,))}
    demands = (
        Demand("A", 10, effort={"dev": 20}),
        Demand("B", 3, effort={"dev": 10}),
        Demand("C", 10, effort={"ops": 20}),
        Demand("D", 2, effort={"ops": 10}),
        Demand("E", 4, effort={"dev": 10}),
    )
    return Problem(periods=1, resources=resources, demands=demands)


def _booked(comp, ids: list[str]) -> Ledger:
    ledger = Ledger(comp)
    assert ledger.book_in_order({comp.index[i]: 0 for i in ids})
    return ledger


def test_steps_side_by_side_on_separate_hours_are_both_kept() -> None:
    comp = compile_problem(_two_teams())  # both steps taken from the plan of A and C
    with_b = _booked(comp, ["A", "B", "C"])  # a step that freed A and B
    with_d = _booked(comp, ["A", "C", "D"])  # a step that freed C and D
    frees = [[comp.index["A"], comp.index["B"]], [comp.index["C"], comp.index["D"]]]
    merged = _combine(comp, frees, [with_b, with_d])
    assert merged is not None and not merged.breaks_a_rule()
    assert {comp.ids[d] for d in merged.starts()} == {"A", "B", "C", "D"}
    assert comp.objective(merged.starts()) == pytest.approx(25.0)  # 10 + 3 + 10 + 2


def test_steps_side_by_side_that_want_the_same_hours_keep_the_better_one() -> None:
    comp = compile_problem(_two_teams())  # both steps taken from the plan of A and C
    with_b = _booked(comp, ["A", "B", "C"])
    with_e = _booked(comp, ["A", "C", "E"])  # E wants the same last 10 dev hours as B, worth 4
    frees = [[comp.index["B"]], [comp.index["E"]]]
    merged = _combine(comp, frees, [with_b, with_e])
    assert merged is not None and not merged.breaks_a_rule()
    assert {comp.ids[d] for d in merged.starts()} == {"A", "C", "E"}


def test_no_step_that_gained_gives_no_new_plan() -> None:
    comp = compile_problem(_two_teams())
    assert _combine(comp, [[0], [2]], [None, None]) is None


def test_a_move_laid_over_is_refused_when_it_drops_a_prerequisite_the_plan_now_needs() -> None:
    # P (dev 10) is a prerequisite of S (ops 10, from quarter 1). One lane drops P to bring in Q; the
    # better lane brought in S, which needs P.
    resources = {"dev": Resource("dev", (10.0, 10.0)), "ops": Resource("ops", (10.0, 10.0))}
    demands = (
        Demand("P", 1, effort={"dev": 10}),
        Demand("Q", 2, effort={"dev": 10}, earliest_start=0, deadline=1),
        Demand("S", 9, effort={"ops": 10}, requires=("P",), earliest_start=1),
        Demand("R", 5, effort={"dev": 10}, earliest_start=1),
    )
    comp = compile_problem(Problem(periods=2, resources=resources, demands=demands))
    idx = comp.index
    base = Ledger(comp)
    assert base.book_in_order({idx["P"]: 0, idx["R"]: 1})
    with_s = base.copy()
    assert with_s.book_in_order({idx["S"]: 1})
    with_q = Ledger(comp)
    assert with_q.book_in_order({idx["Q"]: 0, idx["R"]: 1})
    assert _lay_over(comp, with_s, [idx["P"], idx["Q"]], with_q) is None
    merged = _combine(comp, [[idx["S"]], [idx["P"], idx["Q"]]], [with_s, with_q])
    assert merged is not None and not merged.breaks_a_rule()
    assert {comp.ids[d] for d in merged.starts()} == {"P", "R", "S"}


def test_two_workers_search_side_by_side_and_end_on_their_work_budget_with_the_same_plan() -> None:
    comp = compile_problem(_one_busy_resource_among_idle_ones())
    start = _least_valuable_first(comp)
    plans = []
    for _ in range(2):
        # no pace: the work budget, not the wall clock, ends the search (the deadline is far)
        settings = LnsSettings(
            deadline=time.perf_counter() + 60.0, work_budget=0.3, workers=2, seed=1, moves_share=0.0, step_work=0.02
        )
        best, stats = improve(comp, start, settings, value_scale=scale_for(comp))
        assert not best.breaks_a_rule()
        assert comp.objective(best.starts()) > comp.objective(start.starts())
        assert stats["lns_steps"] >= 4 and stats["lns_steps"] % 2 == 0  # two steps a round
        plans.append(best.starts())
    assert plans[0] == plans[1]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_neighbourhood_frees_only_plannable_demands_and_brings_prerequisites_along(seed: int) -> None:
    comp = compile_problem(generate_problem(120, 5, 6, seed=seed))
    rng = random.Random(seed)
    ledger = Ledger(comp)
    for d in rng.sample(range(comp.n), comp.n // 2):
        ledger.place(d)
    shapes = _Shapes(comp)
    for _ in range(30):
        free = _neighbourhood(comp, ledger, rng, 20, np.ones(comp.n), shapes)
        assert free == sorted(set(free)) and free
        assert all(comp.window[d] for d in free)  # never an excluded demand
        planned = [d for d in free if ledger.start[d] >= 0]
        assert len(planned) <= 20
        brought_along = {e for d in free for e in comp.preds[d]}
        for d in free:
            if ledger.start[d] < 0 and d not in brought_along:
                # an out demand drawn comes with its out prerequisites, so they can come in together
                assert all(e in free for e in comp.preds[d] if ledger.start[e] < 0 and comp.window[e])
