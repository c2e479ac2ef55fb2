"""Is IT's capacity sufficient? Demand against capacity per resource and period, and what to add.

Demand profile: each demand is placed as early as allowed (its earliest or fixed start, after the
demands it requires, which are placed the same way) and spread evenly over its duration; the
whole-horizon aggregate (all hours demanded against all hours available) is reported beside it,
because a demand placed early may still fit later. Shortfall in FTE = shortfall hours / hours per
FTE in that period. Resources are skills and systems alike; FTE only means something for skills.

Capacity additions (`bearing.engine.additions`): the least hours to add, as steps "+x hours per
period from period q on", that let every must-fit demand be scheduled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bearing.engine.additions import CapacityAddition, plan_additions
from bearing.engine.problem import Demand, Problem

__all__ = [
    "PLACEMENT_ASSUMPTION",
    "CapacityAddition",
    "ResourceSufficiency",
    "SufficiencyReport",
    "analyse_sufficiency",
]

PLACEMENT_ASSUMPTION = (
    "each demand placed as early as allowed (earliest or fixed start, after what it requires), "
    "effort spread evenly over its duration; totals compare all demanded hours with all capacity "
    "over the horizon"
)


@dataclass(frozen=True)
class ResourceSufficiency:
    """One resource: hours demanded (as early as allowed) against capacity, per period."""

    name: str
    capacity: list[float]
    demand: list[float]
    shortfall_hours: list[float]
    shortfall_fte: list[float]
    total_demand: float
    total_capacity: float
    total_shortfall_hours: float  # whole horizon: max(0, all demanded - all available)

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass
class SufficiencyReport:
    """Demand against capacity, shortfalls, and the smallest additions letting must-fit demands fit."""

    assumption: str
    hours_per_fte: list[float]
    period_labels: list[str]
    demand_ids: list[str]
    resources: list[ResourceSufficiency]
    must_fit_ids: list[str]
    additions: list[CapacityAddition] = field(default_factory=list)
    # optimal | feasible (time limit) | infeasible | unknown | not_needed; when the budget windows
    # alone cannot hold the must-fit demands, the additions ignore them and cannot_fit says so
    additions_status: str = "not_needed"
    added_hours_total: float = 0.0
    schedule: dict[str, int] = field(default_factory=dict)  # must-fit demand -> start used
    cannot_fit: list[str] = field(default_factory=list)  # reasons capacity cannot fix
    unplaced: list[str] = field(default_factory=list)  # demands with no start in the profile

    def to_dict(self) -> dict[str, Any]:
        return {
            "assumption": self.assumption,
            "hours_per_fte": self.hours_per_fte,
            "period_labels": self.period_labels,
            "demand_ids": self.demand_ids,
            "resources": [r.to_dict() for r in self.resources],
            "must_fit_ids": self.must_fit_ids,
            "additions": [a.to_dict() for a in self.additions],
            "additions_status": self.additions_status,
            "added_hours_total": self.added_hours_total,
            "schedule": self.schedule,
            "cannot_fit": self.cannot_fit,
            "unplaced": self.unplaced,
        }


def _per_period(value: float | Sequence[float], periods: int, name: str) -> list[float]:
    values = [float(value)] * periods if isinstance(value, int | float) else list(map(float, value))
    if len(values) != periods or any(v <= 0 for v in values):
        raise ValueError(f"{name}: must be > 0, one number or one per period ({periods})")
    return values


def _select(problem: Problem, ids: Iterable[str] | None, what: str) -> list[Demand]:
    by_id = problem.demand_by_id()
    if ids is None:
        return [d for d in problem.demands if not d.excluded]
    chosen = []
    for demand_id in ids:
        if demand_id not in by_id:
            raise ValueError(f"{what}: unknown demand {demand_id!r}")
        chosen.append(by_id[demand_id])
    return chosen


def _early_starts(problem: Problem, demands: list[Demand]) -> tuple[dict[str, int], list[str]]:
    """As-early-as-allowed start of each demand, after the chosen demands it requires."""
    by_id = {d.id: d for d in demands}
    starts: dict[str, int] = {}
    unplaced: list[str] = []

    def place(d: Demand, trail: frozenset[str]) -> int | None:
        if d.id in starts:
            return starts[d.id]
        window = d.start_window(problem.periods)
        if not window or d.id in trail:
            return None
        start = window[0]
        for e_id in d.requires:
            if e_id in by_id:
                e_start = place(by_id[e_id], trail | {d.id})
                if e_start is None:
                    return None
                start = max(start, e_start + by_id[e_id].duration)
        if start > window[-1]:
            return None
        starts[d.id] = start
        return start

    for d in demands:
        if place(d, frozenset()) is None:
            unplaced.append(d.id)
    return starts, unplaced


def _profile(
    problem: Problem, demands: list[Demand], starts: Mapping[str, int], fte: list[float]
) -> list[ResourceSufficiency]:
    periods = problem.periods
    names = list(problem.resources)
    index = {name: k for k, name in enumerate(names)}
    # one pass over the demands: every (placed demand, resource) with hours > 0, in demand order,
    # so each cell sums its hours in the same order as adding demand by demand
    rows_of: list[int] = []
    firsts: list[int] = []
    spans: list[int] = []
    hours: list[float] = []
    totals: dict[str, Any] = dict.fromkeys(names, 0)
    for d in demands:
        start = starts.get(d.id)
        for name, effort in d.effort.items():
            k = index.get(name)
            if k is None:
                continue
            totals[name] = totals[name] + effort  # as sum() over demands in order
            h = effort / d.duration
            if h > 0 and start is not None:
                rows_of.append(k)
                firsts.append(start)
                spans.append(d.duration)
                hours.append(h)
    span = np.array(spans, dtype=np.int64)
    offsets = np.arange(int(span.sum())) - np.repeat(np.cumsum(span) - span, span)
    period = np.repeat(np.array(firsts, dtype=np.int64), span) + offsets
    flat = np.repeat(np.array(rows_of, dtype=np.int64), span) * periods + period
    weights = np.repeat(np.array(hours, dtype=float), span)
    inside = period < periods  # as the slice demand[start : start + duration] would stop
    flat, weights = flat[inside], weights[inside]
    # bincount adds the weights one by one in input order (bitwise the same as += per demand)
    grid: np.ndarray = np.bincount(flat, weights=weights, minlength=len(names) * periods)
    grid = grid.reshape(len(names), periods) if names else np.zeros((0, periods))
    per_fte = np.array(fte)
    rows = []
    for k, (name, resource) in enumerate(problem.resources.items()):
        demand = grid[k]
        capacity = np.array(resource.capacity, dtype=float)
        short = np.maximum(0.0, demand - capacity)
        total_demand = float(totals[name])
        rows.append(
            ResourceSufficiency(
                name=name,
                capacity=capacity.tolist(),
                demand=demand.tolist(),
                shortfall_hours=short.tolist(),
                shortfall_fte=(short / per_fte).tolist(),
                total_demand=total_demand,
                total_capacity=float(capacity.sum()),
                total_shortfall_hours=max(0.0, total_demand - float(capacity.sum())),
            )
        )
    return rows


def _closure(problem: Problem, must_fit: list[Demand]) -> list[Demand]:
    """Must-fit demands plus everything they require, directly or not."""
    by_id = problem.demand_by_id()
    seen: dict[str, Demand] = {}
    todo = list(must_fit)
    while todo:
        d = todo.pop()
        if d.id not in seen:
            seen[d.id] = d
            todo.extend(by_id[e] for e in d.requires if e in by_id)
    return [d for d in problem.demands if d.id in seen]


def analyse_sufficiency(
    problem: Problem,
    *,
    hours_per_fte: float | Sequence[float],
    demand_ids: Iterable[str] | None = None,
    must_fit_ids: Iterable[str] | None = None,
    resource_weights: Mapping[str, float] | None = None,
    time_limit: float = 10.0,
) -> SufficiencyReport:
    """Demand against capacity per resource and period, with shortfalls in hours and FTE, and the
    smallest capacity additions that let every must-fit demand (default: the mandatory ones
    among `demand_ids`, default all non-excluded demands) be scheduled."""
    fte = _per_period(hours_per_fte, problem.periods, "hours_per_fte")
    demands = _select(problem, demand_ids, "demand_ids")
    if must_fit_ids is None:
        must_fit = [d for d in demands if d.mandatory]
    else:
        must_fit = _select(problem, must_fit_ids, "must_fit_ids")
    for d in must_fit:
        if d.excluded:
            raise ValueError(f"must_fit_ids: {d.id} is excluded")
    starts, unplaced = _early_starts(problem, demands)
    report = SufficiencyReport(
        assumption=PLACEMENT_ASSUMPTION,
        hours_per_fte=fte,
        period_labels=[problem.label(p) for p in range(problem.periods)],
        demand_ids=[d.id for d in demands],
        resources=_profile(problem, demands, starts, fte),
        must_fit_ids=[d.id for d in _closure(problem, must_fit)],
        unplaced=unplaced,
    )
    if report.must_fit_ids:
        plan_additions(problem, report, resource_weights or {}, time_limit)
    return report
