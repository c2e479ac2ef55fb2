"""The smallest capacity additions that let the must-fit demands be scheduled (for
`bearing.engine.sufficiency`).

A MIP (HiGHS) schedules every must-fit demand (and what it requires) within its
window, rules and budgets, adding capacity as steps "+x hours per period from period q on" (a hire
or an upgrade lasts), and minimises the added hours over the horizon (each resource's hours weighted,
default 1). Other demands are ignored there: they would make way for the must-fit ones. Its
relaxation is solved first and rounded; when the rounded schedule keeps every row of the model and
its additions cost no more than the relaxation's bound, it is optimal and the MIP is not needed.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import highspy
import numpy as np

from bearing.engine.highs import matrix_entries, new_highs, ran
from bearing.engine.problem import Demand, Problem, prerequisites_first

if TYPE_CHECKING:
    from bearing.engine.sufficiency import SufficiencyReport

__all__ = ["CapacityAddition", "plan_additions"]

_TOL = 1e-6
# Passes of single moves over the rounded relaxation's schedule before the MIP is left to close it.
_ROUNDING_PASSES = 3


@dataclass(frozen=True)
class CapacityAddition:
    """Add `hours_per_period` of `resource` in every period from `from_period` on."""

    resource: str
    hours_per_period: float
    from_period: int
    fte: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _fittable(problem: Problem, must: list[Demand], report: SufficiencyReport) -> list[Demand]:
    """Must-fit demands that some capacity could admit; the others go to `report.cannot_fit`."""
    out: dict[str, Demand] = {}
    for d in must:  # problem order: a requirement is not necessarily listed first
        if d.excluded:
            report.cannot_fit.append(f"{d.id} is excluded but a must-fit demand requires it")
        elif not d.start_window(problem.periods):
            report.cannot_fit.append(
                f"{d.id}: no start fits its earliest start, deadline and the horizon"
            )
        else:
            out[d.id] = d
    changed = True
    while changed:  # a demand whose requirement cannot fit cannot fit either
        changed = False
        for d in list(out.values()):
            lost = [e for e in d.requires if e not in out]
            if lost:
                report.cannot_fit.append(f"{d.id} requires {', '.join(lost)}, which cannot fit")
                del out[d.id]
                changed = True
    return list(out.values())


class _Rows:
    """Sparse rows for HiGHS, built one constraint at a time."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []

    def add(self, terms: Mapping[int, float], lower: float, upper: float) -> None:
        self.starts.append(len(self.index))
        self.index.extend(terms)
        self.value.extend(terms.values())
        self.lower.append(lower)
        self.upper.append(upper)

    def add_terms(
        self, index: Sequence[int], value: Sequence[float], lower: float, upper: float
    ) -> None:
        """Like `add`, with the columns and coefficients as two parallel lists."""
        self.starts.append(len(self.index))
        self.index.extend(index)
        self.value.extend(value)
        self.lower.append(lower)
        self.upper.append(upper)


def _spend(problem: Problem, d: Demand, start: int, first: int, last: int) -> float:
    overlap = min(last, start + d.duration - 1) - max(first, start) + 1
    return d.per_period_cost * max(0, overlap)


