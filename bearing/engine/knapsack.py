"""Pure selection problems (one period, no requirements): which demands to take, nothing about when.

Such a problem is a multidimensional knapsack: each resource and budget is one capacity row. A
mixed-integer solver handed the whole model spends its time on branching over items whose fate
the LP relaxation already makes clear. The core approach (Puchinger, Raidl & Pferschy) does
better in the same time: items far from the LP's break-even point (efficiency, value over the
dual-priced size, far from 1) are fixed to their LP value; the small *core* around it is solved
exactly by CP-SAT, then widened while each core still closes in time. On small selections with
many tight capacity rows the cores stall on a selection no single swap improves; a tabu search
(`bearing.engine.tabu`) at each promising number of chosen items goes past it. A last MIP (HiGHS)
on the full model, started from the best selection, improves it further and yields the proven
bound. With two or more workers, selections with many rows get the tabu search in a thread of its
own beside the full model, which is handed each better selection the search finds while it runs
(HiGHS's user-solution callback): for the whole time beside the cores (then on one thread) when the
items are many, after the cores when they are few.

Every stage is paced by its work (CP-SAT's deterministic time, HiGHS's simplex iterations and
branch-and-bound calls; `bearing.engine.pace`), so with one worker a seed gives the same selection
however busy the machine is.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from ortools.sat.python import cp_model

from bearing.engine.compiled import Compiled
from bearing.engine.highs import bound_worth_showing, hand_over, new_highs, ran, watch_mip_bound
from bearing.engine.pace import (
    SELECTION_WORK_PER_SECOND,
    MipWork,
    Pace,
    selection_core_seconds,
    selection_mip_rates,
)
from bearing.engine.stopping import Stopper, cp_solver, run_cp, watch_highs
from bearing.engine.tabu import tabu_search

__all__ = ["KnapsackResult", "is_selection_problem", "solve_selection"]

# Share of the search time for the growing cores (CP-SAT closes 20-35-item cores of the 30-row
# OR-Library instances in 0.1-5 s, 2-3x faster than HiGHS); the rest goes to the full model, which
# improves the selection further and gives the proven bound.
_CORE_SHARE = 0.7
_FIRST_CORE = 10
# Selections of at most this many free items and at least this many capacity rows get a tabu
# search (`bearing.engine.tabu`) after the cores. On the 100-item, 30-row OR-Library instances the
# cores stall on a selection no single swap improves, and the tabu search goes past it (mknapcb7:
# mean gap 0.135 -> 0.092 %, worst 0.645 -> 0.477 %). With 10 rows the cores close larger and
# larger cores and do better with the time (mknapcb4: mean 0.011 % with them alone, 0.017 % when the
# tabu search took their time); with 250 or more items the tabu search found nothing in the time
# that the cores and the full model would not (RESULTS.md, fifth session).
_TABU_ITEMS = 100
_TABU_ROWS = 20
# For those, a core not closed in this share of the time ends the core search (a larger one would
# not close either), and the tabu search gets this share of the time left; the full model the rest.
_TABU_CORE_SLICE = 0.15
_TABU_SHARE = 0.8
# With two or more workers, selections with more free items than that (and that many rows) get
# the tabu search in a thread of its own beside the cores and the full model, from the start to
# the end: it moves, in turn, this many of the items nearest the break-even point, a slice of time
# each, and every `_LANE_SYNC_EVERY`-th slice starts from the best selection so far (30.250-01 and
# -06 searched alone for 9 s: 40 items found most, 30 or 35 never beat the cores, 80 or more
# wandered). On the 30-row OR-Library files, 10 s each: 250 items mean 0.115 -> 0.095 %, worst
# 0.487 -> 0.388 %; 500 items 0.122 -> 0.090 %, 0.324 -> 0.278 %. On 100 items the cores and the
# tabu search in turn do as well (mean 0.074 % against 0.068 or 0.085 % with a lane, worst 0.381
# against 0.603 or 0.381 %): the outcome there hangs on where the search starts. There, with two
# workers, the tabu search after the cores runs beside the full model instead of before it, both
# until the end (30-row, 100-item file: mean 0.074 -> 0.054 %, worst 0.381 -> 0.327 %, better on
# 4 of 30, worse on none; the full model's longer search found three of the four).
_LANE_SIZES = (40, 50, 60)
_LANE_SLICE = 1.5
_LANE_SYNC_EVERY = 3
# Item counts tried on each side of the relaxation's own.
_COUNT_SPREAD = 4
# Nominal seconds per simplex iteration of the relaxation (a few hundred iterations take
# milliseconds at 500 items and 30 rows).
_SIMPLEX_SECONDS_PER_ITERATION = 2e-5


@dataclass
class KnapsackResult:
    """Best selection found (demand indices), its value, and the best proven upper bound."""

    chosen: list[int] | None
    value: float
    bound: float | None
    optimal: bool


def is_selection_problem(comp: Compiled) -> bool:
    """One period and no requirements: only *which* demands, not when."""
    return comp.periods == 1 and not any(comp.preds) and comp.n > 0


def _rows(comp: Compiled) -> tuple[np.ndarray, np.ndarray]:
    """Constraint matrix (rows: resources then budget windows) and capacities for period 0."""
    nres = len(comp.resource_names)
    weights = np.zeros((nres + len(comp.budgets), comp.n))
    for d in range(comp.n):
        for r, h in comp.use[d]:
            weights[r, d] += h
        for w in range(len(comp.budgets)):
            weights[nres + w, d] = comp.budget_spend(d, 0, w)
    caps = np.concatenate([comp.capacity[:, 0], [b[2] for b in comp.budgets]])
    keep = weights.any(axis=1)
    return weights[keep], caps[keep]


def _highs(
    profit: np.ndarray,
    weights: np.ndarray,
    caps: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    *,
    integer: bool,
    seed: int,
    count: int | None = None,
) -> highspy.Highs:
    h = new_highs(seed)
    h.setOptionValue("solver", "choose" if integer else "simplex")
    if count is not None:
        # exactly `count` items chosen: one more row of ones
        weights = np.vstack([weights, np.ones(len(profit))])
        caps = np.append(caps, float(count))
    lp = highspy.HighsLp()
    n = len(profit)
    lp.num_col_ = n
    lp.num_row_ = len(caps)
    lp.col_cost_ = profit.astype(float)
    lp.col_lower_ = lower.astype(float)
    lp.col_upper_ = upper.astype(float)
    row_lower = np.full(len(caps), -highspy.kHighsInf)
    if count is not None:
        row_lower[-1] = float(count)
    lp.row_lower_ = row_lower
    lp.row_upper_ = caps.astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize
    mat = highspy.HighsSparseMatrix()
    mat.format_ = highspy.MatrixFormat.kColwise
    mat.num_col_ = n
    mat.num_row_ = len(caps)
    nz = weights != 0
    mat.start_ = np.concatenate([[0], np.cumsum(nz.sum(axis=0))]).astype(np.int32)
    cols_rows = [np.nonzero(nz[:, j])[0] for j in range(n)]
    mat.index_ = np.concatenate(cols_rows).astype(np.int32) if n else np.zeros(0, dtype=np.int32)
    mat.value_ = np.concatenate([weights[rows, j] for j, rows in enumerate(cols_rows)]) if n else np.zeros(0)
    lp.a_matrix_ = mat
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        if _whole(profit):  # whole profits: a selection less than 1 below the bound is optimal
            h.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    h.passModel(lp)
    return h


def _run_mip(
    h: highspy.Highs,
    time_limit: float,
    start: np.ndarray | None,
    *,
    pace: Pace,
    stop: Stopper | None = None,
    on_solution: Callable[[np.ndarray], None] | None = None,
    incumbent: Callable[[], tuple[np.ndarray, float]] | None = None,
    on_bound: Callable[[float], None] | None = None,
) -> tuple[np.ndarray | None, float | None, bool]:
    """Solve within `time_limit` seconds of `pace` (with one worker a work budget); the selection
    (0/1 vector) if one was found, the dual bound, and whether proven. Each improving selection
    goes to `on_solution` while the search runs (the web shows it live); `stop` ends it early."""
    work = None
    if pace.deterministic:
        root_rate, root_cost, tree_rate = selection_mip_rates(h.getNumCol())
        work = MipWork(time_limit, root_rate=root_rate, root_cost=root_cost, tree_rate=tree_rate)
        h.cbMipInterrupt += work
        h.setOptionValue("time_limit", max(0.02, pace.wall_left()))
    else:
        h.setOptionValue("time_limit", max(0.02, float(time_limit)))
    watch_highs(h, stop)
    if on_solution is not None:
        owner = threading.get_ident()

        def improving(event: object) -> None:
            # reported only from the caller's thread: the progress callback may touch a database
            if threading.get_ident() == owner:
                on_solution((np.asarray(event.data_out.mip_solution) > 0.5).astype(int))  # type: ignore[attr-defined]

        h.cbMipImprovingSolution += improving
    if incumbent is not None:
        hand_over(h, incumbent, lambda x: x)
    if on_bound is not None:
        watch_mip_bound(h, on_bound)
    if start is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start.astype(float))
        sol.value_valid = True
        h.setSolution(sol)
    run_status = h.run()
    info = h.getInfo()
    status = h.getModelStatus()
    if work is not None:
        h.cbMipInterrupt -= work
        pace.charge(work.spent)
        if status == highspy.HighsModelStatus.kTimeLimit:
            pace.mark_cut()
    if not ran(run_status, status):
        return None, None, False
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, None, False
    bound = float(info.mip_dual_bound)
    bound_ok = math.isfinite(bound) and abs(bound) < 1e29
    x = None
    if info.primal_solution_status == 2:
        x = (np.array(h.getSolution().col_value) > 0.5).astype(int)
    optimal = status == highspy.HighsModelStatus.kOptimal and x is not None
    return x, (bound if bound_ok else None), optimal


def _efficiency(profit: np.ndarray, weights: np.ndarray, duals: np.ndarray) -> np.ndarray:
    """Value over the dual-priced size; items of no priced size rank first."""
    priced = duals @ weights
    return np.where(priced > 1e-12, profit / np.maximum(priced, 1e-12), np.inf)


def _core_order(efficiency: np.ndarray, x_lp: np.ndarray, reduced: np.ndarray) -> np.ndarray:
    """Items by distance from the LP break-even point: |log efficiency| where efficiency is value
    over the dual-priced size (Puchinger, Raidl & Pferschy); fractional items first."""
    with np.errstate(divide="ignore", invalid="ignore"):
        dist = np.where(
            np.isfinite(efficiency) & (efficiency > 0), np.abs(np.log(np.maximum(efficiency, 1e-300))), np.inf
        )
    fractional = (x_lp > 1e-6) & (x_lp < 1 - 1e-6)
    n = len(efficiency)
    return np.lexsort((np.arange(n), reduced, dist, ~fractional))


def _whole(values: np.ndarray) -> bool:
    """Whether every number is whole (then a gap below one unit proves optimality)."""
    return bool(np.all(np.abs(values - np.round(values)) < 1e-9))


def _promising_counts(
    profit: np.ndarray,
    weights: np.ndarray,
    caps: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    x_lp: np.ndarray,
    best_value: float,
    seed: int,
    pace: Pace,
) -> tuple[list[int], float | None]:
    """The numbers of chosen items whose relaxation (the LP with that many items) could beat
    `best_value`, best bound first, and the best of those bounds. The LP's value is concave in the
    count, so counts around the relaxation's own (fractional) count cover its maximum: the largest
    of their bounds is a valid bound on every selection, at least as tight as the plain LP's."""
    whole = _whole(profit)
    middle = float(np.sum(x_lp))
    low = max(int(lower.sum()), math.floor(middle) - _COUNT_SPREAD)
    high = min(int(upper.sum()), math.ceil(middle) + _COUNT_SPREAD)
    bounds: list[tuple[float, int]] = []
    for count in range(low, high + 1):
        h = _highs(profit, weights, caps, lower, upper, integer=False, seed=seed, count=count)
        h.run()
        pace.charge(max(0, h.getInfo().simplex_iteration_count) * _SIMPLEX_SECONDS_PER_ITERATION)
        status = h.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            continue
        if status != highspy.HighsModelStatus.kOptimal:
            return [], None  # no proof for this count: keep the plain LP's bound
        value = float(h.getInfo().objective_function_value)
        bounds.append((math.floor(value + 1e-6) if whole else value, count))
    if not bounds:
        return [], None
    bounds.sort(key=lambda b: (-b[0], b[1]))
    counts = [count for value, count in bounds if value > best_value + 1e-6]
    return counts, bounds[0][0]


