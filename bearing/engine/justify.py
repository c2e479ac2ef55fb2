"""Shortening a schedule of forced demands by forward-backward improvement (justification).

When every demand of a set must be done and the question is whether they fit the horizon, a
schedule that runs a little past the horizon is often one shift away from fitting. Serial schedule
generation places demands one by one at their earliest feasible start, allowing the schedule to
run past the horizon; a backward pass then moves every demand as late as it can go (latest finish
first) and a forward pass as early as it can go (earliest start first), which closes idle gaps
(Valls, Ballestín & Quintanilla 2005). Random restarts with a perturbed latest-start priority
search the rest. Only resource hours and prerequisites are modelled here (no budgets, deadlines
or fixed starts); the caller checks any schedule found against every rule.
"""

from __future__ import annotations

import random

import numpy as np

from bearing.engine.compiled import Compiled

__all__ = ["applicable", "shortest_schedule"]


def applicable(comp: Compiled, demands: list[int]) -> bool:
    """Whether the demands' only limits are resource hours, prerequisites and release periods: no
    budgets, and every window runs to the end of the horizon (no deadline or fixed start)."""
    if comp.budgets and any(comp.cost_pp[d] > 0 for d in demands):
        return False
    return all(comp.window[d] and comp.window[d][-1] == comp.periods - comp.duration[d] for d in demands)


class _Profile:
    """Free hours per resource and period over an extended horizon (capacity past the horizon
    repeats the last period's, so a schedule may overrun and be shortened afterwards)."""

    def __init__(self, comp: Compiled, length: int) -> None:
        cap = comp.capacity
        extra = np.repeat(cap[:, -1:], max(0, length - cap.shape[1]), axis=1)
        self.free = np.concatenate([cap, extra], axis=1).astype(float)
        self.tol = 1e-6 * np.maximum(1.0, np.abs(self.free))

    def copy_empty(self) -> _Profile:
        out = object.__new__(_Profile)
        out.free = self.free.copy()
        out.tol = self.tol
        return out

    def fits(self, use: np.ndarray, rows: np.ndarray, s: int, dur: int) -> bool:
        if s < 0 or s + dur > self.free.shape[1]:
            return False
        return bool(np.all(self.free[rows, s : s + dur] >= use[:, None] - self.tol[rows, s : s + dur]))

    def book(self, use: np.ndarray, rows: np.ndarray, s: int, dur: int) -> None:
        self.free[rows, s : s + dur] -= use[:, None]


class _Jobs:
    def __init__(self, comp: Compiled, demands: list[int]) -> None:
        inside = set(demands)
        self.demands = demands
        self.dur = {d: comp.duration[d] for d in demands}
        self.release = {d: comp.window[d][0] for d in demands}
        self.preds = {d: [e for e in comp.preds[d] if e in inside] for d in demands}
        self.succs = {d: [e for e in comp.succs[d] if e in inside] for d in demands}
        self.rows = {d: np.array([r for r, _ in comp.use[d]], dtype=int) for d in demands}
        self.use = {d: np.array([h for _, h in comp.use[d]], dtype=float) for d in demands}


def _scan(jobs: _Jobs, prof: _Profile, d: int, t: int, step: int) -> int | None:
    """The first start from `t`, moving by `step` (1: later, -1: earlier), at which d fits the
    profile, after its release and inside the horizon; None when there is none."""
    horizon = prof.free.shape[1]
    while jobs.release[d] <= t and t + jobs.dur[d] <= horizon:
        if prof.fits(jobs.use[d], jobs.rows[d], t, jobs.dur[d]):
            return t
        t += step
    return None


