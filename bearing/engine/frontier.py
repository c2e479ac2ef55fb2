"""Efficient frontier: the best plan value at a series of total-budget levels.

Each level adds a budget window over the whole horizon (periods 0..last) with the level as its
amount, on top of the problem's own windows (a full-horizon window that the level makes redundant
is dropped). Levels are solved from the lowest up: a plan that fits a lower total budget also fits
every higher one, so each level's search starts from the previous level's plan (`solve`'s `start`)
and never reports less than it. A level's proven bound also bounds every lower
level, so bounds are tightened from above once all levels are solved.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bearing.engine.plan import Plan
from bearing.engine.problem import Budget, Problem

__all__ = ["FrontierPoint", "Solver", "budget_levels", "efficient_frontier", "with_total_budget"]

Solver = Callable[[Problem, float, Plan | None], Plan]


@dataclass(frozen=True)
class FrontierPoint:
    """Best plan found within a total budget: its value, the proven bound, what it spends, and
    which demands enter (and leave) compared with the previous, lower level."""

    budget: float
    value: float
    status: str
    bound: float | None
    spend: float
    selected: tuple[str, ...]
    entering: tuple[str, ...]
    leaving: tuple[str, ...]
    seconds: float
    reused_previous: bool = False  # the lower level's plan was kept because it was better
    plan: Plan | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "budget": self.budget,
            "value": self.value,
            "status": self.status,
            "bound": self.bound,
            "spend": self.spend,
            "selected": list(self.selected),
            "entering": list(self.entering),
            "leaving": list(self.leaving),
            "seconds": self.seconds,
            "reused_previous": self.reused_previous,
        }


def with_total_budget(problem: Problem, amount: float) -> Problem:
    """`problem` with total spend over the whole horizon capped at `amount`."""
    last = problem.periods - 1
    kept = tuple(
        b for b in problem.budgets if not (b.first == 0 and b.last >= last and b.amount >= amount)
    )
    return replace(problem, budgets=(*kept, Budget(0, last, float(amount))))


def budget_levels(problem: Problem, steps: int = 10) -> list[float]:
    """`steps` evenly spaced totals from what the mandatory demands cost to what every
    non-excluded demand costs together (beyond that the budget no longer binds)."""
    if steps < 1:
        raise ValueError("steps: must be at least 1")
    low = sum(d.cost for d in problem.demands if d.mandatory)
    high = sum(d.cost for d in problem.demands if not d.excluded)
    if steps == 1 or high <= low:
        return [float(high)]
    return [low + (high - low) * k / (steps - 1) for k in range(steps)]


def _default_solver(time_limit: float, workers: int, seed: int, method: str) -> Solver:
    """The engine's `solve`, each level started from the plan of the level below."""
    from bearing.engine.solve import solve

    def run(problem: Problem, limit: float, previous: Plan | None) -> Plan:
        return solve(
            problem, time_limit=limit, workers=workers, seed=seed, method=method, explain=False, start=previous
        )

    return run


def _spend(problem: Problem, plan: Plan) -> float:
    cost = {d.id: d.cost for d in problem.demands}
    return float(sum(cost[s.id] for s in plan.scheduled))


def efficient_frontier(
    problem: Problem,
    budget_levels_: Sequence[float] | None = None,
    *,
    steps: int = 10,
    time_limit_per_level: float = 5.0,
    workers: int = 1,
    seed: int = 0,
    method: str = "default",
    solver: Solver | None = None,
    on_level: Callable[[int, int, FrontierPoint], None] | None = None,
    bound: float | None = None,
) -> list[FrontierPoint]:
    """Best value at each total-budget level, lowest first.

    Args:
        budget_levels_: the totals to try; default `budget_levels(problem, steps)`.
        solver: (problem, time limit, previous plan) -> Plan; default the engine's `solve`.
        on_level: told (level number from 1, number of levels, point) as each level is solved;
            its bound may still be tightened by a higher level's.
        bound: a proven upper bound on the problem's own best value (a solve of it without the total
            budget): a total budget only takes plans away, so it bounds every level too.
    """
    levels = sorted(budget_levels_ if budget_levels_ is not None else budget_levels(problem, steps))
    run = solver or _default_solver(time_limit_per_level, workers, seed, method)
    points: list[FrontierPoint] = []
    previous: Plan | None = None
    previous_ids: set[str] = set()
    for level in levels:
        capped = with_total_budget(problem, level)
        plan = run(capped, time_limit_per_level, previous)
        level_bound, reused = plan.bound, False
        if previous is not None and previous.objective > plan.objective:
            plan, reused = previous, True  # the lower level's plan still fits: a floor
        ids = {s.id for s in plan.scheduled} if _usable(plan) else set()
        points.append(
            FrontierPoint(
                budget=float(level),
                value=plan.objective if _usable(plan) else 0.0,
                status=("feasible" if reused else plan.status),
                bound=level_bound,
                spend=_spend(problem, plan) if _usable(plan) else 0.0,
                selected=tuple(sorted(ids)),
                entering=tuple(sorted(ids - previous_ids)),
                leaving=tuple(sorted(previous_ids - ids)),
                seconds=plan.seconds,
                reused_previous=reused,
                plan=plan,
            )
        )
        if on_level is not None:
            on_level(len(points), len(levels), points[-1])
        if _usable(plan):
            previous, previous_ids = plan, ids
    return _tighten_bounds(points, bound)


def _usable(plan: Plan) -> bool:
    return plan.status in ("optimal", "feasible")


def _tighten_bounds(points: list[FrontierPoint], above: float | None = None) -> list[FrontierPoint]:
    """A bound proven at a higher budget (or `above` all of them) also holds at every lower one."""
    tightened: list[FrontierPoint] = []
    best: float | None = above
    for point in reversed(points):
        if point.bound is not None:
            best = point.bound if best is None else min(best, point.bound)
        bound = best if best is not None else None
        status = point.status
        if bound is not None and status == "feasible" and point.value >= bound - 1e-9:
            status = "optimal"  # the bound from a higher level proves this plan best
        tightened.append(replace(point, bound=bound, status=status))
    return list(reversed(tightened))