def _integer_scale(values: np.ndarray) -> float:
    """1 when the numbers are whole already; hundredths otherwise (hours and money)."""
    return 1.0 if _whole(values) else 100.0


def _solve_core(
    profit: np.ndarray,
    weights: np.ndarray,
    caps: np.ndarray,
    lo: np.ndarray,
    up: np.ndarray,
    hint: np.ndarray,
    end: float,
    *,
    seed: int,
    workers: int,
    stop: Stopper,
    pace: Pace,
    on_solution: Callable[[np.ndarray], None],
) -> tuple[np.ndarray | None, bool]:
    """CP-SAT on the free items (lo < up) with the rest fixed; the best selection and whether it
    is proven best for this core. Sizes round up and capacities down: every answer fits."""
    free = np.nonzero(lo < up)[0]
    fixed_x = lo.astype(float)
    rest = caps - weights @ fixed_x
    if np.any(rest < -1e-9):
        return None, True  # the fixed part alone overflows: a bigger core is needed
    wscale = _integer_scale(np.concatenate([weights[:, free].ravel(), rest]))
    w_int = np.ceil(weights[:, free] * wscale - 1e-9).astype(np.int64)
    c_int = np.floor(rest * wscale + 1e-9).astype(np.int64)
    top = float(np.max(np.abs(profit[free]))) if len(free) else 0.0
    pscale = 1.0 if _integer_scale(profit[free]) == 1.0 else (1e6 / top if top > 0 else 1.0)
    p_int = np.round(profit[free] * pscale).astype(np.int64)
    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{j}") for j in free]
    for r in range(len(c_int)):
        terms = [(int(w_int[r, k]), xs[k]) for k in range(len(free)) if w_int[r, k] != 0]
        if terms:
            model.add(sum(c * v for c, v in terms) <= int(c_int[r]))
    model.maximize(sum(int(p_int[k]) * xs[k] for k in range(len(free))))
    for k, j in enumerate(free):
        model.add_hint(xs[k], int(hint[j]))
    solver = cp_solver(workers, seed)
    pace.limit_cp(solver.parameters, end - pace.now(), SELECTION_WORK_PER_SECOND)

    def read(cb: object) -> np.ndarray:
        x = lo.copy()
        x[free] = [int(cb.boolean_value(v)) for v in xs]  # type: ignore[attr-defined]
        return x

    status = run_cp(solver, model, stop=stop, read=read, on_solution=on_solution)
    pace.charge_cp(solver, SELECTION_WORK_PER_SECOND)
    # what presolve did beyond the deterministic time (nothing more on OR-Library's cores)
    pace.charge(selection_core_seconds(len(free)) - solver.deterministic_time / SELECTION_WORK_PER_SECOND)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status == cp_model.INFEASIBLE
    return read(solver), status == cp_model.OPTIMAL


