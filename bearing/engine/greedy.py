"""Rank-and-fill: the spreadsheet way of planning, used as the yardstick and the warm start.

Demands are ranked by value for what they consume and placed, best first, at their earliest start
that keeps every resource and budget within its limit. Mandatory demands (and what they require)
go first. Three rankings are tried and the best plan is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from bearing.engine.plan import Plan, PlanStatus, Scheduled, Unscheduled
from bearing.engine.problem import Demand, Problem

__all__ = ["RANKINGS", "solve_greedy"]

# Slack on every capacity and budget test, so sums of fractions do not reject an exact fit.
_TOL = 1e-9


@dataclass
class _Arrays:
    """The problem in index form: per demand, the resource rows it uses and hours per period."""

    problem: Problem
    names: list[str]
    capacity: np.ndarray  # (resources, periods)
    budget_first: np.ndarray
    budget_last: np.ndarray
    budget_amount: np.ndarray
    rows: list[tuple[int, ...]]  # per demand: resource row indices it uses
    need: list[tuple[float, ...]]  # per demand: hours per active period of each of those rows
    window: list[tuple[int, int]]  # per demand: first and last start it may take
    # (duration, start) -> [(budget index, periods of the window the demand is active in)]
    overlaps: dict[tuple[int, int], list[tuple[int, int]]]
    index: dict[str, int]  # demand id -> position


@dataclass
class _Ledger:
    """What is left of every resource and budget, and where demands have been placed.

    Plain lists, not numpy: the hot loop touches a handful of cells per demand, where numpy's
    per-call overhead costs more than the arithmetic.
    """

    remaining: list[list[float]]
    budget_left: list[float]
    start: dict[int, int] = field(default_factory=dict)  # demand position -> start period

    def copy(self) -> _Ledger:
        return _Ledger([r[:] for r in self.remaining], self.budget_left[:], dict(self.start))


def _arrays(problem: Problem) -> _Arrays:
    names = list(problem.resources)
    row = {n: i for i, n in enumerate(names)}
    cap = np.array([problem.resources[n].capacity for n in names], dtype=float)
    cap = cap.reshape(len(names), problem.periods)
    rows, need, window = [], [], []
    for d in problem.demands:
        used = [(row[r], h / d.duration) for r, h in d.effort.items() if h > 0]
        rows.append(tuple(u[0] for u in used))
        need.append(tuple(u[1] for u in used))
        starts = d.start_window(problem.periods)
        window.append((starts.start, starts.stop - 1))
    budgets = problem.budgets
    return _Arrays(
        problem=problem,
        names=names,
        capacity=cap,
        budget_first=np.array([b.first for b in budgets], dtype=np.intp),
        budget_last=np.array([b.last for b in budgets], dtype=np.intp),
        budget_amount=np.array([b.amount for b in budgets], dtype=float),
        rows=rows,
        need=need,
        window=window,
        overlaps=_overlaps(problem),
        index={d.id: i for i, d in enumerate(problem.demands)},
    )


def _overlaps(problem: Problem) -> dict[tuple[int, int], list[tuple[int, int]]]:
    table: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for duration in {d.duration for d in problem.demands}:
        for start in range(problem.periods):
            last = start + duration - 1
            spans = [
                (b, min(w.last, last) - max(w.first, start) + 1)
                for b, w in enumerate(problem.budgets)
            ]
            table[duration, start] = [(b, n) for b, n in spans if n > 0]
    return table


def _empty_ledger(a: _Arrays) -> _Ledger:
    return _Ledger(a.capacity.tolist(), a.budget_amount.tolist())


def _budget_fits(a: _Arrays, ledger: _Ledger, d: Demand, start: int) -> bool:
    """Whether every budget window has money left for `d` starting at `start`."""
    per_period = d.per_period_cost
    left = ledger.budget_left
    return all(n * per_period <= left[b] + _TOL for b, n in a.overlaps[d.duration, start])


def _first_fit(a: _Arrays, ledger: _Ledger, k: int, lowest: int) -> int | None:
    """Earliest start >= `lowest` at which demand k fits what is left, or None."""
    first, last = a.window[k]
    d = a.problem.demands[k]
    duration = d.duration
    check_budget = d.cost > 0 and bool(a.problem.budgets)
    pairs = [(ledger.remaining[r], n - _TOL) for r, n in zip(a.rows[k], a.need[k])]
    s = max(first, lowest)
    while s <= last:
        # Find the latest period of s..s+duration-1 that is short; no start up to it can fit.
        blocked = -1
        for left, need in pairs:
            for q in range(s + duration - 1, (s if blocked < s else blocked + 1) - 1, -1):
                if left[q] < need:
                    blocked = q
                    break
        if blocked >= 0:
            s = blocked + 1
        elif check_budget and not _budget_fits(a, ledger, d, s):
            s += 1
        else:
            return s
    return None


def _place(a: _Arrays, ledger: _Ledger, k: int, start: int) -> None:
    d = a.problem.demands[k]
    for r, n in zip(a.rows[k], a.need[k]):
        left = ledger.remaining[r]
        for p in range(start, start + d.duration):
            left[p] -= n
    if d.cost > 0:
        for b, n in a.overlaps[d.duration, start]:
            ledger.budget_left[b] -= n * d.per_period_cost
    ledger.start[k] = start


def _prerequisites_finish(a: _Arrays, ledger: _Ledger, k: int) -> int | None:
    """Latest finish of demand k's prerequisites, or None while one is not placed."""
    finish = 0
    for req in a.problem.demands[k].requires:
        j = a.index[req]
        if j not in ledger.start:
            return None
        finish = max(finish, ledger.start[j] + a.problem.demands[j].duration)
    return finish


