"""Deciding whether a set of demands that must all be done fits the horizon (pure scheduling).

When every demand of a set is forced in, the question is a resource-constrained scheduling one:
can each start so that prerequisites finish first and no period asks a resource for more hours (or
a budget window for more money) than there is? This module answers it in cheap steps first:

1. earliest and latest starts from the start windows and the chains of prerequisites: a chain
   longer than the horizon allows is a proof of infeasibility on its own, and names its demands;
2. per resource, the hours the demands must spend inside a stretch of periods whatever their starts
   (energy), against the capacity there: another proof, naming the resource and periods;
3. a randomised serial schedule-generation pass (place by latest start, earliest feasible start),
   which finds a schedule for most loose instances in milliseconds;
4. CP-SAT on the interval model with the narrowed start domains, which proves the rest.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from bearing.engine.compiled import Compiled, Ledger
from bearing.engine.justify import applicable, shortest_schedule
from bearing.engine.model import CumulativeModel, build_cumulative_model
from bearing.engine.pace import CUMULATIVE_WORK_PER_SECOND, Pace, schedule_seconds_per_attempt
from bearing.engine.problem import prerequisites_first
from bearing.engine.stopping import Stopper, cp_solver, run_cp

__all__ = ["MandatoryVerdict", "conflicting_subset", "decide_mandatory", "start_bounds"]

# Share of the time limit (and most seconds) for the quick constructive attempts before the exact
# model: on j30 longer attempts found no schedule the exact model does not find faster.
_QUICK_SHARE = 0.02
_QUICK_MAX = 0.1


@dataclass
class MandatoryVerdict:
    """'feasible' with starts, 'infeasible' (proven; `core` and `reasons` when a cheap proof named
    them) or 'unknown' when time ran out."""

    status: str
    starts: dict[int, int] | None = None
    core: list[int] | None = None
    reasons: list[str] = field(default_factory=list)
    stage: str = ""


def start_bounds(comp: Compiled, demands: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Earliest and latest start of each demand from its window and the prerequisite chains inside
    `demands` (longest paths, in topological order)."""
    inside = set(demands)
    es = {d: comp.window[d][0] if comp.window[d] else 0 for d in demands}
    ls = {d: comp.window[d][-1] if comp.window[d] else -1 for d in demands}
    order = prerequisites_first(demands, comp.preds.__getitem__, comp.succs.__getitem__)
    for d in order:
        for e in comp.preds[d]:
            if e in inside:
                es[d] = max(es[d], es[e] + comp.duration[e])
    for d in reversed(order):
        for e in comp.preds[d]:
            if e in inside:
                ls[e] = min(ls[e], ls[d] - comp.duration[e])
    return es, ls


def _chain(comp: Compiled, demands: list[int], es: dict[int, int], ls: dict[int, int], d: int) -> list[int]:
    """The prerequisite chain through `d` that sets its earliest start (tight links back) and its
    latest start (tight links forward)."""
    inside = set(demands)
    back = [d]
    k = d
    while True:
        tight = [e for e in comp.preds[k] if e in inside and es[e] + comp.duration[e] == es[k]]
        if not tight:
            break
        k = min(tight)
        back.append(k)
    forward = []
    k = d
    while True:
        tight = [e for e in comp.succs[k] if e in inside and ls[e] - comp.duration[k] == ls[k]]
        if not tight:
            break
        k = min(tight)
        forward.append(k)
    return list(reversed(back)) + forward


def _energy_conflict(
    comp: Compiled, demands: list[int], es: dict[int, int], ls: dict[int, int]
) -> tuple[list[int], str] | None:
    """A resource and stretch of periods where the hours the demands must spend there, whatever
    their starts, exceed the capacity; None when there is none."""
    periods = comp.periods
    if not comp.resource_names:
        return None  # no hours to run short of (a problem of budgets alone)
    if len(demands) * periods * periods > 20_000_000:
        return None  # too costly in Python; CP-SAT's energy reasoning covers it
    ds = np.array(demands)
    lo = np.array([es[d] for d in demands])
    hi = np.array([ls[d] for d in demands])
    dur = np.array([comp.duration[d] for d in demands])
    cum = np.concatenate([np.zeros((len(comp.resource_names), 1)), np.cumsum(comp.capacity, axis=1)], axis=1)
    use = np.zeros((len(comp.resource_names), len(demands)))
    for k, d in enumerate(demands):
        for r, h in comp.use[d]:
            use[r, k] += h
    best: tuple[float, int, int, int] | None = None
    for a in range(periods):
        bs = np.arange(a, periods)[:, None]  # every stretch a..b at once (rows), demands in columns
        # fewest periods each demand must be active in a..b: at its leftmost or rightmost start
        left = np.maximum(0, np.minimum(bs, lo + dur - 1) - np.maximum(a, lo) + 1)
        right = np.maximum(0, np.minimum(bs, hi + dur - 1) - np.maximum(a, hi) + 1)
        need = use @ np.minimum(left, right).T  # resources x stretches
        short = need - (cum[:, a + 1 :] - cum[:, a : a + 1]) - 1e-6
        r, j = map(int, np.unravel_index(int(np.argmax(short)), short.shape))
        if short[r, j] > 0 and (best is None or short[r, j] > best[0]):
            best = (float(short[r, j]), int(r), a, a + int(j))
    if best is None:
        return None
    _, r, a, b = best
    left = np.maximum(0, np.minimum(b, lo + dur - 1) - np.maximum(a, lo) + 1)
    right = np.maximum(0, np.minimum(b, hi + dur - 1) - np.maximum(a, hi) + 1)
    # the fewest demands whose forced hours there already exceed the capacity, biggest first
    forced = use[r] * np.minimum(left, right)
    cap = float(cum[r, b + 1] - cum[r, a])
    who: list[int] = []
    total = 0.0
    for k in sorted(np.nonzero(forced > 0)[0].tolist(), key=lambda k: (-forced[k], int(ds[k]))):
        who.append(int(ds[k]))
        total += float(forced[k])
        if total > cap + 1e-6:
            break
    return who, ""


