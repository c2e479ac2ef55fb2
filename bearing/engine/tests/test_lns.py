"""Large-neighbourhood search on a hand-built problem."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any, cast

import numpy as np
import pytest
from ortools.sat.python import cp_model

from bearing.engine import lns as lns_module
from bearing.engine.check import check_plan
from bearing.engine.compiled import Compiled, Ledger, compile_problem, plan_from_starts
from bearing.engine.generate import generate_problem
from bearing.engine.greedy import solve_greedy
from bearing.engine.lns import (
    LnsSettings,
    _around_wanted,
    _laid_on,
    _lay_over,
    _neighbourhood,
    _Shapes,
    improve,
    reoptimise,
)
from bearing.engine.model import scale_for
from bearing.engine.moves import fill
from bearing.engine.pace import Pace, lns_step_seconds
from bearing.engine.problem import Demand, Problem, Resource
from bearing.engine.stopping import Stopper
from bearing.engine.tracker import ledger_from_starts


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
    assert cast(int, stats["lns_steps"]) >= 5  # it stopped at the first empty draw, after 0-2 steps
    assert not best.breaks_a_rule()
    assert comp.objective(best.starts()) >= comp.objective(start.starts())


def test_a_step_is_charged_by_the_start_variables_it_frees(monkeypatch: pytest.MonkeyPatch) -> None:
    # a demand free over 40 quarters brings CP-SAT several times the starts of one free over 8,
    # and the step's model building and loading grow with them (charged per freed demand, 30 s
    # solves over 40-60 quarters ran 36-41 s)
    drawn: list[list[int]] = []
    charged_for: list[int] = []
    real_draw = lns_module._draw

    def spy_draw(*args: Any, **kwargs: Any) -> tuple[list[int], bool]:
        free, adapts = real_draw(*args, **kwargs)
        drawn.append(list(free))
        return free, adapts

    def spy_step_seconds(demands: int, freed: int, freed_starts: int) -> float:
        charged_for.append(freed_starts)
        return lns_step_seconds(demands, freed, freed_starts)

    monkeypatch.setattr(lns_module, "_draw", spy_draw)
    monkeypatch.setattr(lns_module, "lns_step_seconds", spy_step_seconds)
    problem = generate_problem(60, 4, 40, seed=1)
    comp = compile_problem(problem)
    start = ledger_from_starts(comp, {comp.index[i]: s for i, s in solve_greedy(problem).starts().items()})
    assert start is not None
    pace = Pace(10.0)
    settings = LnsSettings(deadline=pace.now() + 0.5, moves_share=0.0, pace=pace, start_size=10)
    improve(comp, start, settings, value_scale=scale_for(comp))
    steps = [free for free in drawn if free]
    assert steps and charged_for == [sum(len(comp.window[d]) for d in free) for free in steps]
    assert sum(charged_for) > 10 * sum(len(free) for free in steps)  # starts, not demands
    assert lns_step_seconds(comp.n, 100, 100 * 40) > 3 * lns_step_seconds(comp.n, 100, 100 * 8)


# Steps side by side (workers > 1): each lane solves a neighbourhood of the best plan when it starts;
# when it ends, another lane's step may have changed that plan, and its moves are laid over the new
# one where they still fit and still gain.


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


def _booked(comp: Compiled, ids: list[str]) -> Ledger:
    ledger = Ledger(comp)
    assert ledger.book_in_order({comp.index[i]: 0 for i in ids})
    return ledger


def test_a_step_solved_from_the_best_plan_is_taken_as_it_is() -> None:
    comp = compile_problem(_two_teams())
    origin = _booked(comp, ["A", "C"])
    with_b = _booked(comp, ["A", "B", "C"])
    assert _laid_on(comp, origin, origin, [comp.index["B"]], with_b) is with_b


def test_a_step_from_an_earlier_plan_is_laid_over_the_step_that_ended_first() -> None:
    comp = compile_problem(_two_teams())
    origin = _booked(comp, ["A", "C"])  # both steps started from A and C
    with_b = _booked(comp, ["A", "B", "C"])  # ended first: freed A and B, now the best plan
    with_d = _booked(comp, ["A", "C", "D"])  # freed C and D
    laid = _laid_on(comp, with_b, origin, [comp.index["C"], comp.index["D"]], with_d)
    assert laid is not None and not laid.breaks_a_rule()
    assert {comp.ids[d] for d in laid.starts()} == {"A", "B", "C", "D"}
    assert comp.objective(laid.starts()) == pytest.approx(25.0)  # 10 + 3 + 10 + 2


def test_a_step_that_wants_hours_another_step_took_since_is_dropped() -> None:
    comp = compile_problem(_two_teams())
    origin = _booked(comp, ["A", "C"])
    with_b = _booked(comp, ["A", "B", "C"])  # ended first
    with_e = _booked(comp, ["A", "C", "E"])  # E wants the last 10 dev hours, which B has now
    assert _laid_on(comp, with_b, origin, [comp.index["E"]], with_e) is None


def test_of_a_step_overtaken_by_another_the_moves_that_still_fit_are_kept() -> None:
    comp = compile_problem(_two_teams())
    origin = _booked(comp, ["A", "C"])
    with_b = _booked(comp, ["A", "B", "C"])  # ended first
    with_d_e = _booked(comp, ["A", "C", "D", "E"])  # E wants the dev hours B has now; D fits on ops
    laid = _laid_on(comp, with_b, origin, [comp.index["D"], comp.index["E"]], with_d_e)
    assert laid is not None and not laid.breaks_a_rule()
    assert {comp.ids[d] for d in laid.starts()} == {"A", "B", "C", "D"}


def test_a_move_laid_over_is_refused_when_it_drops_a_prerequisite_the_plan_now_needs() -> None:
    # P (dev 10) is a prerequisite of S (ops 10, from quarter 1). One lane drops P to bring in Q; the
    # other lane, which ended first, brought in S, which needs P.
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
    assert _laid_on(comp, with_s, base, [idx["P"], idx["Q"]], with_q) is None


def _steps_spied(monkeypatch: pytest.MonkeyPatch, *, first_takes: float = 0.0) -> list[tuple[str, int]]:
    """Record when each step (`reoptimise` call) starts and ends, in order; the first one waits
    `first_takes` seconds before it solves."""
    events: list[tuple[str, int]] = []
    lock = threading.Lock()
    solve = lns_module.reoptimise

    def spied(*args: Any, **kwargs: Any) -> tuple[Ledger | None, cp_model.CpSolverStatus, float]:
        with lock:
            call = sum(1 for kind, _ in events if kind == "start")
            events.append(("start", call))
        if call == 0:
            time.sleep(first_takes)
        out = solve(*args, **kwargs)
        with lock:
            events.append(("end", call))
        return out

    monkeypatch.setattr(lns_module, "reoptimise", spied)
    return events


def _two_workers(work_budget: float) -> LnsSettings:
    # no pace: the work budget, not the wall clock, ends the search (the deadline is far)
    return LnsSettings(
        deadline=time.perf_counter() + 60.0, work_budget=work_budget, workers=2, seed=1, moves_share=0.0,
        step_work=0.02,
    )


def test_two_workers_take_two_steps_at_a_time_and_end_on_their_work_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    comp = compile_problem(_one_busy_resource_among_idle_ones())
    start = _least_valuable_first(comp)
    events = _steps_spied(monkeypatch)
    best, stats = improve(comp, start, _two_workers(0.3), value_scale=scale_for(comp))
    assert not best.breaks_a_rule()
    assert comp.objective(best.starts()) > comp.objective(start.starts())
    assert cast(int, stats["lns_steps"]) >= 4
    # ended on the budget, with at most the steps in flight
    assert 0.3 <= cast(float, stats["lns_work"]) < 0.3 + 2 * 0.05
    in_flight = peak = 0
    for kind, _ in events:
        in_flight += 1 if kind == "start" else -1
        peak = max(peak, in_flight)
    assert peak == 2


def test_a_lane_goes_on_while_the_other_is_still_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    comp = compile_problem(_one_busy_resource_among_idle_ones())
    start = _least_valuable_first(comp)
    events = _steps_spied(monkeypatch, first_takes=1.0)
    best, _ = improve(comp, start, _two_workers(0.3), value_scale=scale_for(comp))
    assert not best.breaks_a_rule()
    # steps of 0.02 deterministic seconds end in milliseconds: the other lane went on with new
    # steps while the first slept, where rounds would have waited for it after one
    ended_before_the_first = sum(1 for kind, _ in events[: events.index(("end", 0))] if kind == "end")
    assert ended_before_the_first >= 3


def test_with_two_workers_the_insertion_moves_run_on_one_lane_while_the_other_takes_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    comp = compile_problem(_one_busy_resource_among_idle_ones())
    start = _least_valuable_first(comp)
    events = _steps_spied(monkeypatch)
    moves_ran: list[tuple[int, int, float]] = []  # thread, steps ended before, share of the time
    move_phase = lns_module._move_phase

    def slow_moves(*args: Any, **kwargs: Any) -> tuple[Ledger, dict[str, object]]:
        time.sleep(0.5)
        steps_before = sum(1 for kind, _ in events if kind == "end")
        out = move_phase(*args, **kwargs)
        moves_ran.append((threading.get_ident(), steps_before, args[-1]))
        return out

    monkeypatch.setattr(lns_module, "_move_phase", slow_moves)
    settings = LnsSettings(
        deadline=time.perf_counter() + 60.0, work_budget=0.3, workers=2, seed=1, moves_share=0.1, step_work=0.02
    )
    best, stats = improve(comp, start, settings, value_scale=scale_for(comp))
    assert not best.breaks_a_rule()
    assert comp.objective(best.starts()) > comp.objective(start.starts())
    assert "move_attempts" in stats
    [(thread, steps_before, share)] = moves_ran
    assert thread != threading.get_ident()
    assert steps_before >= 3  # the other lane took steps while the moves ran
    assert share > settings.moves_share  # longer than first: they cost one lane only


def test_with_two_workers_and_no_share_for_them_no_insertion_moves_run(monkeypatch: pytest.MonkeyPatch) -> None:
    comp = compile_problem(_one_busy_resource_among_idle_ones())
    start = _least_valuable_first(comp)
    monkeypatch.setattr(lns_module, "_move_phase", lambda *args: pytest.fail("insertion moves ran"))
    best, stats = improve(comp, start, _two_workers(0.1), value_scale=scale_for(comp))
    assert cast(int, stats["lns_steps"]) >= 2 and "move_attempts" not in stats
    assert not best.breaks_a_rule()


def test_a_stop_request_reaches_the_moves_lane_while_no_step_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    comp = compile_problem(_one_busy_resource_among_idle_ones())
    start = _least_valuable_first(comp)
    monkeypatch.setattr(lns_module, "_draw", lambda *args: ([], True))  # nothing to free: no steps

    def moves_until_stopped(
        comp: Compiled,
        ledger: Ledger,
        settings: LnsSettings,
        density: np.ndarray,
        should_stop: Callable[[], bool],
        on_improve: Callable[[Ledger], None] | None,
        share: float,
    ) -> tuple[Ledger, dict[str, object]]:
        give_up = time.perf_counter() + 10.0
        while not should_stop() and time.perf_counter() < give_up:
            time.sleep(0.01)
        return ledger, {}

    monkeypatch.setattr(lns_module, "_move_phase", moves_until_stopped)
    asked_at = time.perf_counter() + 0.3
    stop = Stopper(lambda: time.perf_counter() >= asked_at)  # as `solve` hands it over
    settings = LnsSettings(deadline=time.perf_counter() + 60.0, workers=2, seed=1, moves_share=0.1)
    began = time.perf_counter()
    improve(comp, start, settings, value_scale=scale_for(comp), should_stop=stop)
    assert time.perf_counter() - began < 3.0  # the moves' thread heard the request, not its own 10 s


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


# Around a wanted demand: T (worth 100, all of a quarter's 100 dev-hours) requires P, booked in
# quarter 1 beside G, so T could only start in quarter 2, where F1 and F2 (worth 10 each) are. The
# best plan drops A (worth 5) from quarter 0, moves P and G there (40 + 50 hours) and gives T quarter
# 1: 95 more. That takes T, P, G in T's way and A in the quarter before, where P must end; T in
# quarter 2 in place of F1 and F2 gains only 80.


def _wanted_behind_its_prerequisite() -> tuple[Problem, Compiled, Ledger]:
    problem = Problem(
        periods=3,
        resources={"dev": Resource("dev", (100.0,) * 3)},
        demands=(
            Demand("A", 5, effort={"dev": 70}),
            Demand("P", 1, effort={"dev": 40}),
            Demand("G", 5, effort={"dev": 50}),
            Demand("F1", 10, effort={"dev": 50}),
            Demand("F2", 10, effort={"dev": 50}),
            Demand("T", 100, effort={"dev": 100}, requires=("P",)),
            Demand("X", 50, effort={"dev": 10}, excluded=True),
        ),
    )
    comp = compile_problem(problem)
    ledger = Ledger(comp)
    for name, start in {"A": 0, "P": 1, "G": 1, "F1": 2, "F2": 2}.items():
        ledger.book(comp.ids.index(name), start)
    comp.guide = np.array([1.0 if name == "T" else 0.0 for name in comp.ids])
    return problem, comp, ledger


@pytest.mark.parametrize("seed", range(6))
def test_a_neighbourhood_around_a_wanted_demand_frees_it_its_prerequisite_and_what_is_in_their_way(seed: int) -> None:
    problem, comp, ledger = _wanted_behind_its_prerequisite()
    idx = {name: comp.ids.index(name) for name in comp.ids}
    rng = random.Random(seed)
    gained: float = 0
    for _ in range(10):
        free = _around_wanted(comp, ledger, rng, 10, _Shapes(comp, comp.guide))
        names = {comp.ids[d] for d in free}
        assert {"T", "P"} <= names and "X" not in names
        # what else it frees is booked in T's periods or in the periods before them, where P must end
        assert names - {"T", "P"} <= {"A", "G", "F1", "F2"}
        new, _, _ = reoptimise(comp, ledger, free, value_scale=scale_for(comp), workers=1, seed=seed, wall=10.0, work=None)
        if new is None:
            # T drawn at quarter 0 frees only A beside it: nothing better is in reach
            assert names <= {"T", "P", "A"}
            continue
        assert new.start[idx["T"]] >= 0
        starts = new.starts()
        plan = plan_from_starts(comp, starts, status="feasible", bound=None, seconds=0.0)
        assert check_plan(problem, plan).ok
        gained = max(gained, comp.objective(starts) - comp.objective(ledger.starts()))
    assert gained == pytest.approx(95.0)


def test_no_neighbourhood_is_drawn_around_a_wanted_demand_when_none_is_left_out() -> None:
    _, comp, ledger = _wanted_behind_its_prerequisite()
    comp.guide = np.array([1.0 if name in ("A", "P", "G") else 0.0 for name in comp.ids])
    assert _around_wanted(comp, ledger, random.Random(0), 10, _Shapes(comp, comp.guide)) == []


def test_plan_demands_the_relaxation_does_not_want_are_freed_first_more_often() -> None:
    comp = compile_problem(generate_problem(120, 5, 6, seed=3))
    rng = random.Random(3)
    ledger = Ledger(comp)
    for d in rng.sample(range(comp.n), comp.n // 2):
        ledger.place(d)
    planned = [d for d in range(comp.n) if ledger.start[d] >= 0]
    unwanted = set(planned[::2])
    comp.guide = np.array([0.0 if d in unwanted else 1.0 for d in range(comp.n)])
    freed = {True: 0, False: 0}
    for _ in range(300):
        for d in _neighbourhood(comp, ledger, rng, 8, np.ones(comp.n), _Shapes(comp, comp.guide)):
            if ledger.start[d] >= 0:
                freed[d in unwanted] += 1
    # as many of each are booked; a plain shuffle frees them about equally often
    assert freed[True] > 1.5 * freed[False]


def test_steps_around_wanted_demands_leave_the_neighbourhood_size_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    # every draw is around a wanted demand: T, then A once T has pushed it out. Such neighbourhoods
    # are small and solved at once, which would grow the size of the others step after step
    _, comp, ledger = _wanted_behind_its_prerequisite()
    comp.guide = np.array([1.0 if name in ("T", "A") else 0.0 for name in comp.ids])
    monkeypatch.setattr("bearing.engine.lns._AROUND_WANTED_SHARE", 1.0)
    pace = Pace(10.0)
    settings = LnsSettings(deadline=pace.now() + 0.3, seed=0, moves_share=0.0, pace=pace, start_size=4)
    best, stats = improve(comp, ledger, settings, value_scale=scale_for(comp))
    assert cast(int, stats["lns_steps"]) >= 5
    assert stats["lns_size"] == 4
    assert comp.objective(best.starts()) == pytest.approx(comp.objective(ledger.starts()) + 95.0)


def test_a_search_told_not_to_follow_the_relaxation_draws_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    # polishing HiGHS's plans: windows, resources and handfuls only, in a plain random order
    _, comp, ledger = _wanted_behind_its_prerequisite()
    monkeypatch.setattr("bearing.engine.lns._AROUND_WANTED_SHARE", 1.0)
    drawn_with: list[object] = []
    real = _neighbourhood

    def neighbourhood(*args: Any) -> list[int]:
        drawn_with.append(args[-1].guide)  # the shapes it draws from
        return real(*args)

    def around_wanted(*args: object) -> list[int]:
        raise AssertionError("drew around a wanted demand")

    monkeypatch.setattr("bearing.engine.lns._neighbourhood", neighbourhood)
    monkeypatch.setattr("bearing.engine.lns._around_wanted", around_wanted)
    pace = Pace(10.0)
    settings = LnsSettings(deadline=pace.now() + 0.2, seed=0, moves_share=0.0, pace=pace, follow_relaxation=False)
    _, stats = improve(comp, ledger, settings, value_scale=scale_for(comp))
    steps = cast(int, stats["lns_steps"])
    assert steps >= 3 and drawn_with and all(guide is None for guide in drawn_with)
