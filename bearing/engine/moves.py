"""Cheap local moves on a plan: bring a demand in by pushing out cheaper ones, then re-place them.

A move picks a demand that is out, a start for it, and the booked demands that block it there (they
use a resource it lacks in its periods, or money from a window it lacks). It takes the cheapest
blockers out until the demand fits, books it, and then tries to put every blocker back at another
start and to add whatever else now fits. The move is kept only when the plan is worth more; the
ledger checks every booking, so the plan never breaks a rule. Thousands of moves run per minute
(numpy over all booked demands), so this closes much of the gap before any solver is called.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from bearing.engine.compiled import Compiled, Ledger
from bearing.engine.pace import (
    Pace,
    lp_build_seconds,
    lp_seconds,
    move_seconds_per_attempt,
    rounding_seconds,
)

__all__ = ["MoveTables", "fill", "improve_by_moves", "priced_starts", "restricted_lp_plan"]


class MoveTables:
    """Dense per-demand arrays for vectorised blocker search."""

    def __init__(self, comp: Compiled) -> None:
        n, nres = comp.n, len(comp.resource_names)
        self.use = np.zeros((n, nres))
        for d in range(n):
            for r, h in comp.use[d]:
                self.use[d, r] += h
        self.duration = np.array(comp.duration, dtype=np.int64)
        self.cost_pp = np.array(comp.cost_pp, dtype=float)
        self.best = np.array([max(v.values(), default=0.0) for v in comp.values])
        self.locked = np.array(comp.mandatory, dtype=bool)
        self.has_succ = np.array([bool(x) for x in comp.succs], dtype=bool)
        # value by start, dense (demand, period); unused cells are 0
        self.value = np.zeros((n, comp.periods + 1))
        for d in range(n):
            for s, v in comp.values[d].items():
                self.value[d, s] = v


def _value(comp: Compiled, ledger: Ledger, ds: list[int]) -> float:
    return float(sum(comp.values[d][ledger.start[d]] for d in ds if ledger.start[d] >= 0))


def _blockers(comp: Compiled, tab: MoveTables, ledger: Ledger, start: np.ndarray, d: int, s: int) -> np.ndarray | None:
    """Booked demands that take what d lacks at start s, cheapest first per hour freed; None when
    d cannot start at s whatever is removed (window, prerequisites)."""
    end = s + comp.duration[d]
    for e in comp.preds[d]:
        se = ledger.start[e]
        if se < 0 or se + comp.duration[e] > s:
            return None
    short_r = [r for r, h in comp.use[d] if (ledger.res[r, s:end] + ledger.tol[r, s:end] < h).any()]
    short_w = [
        w for w in range(len(comp.budgets)) if comp.budget_spend(d, s, w) > ledger.bres[w] + ledger.btol[w]
    ]
    booked = start >= 0
    overlap = booked & (start < end) & (start + tab.duration > s)
    hit = np.zeros(comp.n, dtype=bool)
    if short_r:
        hit |= overlap & (tab.use[:, short_r] > 0).any(axis=1)
    for w in short_w:
        first, last, _ = comp.budgets[w]
        hit |= booked & (start <= last) & (start + tab.duration > first) & (tab.cost_pp > 0)
    hit &= ~tab.locked
    hit[d] = False
    cand: np.ndarray = np.flatnonzero(hit)
    if len(cand) == 0:
        return cand
    # successors booked after a blocker would lose their prerequisite: such blockers stay
    keep = ~tab.has_succ[cand]
    for k in np.flatnonzero(~keep):
        keep[k] = all(start[f] < 0 for f in comp.succs[int(cand[k])])
    cand = cand[keep]
    if len(cand) == 0:
        return cand
    freed = tab.use[cand][:, short_r].sum(axis=1) if short_r else np.zeros(len(cand))
    if short_w:
        freed = freed + tab.cost_pp[cand] * 1e-3
    val = tab.value[cand, start[cand]]
    return cand[np.lexsort((cand, val / (freed + 1e-9)))]


def _try_insert(
    comp: Compiled, tab: MoveTables, ledger: Ledger, d: int, starts: list[int], max_out: int
) -> Ledger | None:
    """A better ledger with d in (pushing out at most `max_out` blockers), or None."""
    start = np.array(ledger.start, dtype=np.int64)
    gain_d = tab.best[d]
    for s in starts:
        if ledger.fits(d, s):
            out = ledger.copy()
            out.book(d, s)
            return out
        order = _blockers(comp, tab, ledger, start, d, s)
        if order is None or len(order) == 0:
            continue
        trial = ledger.copy()
        removed: list[int] = []
        lost = 0.0
        for e in order[:max_out]:
            e = int(e)
            lost += comp.values[e][trial.start[e]]
            if lost >= comp.values[d][s]:
                break
            trial.unbook(e)
            removed.append(e)
            if trial.fits(d, s):
                break
        if not trial.fits(d, s):
            continue
        trial.book(d, s)
        for e in removed:
            trial.place(e)
        gained = comp.values[d][s] + _value(comp, trial, removed) - lost
        if gained > 1e-9:
            return trial
    del gain_d
    return None


# Without prices, insertion moves try every start of a demand only in problems up to this size.
_ALL_STARTS_UP_TO = 5000


def improve_by_moves(
    comp: Compiled,
    ledger: Ledger,
    *,
    deadline: float,
    priority: np.ndarray | None = None,
    max_out: int = 4,
    max_attempts: int | None = None,
    max_starts: int = 4,
    on_pass: Callable[[Ledger], object] | None = None,
    report_every: int = 20,
    should_stop: Callable[[], bool] | None = None,
    pace: Pace | None = None,
) -> tuple[Ledger, int, int]:
    """Insertion moves over every out demand, most wanted first (by `priority`, else value), in
    passes until a pass gains nothing, the deadline passes or `max_attempts` demands were tried
    (a count, so that the same input gives the same plan whatever the machine's load). Returns the
    ledger, the moves made and the attempts. `on_pass` sees the plan after every pass and every
    `report_every` moves. With `pace`, `deadline` is on its clock and each attempt is charged to it
    (the wall clock then only enforces its safety cap)."""
    tab = MoveTables(comp)
    key = priority if priority is not None else tab.best
    order = sorted(range(comp.n), key=lambda d: (-float(key[d]), d))
    # the few cheapest starts only: a demand blocked at all of them rarely pays anywhere else (with
    # prices). Without prices every start, earliest first, up to _ALL_STARTS_UP_TO demands; beyond,
    # the first few only (an attempt over every start took 11 ms at 10,000 demands, 4.5 ms over four)
    limit = max_starts if comp.prices is not None or comp.n > _ALL_STARTS_UP_TO else None
    start_order = [starts[:limit] for starts in priced_starts(comp)[0]]
    clock = pace.now if pace is not None else time.perf_counter
    per_attempt = move_seconds_per_attempt(comp.n)
    moves = attempts = 0
    done = False
    while not done:
        gained = False
        for d in order:
            if (
                clock() >= deadline
                or (pace is not None and pace.capped())
                or (max_attempts is not None and attempts >= max_attempts)
                or (should_stop is not None and should_stop())
            ):
                done = True
                break
            if ledger.start[d] >= 0 or not comp.window[d]:
                continue
            attempts += 1
            if pace is not None:
                pace.charge(per_attempt)
            new = _try_insert(comp, tab, ledger, d, start_order[d], max_out)
            if new is not None:
                ledger = new
                moves += 1
                gained = True
                if on_pass is not None and moves % report_every == 0:
                    on_pass(ledger)
        if gained and on_pass is not None:
            on_pass(ledger)
        if not gained:
            break
    return ledger, moves, attempts


def priced_starts(comp: Compiled) -> tuple[list[list[int]], np.ndarray]:
    """Every demand's allowed starts, cheapest at the relaxation's prices first (earliest first
    without prices), and the reduced value (value less its use at those prices) of its cheapest
    start, NaN without a start or prices. One pass of numpy over all (demand, start) pairs: start
    by start in Python this took 2.8 s at 10,000 demands, twice per solve, on no clock."""
    n = comp.n
    if comp.prices is None:
        return [list(w) for w in comp.window], np.full(n, np.nan)
    periods, nres, prices = comp.periods, len(comp.resource_names), comp.prices
    lengths = np.array([len(w) for w in comp.window], dtype=np.int64)
    demand = np.repeat(np.arange(n), lengths)
    start = np.fromiter((s for w in comp.window for s in w), dtype=np.int64, count=int(lengths.sum()))
    dur = np.array(comp.duration, dtype=np.int64)[demand]
    width = max((len(u) for u in comp.use), default=0)
    res_of = np.zeros((n, width), dtype=np.int64)
    hours_of = np.zeros((n, width))
    for d, uses in enumerate(comp.use):
        for j, (r, h) in enumerate(uses):
            res_of[d, j], hours_of[d, j] = r, h
    # summed period by period, resource by resource, then budget by budget, and rounded as numpy
    # rounds: the start-by-start sums this replaced, to the last bit (compared on generated S-XL),
    # so ties between starts break as before
    cost = np.zeros(len(demand))
    longest = int(dur.max()) if len(dur) else 0
    for j in range(width):
        first_cell = res_of[demand, j] * periods + start
        priced = np.zeros(len(demand))
        for k in range(longest):
            cell = np.minimum(first_cell + k, len(prices) - 1)  # past a demand's end: masked
            priced += np.where(k < dur, prices[cell], 0.0)
        cost += hours_of[demand, j] * priced
    cost_pp = np.array(comp.cost_pp)[demand]
    for w, (first, last, _) in enumerate(comp.budgets):
        overlap = np.minimum(last, start + dur - 1) - np.maximum(first, start) + 1
        cost += prices[nres * periods + w] * np.where(overlap > 0, cost_pp * overlap, 0.0)
    value = np.fromiter(
        (comp.values[d][s] for d, s in zip(demand.tolist(), start.tolist())), dtype=float, count=len(demand)
    )
    net = np.round(cost - value, 9)
    order = np.lexsort((start, net, demand))
    sorted_starts = start[order].tolist()
    bounds = np.concatenate(([0], np.cumsum(lengths))).tolist()
    orders = [sorted_starts[bounds[d] : bounds[d + 1]] for d in range(n)]
    reduced = np.full(n, np.nan)
    has = lengths > 0
    firsts = order[np.array(bounds[:-1])[has]]
    reduced[has] = value[firsts] - cost[firsts]
    return orders, reduced


# A restricted relaxation's interior-point iterations against a full one's of the same size (lp.py,
# `LpModel.ipm_work_factor`): 1.2-1.33 measured, charged 1.6.
_RESTRICTED_IPM_WORK = 1.6


def restricted_lp_plan(
    comp: Compiled,
    base: Ledger,
    *,
    deadline: float,
    keep_starts: int = 8,
    pace: Pace | None = None,
    announce: Callable[[str, float], None] | None = None,
) -> Ledger | None:
    """For problems too big for the full LP in time: the LP over the demands that (nearly) pay at
    the priced bound's prices, each with its few cheapest starts, rounded like the full LP's plan
    and mapped back onto `base` (which holds the mandatory demands); None when it does not finish.
    `announce` is told ("lp-start", predicted seconds) as the relaxation starts."""
    from bearing.engine.lagrangian import sub_problem
    from bearing.engine.lp import build_lp, round_lp

    assert comp.prices is not None
    keep: list[int] = []
    windows: list[list[int]] = []
    orders, reduced = priced_starts(comp)
    for d in range(comp.n):
        if not comp.window[d]:
            continue
        if comp.mandatory[d] or base.start[d] >= 0:
            keep.append(d)
            windows.append(sorted(comp.window[d]))
            continue
        if reduced[d] > -0.1 * comp.values[d][orders[d][0]]:
            keep.append(d)
            windows.append(sorted(orders[d][:keep_starts]))
    sub = sub_problem(comp, keep, 1.0)
    sub.window = windows
    sub.values = [{s: comp.values[d][s] for s in w} for d, w in zip(keep, windows)]
    lp = build_lp(sub)
    # the interior solution guides the rounding well enough; the crossover to a vertex took 7.7 s
    # more at 10,000 demands (generated XL seed 1: 20.4 s against 12.7 s) for +0.4 % on the plan
    lp.highs.setOptionValue("run_crossover", "off")
    lp.ipm_work_factor = _RESTRICTED_IPM_WORK
    predicted = lp.ipm_work_factor * lp_seconds(lp.nonzeros)
    if pace is not None:
        pace.charge(lp_build_seconds(lp.nonzeros))
        if predicted > deadline - pace.now():
            # it would not finish: its time goes to the moves and LNS (a cut relaxation gives nothing)
            return None
    if announce is not None:
        announce("lp-start", predicted)
    if pace is not None:
        res = lp.solve(max(0.1, deadline - pace.now()), pace=pace)
        if res.x is None:
            return None
    else:
        res = lp.solve(max(0.1, deadline - time.perf_counter()))
        if res.x is None or time.perf_counter() > deadline:
            return None
    sub_base = Ledger(sub)
    pos = {d: k for k, d in enumerate(keep)}
    for d in sorted(base.starts(), key=lambda k: (base.start[k], k)):
        if d in pos and base.start[d] in sub.window[pos[d]] and sub_base.fits(pos[d], base.start[d]):
            sub_base.book(pos[d], base.start[d])
    best: Ledger | None = None
    # the LP's preferred starts, then list scheduling in LP start order (all, then whole ones first)
    for variant in (0, 2, 3):
        rounded = round_lp(sub, lp, res, sub_base, variant=variant).starts()
        out = base.copy()
        for k in sorted(rounded, key=lambda k: (rounded[k], k)):
            d = keep[k]
            if out.start[d] < 0 and out.fits(d, rounded[k]):
                out.book(d, rounded[k])
        out = fill(comp, out)
        if pace is not None:
            pace.charge(rounding_seconds(comp.n))
        if best is None or comp.objective(out.starts()) > comp.objective(best.starts()):
            best = out
    comp.guide = np.zeros(comp.n)
    if sub.guide is not None:
        comp.guide[keep] = sub.guide
    return best


def value_density(comp: Compiled) -> np.ndarray:
    """Best value per share of total capacity and budget a demand takes: the 'promise' of a demand."""
    capsum = comp.capacity.sum(axis=1) + 1e-9
    money = sum(b[2] for b in comp.budgets) + 1e-9
    out = np.zeros(comp.n)
    for d in range(comp.n):
        use = sum(h * comp.duration[d] / capsum[r] for r, h in comp.use[d])
        if comp.budgets:
            use += comp.cost_pp[d] * comp.duration[d] / money
        out[d] = max(comp.values[d].values(), default=0.0) / (use + 1e-9)
    return out


def fill(comp: Compiled, ledger: Ledger, density: np.ndarray | None = None) -> Ledger:
    """Add every demand that still fits, best value per share of capacity first (`density`, by
    default `value_density(comp)`), earliest start."""
    density = value_density(comp) if density is None else density
    out = ledger.copy()
    for d in sorted(range(comp.n), key=lambda k: (-density[k], k)):
        if out.start[d] < 0 and comp.window[d] and all(out.start[e] >= 0 for e in comp.preds[d]):
            out.place(d)
    return out