def _sgs(comp: Compiled, demands: list[int], ls: dict[int, int], rng: random.Random, noise: float) -> dict[int, int] | None:
    """Serial schedule generation: repeatedly take the eligible demand with the smallest (perturbed)
    latest start and book it at its earliest feasible start; None when one cannot be placed."""
    inside = set(demands)
    ledger = Ledger(comp)
    waiting = {d: sum(1 for e in comp.preds[d] if e in inside) for d in demands}
    eligible = [d for d in demands if waiting[d] == 0]
    span = max(1, comp.periods)
    while eligible:
        d = min(eligible, key=lambda k: ls[k] + noise * span * rng.random())
        eligible.remove(d)
        lo = max([comp.window[d][0]] + [ledger.start[e] + comp.duration[e] for e in comp.preds[d] if e in inside])
        if not ledger.place(d, [s for s in comp.window[d] if s >= lo and s <= ls[d]]):
            return None
        for s in comp.succs[d]:
            if s in inside:
                waiting[s] -= 1
                if waiting[s] == 0:
                    eligible.append(s)
    return {d: ledger.start[d] for d in demands}


def decide_mandatory(
    comp: Compiled,
    demands: list[int],
    *,
    time_limit: float,
    workers: int = 1,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    pace: Pace | None = None,
) -> MandatoryVerdict:
    """Whether `demands` (all forced in) fit together; 'unknown' when `should_stop` says so first.
    Prerequisites outside `demands` are left out of the question: 'infeasible' still proves that the
    set cannot be scheduled, but a schedule is only returned for a set that holds them.
    `time_limit` is in seconds of `pace` (its own clock when not given): with one worker a work
    budget, so the same seed gives the same verdict and schedule."""
    pace = pace if pace is not None else Pace(time_limit, workers=workers)
    end = pace.now() + time_limit
    stop = should_stop if isinstance(should_stop, Stopper) else Stopper(should_stop)
    demands = sorted(demands)
    empty = [d for d in demands if not comp.window[d]]
    if empty:
        return MandatoryVerdict("infeasible", core=empty[:1], stage="window")
    es, ls = start_bounds(comp, demands)
    late = [d for d in demands if es[d] > ls[d]]
    if late:
        d = min(late, key=lambda k: (ls[k] - es[k], k))
        chain = _chain(comp, demands, es, ls, d)
        return MandatoryVerdict("infeasible", core=chain, reasons=[_chain_reason(comp, chain)], stage="chain")
    energy = _energy_conflict(comp, demands, es, ls)
    if energy is not None:
        return MandatoryVerdict("infeasible", core=sorted(energy[0]), stage="energy")
    # quick constructive attempts (a few milliseconds each) before the exact model, counted
    rng = random.Random(seed)
    quick = min(_QUICK_SHARE * time_limit, _QUICK_MAX)
    starts = _sgs(comp, demands, ls, rng, 0.0)
    if starts is not None:
        return MandatoryVerdict("feasible", starts=starts, stage="sgs")
    justified = applicable(comp, demands)
    per_attempt = schedule_seconds_per_attempt(len(demands), comp.periods, justified=justified)
    attempts = max(1, int(quick / per_attempt))
    pace.charge(attempts * per_attempt)
    if justified:
        # random restarts, each shortened by forward-backward passes (the shortest overrunning
        # schedule is not passed on as a hint: it slowed the exact model on hard j30 cases)
        found, _ = shortest_schedule(comp, demands, ls, attempts=attempts, seed=seed)
        if found is not None and Ledger(comp).book_in_order(found):
            return MandatoryVerdict("feasible", starts=found, stage="justify")
    else:
        for _ in range(attempts):
            if stop():
                break
            starts = _sgs(comp, demands, ls, rng, 0.3)
            if starts is not None:
                return MandatoryVerdict("feasible", starts=starts, stage="sgs")
    if stop():
        return MandatoryVerdict("unknown", stage="stopped")
    # hours rounded down: "infeasible" is a proof, a schedule is checked against the true limits
    cm = build_cumulative_model(comp, demands, bounds=(es, ls))
    status, starts = _solve_cumulative(cm, seed, workers, end, stop, pace)
    if status == cp_model.INFEASIBLE:
        return MandatoryVerdict("infeasible", stage="cp-sat")
    if starts is not None and Ledger(comp).book_in_order(starts):
        return MandatoryVerdict("feasible", starts=starts, stage="cp-sat")
    if starts is not None and not cm.exact and not stop():
        # it fits only by less than a hundredth of an hour somewhere: look again with hours
        # rounded up, where every schedule found fits as it is
        cm = build_cumulative_model(comp, demands, bounds=(es, ls), up=True)
        _, starts = _solve_cumulative(cm, seed, workers, end, stop, pace)
        if starts is not None and Ledger(comp).book_in_order(starts):
            return MandatoryVerdict("feasible", starts=starts, stage="cp-sat")
    return MandatoryVerdict("unknown", stage="cp-sat")


