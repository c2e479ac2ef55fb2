"""Cancelling a solve part-way (the web's Cancel button) and live progress from inside a stage."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import TypedDict, cast

from ortools.sat.python import cp_model

from bearing.engine.check import check_plan
from bearing.engine.generate import generate_problem
from bearing.engine.greedy import solve_greedy
from bearing.engine.problem import Demand, Problem, Resource
from bearing.engine.solve import solve
from bearing.engine.stopping import CpBeside, Stopper, _stop_until_done, cp_solver, run_cp


class _Calls(TypedDict):
    t0: float | None
    calls: int


def _after(seconds: float) -> tuple[Callable[[], bool], _Calls]:
    """A should_stop that turns True `seconds` after its first call, counting its calls."""
    state: _Calls = {"t0": None, "calls": 0}

    def should_stop() -> bool:
        state["calls"] += 1
        if state["t0"] is None:
            state["t0"] = time.perf_counter()
        return time.perf_counter() - cast(float, state["t0"]) > seconds  # set above when None

    return should_stop, state


def _knapsack(n: int, rows: int, seed: int) -> Problem:
    """A one-period selection problem with `rows` resources each able to hold about half the asks
    (hard for a solver to prove: correlated values)."""
    rng = random.Random(seed)
    use = [[rng.randint(1, 1000) for _ in range(n)] for _ in range(rows)]
    resources = {f"r{k}": Resource(f"r{k}", (sum(use[k]) / 2,)) for k in range(rows)}
    demands = tuple(
        Demand(
            f"D{j}",
            sum(use[k][j] for k in range(rows)) / rows + rng.randint(0, 500),
            effort={f"r{k}": use[k][j] for k in range(rows)},
        )
        for j in range(n)
    )
    return Problem(periods=1, resources=resources, demands=demands)


def test_stop_ends_a_scheduling_solve_long_before_its_time_limit() -> None:
    p = generate_problem(300, 10, 8, seed=4)
    should_stop, state = _after(0.3)
    t0 = time.perf_counter()
    plan = solve(p, time_limit=60.0, should_stop=should_stop)
    elapsed = time.perf_counter() - t0
    # generous: the machine is shared; without the stop this runs the full 60 s
    assert elapsed < 6.0, elapsed
    assert state["calls"] > 1
    # stopped during the search: the left-out demands keep their reasons, unverified
    assert plan.unscheduled and all(u.reasons for u in plan.unscheduled)
    result = check_plan(p, plan)
    assert result.ok, result.violations
    assert plan.objective >= solve_greedy(p).objective - 1e-9
    assert plan.status != "optimal" or plan.gap == 0


def test_stop_ends_a_selection_solve_inside_the_mip() -> None:
    p = _knapsack(400, 20, seed=1)
    should_stop, _ = _after(0.3)
    t0 = time.perf_counter()
    plan = solve(p, time_limit=60.0, should_stop=should_stop)
    elapsed = time.perf_counter() - t0
    assert elapsed < 8.0, elapsed
    assert check_plan(p, plan).ok
    assert plan.objective >= solve_greedy(p).objective - 1e-9


def test_run_cp_relays_every_improving_solution_in_order_and_stops() -> None:
    model = cp_model.CpModel()
    xs = [model.new_int_var(0, 10, f"x{i}") for i in range(4)]
    model.add(sum(xs) <= 25)
    model.maximize(sum((i + 1) * x for i, x in enumerate(xs)))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    seen: list[float] = []
    status = run_cp(solver, model, stop=Stopper(lambda: False), read=lambda cb: cb.objective_value, on_solution=seen.append)
    assert status == cp_model.OPTIMAL
    # the optimum puts 10 on x3 (weight 4), 10 on x2 (3), 5 on x1 (2): 40 + 30 + 10 = 80
    assert seen and seen[-1] == 80
    assert seen == sorted(seen)
    stopped = run_cp(cp_model.CpSolver(), model, stop=Stopper(lambda: True))
    assert stopped == cp_model.UNKNOWN


def test_stopper_asks_at_most_every_poll_and_stays_stopped() -> None:
    answers = iter([False, True, False])
    calls = []

    def ask() -> bool:
        calls.append(1)
        return next(answers)

    stop = Stopper(ask, poll=10.0)
    assert stop() is False
    assert stop() is False  # throttled: not asked again yet
    assert len(calls) == 1
    assert stop.ask_now() is True
    assert stop() is True and stop.ask_now() is True  # sticky: not asked again once stopped
    assert len(calls) == 2


def _hard_knapsack(seed: int) -> cp_model.CpModel:
    """300 items, 30 rows: CP-SAT finds solution after solution and proves nothing for many seconds."""
    rng = random.Random(seed)
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{i}") for i in range(300)]
    for _ in range(30):
        model.add(sum(rng.randint(1, 1000) * x for x in xs) <= 300 * 500 // 4)
    model.maximize(sum(rng.randint(1, 1000) * x for x in xs))
    return model


def test_a_stoppers_chores_run_in_its_own_thread_each_time_it_is_asked_even_without_a_question() -> None:
    done: list[str] = []
    stop = Stopper(None)

    def chore() -> None:
        done.append(threading.current_thread().name)

    stop.add_chore(chore)
    assert stop() is False and stop() is False
    other = threading.Thread(target=stop, name="helper")
    other.start()
    other.join()
    assert done == [threading.current_thread().name] * 2  # not in the helper's thread
    stop.remove_chore(chore)
    stop()
    assert len(done) == 2


def test_stop_before_the_exact_scheduling_model_answers_unknown_not_infeasible() -> None:
    # three one-period demands each needing 6 of 10 dev-hours cannot share a period: they need 3
    # periods and the horizon has 2. Neither the chain nor the hours test sees it (18 <= 20 hours),
    # so only the exact model proves it — unless told to stop first
    from bearing.engine.compiled import compile_problem
    from bearing.engine.schedule import decide_mandatory

    p = Problem(
        periods=2,
        resources={"dev": Resource("dev", (10.0, 10.0))},
        demands=tuple(Demand(f"M{i}", 1, effort={"dev": 6}, mandatory=True) for i in range(3)),
    )
    comp = compile_problem(p)
    stopped = decide_mandatory(comp, [0, 1, 2], time_limit=30.0, should_stop=lambda: True)
    assert stopped.status == "unknown"
    assert decide_mandatory(comp, [0, 1, 2], time_limit=30.0).status == "infeasible"


def test_cp_beside_hands_its_solutions_to_the_calling_thread_and_finish_ends_it_at_once() -> None:
    # a knapsack CP-SAT cannot prove in the test's time: it runs until `finish` stops it
    model = _hard_knapsack(3)
    solver = cp_solver(1, 0)
    solver.parameters.max_time_in_seconds = 60.0
    beside = CpBeside(solver, model, lambda cb: (threading.current_thread().name, cb.objective_value))
    time.sleep(0.5)
    seen: list[tuple[str, float]] = []
    handed_in: set[str] = set()

    def take(item: tuple[str, float]) -> None:
        seen.append(item)
        handed_in.add(threading.current_thread().name)

    beside.drain(take)
    started = time.perf_counter()
    beside.finish(take)
    assert time.perf_counter() - started < 5.0  # stopped, not run out its 60 s
    assert seen and {name for name, _ in seen} == {"cp-sat-beside"}  # read in the solver's thread ...
    assert handed_in == {threading.current_thread().name}  # ... handed over in ours
    assert [value for _, value in seen] == sorted(value for _, value in seen)  # in the order found


def test_a_stop_asked_before_cp_sat_has_begun_still_ends_its_search() -> None:
    # CP-SAT forgets a stop request made before its solve begins (it would then run its whole limit)
    model = _hard_knapsack(4)
    solver = cp_solver(1, 0)
    solver.parameters.max_time_in_seconds = 20.0

    def late_solve() -> None:
        time.sleep(0.3)  # the stop below is asked before this solve begins
        solver.solve(model)

    thread = threading.Thread(target=late_solve)
    started = time.perf_counter()
    thread.start()
    _stop_until_done(solver, thread)
    assert not thread.is_alive() and time.perf_counter() - started < 5.0
