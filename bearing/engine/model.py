"""CP-SAT models of the planning rules: one function per rule family.

`build_start_model` builds the time-indexed model (a Boolean `start[d,s]` per demand and allowed
start) for a set of *free* demands on top of a fixed part of the plan, whose use is already taken
out of the remaining capacity. With every demand free it is the full model. `build_cumulative_model`
builds the scheduling model used when every demand is mandatory (intervals and cumulative limits).
Hours and money are scaled to integers (hundredths), capacities rounded down. For the search,
each demand's hours and spend are rounded to the nearest hundredth: the model is then neither
tighter nor looser than the rules, so its plans are checked by the ledger and its bound and its
"infeasible" prove nothing. Where a proof is wanted (`round_down`, the cumulative model's default)
they are rounded down: a relaxation, since every plan that keeps the rules keeps it (the sums are
whole numbers, so the capacities may be rounded down too). The cumulative model can also round up
(a restriction), where every schedule it returns fits as it is.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from bearing.engine.compiled import Compiled, Ledger

__all__ = [
    "CumulativeModel",
    "StartModel",
    "add_budget_limit",
    "add_capacity_limit",
    "add_choice",
    "add_requirements",
    "build_cumulative_model",
    "build_start_model",
    "scale_for",
    "scaled",
]

# Hours and money become integers in hundredths; values are scaled to about 1e6 for the objective.
_UNIT = 100.0
_VALUE_TARGET = 1e6


@dataclass
class StartModel:
    """A CP-SAT model over `start[d,s]` Booleans for the free demands."""

    model: cp_model.CpModel
    free: list[int]
    starts: dict[int, dict[int, cp_model.IntVar]]
    value_scale: float
    round_down: bool = False  # hours and spend rounded down: a relaxation (see the module notes)

    def hint(self, starts: dict[int, int]) -> None:
        self.model.clear_hints()
        for d, by_start in self.starts.items():
            chosen = starts.get(d, -1)
            for s, v in by_start.items():
                self.model.add_hint(v, 1 if s == chosen else 0)

    def hundredths(self, amount: float) -> int:
        """Hours or money as whole hundredths: rounded down for a relaxation, else to the nearest."""
        return scaled(amount, _UNIT) if self.round_down else round(amount * _UNIT)

    def read(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """Starts of the free demands selected in the solver's solution."""
        out: dict[int, int] = {}
        for d, by_start in self.starts.items():
            for s, v in by_start.items():
                if solver.boolean_value(v):
                    out[d] = s
        return out


def scaled(amount: float, unit: float, *, up: bool = False) -> int:
    """`amount` in whole `unit`s: exact when it is whole already (up to float noise), else rounded
    down (a relaxation: a sum of these never exceeds the true sum) or, with `up`, up (a restriction)."""
    x = amount * unit
    nearest = round(x)
    if abs(x - nearest) <= 1e-9 * max(1.0, abs(x)):
        return int(nearest)
    return math.ceil(x) if up else math.floor(x)


def scale_for(comp: Compiled) -> float:
    """Objective scale so that the largest value is about one million units."""
    top = max((max(v.values(), default=0.0) for v in comp.values), default=0.0)
    return _VALUE_TARGET / top if top > 0 else 1.0


def _allowed_starts(comp: Compiled, ledger: Ledger, free: set[int], d: int) -> list[int]:
    """Starts of d that fit the remaining capacity alone and respect fixed prerequisites/successors."""
    lo, hi = -1, 10**9
    for e in comp.preds[d]:
        if e in free:
            continue
        se = ledger.start[e]
        if se < 0:
            return []  # a fixed prerequisite that is out keeps d out
        lo = max(lo, se + comp.duration[e])
    for e in comp.succs[d]:
        if e not in free and ledger.start[e] >= 0:
            hi = min(hi, ledger.start[e] - comp.duration[d])
    return [s for s in comp.window[d] if lo <= s <= hi and ledger.has_room(d, s)]