def _fill(a: _Arrays, ledger: _Ledger, order: Iterable[int], closed: set[int]) -> list[int]:
    """Place demands in `order` where they fit; returns those that could not be placed.

    A demand waiting for a prerequisite is tried again as soon as the prerequisite is placed, so
    it keeps its rank instead of dropping behind everything ranked between the two.
    """
    waiting: dict[int, list[int]] = {}
    failed: list[int] = []

    def attempt(first: int) -> None:
        todo = [first]  # a stack, not recursion: a long chain of waiting demands must not overflow
        while todo:
            k = todo.pop()
            lowest = _prerequisites_finish(a, ledger, k)
            if lowest is None:
                reqs = [a.index[r] for r in a.problem.demands[k].requires]
                blocker = next(j for j in reqs if j not in ledger.start)
                if blocker in closed:
                    failed.append(k)
                    closed.add(k)
                else:
                    waiting.setdefault(blocker, []).append(k)
                continue
            start = _first_fit(a, ledger, k, lowest)
            if start is None:
                failed.append(k)
                closed.add(k)
                continue
            _place(a, ledger, k, start)
            todo.extend(reversed(waiting.pop(k, [])))

    for k in order:
        if k not in ledger.start and k not in closed:
            attempt(k)
    # Whatever still waits has a prerequisite that never got placed.
    for ks in waiting.values():
        for k in ks:
            if k not in ledger.start:
                closed.add(k)
                failed.append(k)
    return failed


# ---------------------------------------------------------------- rankings


def _by_cost(a: _Arrays) -> np.ndarray:
    return np.array([d.cost for d in a.problem.demands], dtype=float)


def _by_hours(a: _Arrays) -> np.ndarray:
    return np.array([sum(d.effort.values()) for d in a.problem.demands], dtype=float)


def _by_scarce_hours(a: _Arrays) -> np.ndarray:
    """Hours weighted by how oversubscribed each resource is (demanded / available over the horizon)."""
    demanded = np.zeros(len(a.names))
    for k, d in enumerate(a.problem.demands):
        if not d.excluded and len(a.rows[k]):
            for r, n in zip(a.rows[k], a.need[k]):
                demanded[r] += n * d.duration
    available = a.capacity.sum(axis=1)
    scarcity = np.where(available > 0, demanded / np.maximum(available, _TOL), demanded / _TOL)
    return np.array(
        [
            d.duration * sum(n * scarcity[r] for r, n in zip(a.rows[k], a.need[k]))
            for k, d in enumerate(a.problem.demands)
        ]
    )


RANKINGS: dict[str, Callable[[_Arrays], np.ndarray]] = {
    "value_per_cost": _by_cost,
    "value_per_scarce_hour": _by_scarce_hours,
    "value_per_hour": _by_hours,
}


def _order(a: _Arrays, ranking: str) -> list[int]:
    """Demand positions, best value per unit of what the ranking counts first; free demands lead."""
    values = np.array([d.value for d in a.problem.demands], dtype=float)
    consumed = RANKINGS[ranking](a)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(consumed > 0, values / np.maximum(consumed, 1e-300), np.inf)
    # lexsort sorts by the last key first: ratio desc, then value desc, then input order.
    return [int(k) for k in np.lexsort((np.arange(len(values)), -values, -ratio))]


