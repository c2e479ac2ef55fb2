"""The planning problem (`bearing-problem/1`) as frozen dataclasses.

Periods are quarters numbered 0..periods-1. Quantities are hours (or system units) per period for
resources and money for budgets. Construction does no validation: `codec.problem_from_dict`
validates user input with path-precise errors; code that builds problems itself calls `validate`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["Budget", "Demand", "Problem", "Resource", "prerequisites_first"]


@dataclass(frozen=True)
class Resource:
    """A skill or a system: `capacity[p]` hours (or units) available in period p."""

    name: str
    capacity: tuple[float, ...]


@dataclass(frozen=True)
class Budget:
    """Spend in periods first..last (inclusive) must not exceed amount."""

    first: int
    last: int
    amount: float


@dataclass(frozen=True)
class Demand:
    """An IT need: runs `duration` consecutive periods, using effort/duration of each resource and
    cost/duration of money in each active period. `deadline` means start + duration <= deadline."""

    id: str
    value: float
    cost: float = 0.0
    duration: int = 1
    effort: dict[str, float] = field(default_factory=dict)
    earliest_start: int = 0
    deadline: int | None = None
    requires: tuple[str, ...] = ()
    mandatory: bool = False
    excluded: bool = False
    fixed_start: int | None = None

    def per_period_effort(self, resource: str) -> float:
        """Hours of `resource` used in each active period."""
        return self.effort.get(resource, 0.0) / self.duration

    @property
    def per_period_cost(self) -> float:
        return self.cost / self.duration

    def latest_start(self, periods: int) -> int:
        """Last start that keeps the demand inside the horizon and before its deadline."""
        end = periods if self.deadline is None else min(periods, self.deadline)
        return end - self.duration

    def start_window(self, periods: int) -> range:
        """Every start the horizon, earliest start, deadline and fixed start allow."""
        if self.fixed_start is not None:
            s = self.fixed_start
            ok = self.earliest_start <= s <= self.latest_start(periods)
            return range(s, s + 1) if ok else range(0)
        return range(self.earliest_start, self.latest_start(periods) + 1)


@dataclass(frozen=True)
class Problem:
    """A whole planning problem: horizon, resources, budget windows, demands."""

    periods: int
    resources: dict[str, Resource]
    demands: tuple[Demand, ...]
    budgets: tuple[Budget, ...] = ()
    discount_rate: float = 0.0
    period_labels: tuple[str, ...] = ()

    def label(self, period: int) -> str:
        """Human label of a period ("2027-Q2"), or "Q<n>" counting from 1 without labels."""
        if 0 <= period < len(self.period_labels):
            return self.period_labels[period]
        return f"period {period}"

    def demand_by_id(self) -> dict[str, Demand]:
        return {d.id: d for d in self.demands}

    def discounted_value(self, demand: Demand, start: int) -> float:
        """Value earned when `demand` starts at `start`, discounted by its last active period."""
        if self.discount_rate <= 0:
            return demand.value
        last = start + demand.duration - 1
        return demand.value * (1.0 - self.discount_rate) ** last


def prerequisites_first(
    nodes: Iterable[int], requires: Callable[[int], Iterable[int]], required_by: Callable[[int], Iterable[int]]
) -> list[int]:
    """`nodes` (demand numbers) ordered so that each comes after those of `nodes` it requires
    (`requires`, and its inverse `required_by`); the same order for the same input (the lowest
    numbers start, the last one ready goes next). Nodes on a cycle are left out (validated
    problems have none)."""
    inside = set(nodes)
    waiting = {d: sum(1 for e in requires(d) if e in inside) for d in inside}
    ready = sorted(d for d in inside if waiting[d] == 0)
    order: list[int] = []
    while ready:
        d = ready.pop()
        order.append(d)
        for f in required_by(d):
            if f in inside:
                waiting[f] -= 1
                if waiting[f] == 0:
                    ready.append(f)
    return order