def _build(
    problem: Problem, fit: list[Demand], weights: Mapping[str, float], with_budgets: bool
) -> tuple[highspy.Highs, dict[tuple[str, int], int], dict[tuple[str, int], int]]:
    """The additions MIP: x[d, s] = d starts at s; y[r, q] = hours per period added from q on.

    Windows and hours per period are computed once per demand, and each capacity row's terms are
    gathered in one pass over the demands, in the order (demand, start) a row lists them."""
    periods = problem.periods
    windows = [d.start_window(periods) for d in fit]
    x: dict[tuple[str, int], int] = {}
    for d, window in zip(fit, windows, strict=True):
        for s in window:
            x[(d.id, s)] = len(x)
    positive = {r for d in fit for r, e in d.effort.items() if e > 0}
    used = [r for r in problem.resources if r in positive]
    y = {(r, q): len(x) + k * periods + q for k, r in enumerate(used) for q in range(periods)}
    cost = [0.0] * len(x) + [
        float(weights.get(r, 1.0)) * (periods - q) for (r, q) in sorted(y, key=y.__getitem__)
    ]
    rows = _Rows()
    for d, window in zip(fit, windows, strict=True):  # every must-fit demand starts exactly once
        rows.add_terms([x[(d.id, s)] for s in window], [1.0] * len(window), 1.0, 1.0)
    # use[r][p]: columns and hours of every start (demand, s) that has it running in period p
    use: dict[str, list[tuple[list[int], list[float]]]] = {
        r: [([], []) for _ in range(periods)] for r in used
    }
    for d, window in zip(fit, windows, strict=True):
        per_resource = [
            (use[r], hours) for r in d.effort if r in use and (hours := d.per_period_effort(r)) > 0
        ]
        if not per_resource:
            continue
        for s in window:
            col = x[(d.id, s)]
            for p in range(s, min(s + d.duration, periods)):
                for cells, hours in per_resource:
                    cols, values = cells[p]
                    cols.append(col)
                    values.append(hours)
    for r in used:  # use in each period within capacity plus what was added up to then
        capacity = problem.resources[r].capacity
        for p in range(periods):
            cols, values = use[r][p]
            rows.add_terms(
                [y[(r, q)] for q in range(p + 1)] + cols,
                [-1.0] * (p + 1) + values,
                -highspy.kHighsInf,
                capacity[p],
            )
    for b in problem.budgets if with_budgets else ():
        cols, values = [], []
        for d, window in zip(fit, windows, strict=True):
            per_period_cost = d.per_period_cost
            for s in window:
                overlap = min(b.last, s + d.duration - 1) - max(b.first, s) + 1
                spend = per_period_cost * max(0, overlap)  # as _spend
                if spend > 0:
                    cols.append(x[(d.id, s)])
                    values.append(spend)
        rows.add_terms(cols, values, -highspy.kHighsInf, b.amount)
    by_id = {d.id: (d, window) for d, window in zip(fit, windows, strict=True)}
    for d, window in zip(fit, windows, strict=True):  # what it requires finishes before it starts
        for e_id in d.requires:
            if e_id not in by_id:
                continue
            e, e_window = by_id[e_id]
            terms = {x[(d.id, s)]: float(s) for s in window}
            for s in e_window:
                terms[x[(e.id, s)]] = terms.get(x[(e.id, s)], 0.0) - float(s)
            rows.add(terms, float(e.duration), highspy.kHighsInf)
    h = new_highs(0)  # quiet, one thread (see highs.HIGHS_THREADS)
    h.setOptionValue("solver", "choose")
    n = len(cost)
    upper = [1.0] * len(x) + [highspy.kHighsInf] * len(y)
    h.addVars(n, np.zeros(n), np.array(upper))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(cost))
    h.changeColsIntegrality(
        len(x),
        np.arange(len(x), dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * len(x)),
    )
    if rows.lower:
        h.addRows(
            len(rows.lower),
            np.array(rows.lower),
            np.array(rows.upper),
            len(rows.index),
            np.array(rows.starts, dtype=np.int32),
            np.array(rows.index, dtype=np.int32),
            np.array(rows.value),
        )
    return h, x, y


def _solve(h: highspy.Highs, time_limit: float) -> tuple[str, np.ndarray | None]:
    h.setOptionValue("time_limit", float(time_limit))
    run_status = h.run()
    status = h.getModelStatus()
    if not ran(run_status, status):
        return "unknown", None
    values = np.array(h.getSolution().col_value)
    has_solution = h.getInfo().primal_solution_status == 2  # kSolutionStatusFeasible
    if status == highspy.HighsModelStatus.kOptimal:
        return "optimal", values
    if status == highspy.HighsModelStatus.kInfeasible:
        return "infeasible", None
    return ("feasible", values) if has_solution else ("unknown", None)