def build_start_model(
    comp: Compiled, ledger: Ledger, free: list[int], *, value_scale: float, round_down: bool = False
) -> StartModel:
    """Model choosing starts for `free` demands within what `ledger` (the fixed part) leaves; with
    `round_down` a relaxation, whose "infeasible" and bound are proofs."""
    model = cp_model.CpModel()
    free_set = set(free)
    starts: dict[int, dict[int, cp_model.IntVar]] = {}
    for d in free:
        starts[d] = {s: model.new_bool_var(f"start_{comp.ids[d]}_{s}") for s in _allowed_starts(comp, ledger, free_set, d)}
    sm = StartModel(model=model, free=list(free), starts=starts, value_scale=value_scale, round_down=round_down)
    add_choice(sm, comp, ledger)
    add_capacity_limit(sm, comp, ledger)
    add_budget_limit(sm, comp, ledger)
    add_requirements(sm, comp, ledger)
    chosen = [v for by_start in starts.values() for v in by_start.values()]
    worth = [round(comp.values[d][s] * value_scale) for d, by_start in starts.items() for s in by_start]
    model.maximize(cp_model.LinearExpr.weighted_sum(chosen, worth))
    return sm


def add_choice(sm: StartModel, comp: Compiled, ledger: Ledger) -> None:
    """A demand starts at most once; a mandatory demand exactly once (excluded ones have no starts)."""
    for d, by_start in sm.starts.items():
        vs = list(by_start.values())
        if comp.mandatory[d]:
            sm.model.add_exactly_one(vs) if vs else sm.model.add_bool_or([])
        elif len(vs) > 1:
            sm.model.add_at_most_one(vs)


def add_capacity_limit(sm: StartModel, comp: Compiled, ledger: Ledger) -> None:
    """In every period, the free demands' hours on each resource stay within what is left of it."""
    loads: dict[tuple[int, int], list[tuple[int, cp_model.IntVar, int]]] = {}
    for d, by_start in sm.starts.items():
        for r, h in comp.use[d]:
            hi = sm.hundredths(h)
            for s, v in by_start.items():
                for p in range(s, s + comp.duration[d]):
                    loads.setdefault((r, p), []).append((d, v, hi))
    for (r, p), terms in loads.items():
        cap = math.floor(max(0.0, ledger.res[r, p] + ledger.tol[r, p]) * _UNIT + 1e-6)
        _add_limit(sm, terms, cap)


def add_budget_limit(sm: StartModel, comp: Compiled, ledger: Ledger) -> None:
    """In every budget window, the free demands' spend stays within what is left of the amount."""
    spending: list[list[tuple[int, cp_model.IntVar, int]]] = [[] for _ in comp.budgets]
    for d, by_start in sm.starts.items():
        for s, v in by_start.items():
            for w, spend in comp.spends(d, s):
                spending[w].append((d, v, sm.hundredths(spend)))
    for w, terms in enumerate(spending):
        cap = math.floor(max(0.0, ledger.bres[w] + ledger.btol[w]) * _UNIT + 1e-6)
        _add_limit(sm, terms, cap)


def _add_limit(sm: StartModel, terms: list[tuple[int, cp_model.IntVar, int]], cap: int) -> None:
    """sum(amount x start) <= cap over `terms` (demand, start variable, amount), left out when no
    choice of starts could break it (a demand starts at most once): most rows of a step are."""
    worst: dict[int, int] = {}
    for d, _, c in terms:
        worst[d] = max(worst.get(d, 0), c)
    if sum(worst.values()) > cap:
        sm.model.add(cp_model.LinearExpr.weighted_sum([v for _, v, _ in terms], [c for _, _, c in terms]) <= cap)