# ---------------------------------------------------------------- forced demands


def _forced(problem: Problem, a: _Arrays) -> list[int]:
    """Mandatory demands and everything they require, prerequisites first, tightest deadline first."""
    forced: set[int] = set()
    stack = [k for k, d in enumerate(problem.demands) if d.mandatory]
    while stack:
        k = stack.pop()
        if k not in forced:
            forced.add(k)
            stack.extend(a.index[r] for r in problem.demands[k].requires)
    order: list[int] = []
    done: set[int] = set()
    pending = sorted(forced, key=lambda k: (problem.demands[k].latest_start(problem.periods), k))
    while pending:
        ready = [k for k in pending if all(a.index[r] in done for r in problem.demands[k].requires)]
        ready = ready or pending  # only a cycle (rejected by validation) leaves nothing ready
        order.extend(ready)
        done.update(ready)
        pending = [k for k in pending if k not in done]
    return order


# ---------------------------------------------------------------- reasons


def _shortage(
    a: _Arrays, ledger: _Ledger, k: int, lowest: int
) -> tuple[list[str], dict[str, object]]:
    """Why demand k fits no start: the resources or budgets short for the starts it could take."""
    problem = a.problem
    d = problem.demands[k]
    window = d.start_window(problem.periods)
    first, last = max(window.start, lowest), window.stop - 1
    if first > last:
        if lowest > window.start and len(window):
            return ["its prerequisites finish too late for its deadline"], {"rule": "requires"}
        return ["no start fits the horizon, earliest start, deadline and fixed start"], {
            "rule": "window"
        }
    reasons: list[str] = []
    short_names: list[str] = []
    for row, need in zip(a.rows[k], a.need[k]):
        left = ledger.remaining[row]
        short = [p for p in range(first, last + d.duration) if left[p] < need - _TOL]
        if not short:
            continue
        name = a.names[row]
        short_names.append(name)
        if _blocks_every_start(set(short), first, last, d.duration):
            reasons.append(
                f"not enough {name} hours in any start window ({need:g} needed per period)"
            )
        else:
            labels = ", ".join(problem.label(p) for p in short)
            reasons.append(f"not enough {name} hours in {labels} ({need:g} needed per period)")
    budgets: list[int] = []
    if d.cost > 0:
        # A window is short when the start that spends most in it finds too little money left.
        most = {
            b: _most_overlap(w.first, w.last, first, last, d.duration)
            for b, w in enumerate(problem.budgets)
        }
        for b, n in sorted(most.items()):
            if n * d.per_period_cost > ledger.budget_left[b] + _TOL:
                budgets.append(b)
                bud = problem.budgets[b]
                span = f"{problem.label(bud.first)}..{problem.label(bud.last)}"
                reasons.append(f"budget {span} has {ledger.budget_left[b]:g} left")
    if not reasons:
        reasons.append("resources are used by higher-ranked demands")
    return reasons, {"rule": "capacity", "resources": short_names, "budgets": budgets}


def _most_overlap(w_first: int, w_last: int, first: int, last: int, duration: int) -> int:
    """Most periods of window w_first..w_last a `duration`-long run starting in first..last covers.

    Coverage rises, plateaus, then falls as the start moves right, so the best start is one of the
    plateau's ends moved into first..last.
    """
    best = 0
    for s in (w_first, w_last - duration + 1):
        s = min(max(s, first), last)
        best = max(best, min(w_last, s + duration - 1) - max(w_first, s) + 1)
    return best


def _blocks_every_start(short: set[int], first: int, last: int, duration: int) -> bool:
    return all(any(p in short for p in range(s, s + duration)) for s in range(first, last + 1))


def _unscheduled(a: _Arrays, ledger: _Ledger, k: int) -> Unscheduled:
    problem = a.problem
    d = problem.demands[k]
    if d.excluded:
        return Unscheduled(d.id, ("excluded by the scenario",), {"rule": "excluded"})
    missing = [r for r in d.requires if a.index[r] not in ledger.start]
    if missing:
        return Unscheduled(
            d.id, (f"requires {', '.join(missing)}, not scheduled",), {"rule": "requires"}
        )
    if d.value <= 0 and not d.mandatory:
        return Unscheduled(d.id, ("has no value to gain",), {"rule": "value"})
    lowest = _prerequisites_finish(a, ledger, k) or 0
    reasons, details = _shortage(a, ledger, k, lowest)
    return Unscheduled(d.id, tuple(reasons), details)