def _rounded_relaxation(
    problem: Problem,
    fit: list[Demand],
    weights: Mapping[str, float],
    h: highspy.Highs,
    x: Mapping[tuple[str, int], int],
    y: Mapping[tuple[str, int], int],
    time_limit: float,
) -> tuple[np.ndarray | None, str]:
    """A solution of the additions MIP rounded from its relaxation and a verdict: "optimal" when it
    costs no more than the relaxation's bound, "infeasible" when the relaxation is (so is the MIP),
    else "" (the solution, or None when the rounding breaks a row: HiGHS's search decides).

    Each must-fit demand the relaxation starts whole keeps that start while it stays between what it
    requires and what requires it; the others, prerequisites first, take the start among those the
    relaxation uses (else any allowed) that adds least; then single moves that lower the additions.
    The additions are the least for the schedule: per resource the running maximum of its shortfall
    (adding later is never dearer). On the app's 30,000-demand organisation (4,690 must-fit demands,
    26k columns) this took 1.1 s where the MIP took 4.1 s, to the same cost; `h` is left a MIP."""
    status, relaxed, bound = _relaxation(h, time_limit)
    if status == highspy.HighsModelStatus.kInfeasible:
        return None, "infeasible"
    if relaxed is None or status != highspy.HighsModelStatus.kOptimal:
        return None, ""
    periods = problem.periods
    used = sorted({r for r, _ in y})
    usage = {r: np.zeros(periods) for r in used}
    capacity = {r: np.array(problem.resources[r].capacity, dtype=float) for r in used}
    hours = [{r: d.per_period_effort(r) for r in d.effort if r in usage and d.per_period_effort(r) > 0} for d in fit]

    def book(k: int, s: int, sign: float = 1.0) -> None:
        for r, h_r in hours[k].items():
            usage[r][s : s + fit[k].duration] += sign * h_r

    def envelope(r: str) -> np.ndarray:
        return np.maximum.accumulate(np.maximum(0.0, usage[r] - capacity[r]))

    def cost(rs: Iterable[str]) -> float:
        return sum(float(weights.get(r, 1.0)) * float((periods - np.arange(periods)) @ np.diff(envelope(r), prepend=0.0)) for r in rs)

    def earliest(k: int) -> int:
        return max((starts[pos[e]] + fit[pos[e]].duration for e in fit[k].requires if e in pos), default=0)

    def cheapest(k: int, candidates: Iterable[int], best: tuple[float, int] | None = None) -> int:
        """Of `candidates` (and `best`, its additions and start), the start of unbooked k that adds
        least; the first of equals."""
        for s in candidates:
            book(k, s)
            added = cost(hours[k])
            book(k, s, -1.0)
            if best is None or added < best[0] - 1e-9:
                best = (added, s)
        assert best is not None
        return best[1]

    window = [d.start_window(periods) for d in fit]
    share = [{s: float(relaxed[x[(d.id, s)]]) for s in w} for d, w in zip(fit, window, strict=True)]
    top = [max(w, key=shares.__getitem__) for w, shares in zip(window, share, strict=True)]
    whole = [s if share[k][s] > 1 - _TOL else -1 for k, s in enumerate(top)]
    starts = {k: s for k, s in enumerate(whole) if s >= 0}
    for k, s in starts.items():
        book(k, s)
    pos = {d.id: k for k, d in enumerate(fit)}
    order, followers = _prerequisites_first(fit, pos)
    # the latest start that leaves each demand's followers a start in their windows
    latest = [max(w, default=-1) for w in window]
    for k in reversed(order):
        for e in fit[k].requires:
            if e in pos:
                latest[pos[e]] = min(latest[pos[e]], latest[k] - fit[pos[e]].duration)
    for k in order:
        first = earliest(k)
        if first <= whole[k] <= latest[k]:
            continue
        if whole[k] >= 0:
            book(k, whole[k], -1.0)  # its start no longer fits between what it requires and its followers
        allowed = [s for s in window[k] if first <= s <= latest[k]]
        candidates = [s for s in sorted(allowed, key=lambda s: -share[k][s]) if share[k][s] > _TOL] or allowed
        if not candidates:
            return None, ""
        starts[k] = cheapest(k, candidates)
        book(k, starts[k])
    # then single moves that lower the additions, among the demands on resources that need some
    for _ in range(_ROUNDING_PASSES):
        short = {r for r in used if envelope(r)[-1] > _TOL}
        moved = False
        for k in order:
            if not short.intersection(hours[k]):
                continue
            first = earliest(k)
            last = min((starts[f] - fit[k].duration for f in followers[k]), default=periods)
            here = starts[k]
            kept = (cost(hours[k]), here)
            book(k, here, -1.0)
            starts[k] = cheapest(k, (s for s in window[k] if first <= s <= last and s != here), kept)
            book(k, starts[k])
            moved = moved or starts[k] != here
        if not moved:
            break
    values = np.zeros(h.getNumCol())
    for k, d in enumerate(fit):
        values[x[(d.id, starts[k])]] = 1.0
    for r in used:
        for q, step in enumerate(np.diff(envelope(r), prepend=0.0)):
            values[y[(r, q)]] = step
    lp = h.getLp()
    if not _keeps_rows(lp, values):
        return None, ""
    return values, "optimal" if float(np.asarray(lp.col_cost_) @ values) <= bound + 1e-9 * max(1.0, abs(bound)) else ""


def _relaxation(h: highspy.Highs, time_limit: float) -> tuple[highspy.HighsModelStatus, np.ndarray | None, float]:
    """Status, column values (None when HiGHS did not run through) and objective of the MIP `h`
    with its integrality dropped; `h` is a MIP again afterwards."""
    n = h.getNumCol()
    integrality = np.array(h.getLp().integrality_)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kContinuous))
    # simplex: 0.4 s on the app's 30,000-demand organisation, where interior point took 1.1 s
    h.setOptionValue("solver", "simplex")
    h.setOptionValue("time_limit", float(time_limit))
    try:
        run_status = h.run()
        status = h.getModelStatus()
        values = np.array(h.getSolution().col_value) if ran(run_status, status) else None
        return status, values, float(h.getInfo().objective_function_value)
    finally:
        h.clearSolver()
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), integrality)
        h.setOptionValue("solver", "choose")