def add_requirements(sm: StartModel, comp: Compiled, ledger: Ledger) -> None:
    """A demand starts only after each prerequisite has finished; a fixed demand's free prerequisite
    must be selected and finish before the fixed start."""
    free = sm.starts
    for d, by_start in free.items():
        for e in comp.preds[d]:
            if e not in free:
                continue  # fixed prerequisites already narrowed d's allowed starts
            for s, v in by_start.items():
                before = [u for se, u in free[e].items() if se + comp.duration[e] <= s]
                sm.model.add_bool_or([*before, v.Not()]) if before else sm.model.add(v == 0)
        for e in comp.succs[d]:
            if e in free or ledger.start[e] < 0:
                continue
            limit = ledger.start[e] - comp.duration[d]
            ok = [v for s, v in by_start.items() if s <= limit]
            sm.model.add_exactly_one(ok) if ok else sm.model.add_bool_or([])


@dataclass
class CumulativeModel:
    """Interval model for problems where every demand must be scheduled."""

    model: cp_model.CpModel
    start: dict[int, cp_model.IntVar]
    demands: list[int]
    # every hour and spend was a whole number of units: rounding down or up gives the same model,
    # so a schedule it returns fits and an "infeasible" is a proof
    exact: bool = True
    # with `optional`: each demand's presence, to be assumed (an infeasible solve names the
    # assumptions it needed: a conflicting subset)
    present: dict[int, cp_model.IntVar] = field(default_factory=dict)

    def read(self, solver: cp_model.CpSolver) -> dict[int, int]:
        return {d: int(solver.value(v)) for d, v in self.start.items()}


def _hour_unit(comp: Compiled, demands: list[int]) -> float:
    """Scale of hours to integers: 1 when every figure involved is whole (small numbers propagate
    faster), else 100 (hundredths)."""
    figures = [h for d in demands for _, h in comp.use[d]] + [float(x) for x in comp.capacity.ravel()]
    return 1.0 if all(abs(x - round(x)) < 1e-9 and abs(x) < 1e9 for x in figures) else _UNIT


def build_cumulative_model(
    comp: Compiled,
    demands: list[int],
    *,
    bounds: tuple[dict[int, int], dict[int, int]] | None = None,
    up: bool = False,
    optional: bool = False,
) -> CumulativeModel:
    """Start variables and intervals for `demands` (all forced in): per-resource cumulative limits,
    finish-to-start requirements and budget windows; prerequisites outside `demands` are ignored.
    `bounds` (earliest, latest start per demand) narrow the start domains when given. Hours and
    spend are rounded down (a relaxation: its "infeasible" is a proof) or, with `up`, up (a
    restriction: every schedule it returns fits). With `optional`, each demand is in only when its
    presence literal is true (`CumulativeModel.present`), so that assuming them all yields a
    conflicting subset when the set does not fit."""
    model = cp_model.CpModel()
    exact = True

    def whole(amount: float, unit: float) -> int:
        nonlocal exact
        value = scaled(amount, unit, up=up)
        exact = exact and scaled(amount, unit, up=not up) == value
        return value

    chosen = set(demands)
    start: dict[int, cp_model.IntVar] = {}
    intervals: dict[int, cp_model.IntervalVar] = {}
    present: dict[int, cp_model.IntVar] = {}

    def both(*ds: int) -> list[cp_model.IntVar]:
        """The presence literals a constraint among `ds` is enforced by (none when all are in)."""
        return [present[d] for d in ds] if optional else []

    unit = _hour_unit(comp, demands)
    for d in demands:
        allowed = comp.window[d]
        if bounds is not None:
            allowed = [s for s in allowed if bounds[0][d] <= s <= bounds[1][d]]
        dom = cp_model.Domain.from_values(allowed) if allowed else cp_model.Domain.from_values([])
        start[d] = model.new_int_var_from_domain(dom, f"start_{comp.ids[d]}")
        if optional:
            present[d] = model.new_bool_var(f"in_{comp.ids[d]}")
            intervals[d] = model.new_optional_fixed_size_interval_var(
                start[d], comp.duration[d], present[d], f"run_{comp.ids[d]}"
            )
        else:
            intervals[d] = model.new_fixed_size_interval_var(start[d], comp.duration[d], f"run_{comp.ids[d]}")
    # each resource: hours in use never above its capacity in that period
    periods = comp.periods
    for r in range(len(comp.resource_names)):
        users = [(d, whole(h, unit)) for d in demands for rr, h in comp.use[d] if rr == r]
        if not users:
            continue
        caps = [math.floor(comp.capacity[r, p] * unit + 1e-6) for p in range(periods)]
        top = max(caps)
        blocks = [
            (model.new_fixed_size_interval_var(p, 1, f"closed_{r}_{p}"), top - caps[p])
            for p in range(periods)
            if caps[p] < top
        ]
        model.add_cumulative(
            [intervals[d] for d, _ in users] + [b for b, _ in blocks],
            [c for _, c in users] + [c for _, c in blocks],
            max(top, 0),
        )
    # requirements among the forced demands
    for d in demands:
        for e in comp.preds[d]:
            if e in chosen:
                model.add(start[d] >= start[e] + comp.duration[e]).only_enforce_if(both(d, e))
    _add_pair_orders(model, comp, demands, start, unit, up=up, enforced_by=both)
    # budget windows: spend depends on the overlap, so channel starts into Booleans
    if comp.budgets and any(comp.cost_pp[d] > 0 for d in demands):
        for w, (_, _, amount) in enumerate(comp.budgets):
            terms = []
            for d in demands:
                if comp.cost_pp[d] <= 0:
                    continue
                for s in comp.window[d]:
                    spend = comp.budget_spend(d, s, w)
                    if spend > 0:
                        # b: d is in and starts at s
                        b = model.new_bool_var(f"at_{comp.ids[d]}_{s}_{w}")
                        model.add(start[d] == s).only_enforce_if(b)
                        model.add(start[d] != s).only_enforce_if([b.Not(), *both(d)])
                        if optional:
                            model.add_implication(b, present[d])
                        terms.append((b, whole(spend, _UNIT)))
            model.add(sum(c * b for b, c in terms) <= math.floor(amount * _UNIT + 1e-6))
    return CumulativeModel(model=model, start=start, demands=list(demands), exact=exact, present=present)