def conflicting_subset(
    comp: Compiled,
    demands: list[int],
    *,
    time_limit: float,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    pace: Pace | None = None,
) -> list[int] | None:
    """A subset of `demands` that cannot all be scheduled, from one CP-SAT solve in which every
    demand's presence is an assumption: when it proves the set does not fit, the assumptions the
    proof needed (often far fewer than the set; not always minimal). None when it finds no proof
    within `time_limit` seconds of `pace`. Start windows are the demands' own (not narrowed by
    the others' chains, which would only hold with every demand in)."""
    pace = pace if pace is not None else Pace(time_limit, workers=1)
    stop = should_stop if isinstance(should_stop, Stopper) else Stopper(should_stop)
    end = pace.now() + time_limit
    cm = build_cumulative_model(comp, sorted(demands), optional=True)
    cm.model.add_assumptions([cm.present[d] for d in cm.demands])
    # cores from assumptions come from a single worker's search
    solver = _cumulative_solver(seed, 1, end, pace)
    status = run_cp(solver, cm.model, stop=stop)
    pace.charge_cp(solver, CUMULATIVE_WORK_PER_SECOND)
    if status != cp_model.INFEASIBLE:
        return None
    needed = set(solver.sufficient_assumptions_for_infeasibility())
    return [d for d in cm.demands if cm.present[d].index in needed]


def _solve_cumulative(
    cm: CumulativeModel, seed: int, workers: int, end: float, stop: Stopper, pace: Pace
) -> tuple[cp_model.CpSolverStatus, dict[int, int] | None]:
    """CP-SAT on the interval model until `end` on `pace`'s clock (with one worker a deterministic
    work budget; the wall clock only enforces the safety cap): its status and schedule, if any."""
    solver = _cumulative_solver(seed, workers, end, pace)
    status = run_cp(solver, cm.model, stop=stop)
    pace.charge_cp(solver, CUMULATIVE_WORK_PER_SECOND)
    starts = cm.read(solver) if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return status, starts


def _cumulative_solver(seed: int, workers: int, end: float, pace: Pace) -> cp_model.CpSolver:
    solver = cp_solver(workers, seed)
    # pseudo-cost branching closed the hard j30 instances fastest on one worker (measured)
    solver.parameters.search_branching = cp_model.PSEUDO_COST_SEARCH
    # no LP relaxation: a pure feasibility question, where propagation alone was faster on the hard
    # j30 cases (j3013_1 at its optimum: found in 3.3 s instead of unknown at 8 s; measured)
    solver.parameters.linearization_level = 0
    pace.limit_cp(solver.parameters, max(0.05, end - pace.now()), CUMULATIVE_WORK_PER_SECOND)
    return solver


def _chain_reason(comp: Compiled, chain: list[int]) -> str:
    problem = comp.problem
    total = sum(comp.duration[d] for d in chain)
    first = comp.window[chain[0]][0]
    last_end = comp.window[chain[-1]][-1] + comp.duration[chain[-1]] - 1
    names = " → ".join(comp.ids[d] for d in chain)
    avail = last_end - first + 1
    return (
        f"mandatory {names} must run one after another: {total} periods from {problem.label(first)}, "
        f"but only {max(0, avail)} periods remain until {problem.label(max(0, last_end))} "
        f"(short by {total - avail})"
    )