def _prerequisites_first(fit: list[Demand], pos: Mapping[str, int]) -> tuple[list[int], list[list[int]]]:
    """Positions of `fit` ordered so that every demand comes after those it requires (in `fit`),
    and for each position those that require it."""
    followers: list[list[int]] = [[] for _ in fit]
    for k, d in enumerate(fit):
        for e in d.requires:
            if e in pos:
                followers[pos[e]].append(k)
    requires = [[pos[e] for e in d.requires if e in pos] for d in fit]
    return prerequisites_first(range(len(fit)), requires.__getitem__, followers.__getitem__), followers


def _keeps_rows(lp: Any, values: np.ndarray) -> bool:
    """Whether `values` keeps every row of `lp` (HiGHS's matrix, either orientation)."""
    col_of, row_of, value = matrix_entries(lp)
    activity = np.zeros(len(lp.row_lower_))
    np.add.at(activity, row_of, value * values[col_of])
    lower, upper = np.asarray(lp.row_lower_), np.asarray(lp.row_upper_)
    slack = 1e-7 * np.maximum(1.0, np.abs(np.where(np.isfinite(upper), upper, lower)))
    return bool(np.all(activity >= lower - slack) and np.all(activity <= upper + slack))


def _solve_additions(
    problem: Problem, fit: list[Demand], weights: Mapping[str, float], with_budgets: bool, time_limit: float
) -> tuple[str, np.ndarray | None, dict[tuple[str, int], int], dict[tuple[str, int], int]]:
    """Status, column values, start columns and addition columns of the additions MIP: from its rounded relaxation
    when that settles it, else from HiGHS's search in what is left of `time_limit`, or the rounding
    when that is better than what the search found in time (then "feasible"). HiGHS is not handed the
    rounding as a start: on generated M with 200 must-fit demands, unproven after 10 s, it ended at
    4,591 added hours from it against 3,873 on its own."""
    started = time.perf_counter()
    h, x, y = _build(problem, fit, weights, with_budgets=with_budgets)
    rounded, verdict = _rounded_relaxation(problem, fit, weights, h, x, y, time_limit)
    if verdict:
        return verdict, rounded, x, y
    status, values = _solve(h, max(0.1, time_limit - (time.perf_counter() - started)))
    if rounded is not None and status != "optimal":
        cost = np.asarray(h.getLp().col_cost_)
        if values is None or float(cost @ rounded) < float(cost @ values) - 1e-9:
            return "feasible", rounded, x, y
    return status, values, x, y


def plan_additions(
    problem: Problem, report: SufficiencyReport, weights: Mapping[str, float], time_limit: float
) -> None:
    """Fill `report.additions` (and schedule, status) from the additions MIP."""
    by_id = problem.demand_by_id()
    fit = _fittable(problem, [by_id[i] for i in report.must_fit_ids], report)
    if not fit:
        report.additions_status = "infeasible" if report.cannot_fit else "not_needed"
        return
    status, values, x, y = _solve_additions(problem, fit, weights, True, time_limit)
    if status == "infeasible" and problem.budgets:
        status, values, x, y = _solve_additions(problem, fit, weights, False, time_limit)
        if values is not None:
            # the additions then ignore the budget windows; cannot_fit says which ones overflow
            starts = {d: s for (d, s), k in x.items() if values[k] > 0.5}
            report.cannot_fit.extend(_budget_excess(problem, fit, starts))
    if status == "infeasible" and values is None:
        report.cannot_fit.append(
            "the must-fit demands' windows and requirements cannot all be met, whatever the capacity"
        )
    report.additions_status = status
    if values is None:
        return
    report.schedule = {d: s for (d, s), k in sorted(x.items()) if values[k] > 0.5}
    fte = report.hours_per_fte
    for (r, q), k in sorted(y.items()):
        amount = float(values[k])
        if amount > _TOL:
            report.additions.append(
                CapacityAddition(
                    resource=r,
                    hours_per_period=amount,
                    from_period=q,
                    fte=amount / fte[q],
                    message=(
                        f"{r}: +{amount:.0f} hours/quarter (= {amount / fte[q]:.2f} FTE) "
                        f"from {problem.label(q)}"
                    ),
                )
            )
            report.added_hours_total += amount * (problem.periods - q)


def _budget_excess(problem: Problem, fit: list[Demand], starts: Mapping[str, int]) -> list[str]:
    """Budget windows the must-fit demands overspend, however they are scheduled (messages)."""
    out = []
    for b in problem.budgets:
        spend = sum(_spend(problem, d, starts[d.id], b.first, b.last) for d in fit)
        if spend > b.amount + _TOL:
            out.append(
                f"budget {problem.label(b.first)}..{problem.label(b.last)}: must-fit demands "
                f"spend {spend:,.0f} in the schedule found, the amount is {b.amount:,.0f}"
            )
    if not out:
        out.append("the must-fit demands cannot be scheduled within the budget windows")
    return out
