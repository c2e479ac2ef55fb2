"""Independent feasibility check of a plan against its problem, rule by rule.

Shares no code with the planners (greedy, model, solve): it recomputes starts, usage, spend and the
objective from the two inputs alone, so a bug in a planner cannot hide itself here.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bearing.engine.codec import plan_from_dict
from bearing.engine.plan import Plan, Scheduled
from bearing.engine.problem import Demand, Problem, Resource

__all__ = ["CheckResult", "check_additions", "check_plan"]

# Relative slack on capacity, budget and objective comparisons: sums of fractions of hours
# differ in the last bits depending on the order they are added in.
_REL_TOL = 1e-6


@dataclass
class CheckResult:
    """Violations in words (empty when the plan is feasible) and the objective recomputed."""

    violations: list[str] = field(default_factory=list)
    objective: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.violations


def check_plan(problem: Problem, plan: Plan | dict[str, Any]) -> CheckResult:
    """Check every rule of the problem against the plan; raises PlanError on a malformed plan dict.

    An "infeasible" plan claims no schedule, so only its format is checked.
    """
    if not isinstance(plan, Plan):
        plan = plan_from_dict(plan)
    result = CheckResult()
    if plan.status == "infeasible":
        return result
    demands = {d.id: d for d in problem.demands}
    out = result.violations
    starts = _starts(demands, plan.scheduled, out)
    _check_coverage(problem, plan, out)
    for did, start in starts.items():
        _check_timing(problem, demands[did], start, out)
    _check_selection(problem, starts, out)
    _check_requires(demands, starts, out)
    usage = _resource_usage(problem, demands, starts)
    _check_capacity(problem, usage, out)
    _check_reported_usage(problem, plan, usage, out)
    _check_budgets(problem, demands, starts, plan, out)
    result.objective = _objective(problem, demands, starts)
    if not _close(plan.objective, result.objective):
        out.append(f"objective: plan claims {plan.objective:.10g}, recomputed {result.objective:.10g}")
    return result


def check_additions(problem: Problem, report: Any) -> list[str]:
    """Violations in words of a sufficiency report's schedule and capacity additions (its
    `schedule`, `additions` and `must_fit_ids`): every must-fit demand scheduled, in its window and
    after what it requires, and every resource within its capacity plus the additions made up to
    each period. Empty when the additions do let the must-fit demands in."""
    out: list[str] = []
    demands = {d.id: d for d in problem.demands}
    starts = dict(report.schedule)
    for d_id in report.must_fit_ids:
        if d_id not in starts:
            out.append(f"{d_id}: must fit but not scheduled")
    for d_id, start in starts.items():
        _check_timing(problem, demands[d_id], start, out)
    _check_requires(demands, starts, out)
    added = {name: [0.0] * problem.periods for name in problem.resources}
    for a in report.additions:
        for p in range(a.from_period, problem.periods):
            added[a.resource][p] += a.hours_per_period
    with_additions = dataclasses.replace(problem, resources={
        name: Resource(name, tuple(c + extra for c, extra in zip(r.capacity, added[name], strict=True)))
        for name, r in problem.resources.items()
    })  # fmt: skip
    _check_capacity(with_additions, _resource_usage(problem, demands, starts), out)
    return out


def _close(claimed: float, actual: float) -> bool:
    return abs(claimed - actual) <= _REL_TOL * max(1.0, abs(actual))


def _label(problem: Problem, period: int) -> str:
    if 0 <= period < len(problem.period_labels):
        return problem.period_labels[period]
    return f"period {period}"


def _starts(
    demands: dict[str, Demand], scheduled: list[Scheduled], out: list[str]
) -> dict[str, int]:
    """Start of every validly scheduled demand; reports unknown ids, repeats and wrong finishes."""
    starts: dict[str, int] = {}
    for i, s in enumerate(scheduled):
        d = demands.get(s.id)
        if d is None:
            out.append(f"scheduled[{i}]: {s.id} is not a demand of the problem")
            continue
        if s.id in starts:
            out.append(f"scheduled[{i}]: {s.id} is scheduled more than once")
            continue
        if s.finish != s.start + d.duration:
            out.append(
                f"{s.id}: finish {s.finish} is not start + duration ({s.start} + {d.duration} = "
                f"{s.start + d.duration})"
            )
        starts[s.id] = s.start
    return starts


def _check_coverage(problem: Problem, plan: Plan, out: list[str]) -> None:
    """Every demand is listed exactly once, either scheduled or unscheduled."""
    known = {d.id for d in problem.demands}
    listed = Counter(s.id for s in plan.scheduled) + Counter(u.id for u in plan.unscheduled)
    scheduled = {s.id for s in plan.scheduled}
    for i, u in enumerate(plan.unscheduled):
        if u.id not in known:
            out.append(f"unscheduled[{i}]: {u.id} is not a demand of the problem")
        elif u.id in scheduled:
            out.append(f"{u.id} is listed both as scheduled and as unscheduled")
    unscheduled_counts = Counter(u.id for u in plan.unscheduled)
    for did, n in unscheduled_counts.items():
        if n > 1 and did in known:
            out.append(f"{did} is listed as unscheduled more than once")
    for d in problem.demands:
        if listed[d.id] == 0:
            out.append(f"{d.id} is missing: listed neither as scheduled nor as unscheduled")


def _check_timing(problem: Problem, d: Demand, start: int, out: list[str]) -> None:
    """The demand runs inside the horizon, after its earliest start, by its deadline, at its fixed start."""
    finish = start + d.duration
    if start < 0 or finish > problem.periods:
        out.append(
            f"{d.id}: runs in periods {start}..{finish - 1}, outside the horizon 0..{problem.periods - 1}"
        )
    if start < d.earliest_start:
        out.append(f"{d.id}: starts in {_label(problem, start)}, before its earliest start "
                   f"{_label(problem, d.earliest_start)}")  # fmt: skip
    if d.deadline is not None and finish > d.deadline:
        out.append(f"{d.id}: finishes at {finish}, after its deadline {d.deadline}")
    if d.fixed_start is not None and start != d.fixed_start:
        out.append(f"{d.id}: starts at {start}, but its start is fixed at {d.fixed_start}")


def _check_selection(problem: Problem, starts: dict[str, int], out: list[str]) -> None:
    for d in problem.demands:
        if d.mandatory and d.id not in starts:
            out.append(f"{d.id}: mandatory but not scheduled")
        if d.excluded and d.id in starts:
            out.append(f"{d.id}: excluded but scheduled")


def _check_requires(demands: dict[str, Demand], starts: dict[str, int], out: list[str]) -> None:
    """Finish-to-start: a required demand is scheduled and finishes before its dependant starts."""
    for did, start in starts.items():
        for req in demands[did].requires:
            if req not in starts:
                out.append(f"{did}: requires {req}, which is not scheduled")
                continue
            req_finish = starts[req] + demands[req].duration
            if req_finish > start:
                out.append(
                    f"{did}: starts at {start}, before {req} (which it requires) finishes at {req_finish}"
                )


def _resource_usage(
    problem: Problem, demands: dict[str, Demand], starts: dict[str, int]
) -> dict[str, list[float]]:
    """Hours of each resource used in each period, from the starts alone."""
    usage = {name: [0.0] * problem.periods for name in problem.resources}
    for did, start in starts.items():
        d = demands[did]
        for name, hours in d.effort.items():
            row = usage.get(name)
            if row is None:
                continue
            for p in range(max(start, 0), min(start + d.duration, problem.periods)):
                row[p] += hours / d.duration
    return usage


def _check_capacity(problem: Problem, usage: dict[str, list[float]], out: list[str]) -> None:
    for name, row in usage.items():
        capacity = problem.resources[name].capacity
        for p, used in enumerate(row):
            cap = capacity[p] if p < len(capacity) else 0.0
            if used > cap + _REL_TOL * max(1.0, abs(cap)):
                out.append(
                    f"{name} in {_label(problem, p)}: {used:.1f} hours used, capacity {cap:.1f}"
                )


def _check_reported_usage(
    problem: Problem, plan: Plan, usage: dict[str, list[float]], out: list[str]
) -> None:
    """Usage the plan reports (when it reports any) matches the usage its starts imply."""
    for name, reported in plan.resource_usage.items():
        actual = usage.get(name)
        if actual is None:
            out.append(f"usage: reports resource {name}, which the problem does not declare")
            continue
        if len(reported) != len(actual):
            out.append(
                f"usage of {name}: reports {len(reported)} periods, the horizon has {len(actual)}"
            )
            continue
        for p, (r, a) in enumerate(zip(reported, actual)):
            if not _close(r, a):
                out.append(
                    f"usage of {name} in {_label(problem, p)}: plan reports {r:.1f}, recomputed {a:.1f}"
                )


def _check_budgets(
    problem: Problem, demands: dict[str, Demand], starts: dict[str, int], plan: Plan, out: list[str]
) -> None:
    for b, budget in enumerate(problem.budgets):
        spent = 0.0
        for did, start in starts.items():
            d = demands[did]
            active = min(budget.last, start + d.duration - 1) - max(budget.first, start) + 1
            if active > 0:
                spent += d.cost / d.duration * active
        window = f"{_label(problem, budget.first)}..{_label(problem, budget.last)}"
        if spent > budget.amount + _REL_TOL * max(1.0, abs(budget.amount)):
            out.append(f"budget {window}: {spent:.2f} spent, amount {budget.amount:.2f}")
        if (
            plan.budget_usage
            and b < len(plan.budget_usage)
            and not _close(plan.budget_usage[b], spent)
        ):
            out.append(
                f"usage of budget {window}: plan reports {plan.budget_usage[b]:.2f}, recomputed {spent:.2f}"
            )
    if plan.budget_usage and len(plan.budget_usage) != len(problem.budgets):
        out.append(
            f"usage: reports {len(plan.budget_usage)} budget windows, the problem has {len(problem.budgets)}"
        )


def _objective(problem: Problem, demands: dict[str, Demand], starts: dict[str, int]) -> float:
    """Sum of selected values, each discounted by its last active period."""
    total = 0.0
    for did, start in starts.items():
        d = demands[did]
        last_period = start + d.duration - 1
        total += (
            d.value * (1.0 - problem.discount_rate) ** last_period
            if problem.discount_rate > 0
            else d.value
        )
    return total