# Explicit pair orders are added for at most this many forced demands (the pairs grow quadratically).
_PAIR_ORDER_DEMANDS = 300


def _add_pair_orders(
    model: cp_model.CpModel,
    comp: Compiled,
    demands: list[int],
    start: dict[int, cp_model.IntVar],
    unit: float,
    *,
    up: bool,
    enforced_by: Callable[..., list[cp_model.IntVar]],
) -> None:
    """Two demands that together need more of a resource than it ever has cannot run at the same
    time: one finishes before the other starts. Stating it as a Boolean choice (redundant with the
    cumulative limits) lets CP-SAT learn from orders; it closed the hard j30 cases several times faster."""
    if len(demands) > _PAIR_ORDER_DEMANDS:
        return
    top = [math.floor(float(comp.capacity[r].max()) * unit + 1e-6) for r in range(len(comp.resource_names))]
    use = {d: {r: scaled(h, unit, up=up) for r, h in comp.use[d]} for d in demands}
    ancestors: dict[int, set[int]] = {}

    def above(d: int) -> set[int]:
        if d not in ancestors:
            ancestors[d] = set()
            for e in comp.preds[d]:
                ancestors[d] |= {e} | above(e)
        return ancestors[d]

    for i, a in enumerate(demands):
        for b in demands[i + 1 :]:
            if a in above(b) or b in above(a):
                continue  # already ordered by a requirement
            if any(h + use[b].get(r, 0) > top[r] for r, h in use[a].items()):
                first = model.new_bool_var(f"before_{comp.ids[a]}_{comp.ids[b]}")
                also = enforced_by(a, b)
                model.add(start[a] + comp.duration[a] <= start[b]).only_enforce_if([first, *also])
                model.add(start[b] + comp.duration[b] <= start[a]).only_enforce_if([first.Not(), *also])