def _filled(
    weights: np.ndarray,
    caps: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    x_lp: np.ndarray,
    efficiency: np.ndarray,
) -> np.ndarray:
    """The items the relaxation takes whole, then each other item that still fits, most efficient
    first: a feasible start of the tabu lane's own."""
    x: np.ndarray = np.clip((x_lp > 1 - 1e-6).astype(int), lower, upper)
    load = weights @ x
    for d in np.argsort(-efficiency, kind="stable"):
        if x[d] == 0 and upper[d] == 1 and np.all(load + weights[:, d] <= caps + 1e-9):
            x[d] = 1
            load = load + weights[:, d]
    return x


def _tabu_lane(
    profit: np.ndarray,
    weights: np.ndarray,
    caps: np.ndarray,
    start: np.ndarray,
    *,
    movable: np.ndarray,
    efficiency: np.ndarray,
    counts_beating: Callable[[float], list[int]],
    incumbent: Callable[[], tuple[np.ndarray, float]],
    offer: Callable[[np.ndarray | None, str], None],
    end: float,
    pace: Pace,
    seed: int,
    stop: Callable[[], bool],
) -> None:
    """The tabu search in a thread beside the other stages until `end`, from the feasible `start`,
    at each count that can still beat the best selection so far (whoever found it), in slices of
    `_LANE_SLICE` seconds moving the `_LANE_SIZES` items of `movable` nearest the break-even point
    in turn, each slice going on from where the last one ended and every third from the best
    selection so far. CP-SAT and HiGHS let go of the interpreter while they solve, and numpy does
    over arrays of this size."""
    own = start
    turn = 0
    while not stop() and pace.now() < end - 0.01:
        # its own trajectory, which the cores' local optimum would not lead to, with the best
        # selection so far every third turn (30-row, 250-item: 30.250-01 0.388 % against 0.485 %
        # from the best every turn; -00 0.246 % against 0.327 % on its own trajectory alone)
        best, value = incumbent()
        if value == float("-inf"):
            best, value = own, float(profit @ own)
        counts = counts_beating(value)
        if not counts:
            return  # no count can beat the best: it is optimal
        synced = turn % _LANE_SYNC_EVERY == _LANE_SYNC_EVERY - 1
        own = tabu_search(
            profit, weights, caps, best if synced else own, movable=movable[: _LANE_SIZES[turn % len(_LANE_SIZES)]],
            counts=counts, efficiency=efficiency, end=min(end, pace.now() + _LANE_SLICE), pace=pace,
            seed=seed + turn, stop=stop, on_solution=lambda x: offer(x, "tabu"),
        )
        turn += 1


