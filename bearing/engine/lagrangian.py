"""The priced (Lagrangian) bound, for problems too big for the LP relaxation in the time: capacity
and budget limits are priced and each demand takes its best priced start when it pays. Above a few
thousand demands the prices start from the LP of a fixed sample (`sub_problem`)."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from bearing.engine.compiled import Compiled
from bearing.engine.lp import build_lp
from bearing.engine.pace import Pace, lagrangian_seconds_per_iteration, lp_build_seconds

__all__ = ["lagrangian_bound", "sub_problem"]


# Problems with more demands than this start the priced bound from a sample's LP prices.
_SAMPLE_ABOVE = 3000
_SAMPLE_SIZE = 600
# First subgradient step (relative) from a sample's prices: small, they are close already.
_WARM_STEP = 0.3


def _sample_prices(comp: Compiled, deadline: float, size: int, pace: Pace | None = None) -> np.ndarray | None:
    """Shadow prices (per hour per resource and period, then per unit of money per budget window)
    of the LP of a fixed sample of demands with capacity and budgets scaled down to its share;
    None when that LP does not finish by `deadline`."""
    n = comp.n
    stride = n / size
    keep = sorted({int(k * stride) for k in range(size)})
    sub = sub_problem(comp, keep, len(keep) / n, relax_mandatory=True)
    nres, periods = len(comp.resource_names), comp.periods
    out = np.zeros(nres * periods + len(comp.budgets))
    lp = build_lp(sub)
    if pace is not None:
        pace.charge(lp_build_seconds(lp.nonzeros))
    now = pace.now() if pace is not None else time.perf_counter()
    res = lp.solve(max(0.1, deadline - now), pace=pace)
    if res.duals is None:
        return None
    for (r, p), row in lp.cap_rows.items():
        out[r * periods + p] = abs(res.duals[row]) / lp.row_scale[row]
    for w, row in enumerate(lp.budget_rows):
        out[nres * periods + w] = abs(res.duals[row]) / lp.row_scale[row]
    return out


def sub_problem(comp: Compiled, keep: list[int], frac: float, *, relax_mandatory: bool = False) -> Compiled:
    """The demands `keep` alone, with `frac` of every capacity and budget (requirements on demands
    outside the part are dropped, so plans of the part must be checked against the whole)."""
    pos = {d: k for k, d in enumerate(keep)}
    return dataclasses.replace(
        comp,
        ids=[comp.ids[d] for d in keep],
        index={comp.ids[d]: k for k, d in enumerate(keep)},
        capacity=comp.capacity * frac,
        budgets=[(a, b, amount * frac) for a, b, amount in comp.budgets],
        use=[comp.use[d] for d in keep],
        cost_pp=[comp.cost_pp[d] for d in keep],
        duration=[comp.duration[d] for d in keep],
        window=[comp.window[d] for d in keep],
        # a sample's share of the mandatory demands need not fit its share of capacity
        mandatory=[False if relax_mandatory else comp.mandatory[d] for d in keep],
        preds=[[pos[e] for e in comp.preds[d] if e in pos] for d in keep],
        succs=[[pos[e] for e in comp.succs[d] if e in pos] for d in keep],
        values=[comp.values[d] for d in keep],
        guide=None,
        prices=None,
    )


def lagrangian_bound(
    comp: Compiled,
    target: float,
    *,
    deadline: float,
    iterations: int = 3000,
    step: float = 1.0,
    smoothing: float = 0.3,
    pace: Pace | None = None,
) -> float | None:
    """A proven upper bound for problems too big for the LP in time: capacity and budget limits are
    priced (prices >= 0) and each demand takes its best priced start when it pays; any such prices
    give a valid bound (requirements are dropped, which only loosens it).

    Prices are tuned by a deflected subgradient method on the limits scaled to 1 (Polyak steps
    towards `target`, a value some plan reaches; the step shrinks when the bound stalls). The
    running average of the priced choices approximates the LP solution: it is left in
    `comp.guide` (how much each demand is wanted, 0..1) for the search that follows.

    With `pace`, `deadline` is on its clock and every iteration (and the sample's LP) is charged to it.
    """
    clock = pace.now if pace is not None else time.perf_counter

    n, periods = comp.n, comp.periods
    nres = len(comp.resource_names)
    warm = None
    if n > _SAMPLE_ABOVE:
        # the sample's LP first: it is what makes the bound tight, the rest only polishes it
        t = clock()
        for size in (_SAMPLE_SIZE, _SAMPLE_SIZE // 3):
            warm = _sample_prices(comp, t + 0.5 * (deadline - t), size, pace)
            if warm is not None:
                break
            t = clock()
    col_d: list[int] = []
    val: list[float] = []
    ent_c: list[int] = []
    ent_r: list[int] = []
    ent_v: list[float] = []
    for d in range(n):
        for s in comp.window[d]:
            c = len(col_d)
            col_d.append(d)
            val.append(comp.values[d][s])
            for r, h in comp.use[d]:
                for p in range(s, s + comp.duration[d]):
                    ent_c.append(c)
                    ent_r.append(r * periods + p)
                    ent_v.append(h)
            for w in range(len(comp.budgets)):
                spend = comp.budget_spend(d, s, w)
                if spend > 0:
                    ent_c.append(c)
                    ent_r.append(nres * periods + w)
                    ent_v.append(spend)
    if not col_d:
        return 0.0
    if pace is not None:
        pace.charge(lp_build_seconds(len(ent_c)))
    cd = np.array(col_d)
    v = np.array(val)
    ec, er = np.array(ent_c), np.array(ent_r)
    rhs = np.concatenate([comp.capacity.reshape(-1), [b[2] for b in comp.budgets]])
    scale = np.maximum(rhs, 1e-9)
    # limits scaled to 1, so that hours and money rows move at the same pace
    ev = np.array(ent_v) / scale[er]
    nrow = len(rhs)
    starts = np.flatnonzero(np.r_[True, cd[1:] != cd[:-1]])
    owners = cd[starts]
    optional = ~np.array([comp.mandatory[d] for d in owners])
    seg = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(v)]))
    y = np.zeros(nrow)
    if warm is not None:
        # start from the prices of a sample's LP: the same market in miniature prices hours and
        # money about as the whole does, so the subgradient starts near the optimum
        y = warm * scale
        step = _WARM_STEP
    best, best_y = None, y
    direction: np.ndarray = np.zeros(nrow)
    avg = np.zeros(len(v))
    stall = 0
    per_iteration = lagrangian_seconds_per_iteration(len(ec))
    for it in range(iterations):
        if it > 0 and (clock() > deadline or (pace is not None and pace.capped())):
            break
        if pace is not None:
            pace.charge(per_iteration)
        reduced = v - np.bincount(ec, weights=ev * y[er], minlength=len(v))
        top = np.maximum.reduceat(reduced, starts)
        take = np.where(optional, np.maximum(top, 0.0), top)
        bound = float(y.sum() + take.sum())
        if best is None or bound < best - 1e-9 * max(1.0, abs(best)):
            best, best_y, stall = bound, y, 0
        else:
            stall += 1
            if stall >= 20:
                step, stall = step / 2, 0
        # columns chosen by the priced subproblem: each demand's best start when it pays
        is_top = reduced >= top[seg] - 1e-12
        idx = np.flatnonzero(is_top)
        _, keep = np.unique(seg[idx], return_index=True)
        chosen = np.zeros(len(v))
        chosen[idx[keep]] = 1.0
        chosen *= (reduced > 0) | ~optional[seg]
        avg = chosen if it == 0 else 0.9 * avg + 0.1 * chosen
        g = 1.0 - np.bincount(er, weights=ev * chosen[ec], minlength=nrow)
        direction = g + smoothing * direction if it else g
        with np.errstate(over="ignore"):  # absurd efforts (1e300 hours) overflow to inf: a zero step
            norm = float(direction @ direction)
        if norm < 1e-12 or step < 1e-6:
            break
        gap = max(bound - target, 1e-6 * max(1.0, abs(bound)))
        y = np.maximum(0.0, y - step * gap / norm * direction)
    # wanted: the demands whose best start still pays at the best prices (the LP's choice when the
    # prices are the LP's), blended with the running average of the choices
    reduced = v - np.bincount(ec, weights=ev * best_y[er], minlength=len(v))
    pays = np.maximum.reduceat(reduced, starts) > 0
    guide = np.zeros(n)
    np.add.at(guide, cd, avg)
    guide[owners] = 0.75 * pays + 0.25 * np.minimum(guide[owners], 1.0)
    comp.guide = guide
    comp.prices = best_y / scale
    return best