def _serial(jobs: _Jobs, base: _Profile, priority: dict[int, float]) -> dict[int, int] | None:
    """Serial schedule generation: the eligible demand of smallest priority, earliest start."""
    prof = base.copy_empty()
    waiting = {d: len(jobs.preds[d]) for d in jobs.demands}
    eligible = [d for d in jobs.demands if waiting[d] == 0]
    start: dict[int, int] = {}
    while eligible:
        d = min(eligible, key=lambda k: (priority[k], k))
        eligible.remove(d)
        t = _scan(jobs, prof, d, max([jobs.release[d]] + [start[e] + jobs.dur[e] for e in jobs.preds[d]]), 1)
        if t is None:
            return None
        prof.book(jobs.use[d], jobs.rows[d], t, jobs.dur[d])
        start[d] = t
        for s in jobs.succs[d]:
            waiting[s] -= 1
            if waiting[s] == 0:
                eligible.append(s)
    return start


def _backward(jobs: _Jobs, base: _Profile, start: dict[int, int]) -> dict[int, int] | None:
    """Every demand as late as it can go without moving the schedule's end, latest finish first."""
    prof = base.copy_empty()
    end = max(start[d] + jobs.dur[d] for d in jobs.demands)
    out: dict[int, int] = {}
    for d in sorted(jobs.demands, key=lambda k: (-(start[k] + jobs.dur[k]), -start[k], k)):
        finish = min([end] + [out[s] for s in jobs.succs[d]])
        t = _scan(jobs, prof, d, finish - jobs.dur[d], -1)
        if t is None:
            return None
        prof.book(jobs.use[d], jobs.rows[d], t, jobs.dur[d])
        out[d] = t
    return out


def _forward(jobs: _Jobs, base: _Profile, start: dict[int, int]) -> dict[int, int] | None:
    """Every demand as early as it can go, earliest start first."""
    prof = base.copy_empty()
    out: dict[int, int] = {}
    for d in sorted(jobs.demands, key=lambda k: (start[k], k)):
        t = _scan(jobs, prof, d, max([jobs.release[d]] + [out[e] + jobs.dur[e] for e in jobs.preds[d]]), 1)
        if t is None:
            return None
        prof.book(jobs.use[d], jobs.rows[d], t, jobs.dur[d])
        out[d] = t
    return out


def _makespan(jobs: _Jobs, start: dict[int, int]) -> int:
    return max(start[d] + jobs.dur[d] for d in jobs.demands)


def _justify(jobs: _Jobs, base: _Profile, start: dict[int, int]) -> dict[int, int]:
    """Backward and forward passes until the schedule stops getting shorter."""
    best, span = start, _makespan(jobs, start)
    while True:
        back = _backward(jobs, base, best)
        fwd = _forward(jobs, base, back) if back is not None else None
        if fwd is None or _makespan(jobs, fwd) >= span:
            return best
        best, span = fwd, _makespan(jobs, fwd)


def shortest_schedule(
    comp: Compiled, demands: list[int], latest: dict[int, int], *, attempts: int, seed: int = 0
) -> tuple[dict[int, int] | None, dict[int, int] | None]:
    """Up to `attempts` random-restart serial schedules, each justified, until one ends inside the
    horizon (a count, not a deadline: the same seed gives the same answer however busy the machine).
    Returns (a schedule inside the horizon or None, the shortest schedule seen — a good hint for an
    exact search even when it overruns)."""
    if not demands:
        return {}, {}
    jobs = _Jobs(comp, demands)
    length = comp.periods + sum(jobs.dur.values())
    base = _Profile(comp, length)
    rng = random.Random(seed)
    span_scale = max(1, comp.periods)
    best: dict[int, int] | None = None
    best_span = None
    attempt = 0
    while attempt < max(1, attempts):
        noise = 0.0 if attempt == 0 else 0.1 + 0.4 * rng.random()
        priority = {d: latest[d] + noise * span_scale * rng.random() for d in demands}
        attempt += 1
        sched = _serial(jobs, base, priority)
        if sched is None:
            continue
        sched = _justify(jobs, base, sched)
        span = _makespan(jobs, sched)
        if best_span is None or span < best_span:
            best, best_span = sched, span
        if span <= comp.periods:
            return sched, sched
    return None, best