# ---------------------------------------------------------------- the plan


def _objective(problem: Problem, ledger: _Ledger) -> float:
    return sum(
        (problem.discounted_value(problem.demands[k], s) for k, s in ledger.start.items()), 0.0
    )


def solve_greedy(problem: Problem, *, ranking: str | None = None) -> Plan:
    """Rank-and-fill plan: the best of the three rankings (or only `ranking`).

    Status is "feasible" when every mandatory demand is placed; otherwise "infeasible" when a
    mandatory demand does not fit even an empty plan, else "unknown", with `conflicts` saying why.
    """
    began = time.perf_counter()
    a = _arrays(problem)
    base = _empty_ledger(a)
    closed = {k for k, d in enumerate(problem.demands) if d.excluded}
    forced_failed = _fill(a, base, _forced(problem, a), closed)
    conflicts, proven = _conflicts(a, base, forced_failed)
    closed |= _worthless(problem, a)
    if ranking is not None and ranking not in RANKINGS:
        raise ValueError(f"unknown ranking {ranking!r}; choose from {', '.join(RANKINGS)}")
    names = [ranking] if ranking is not None else list(RANKINGS)
    best: tuple[float, str, _Ledger] | None = None
    for name in names:
        ledger = base.copy()
        _fill(a, ledger, _order(a, name), set(closed))
        value = _objective(problem, ledger)
        if best is None or value > best[0] + 1e-9:
            best = (value, name, ledger)
    assert best is not None
    value, name, ledger = best
    status: PlanStatus = "feasible" if not conflicts else ("infeasible" if proven else "unknown")
    return _plan(a, ledger, status, value, conflicts, name, began)


def _worthless(problem: Problem, a: _Arrays) -> set[int]:
    """Demands that add no value and are required by nothing that does: they would only take
    capacity from others."""
    useful: set[int] = set()
    stack = [k for k, d in enumerate(problem.demands) if d.value > 0 and not d.excluded]
    while stack:
        k = stack.pop()
        if k not in useful:
            useful.add(k)
            stack.extend(a.index[r] for r in problem.demands[k].requires)
    return set(range(len(problem.demands))) - useful


def _conflicts(a: _Arrays, base: _Ledger, failed: list[int]) -> tuple[list[str], bool]:
    """Messages for mandatory demands (or their prerequisites) that could not be placed, and
    whether the failure is proven: a demand that fits no start even with nothing else planned."""
    problem = a.problem
    messages: list[str] = []
    proven = False
    empty = _empty_ledger(a)
    for k in failed:
        d = problem.demands[k]
        what = f"mandatory {d.id}" if d.mandatory else f"{d.id} (required by a mandatory demand)"
        missing = [r for r in d.requires if a.index[r] not in base.start]
        if missing:
            messages.append(
                f"{what} could not be placed: requires {', '.join(missing)}, not placed"
            )
            proven = proven or any(problem.demands[a.index[r]].excluded for r in missing)
            continue
        lowest = _prerequisites_finish(a, base, k) or 0
        reasons, _ = _shortage(a, base, k, lowest)
        messages.append(f"{what} could not be placed: " + "; ".join(reasons))
        alone = _first_fit(a, empty, k, 0)
        proven = proven or alone is None
    return messages, proven


def _plan(
    a: _Arrays,
    ledger: _Ledger,
    status: PlanStatus,
    value: float,
    conflicts: list[str],
    ranking: str,
    began: float,
) -> Plan:
    problem = a.problem
    scheduled = [
        Scheduled(problem.demands[k].id, s, s + problem.demands[k].duration)
        for k, s in sorted(ledger.start.items())
    ]
    unscheduled = [
        _unscheduled(a, ledger, k) for k in range(len(problem.demands)) if k not in ledger.start
    ]
    used = a.capacity - np.array(ledger.remaining).reshape(a.capacity.shape)
    return Plan(
        status=status,
        objective=value,
        bound=None,
        gap=None,
        seconds=time.perf_counter() - began,
        scheduled=scheduled,
        unscheduled=unscheduled,
        resource_usage={n: [max(0.0, float(x)) for x in used[i]] for i, n in enumerate(a.names)},
        budget_usage=[float(x) for x in a.budget_amount - np.array(ledger.budget_left)],
        conflicts=conflicts,
        stats={"method": "greedy", "ranking": ranking},
    )
