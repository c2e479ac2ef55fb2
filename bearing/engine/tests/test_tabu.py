"""The tabu search for small selections, and the item-count bounds that steer it."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any, cast

import highspy
import numpy as np
import pytest

from bearing.engine import knapsack
from bearing.engine.check import check_plan
from bearing.engine.pace import Pace
from bearing.engine.plan import ProgressEvent
from bearing.engine.problem import Budget, Demand, Problem, Resource
from bearing.engine.solve import solve
from bearing.engine.stopping import Stopper
from bearing.engine.tabu import tabu_search
from bearing.engine.tests.instances import selection


def _run(
    profit: Sequence[float] | np.ndarray,
    weights: Sequence[Sequence[float]] | np.ndarray,
    caps: Sequence[float] | np.ndarray,
    start: Sequence[int] | np.ndarray,
    *,
    counts: Sequence[int],
    seconds: float = 0.2,
    seed: int = 0,
    movable: Sequence[int] | None = None,
) -> tuple[np.ndarray, list[np.ndarray], Pace]:
    pace = Pace(seconds)
    found: list[np.ndarray] = []
    best = tabu_search(
        np.asarray(profit, dtype=float),
        np.asarray(weights, dtype=float),
        np.asarray(caps, dtype=float),
        np.asarray(start),
        movable=np.arange(len(profit)) if movable is None else np.asarray(movable),
        counts=counts,
        efficiency=np.asarray(profit, dtype=float),
        end=pace.now() + seconds,
        pace=pace,
        seed=seed,
        stop=Stopper(None),
        on_solution=lambda x: found.append(x.copy()),
    )
    return best, found, pace


def test_it_crosses_an_overloaded_selection_to_reach_a_better_one_no_single_swap_reaches() -> None:
    # Two rows of capacity 10. A and B (10 each) fill both rows exactly; C and D (11 each) fill them
    # too, C mostly the first row and D the second. A swap of A or B for C or D overloads a row
    # (12 or 8 against 10), so {A, B} is the best selection any single swap keeps feasible; the
    # better {C, D} (22) is two swaps away, through an overloaded selection.
    profit = [10, 10, 11, 11]
    weights = [[5, 5, 7, 3], [5, 5, 3, 7]]
    best, found, _ = _run(profit, weights, [10, 10], [1, 1, 0, 0], counts=[2])
    assert best.tolist() == [0, 0, 1, 1]
    assert [x.tolist() for x in found] == [[0, 0, 1, 1]]


def test_items_that_may_not_move_keep_their_place() -> None:
    # the same, but B may not move: {B, C} and {B, D} overload a row, so {A, B} stays
    profit = [10, 10, 11, 11]
    weights = [[5, 5, 7, 3], [5, 5, 3, 7]]
    best, found, _ = _run(profit, weights, [10, 10], [1, 1, 0, 0], counts=[2], movable=[0, 2, 3])
    assert best.tolist() == [1, 1, 0, 0] and found == []


def _random_knapsack(seed: int, items: int, rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 1000, size=(rows, items)).astype(float)
    profit = weights.mean(axis=0) + rng.integers(1, 500, size=items)
    return profit, weights, np.floor(weights.sum(axis=1) / 4)


def _greedy(profit: np.ndarray, weights: np.ndarray, caps: np.ndarray) -> np.ndarray:
    x = np.zeros(len(profit), dtype=int)
    for j in np.argsort(-profit / weights.sum(axis=0)):
        x[j] = 1
        if np.any(weights @ x > caps):
            x[j] = 0
    return x


def test_every_selection_it_reports_fits_and_is_better_than_the_last() -> None:
    profit, weights, caps = _random_knapsack(3, 40, 5)
    start = _greedy(profit, weights, caps)
    count = int(start.sum())
    best, found, _ = _run(profit, weights, caps, start, counts=[count, count + 1, count - 1], seconds=0.5)
    assert found, "a greedy selection of 40 items leaves room for improvement"
    values = [float(profit @ x) for x in found]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert values[0] > float(profit @ start)
    for x in found:
        assert np.all(weights @ x <= caps)
    assert float(profit @ best) == values[-1]


def test_the_same_seed_gives_the_same_selection_and_charges_its_steps() -> None:
    profit, weights, caps = _random_knapsack(5, 30, 10)
    start = _greedy(profit, weights, caps)
    counts = [int(start.sum()), int(start.sum()) + 1]
    first, _, pace = _run(profit, weights, caps, start, counts=counts, seconds=0.3, seed=7)
    second, _, _ = _run(profit, weights, caps, start, counts=counts, seconds=0.3, seed=7)
    assert first.tolist() == second.tolist()
    # the clock it ran on was charged the nominal cost of its steps, up to the end it was given
    assert pace.spent >= 0.3


def test_the_count_bounds_hold_for_every_selection_and_tighten_the_plain_relaxation() -> None:
    profit, weights, caps = _random_knapsack(11, 14, 3)
    lower, upper = np.zeros(14, dtype=int), np.ones(14, dtype=int)
    lp = knapsack._highs(profit, weights, caps, lower, upper, integer=False, seed=0)
    lp.run()
    x_lp = np.array(lp.getSolution().col_value)
    plain = float(lp.getInfo().objective_function_value)
    # every selection, by brute force: the best for each count
    best_by_count: dict[int, float] = {}
    for bits in itertools.product((0, 1), repeat=14):
        x = np.array(bits)
        if np.all(weights @ x <= caps):
            k = int(x.sum())
            best_by_count[k] = max(best_by_count.get(k, 0.0), float(profit @ x))
    optimum = max(best_by_count.values())
    counts, bound = knapsack._promising_counts(profit, weights, caps, lower, upper, x_lp, 0.0, 0, Pace(1.0))
    assert bound is not None and optimum <= bound <= plain + 1e-9
    # with the optimum known, only the counts whose relaxation could beat it are left to search
    pruned, _ = knapsack._promising_counts(profit, weights, caps, lower, upper, x_lp, optimum, 0, Pace(1.0))
    assert set(pruned) <= set(counts) and len(pruned) < len(counts)


def test_a_small_selection_with_many_tight_rows_is_improved_by_the_tabu_search() -> None:
    # 60 items, 30 rows at a quarter of their totals (the mknapcb7 shape, smaller): the cores stall
    problem = selection(2, 60, 30)
    stages: list[str] = []
    plan = solve(problem, time_limit=2.0, explain=False, progress=lambda event: stages.append(event.stage))
    assert "tabu" in stages
    assert check_plan(problem, plan).ok


def test_mandatory_demands_and_a_budget_hold_through_the_tabu_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the same shape with every tenth demand mandatory and a money row: the tabu search runs, may
    # not move a mandatory demand, and the plan keeps them all within the budget
    base = selection(2, 60, 30)
    demands = tuple(
        dataclasses.replace(d, mandatory=i % 10 == 0, cost=float(50 + (i * 37) % 400))
        for i, d in enumerate(base.demands)
    )
    problem = dataclasses.replace(base, demands=demands, budgets=(Budget(0, 0, 4000.0),))
    moved: list[set[int]] = []

    def spy(*args: Any, **kwargs: Any) -> np.ndarray:
        moved.append({int(j) for j in kwargs["movable"]})
        return tabu_search(*args, **kwargs)

    monkeypatch.setattr(knapsack, "tabu_search", spy)
    plan = solve(problem, time_limit=2.0, explain=False)
    mandatory = {i for i, d in enumerate(demands) if d.mandatory}
    assert len(moved) == 1 and moved[0] == set(range(60)) - mandatory
    assert check_plan(problem, plan).ok
    chosen = set(plan.starts())
    assert {d.id for d in demands if d.mandatory} <= chosen
    assert sum(d.cost for d in demands if d.id in chosen) <= 4000.0


def test_a_selection_shows_its_relaxation_bound_from_the_start_and_the_counts_tighten_it() -> None:
    problem = selection(2, 60, 30)
    events: list[tuple[str, float, float | None]] = []
    plan = solve(
        problem, time_limit=2.0, explain=False,
        progress=lambda e: events.append((e.stage, e.objective, e.bound)),
    )
    stages = [stage for stage, _, _ in events]
    # the relaxation's bound comes before the first selection of the cores, not at the end
    assert stages[:2] == ["greedy", "lp"] and events[1][2] is not None
    assert all(bound is not None and bound >= value - 1e-6 for _, value, bound in events[1:])
    # the relaxations with the number of items fixed give a second, tighter bound
    lp_bounds = cast(list[float], [bound for stage, _, bound in events if stage == "lp"])
    assert len(lp_bounds) == 2 and lp_bounds[1] < lp_bounds[0]
    assert plan.bound is not None and plan.bound <= lp_bounds[1] + 1e-6


def test_a_stop_request_ends_the_search_within_a_hundred_steps() -> None:
    profit, weights, caps = _random_knapsack(5, 60, 30)
    start = _greedy(profit, weights, caps)
    asked = []

    def should_stop() -> bool:
        asked.append(True)
        return len(asked) > 2  # the two looks before the first step go on, the next one stops

    pace = Pace(10.0)
    tabu_search(
        profit, weights, caps, start, movable=np.arange(60), counts=[int(start.sum())], efficiency=profit,
        end=pace.now() + 10.0, pace=pace, seed=0, stop=Stopper(should_stop, poll=0.0), on_solution=lambda x: None,
    )
    # one batch of 100 steps ran (~0.05 s of nominal work), not the 10 s given
    assert len(asked) == 3 and pace.spent < 0.5


def test_with_two_workers_the_tabu_search_runs_in_a_thread_beside_the_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 150 items, 30 rows: more items than the tabu search gets after the cores with one worker
    problem = selection(2, 150, 30)
    tabu_threads: set[str] = set()
    core_workers: list[int] = []
    real_core = knapsack._solve_core

    def tabu_spy(*args: Any, **kwargs: Any) -> np.ndarray:
        tabu_threads.add(threading.current_thread().name)
        return tabu_search(*args, **kwargs)

    def core_spy(*args: Any, **kwargs: Any) -> tuple[np.ndarray | None, bool]:
        core_workers.append(kwargs["workers"])
        return real_core(*args, **kwargs)

    monkeypatch.setattr(knapsack, "tabu_search", tabu_spy)
    monkeypatch.setattr(knapsack, "_solve_core", core_spy)
    stages: list[str] = []
    plan = solve(problem, time_limit=3.0, workers=2, explain=False, progress=lambda event: stages.append(event.stage))
    assert tabu_threads == {"bearing-tabu-lane"}  # never on the main thread, which ran the cores
    assert core_workers and set(core_workers) == {1}  # the cores on one thread: the lane has the other
    assert "tabu" in stages
    assert check_plan(problem, plan).ok
    assert plan.objective >= solve(problem, method="greedy").objective
    # with one worker the same selection has no tabu search at all (too many items)
    tabu_threads.clear()
    solve(problem, time_limit=1.0, explain=False)
    assert tabu_threads == set()


def test_the_tabu_lane_stops_once_the_other_stages_prove_the_selection_best() -> None:
    # 120 items and 20 rows of which one binds: a knapsack HiGHS proves at once; the lane, which
    # would otherwise search until the limit, stops with it
    rng = np.random.default_rng(4)
    demands = tuple(
        Demand(f"I{i}", float(rng.integers(100, 1000)), duration=1,
               effort={"r0": float(rng.integers(10, 1000)), **{f"r{k}": 1.0 for k in range(1, 20)}})
        for i in range(120)
    )
    resources = {"r0": Resource("r0", (20_000.0,)), **{f"r{k}": Resource(f"r{k}", (1_000.0,)) for k in range(1, 20)}}
    problem = Problem(periods=1, resources=resources, demands=demands)
    plan = solve(problem, time_limit=60.0, workers=2, explain=False)
    assert plan.status == "optimal" and check_plan(problem, plan).ok
    assert plan.seconds < 30.0, plan.seconds


def test_with_two_workers_progress_and_stop_questions_come_only_from_the_callers_thread() -> None:
    # 150 items, 30 rows: the lane finds better selections in its own thread; the web's callbacks
    # touch the database, whose connections belong to a thread, so they must hear of them in ours
    problem = selection(2, 150, 30)
    progress_threads: set[str] = set()
    stop_threads: set[str] = set()
    stages: list[str] = []

    def progress(event: ProgressEvent) -> None:
        progress_threads.add(threading.current_thread().name)
        stages.append(event.stage)

    def should_stop() -> bool:
        stop_threads.add(threading.current_thread().name)
        return False

    plan = solve(problem, time_limit=3.0, workers=2, explain=False, progress=progress, should_stop=should_stop)
    assert "tabu" in stages  # the lane's finds were reported ...
    assert progress_threads == {threading.current_thread().name}  # ... from here
    assert stop_threads == {threading.current_thread().name}
    assert check_plan(problem, plan).ok


def test_with_two_workers_a_small_selection_gets_the_tabu_search_beside_the_full_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 60 items, 30 rows: the tabu search after the cores; with two workers in a thread of its own
    # while the full model runs, which is handed the best selection found so far
    problem = selection(2, 60, 30)
    tabu_threads: set[str] = set()
    handed: list[float] = []
    real_tabu, real_mip = tabu_search, knapsack._run_mip  # knapsack's is this one, not re-exported

    def tabu_spy(*args: Any, **kwargs: Any) -> np.ndarray:
        tabu_threads.add(threading.current_thread().name)
        return real_tabu(*args, **kwargs)

    def mip_spy(
        h: highspy.Highs, time_limit: float, start: np.ndarray | None, **kwargs: Any
    ) -> tuple[np.ndarray | None, float | None, bool]:
        assert kwargs["incumbent"] is not None
        latest = kwargs["incumbent"]

        def watched() -> tuple[np.ndarray, float]:
            x, value = latest()
            handed.append(value)
            return x, value

        return real_mip(h, time_limit, start, **{**kwargs, "incumbent": watched})

    monkeypatch.setattr(knapsack, "tabu_search", tabu_spy)
    monkeypatch.setattr(knapsack, "_run_mip", mip_spy)
    plan = solve(problem, time_limit=3.0, workers=2, explain=False)
    assert tabu_threads == {"bearing-tabu-lane"}
    assert handed  # HiGHS asked for the best selection while it searched
    assert check_plan(problem, plan).ok
    assert plan.objective >= max(handed) - 1e-6  # never below what the lane had found
    assert plan.objective >= solve(problem, method="greedy").objective


def test_the_full_model_takes_a_better_selection_handed_to_it_while_it_runs() -> None:
    profit, weights, caps = _random_knapsack(5, 60, 30)
    nothing = np.zeros(60, dtype=int)

    def mip(
        seconds: float, incumbent: Callable[[], tuple[np.ndarray, float]] | None = None
    ) -> tuple[np.ndarray | None, float | None, bool]:
        h = knapsack._highs(profit, weights, caps, np.zeros(60), np.ones(60), integer=True, seed=0)
        return knapsack._run_mip(h, seconds, nothing, pace=Pace(seconds, workers=2), incumbent=incumbent)

    good, _, _ = mip(1.0)  # what a longer search finds: better than a short one finds alone
    alone, _, _ = mip(0.05)
    assert good is not None and alone is not None and profit @ good > profit @ alone + 1.0
    asked: list[bool] = []

    def latest() -> tuple[np.ndarray, float]:
        asked.append(True)
        return good, float(profit @ good)

    x, bound, _ = mip(0.05, latest)
    assert asked and x is not None
    assert float(profit @ x) >= float(profit @ good) - 1e-6  # the short search kept what it was handed
    assert np.all(weights @ x <= caps + 1e-6) and bound is not None and bound >= float(profit @ x) - 1e-6


def test_a_selection_shows_the_full_models_bound_closing_while_it_searches() -> None:
    problem = selection(2, 150, 30)
    events: list[tuple[str, float, float | None]] = []
    plan = solve(problem, time_limit=3.0, explain=False, progress=lambda e: events.append((e.stage, e.objective, e.bound)))
    assert check_plan(problem, plan).ok
    bounds = [bound for _, _, bound in events if bound is not None]
    assert bounds == sorted(bounds, reverse=True)
    assert all(bound >= value - 1e-6 for _, value, bound in events if bound is not None)
    last_lp = min(bound for stage, _, bound in events if stage == "lp" and bound is not None)
    during = [bound for stage, value, bound in events if stage == "mip" and bound is not None and bound < last_lp - 1e-6]
    assert len(during) >= 2  # more than the one the search ends with


def test_a_core_settled_by_presolve_still_costs_time_on_the_work_clock() -> None:
    # 400 free items under one loose row: CP-SAT's presolve settles the core and reports (almost)
    # no deterministic time, though it took a good part of a second; the work clock must still
    # advance by the core's size, or a one-worker solve overruns its limit (4 s for 1 s)
    rng = np.random.default_rng(3)
    n = 400
    profit = rng.uniform(1.0, 10.0, n)
    weights = rng.uniform(1.0, 5.0, (1, n))
    caps = np.array([weights.sum() * 2.0])  # everything fits
    pace = Pace(10.0)
    x, proven = knapsack._solve_core(
        profit, weights, caps, np.zeros(n, dtype=int), np.ones(n, dtype=int), np.zeros(n, dtype=int),
        pace.now() + 5.0, seed=0, workers=1, stop=Stopper(None), pace=pace, on_solution=lambda _: None,
    )  # fmt: skip
    assert proven and x is not None and x.sum() == n
    assert pace.spent >= 0.1  # at least a quarter of a millisecond per free item
