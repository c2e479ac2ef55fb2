"""The plan (`bearing-plan/1`) as dataclasses: what the solver returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Plan", "PlanStatus", "ProgressEvent", "Scheduled", "Unscheduled"]

PlanStatus = Literal["optimal", "feasible", "infeasible", "unknown"]


@dataclass(frozen=True)
class Scheduled:
    """A selected demand: active in periods start..finish-1 (finish = start + duration)."""

    id: str
    start: int
    finish: int
    reasons: tuple[str, ...] = ()  # why it starts later than it could, when it does


@dataclass(frozen=True)
class Unscheduled:
    """A demand left out, with the reasons in business words."""

    id: str
    reasons: tuple[str, ...] = ()
    details: dict[str, object] = field(default_factory=dict)  # machine-readable explanation


@dataclass(frozen=True)
class ProgressEvent:
    """One improvement during a solve: elapsed seconds, stage, best value and best bound; or the
    start of a long stage (`lp-start`, `lagrangian-start`, `explain`), with the best value and
    bound so far and the seconds it is expected to take (a relaxation's predicted time, the priced
    bound's share, the explanations' budget)."""

    seconds: float
    stage: str
    objective: float
    bound: float | None
    expected_seconds: float | None = None


@dataclass
class Plan:
    """A solver result. `bound` is the best proven upper bound on the objective; `gap` is
    (bound - objective) / max(|bound|, 1e-9). `conflicts` explains an infeasible status."""

    status: PlanStatus
    objective: float = 0.0
    bound: float | None = None
    gap: float | None = None
    seconds: float = 0.0
    scheduled: list[Scheduled] = field(default_factory=list)
    unscheduled: list[Unscheduled] = field(default_factory=list)
    resource_usage: dict[str, list[float]] = field(default_factory=dict)
    budget_usage: list[float] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    stats: dict[str, object] = field(default_factory=dict)

    def starts(self) -> dict[str, int]:
        """Demand id -> start period of every scheduled demand."""
        return {s.id: s.start for s in self.scheduled}