def _feasible(x: np.ndarray, weights: np.ndarray, caps: np.ndarray) -> bool:
    return bool(np.all(weights @ x <= caps + np.maximum(1e-6, 1e-9 * np.abs(caps))))


def solve_selection(
    comp: Compiled,
    *,
    deadline: float,
    start: list[int] | None,
    seed: int = 0,
    workers: int = 1,
    on_improve: Callable[[list[int], float, str], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    pace: Pace | None = None,
    on_bound: Callable[[float, str], None] | None = None,
) -> KnapsackResult:
    """Best selection by LP-reduced-cost core search, a tabu search when few items are free and the
    rows are many, then the full MIP for the bound, until `deadline` on `pace`'s clock (its own when not
    given: with one worker a work budget). Each better selection goes to `on_improve` with the
    stage that found it ("core", "tabu" or "mip"); each proven bound before the last, to `on_bound`
    with the stage that proved it ("lp" or "mip")."""
    stop = should_stop if isinstance(should_stop, Stopper) else Stopper(should_stop)
    if pace is None:
        pace = Pace(max(0.01, deadline - time.perf_counter()), workers=workers)
    n = comp.n
    profit = np.array([comp.values[d].get(0, 0.0) for d in range(n)])
    weights, caps = _rows(comp)
    lower = np.array([1 if comp.mandatory[d] else 0 for d in range(n)])
    upper = np.array([1 if comp.window[d] else 0 for d in range(n)])
    best = np.zeros(n, dtype=int)
    if start:
        best[start] = 1
    best_value = float(profit @ best) if start else float("-inf")

    lock = threading.Lock()  # the tabu lane offers from its own thread
    owner = threading.get_ident()
    best_stage, reported = "core", best_value

    def offer(x: np.ndarray | None, stage: str = "core") -> None:
        nonlocal best, best_value, best_stage
        if x is not None and _feasible(x, weights, caps) and np.all(x >= lower) and np.all(x <= upper):
            value = float(profit @ x)
            with lock:
                if value > best_value + 1e-9:
                    best, best_value, best_stage = x.copy(), value, stage
        report()

    def report() -> None:
        """The best selection to `on_improve` if it is better than the last one reported, only ever
        from the caller's thread (the callback may touch a database): the lane's finds wait for the
        caller's next offer, stop poll or MIP callback."""
        nonlocal reported
        if on_improve is None or threading.get_ident() != owner:
            return
        with lock:
            if best_value <= reported + 1e-9:
                return
            x, reported, stage = best.copy(), best_value, best_stage
        on_improve([int(d) for d in np.nonzero(x)[0]], reported, stage)

    def incumbent() -> tuple[np.ndarray, float]:
        with lock:
            return best.copy(), best_value

    def latest() -> tuple[np.ndarray, float]:
        # the MIP asks for the best selection from the caller's thread: a moment to report too
        report()
        return incumbent()

    lane: threading.Thread | None = None
    finished = threading.Event()  # the other stages proved the best selection: the lane stops
    solved_whole = False
    parallel = workers > 1 and not pace.deterministic

    def start_lane(target: Callable[..., object], *args: object, **kwargs: object) -> threading.Thread:
        """`target` in a thread of its own beside the other stages, until `finished` or a stop."""
        thread = threading.Thread(
            target=target, args=args, kwargs={**kwargs, "stop": lambda: finished.is_set() or stop()},
            name="bearing-tabu-lane", daemon=True,
        )
        thread.start()
        return thread
    # 1. LP relaxation: the break-even point and the bound
    lp = _highs(profit, weights, caps, lower, upper, integer=False, seed=seed)
    watch_highs(lp, stop)
    lp.setOptionValue("time_limit", max(0.02, pace.wall_left() if pace.deterministic else 0.1 * (deadline - pace.now())))
    lp.run()
    pace.charge(max(0, lp.getInfo().simplex_iteration_count) * _SIMPLEX_SECONDS_PER_ITERATION)
    bound: float | None = None
    if lp.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
        return KnapsackResult(None, 0.0, None, False)
    stop.add_chore(report)  # while the caller's thread waits on a solver
    if lp.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        sol = lp.getSolution()
        x_lp = np.array(sol.col_value)
        reduced = np.abs(np.array(sol.col_dual))
        bound = float(lp.getInfo().objective_function_value)
        if on_bound is not None:
            on_bound(bound, "lp")
        duals = np.abs(np.array(sol.row_dual))
        # 2. core search: the items whose LP efficiency (value over dual-priced size) is nearest
        # the break-even point stay free, the rest keep their LP value; growing cores solved exactly
        efficiency = _efficiency(profit, weights, duals)
        order = _core_order(efficiency, x_lp, reduced)
        core_end = pace.now() + _CORE_SHARE * (deadline - pace.now())
        many = int(np.sum(lower < upper)) > _TABU_ITEMS
        core_workers = workers
        if many and parallel and len(caps) >= _TABU_ROWS:
            # the tabu search on a core of its own, the cores and the full model on the other
            core_workers = 1
            lane = start_lane(
                _tabu_lane, profit, weights, caps, _filled(weights, caps, lower, upper, x_lp, efficiency),
                movable=order[lower[order] < upper[order]], efficiency=efficiency,
                counts_beating=lambda value: _promising_counts(
                    profit, weights, caps, lower, upper, x_lp, value, seed, pace)[0],
                incumbent=incumbent, offer=offer, end=deadline, pace=pace, seed=seed,
            )
        with_tabu = not many and len(caps) >= _TABU_ROWS
        core_slice = (_TABU_CORE_SLICE if with_tabu else 1.0) * (deadline - pace.now())
        lp_fix = np.clip((x_lp > 0.5).astype(int), lower, upper)
        # the fractional items are always free: fixing them either way could break a capacity
        n_fractional = int(np.sum((x_lp > 1e-6) & (x_lp < 1 - 1e-6)))
        size = min(n, max(_FIRST_CORE, n_fractional + 5))
        while not stop() and pace.now() < core_end - 0.01 and not pace.capped():
            core = order[:size]
            lo, up = lp_fix.copy(), lp_fix.copy()
            lo[core], up[core] = lower[core], upper[core]
            hint = np.clip(best, lo, up) if best_value > float("-inf") else lp_fix
            x, proven = _solve_core(
                profit, weights, caps, lo, up, hint, min(core_end, pace.now() + core_slice), seed=seed,
                workers=core_workers, stop=stop, pace=pace,
                on_solution=offer,
            )
            offer(x)
            solved_whole = proven and size >= n
            if not proven or size >= n:
                break  # the next core would not be solved exactly in time either
            size = min(n, size + max(5, size // 4))
        # 3. tabu search from the best selection, at each item count that can still beat it
        tabu_end = pace.now() + _TABU_SHARE * (deadline - pace.now())
        if with_tabu and best_value > float("-inf") and not solved_whole and not stop() and not pace.capped():
            counts, count_bound = _promising_counts(profit, weights, caps, lower, upper, x_lp, best_value, seed, pace)
            if count_bound is not None and (bound is None or count_bound < bound):
                bound = count_bound
                if on_bound is not None:
                    on_bound(bound, "lp")
            movable = order[lower[order] < upper[order]]
            tabu_kwargs = {
                "movable": movable, "counts": counts, "efficiency": efficiency, "pace": pace, "seed": seed,
                "on_solution": lambda x: offer(x, "tabu"),
            }
            if parallel:  # beside the full model, both until the end
                lane = start_lane(tabu_search, profit, weights, caps, best, end=deadline, **tabu_kwargs)
            else:
                tabu_search(profit, weights, caps, best, end=tabu_end, stop=stop, **tabu_kwargs)
    # 4. the full model from the best selection: improvements and the proven bound
    optimal, x = False, None
    left = deadline - pace.now()

    def tighter(mip_bound: float) -> None:
        nonlocal bound
        if on_bound is not None and bound_worth_showing(mip_bound, bound, best_value):
            bound = mip_bound
            on_bound(bound, "mip")

    if left > 0.05 and not stop() and not pace.capped():
        h = _highs(profit, weights, caps, lower, upper, integer=True, seed=seed)
        start_x, start_value = incumbent()
        x, mip_bound, optimal = _run_mip(
            h, left, start_x if start_value > float("-inf") else None, pace=pace, stop=stop,
            on_solution=lambda x: offer(x, "mip"), incumbent=latest if lane is not None else None,
            on_bound=tighter,
        )
        offer(x, "mip")
        if mip_bound is not None and (bound is None or mip_bound < bound):
            bound = mip_bound
    if lane is not None:
        if optimal or solved_whole:
            finished.set()
        lane.join()
    report()
    stop.remove_chore(report)
    optimal = optimal and x is not None and abs(float(profit @ x) - best_value) < 1e-6
    chosen = [int(d) for d in np.nonzero(best)[0]] if best_value > float("-inf") else None
    return KnapsackResult(chosen, best_value if chosen is not None else 0.0, bound, optimal)
