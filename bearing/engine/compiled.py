"""Index-based view of a Problem shared by the optimiser stages, and a capacity ledger.

The optimiser works on demand indices 0..n-1, resource indices and numpy arrays instead of ids and
dicts: this module builds that view once per solve (`Compiled`) and offers a `Ledger` that books
demands into the remaining hours and money, so every stage can place demands without breaking a rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bearing.engine.plan import Plan, Scheduled, Unscheduled
from bearing.engine.problem import Problem

__all__ = ["Compiled", "Ledger", "compile_problem", "plan_from_starts"]

# Slack for float sums: a booking is accepted when it exceeds the remaining amount by less than this
# share of the amount (at least this many absolute units).
_REL_TOL = 1e-9
_ABS_TOL = 1e-6


@dataclass
class Compiled:
    """A problem as arrays: per demand its per-period use of each resource, money per period,
    duration, allowed starts, prerequisites and value by start."""

    problem: Problem
    ids: list[str]
    index: dict[str, int]
    resource_names: list[str]
    capacity: np.ndarray  # (resources, periods) hours per period
    budgets: list[tuple[int, int, float]]
    use: list[list[tuple[int, float]]]  # per demand: (resource, hours per active period)
    cost_pp: list[float]
    duration: list[int]
    window: list[list[int]]  # allowed starts; empty for excluded demands
    mandatory: list[bool]
    preds: list[list[int]]
    succs: list[list[int]] = field(default_factory=list)
    values: list[dict[int, float]] = field(default_factory=list)  # start -> discounted value
    # How much the relaxation (LP or priced bound) wants each demand, 0..1; set by the bound stages
    # for the later search, None until then.
    guide: np.ndarray | None = None
    prices: np.ndarray | None = None  # priced bound's price per (resource, period) then per budget
    # (demand, start) -> its nonzero spends per budget window, built as the ledgers ask
    _spends: dict[tuple[int, int], tuple[tuple[int, float], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def periods(self) -> int:
        return self.problem.periods

    def budget_spend(self, d: int, s: int, w: int) -> float:
        """Money demand d spends inside budget window w when it starts at s."""
        first, last, _ = self.budgets[w]
        overlap = min(last, s + self.duration[d] - 1) - max(first, s) + 1
        return self.cost_pp[d] * overlap if overlap > 0 else 0.0

    def spends(self, d: int, s: int) -> tuple[tuple[int, float], ...]:
        """(window, money) for each budget window demand d spends in when it starts at s: the
        ledgers book, unbook and check every start, and most demands touch one or two windows."""
        found = self._spends.get((d, s))
        if found is None:
            found = tuple((w, spend) for w in range(len(self.budgets)) if (spend := self.budget_spend(d, s, w)) > 0)
            self._spends[(d, s)] = found
        return found

    def objective(self, starts: dict[int, int]) -> float:
        return float(sum(self.values[d][s] for d, s in starts.items()))


def compile_problem(problem: Problem) -> Compiled:
    """Build the index view of `problem` (no validation: the codec validates user input)."""
    ids = [d.id for d in problem.demands]
    index = {i: k for k, i in enumerate(ids)}
    names = list(problem.resources)
    rindex = {r: k for k, r in enumerate(names)}
    cap = np.zeros((len(names), problem.periods))
    for k, r in enumerate(names):
        c = problem.resources[r].capacity
        cap[k, :] = c if len(c) == problem.periods else c[0]
    comp = Compiled(
        problem=problem,
        ids=ids,
        index=index,
        resource_names=names,
        capacity=cap,
        budgets=[(b.first, b.last, float(b.amount)) for b in problem.budgets],
        use=[
            [(rindex[r], h / d.duration) for r, h in d.effort.items() if h > 0]
            for d in problem.demands
        ],
        cost_pp=[d.cost / d.duration for d in problem.demands],
        duration=[d.duration for d in problem.demands],
        window=[[] if d.excluded else list(d.start_window(problem.periods)) for d in problem.demands],
        mandatory=[d.mandatory for d in problem.demands],
        preds=[[index[e] for e in d.requires if e in index] for d in problem.demands],
    )
    comp.succs = [[] for _ in ids]
    for d, ps in enumerate(comp.preds):
        for e in ps:
            comp.succs[e].append(d)
    comp.values = [
        {s: problem.discounted_value(dem, s) for s in comp.window[k]}
        for k, dem in enumerate(problem.demands)
    ]
    return comp


class Ledger:
    """Remaining hours per resource and period and remaining money per budget window, with the
    start of every booked demand. Booking never lets a rule break (capacity, budget, requires)."""

    def __init__(self, comp: Compiled) -> None:
        self.comp = comp
        self.res = comp.capacity.copy()
        self.tol = np.maximum(_ABS_TOL, _REL_TOL * np.abs(comp.capacity))
        self.bres = np.array([b[2] for b in comp.budgets], dtype=float)
        self.btol = np.maximum(_ABS_TOL, _REL_TOL * np.abs(self.bres))
        self.start: list[int] = [-1] * comp.n

    def copy(self) -> Ledger:
        other = Ledger.__new__(Ledger)
        other.comp = self.comp
        other.res = self.res.copy()
        other.tol = self.tol
        other.bres = self.bres.copy()
        other.btol = self.btol
        other.start = list(self.start)
        return other

    def fits(self, d: int, s: int) -> bool:
        """True when demand d can start at s given what is booked (resources, money, requires)."""
        comp = self.comp
        end = s + comp.duration[d]
        for e in comp.preds[d]:
            se = self.start[e]
            if se < 0 or se + comp.duration[e] > s:
                return False
        for e in comp.succs[d]:
            se = self.start[e]
            if se >= 0 and se < end:
                return False
        return self.has_room(d, s)

    def has_room(self, d: int, s: int) -> bool:
        """True when the hours and money demand d needs from start s are left (requires aside)."""
        comp = self.comp
        res, tol = self.res, self.tol
        for r, h in comp.use[d]:
            # element by element: a few periods each, where numpy's per-call cost would dominate
            for p in range(s, s + comp.duration[d]):
                if res[r, p] + tol[r, p] < h:
                    return False
        for w, spend in comp.spends(d, s):
            if self.bres[w] + self.btol[w] < spend:
                return False
        return True

    def book(self, d: int, s: int) -> None:
        comp = self.comp
        end = s + comp.duration[d]
        for r, h in comp.use[d]:
            self.res[r, s:end] -= h
        for w, spend in comp.spends(d, s):
            self.bres[w] -= spend
        self.start[d] = s

    def unbook(self, d: int) -> None:
        comp = self.comp
        s = self.start[d]
        if s < 0:
            return
        end = s + comp.duration[d]
        for r, h in comp.use[d]:
            self.res[r, s:end] += h
        for w, spend in comp.spends(d, s):
            self.bres[w] += spend
        self.start[d] = -1

    def place(self, d: int, order: list[int] | None = None) -> bool:
        """Book d at the first start of `order` (default: its window, earliest first) that fits."""
        for s in order if order is not None else self.comp.window[d]:
            if self.fits(d, s):
                self.book(d, s)
                return True
        return False

    def starts(self) -> dict[int, int]:
        return {d: s for d, s in enumerate(self.start) if s >= 0}

    def book_in_order(self, starts: dict[int, int], *, skip: bool = False) -> bool:
        """Book `starts` earliest first, each only inside its window and where it fits; False (with
        part of them booked) at the first that does not: never trust a solver, always verify. With
        `skip`, one that does not is left out and the rest are still booked (False if any was)."""
        comp = self.comp
        booked_all = True
        for d in sorted(starts, key=lambda k: (starts[k], k)):
            if starts[d] not in comp.window[d] or not self.fits(d, starts[d]):
                if not skip:
                    return False
                booked_all = False
                continue
            self.book(d, starts[d])
        return booked_all

    def mandatory_part(self) -> Ledger:
        """A new ledger with only the mandatory demands booked here, at the same starts, together
        with every prerequisite they have (and theirs): without those they would break `requires`."""
        comp = self.comp
        keep: set[int] = set()
        todo = [d for d in range(comp.n) if comp.mandatory[d] and self.start[d] >= 0]
        while todo:
            d = todo.pop()
            if d not in keep:
                keep.add(d)
                todo.extend(e for e in comp.preds[d] if self.start[e] >= 0)
        out = Ledger(comp)
        for d in sorted(keep, key=lambda k: (self.start[k], k)):
            out.book(d, self.start[d])
        return out

    def breaks_a_rule(self) -> bool:
        """Whether a booked demand lacks a prerequisite that finishes before it starts, or a
        mandatory demand is not booked (capacity and money are kept by `fits` before each booking)."""
        comp = self.comp
        start = self.start
        for d in range(comp.n):
            if start[d] < 0:
                if comp.mandatory[d]:
                    return True
                continue
            for e in comp.preds[d]:
                if start[e] < 0 or start[e] + comp.duration[e] > start[d]:
                    return True
        return False


def plan_from_starts(
    comp: Compiled,
    starts: dict[int, int],
    *,
    status: str,
    bound: float | None,
    seconds: float,
    stats: dict[str, object] | None = None,
) -> Plan:
    """A Plan for the given demand starts, with usage, objective and gap (no explanations)."""
    usage = np.zeros_like(comp.capacity)
    busage = [0.0] * len(comp.budgets)
    for d, s in starts.items():
        for r, h in comp.use[d]:
            usage[r, s : s + comp.duration[d]] += h
        for w in range(len(comp.budgets)):
            busage[w] += comp.budget_spend(d, s, w)
    objective = comp.objective(starts)
    gap = None
    if bound is not None:
        bound = max(bound, objective)
        gap = max(0.0, (bound - objective) / max(abs(bound), 1e-9))
    scheduled = [
        Scheduled(id=comp.ids[d], start=s, finish=s + comp.duration[d]) for d, s in sorted(starts.items())
    ]
    unscheduled = [Unscheduled(id=comp.ids[d]) for d in range(comp.n) if d not in starts]
    return Plan(
        status=status,  # type: ignore[arg-type]
        objective=objective,
        bound=bound,
        gap=gap,
        seconds=seconds,
        scheduled=scheduled,
        unscheduled=unscheduled,
        resource_usage={r: [float(x) for x in usage[k]] for k, r in enumerate(comp.resource_names)},
        budget_usage=busage,
        stats=dict(stats or {}),
    )
