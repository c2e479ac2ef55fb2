"""Reading and writing `bearing-problem/1` and `bearing-plan/1` JSON (see DESIGN.md).

Every error names the JSON path and the rule it breaks, e.g. `demands[12].effort.dev: must be
>= 0`, and all errors are collected so a user can fix a file in one go.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from bearing.engine.plan import Plan, Scheduled, Unscheduled
from bearing.engine.problem import Budget, Demand, Problem, Resource

__all__ = [
    "PLAN_FORMAT",
    "PROBLEM_FORMAT",
    "PlanError",
    "ProblemError",
    "load_plan",
    "load_problem",
    "plan_from_dict",
    "plan_to_dict",
    "problem_from_dict",
    "problem_to_dict",
    "validate",
]

PROBLEM_FORMAT = "bearing-problem/1"
PLAN_FORMAT = "bearing-plan/1"
PLAN_STATUSES = ("optimal", "feasible", "infeasible", "unknown")
# The largest hours, money or value a problem may state. Larger is a typing error, and products of
# such numbers (hours x scarcity, squared norms) overflow inside the solver.
LARGEST_AMOUNT = 1e15

_TOP_FIELDS = {
    "format",
    "periods",
    "period_labels",
    "resources",
    "budgets",
    "discount_rate",
    "demands",
}
_DEMAND_FIELDS = {
    "id", "value", "cost", "duration", "effort", "earliest_start", "deadline",
    "requires", "mandatory", "excluded", "fixed_start",
}  # fmt: skip


class ProblemError(ValueError):
    """A problem file or object breaks the format; `.errors` holds one message per broken rule."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class PlanError(ValueError):
    """A plan file breaks the format; `.errors` holds one message per broken rule."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class _Reader:
    """Typed field access on JSON data that records an error (and returns None) on a bad value."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        # the file's top level has no path of its own: name it, not an empty one
        self.errors.append(f"{path or '(top level)'}: {message}")

    def obj(self, data: Any, path: str, allowed: set[str] | None = None) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.fail(path, f"must be an object, not {_kind(data)}")
            return None
        for key in sorted(set(data) - allowed if allowed is not None else ()):
            self.fail(_join(path, key), "unknown field")
        return data

    def number(
        self, data: Mapping[str, Any], key: str, path: str, default: Any = ...
    ) -> float | None:
        if key not in data:
            return cast(float | None, self._missing(path, key, default))
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(_join(path, key), f"must be a number, not {_kind(value)}")
            return None
        if not math.isfinite(value):
            self.fail(_join(path, key), "must be a finite number")
            return None
        return float(value)

    def integer(
        self, data: Mapping[str, Any], key: str, path: str, default: Any = ...
    ) -> int | None:
        if key not in data:
            return cast(int | None, self._missing(path, key, default))
        value = data[key]
        if value is None and default is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(_join(path, key), f"must be an integer, not {_kind(value)}")
            return None
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(_join(path, key), f"must be true or false, not {_kind(value)}")
            return default
        return value

    def string(self, data: Mapping[str, Any], key: str, path: str) -> str | None:
        if key not in data:
            return cast(str | None, self._missing(path, key, ...))
        value = data[key]
        if not isinstance(value, str) or not value:
            kind = "an empty one" if value == "" else _kind(value)
            self.fail(_join(path, key), f"must be a non-empty string, not {kind}")
            return None
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str, required: bool) -> list[Any]:
        if key not in data:
            if required:
                self.fail(_join(path, key), "is required")
            return []
        value = data[key]
        if not isinstance(value, list):
            self.fail(_join(path, key), f"must be a list, not {_kind(value)}")
            return []
        return value

    def _missing(self, path: str, key: str, default: Any) -> Any:
        if default is ...:
            self.fail(_join(path, key), "is required")
            return None
        return default


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _kind(value: Any) -> str:
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
    }
    if value is None:
        return "null"
    return names.get(type(value), "an object" if isinstance(value, dict) else type(value).__name__)


# ---------------------------------------------------------------- problem: JSON -> Problem


def problem_from_dict(data: Any) -> Problem:
    """Build a Problem from `bearing-problem/1` JSON data; raises ProblemError listing every error."""
    r = _Reader()
    top = r.obj(data, "", _TOP_FIELDS)
    if top is None:
        raise ProblemError(r.errors)
    if top.get("format") != PROBLEM_FORMAT:
        r.fail("format", f'must be "{PROBLEM_FORMAT}", not {json.dumps(top.get("format"))}')
    periods = r.integer(top, "periods", "")
    horizon = periods if periods is not None and periods >= 1 else 0
    labels = r.items(top, "period_labels", "", required=False)
    for p, label in enumerate(labels):
        if not isinstance(label, str):
            r.fail(f"period_labels[{p}]", f"must be a string, not {_kind(label)}")
    resources = _read_resources(r, top, horizon)
    budgets = _read_budgets(r, top)
    discount = r.number(top, "discount_rate", "", default=0.0)
    demands = [
        _read_demand(r, d, f"demands[{i}]") for i, d in enumerate(r.items(top, "demands", "", True))
    ]
    problem = Problem(
        periods=periods if periods is not None else 0,
        resources=resources,
        demands=tuple(d for d in demands if d is not None),
        budgets=tuple(budgets),
        discount_rate=discount if discount is not None else 0.0,
        period_labels=tuple(labels),
    )
    if periods is None:
        raise ProblemError(r.errors)  # every horizon rule would report a follow-on error
    # Values that failed to read were replaced by placeholders; rules on those paths would only
    # repeat the read error, so they are left out.
    read_paths = [e.split(": ", 1)[0] for e in r.errors]
    rules = validate(problem, _positions(demands))
    errors = r.errors + [e for e in rules if not _under_any(e.split(": ", 1)[0], read_paths)]
    if errors:
        raise ProblemError(errors)
    return problem


def _positions(demands: list[Demand | None]) -> list[int]:
    """Index in the JSON list of each demand that was read, so paths stay right after skips."""
    return [i for i, d in enumerate(demands) if d is not None]


def _under_any(path: str, prefixes: list[str]) -> bool:
    return any(path == q or path.startswith((q + ".", q + "[")) for q in prefixes)


def _read_resources(r: _Reader, top: dict[str, Any], periods: int) -> dict[str, Resource]:
    raw = r.obj(top.get("resources"), "resources") if "resources" in top else None
    if "resources" not in top:
        r.fail("resources", "is required")
    resources: dict[str, Resource] = {}
    for name, spec in (raw or {}).items():
        path = f"resources.{name}"
        spec = r.obj(spec, path, {"capacity"})
        if spec is None:
            continue
        if "capacity" not in spec:
            r.fail(_join(path, "capacity"), "is required")
            continue
        cap = spec["capacity"]
        if isinstance(cap, list):
            values = [_list_number(r, v, f"{path}.capacity[{p}]") for p, v in enumerate(cap)]
            resources[name] = Resource(name, tuple(values))
        else:
            value = r.number(spec, "capacity", path)
            resources[name] = Resource(name, (_or(value, 0.0),) * periods)
    return resources


def _list_number(r: _Reader, value: Any, path: str) -> float:
    """A number inside a list (0.0 and an error when it is not one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        r.fail(path, f"must be a finite number, not {_kind(value)}")
        return 0.0
    return float(value)


def _read_budgets(r: _Reader, top: dict[str, Any]) -> list[Budget]:
    budgets = []
    for i, raw in enumerate(r.items(top, "budgets", "", required=False)):
        path = f"budgets[{i}]"
        spec = r.obj(raw, path, {"first", "last", "amount"})
        if spec is None:
            continue
        first, last = r.integer(spec, "first", path), r.integer(spec, "last", path)
        amount = r.number(spec, "amount", path)
        if first is not None and last is not None and amount is not None:
            budgets.append(Budget(first, last, amount))
    return budgets


def _read_demand(r: _Reader, raw: Any, path: str) -> Demand | None:
    """The demand at `path`, with placeholders for values that failed to read."""
    spec = r.obj(raw, path, _DEMAND_FIELDS)
    if spec is None:
        return None
    effort: dict[str, float] = {}
    effort_raw = r.obj(spec.get("effort", {}), _join(path, "effort"))
    for name in effort_raw or {}:
        value = r.number(effort_raw or {}, name, _join(path, "effort"))
        if value is not None:
            effort[name] = value
    requires_raw = r.items(spec, "requires", path, required=False)
    for j, req in enumerate(requires_raw):
        if not isinstance(req, str):
            r.fail(f"{path}.requires[{j}]", f"must be a demand id (string), not {_kind(req)}")
    demand = Demand(
        id=r.string(spec, "id", path) or "",
        value=_or(r.number(spec, "value", path), 0.0),
        cost=_or(r.number(spec, "cost", path, default=0.0), 0.0),
        duration=_or(r.integer(spec, "duration", path, default=1), 1),
        effort=effort,
        earliest_start=_or(r.integer(spec, "earliest_start", path, default=0), 0),
        deadline=r.integer(spec, "deadline", path, default=None),
        requires=tuple(x for x in requires_raw if isinstance(x, str)),
        mandatory=r.boolean(spec, "mandatory", path, False),
        excluded=r.boolean(spec, "excluded", path, False),
        fixed_start=r.integer(spec, "fixed_start", path, default=None),
    )
    return demand


def _or(value: Any, default: Any) -> Any:
    return default if value is None else value


# ---------------------------------------------------------------- validation of a built Problem


def validate(problem: Problem, positions: list[int] | None = None) -> list[str]:
    """Every rule a problem must satisfy, as path-precise messages; empty when the problem is valid.

    `positions[k]` is the JSON list index of `problem.demands[k]` (defaults to k).
    """
    errors: list[str] = []
    add = errors.append
    periods = problem.periods
    pos = positions if positions is not None else list(range(len(problem.demands)))
    if periods < 1:
        add(f"periods: must be >= 1, got {periods}")
    if problem.period_labels and len(problem.period_labels) != periods:
        add(
            f"period_labels: must have one label per period ({periods}), got {len(problem.period_labels)}"
        )
    if not 0.0 <= problem.discount_rate < 1.0:
        add(f"discount_rate: must be >= 0 and < 1, got {problem.discount_rate}")
    for name, res in problem.resources.items():
        if periods >= 1 and len(res.capacity) != periods:
            add(
                f"resources.{name}.capacity: must have one value per period ({periods}), got {len(res.capacity)}"
            )
        for p, cap in enumerate(res.capacity):
            if cap < 0:
                add(f"resources.{name}.capacity[{p}]: must be >= 0, got {cap:g}")
            _at_most(add, f"resources.{name}.capacity[{p}]", cap)
    for i, b in enumerate(problem.budgets):
        if b.first > b.last:
            add(f"budgets[{i}]: first ({b.first}) must be <= last ({b.last})")
        if not (0 <= b.first < periods and 0 <= b.last < periods):
            add(f"budgets[{i}]: window {b.first}..{b.last} is outside the horizon 0..{periods - 1}")
        if b.amount < 0:
            add(f"budgets[{i}].amount: must be >= 0, got {b.amount:g}")
        _at_most(add, f"budgets[{i}].amount", b.amount)
    seen: dict[str, int] = {}
    for k, d in enumerate(problem.demands):
        path = f"demands[{pos[k]}]"
        if d.id in seen:
            add(f"{path}.id: duplicate id {json.dumps(d.id)} (also demands[{seen[d.id]}])")
        else:
            seen[d.id] = pos[k]
        errors.extend(_demand_errors(problem, d, path))
    known = set(seen)
    for k, d in enumerate(problem.demands):
        for j, req in enumerate(d.requires):
            if req not in known:
                add(f"demands[{pos[k]}].requires[{j}]: unknown demand {json.dumps(req)}")
    cycle = _find_cycle(problem.demands, known)
    if cycle:
        add("requires: cycle " + " -> ".join(cycle))
    return errors


def _at_most(add: Callable[[str], None], path: str, amount: float) -> None:
    if amount > LARGEST_AMOUNT:
        add(f"{path}: must be at most {LARGEST_AMOUNT:g}, got {amount:g}")


def _demand_errors(problem: Problem, d: Demand, path: str) -> list[str]:
    errors: list[str] = []
    add = errors.append
    if not d.id:
        add(f"{path}.id: must be a non-empty string")
    if d.value < 0:
        add(f"{path}.value: must be >= 0, got {d.value:g}")
    if d.cost < 0:
        add(f"{path}.cost: must be >= 0, got {d.cost:g}")
    _at_most(add, f"{path}.value", d.value)
    _at_most(add, f"{path}.cost", d.cost)
    if d.duration < 1:
        add(f"{path}.duration: must be >= 1, got {d.duration}")
    if d.earliest_start < 0:
        add(f"{path}.earliest_start: must be >= 0, got {d.earliest_start}")
    for name, hours in d.effort.items():
        if name not in problem.resources:
            add(f"{path}.effort.{name}: no resource named {json.dumps(name)} is declared")
        if hours < 0:
            add(f"{path}.effort.{name}: must be >= 0, got {hours:g}")
        _at_most(add, f"{path}.effort.{name}", hours)
    if d.deadline is not None and d.duration >= 1 and d.deadline < d.earliest_start + d.duration:
        add(
            f"{path}.deadline: {d.deadline} is earlier than earliest_start + duration "
            f"({d.earliest_start} + {d.duration} = {d.earliest_start + d.duration})"
        )
    if d.mandatory and d.excluded:
        add(f"{path}: mandatory and excluded are both true")
    if d.fixed_start is not None and d.duration >= 1:
        last = d.latest_start(problem.periods)
        if not d.earliest_start <= d.fixed_start <= last:
            window = f"{d.earliest_start}..{last}" if last >= d.earliest_start else "empty"
            add(f"{path}.fixed_start: {d.fixed_start} is outside the start window ({window})")
    return errors


def _find_cycle(demands: tuple[Demand, ...], known: set[str]) -> list[str]:
    """One cycle in the `requires` graph as [a, b, ..., a], or [] when there is none."""
    graph = {d.id: [r for r in d.requires if r in known] for d in demands}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in graph:
        if state.get(root):
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, i = stack[-1]
            if i < len(graph[node]):
                stack[-1] = (node, i + 1)
                nxt = graph[node][i]
                if state.get(nxt) == 1:
                    return path[path.index(nxt) :] + [nxt]
                if not state.get(nxt):
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return []


# ---------------------------------------------------------------- problem: Problem -> JSON


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """`bearing-problem/1` JSON data for `problem`; optional fields at their default are left out."""
    data: dict[str, Any] = {"format": PROBLEM_FORMAT, "periods": problem.periods}
    if problem.period_labels:
        data["period_labels"] = list(problem.period_labels)
    data["resources"] = {
        name: {"capacity": _capacity_json(r.capacity)} for name, r in problem.resources.items()
    }
    data["budgets"] = [
        {"first": b.first, "last": b.last, "amount": b.amount} for b in problem.budgets
    ]
    data["discount_rate"] = problem.discount_rate
    data["demands"] = [_demand_to_dict(d) for d in problem.demands]
    return data


def _capacity_json(capacity: tuple[float, ...]) -> float | list[float]:
    if capacity and all(c == capacity[0] for c in capacity):
        return capacity[0]
    return list(capacity)


def _demand_to_dict(d: Demand) -> dict[str, Any]:
    out: dict[str, Any] = {"id": d.id, "value": d.value, "cost": d.cost, "duration": d.duration}
    out["effort"] = dict(d.effort)
    out["earliest_start"] = d.earliest_start
    if d.deadline is not None:
        out["deadline"] = d.deadline
    if d.requires:
        out["requires"] = list(d.requires)
    if d.mandatory:
        out["mandatory"] = True
    if d.excluded:
        out["excluded"] = True
    if d.fixed_start is not None:
        out["fixed_start"] = d.fixed_start
    return out


def load_problem(path: str | Path) -> Problem:
    """Read and validate a problem file; raises ProblemError (also for a missing file or bad JSON)."""
    return problem_from_dict(_load_json(path, ProblemError))


def load_plan(path: str | Path) -> Plan:
    """Read a plan file; raises PlanError (also for a missing file or bad JSON)."""
    return plan_from_dict(_load_json(path, PlanError))


def _load_json(path: str | Path, error: Callable[[list[str]], ValueError]) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error([f"{path}: no such file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error([f"{path}: cannot read ({exc})"]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(
            [f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]
        ) from None


# ---------------------------------------------------------------- plan


def plan_to_dict(plan: Plan, problem: Problem | None = None) -> dict[str, Any]:
    """`bearing-plan/1` JSON data for `plan`. With `problem`, period labels are added to usage."""
    data: dict[str, Any] = {
        "format": PLAN_FORMAT,
        "status": plan.status,
        "objective": plan.objective,
        "bound": plan.bound,
        "gap": plan.gap,
        "seconds": plan.seconds,
        "scheduled": [_scheduled_to_dict(s) for s in plan.scheduled],
        "unscheduled": [_unscheduled_to_dict(u) for u in plan.unscheduled],
        "usage": {
            "resources": {k: list(v) for k, v in plan.resource_usage.items()},
            "budgets": list(plan.budget_usage),
        },
        "conflicts": list(plan.conflicts),
        "stats": dict(plan.stats),
    }
    if problem is not None and problem.period_labels:
        data["usage"]["period_labels"] = list(problem.period_labels)
    return data


def _scheduled_to_dict(s: Scheduled) -> dict[str, Any]:
    out: dict[str, Any] = {"id": s.id, "start": s.start, "finish": s.finish}
    if s.reasons:
        out["reasons"] = list(s.reasons)
    return out


def _unscheduled_to_dict(u: Unscheduled) -> dict[str, Any]:
    out: dict[str, Any] = {"id": u.id, "reasons": list(u.reasons)}
    if u.details:
        out["details"] = dict(u.details)
    return out


def plan_from_dict(data: Any) -> Plan:
    """Build a Plan from `bearing-plan/1` JSON data; raises PlanError listing every format error."""
    r = _Reader()
    top = r.obj(data, "")
    if top is None:
        raise PlanError(r.errors)
    if top.get("format") != PLAN_FORMAT:
        r.fail("format", f'must be "{PLAN_FORMAT}", not {json.dumps(top.get("format"))}')
    status = top.get("status")
    if status not in PLAN_STATUSES:
        r.fail("status", f"must be one of {', '.join(PLAN_STATUSES)}, not {json.dumps(status)}")
    scheduled = []
    for i, raw in enumerate(r.items(top, "scheduled", "", required=True)):
        path = f"scheduled[{i}]"
        spec = r.obj(raw, path, {"id", "start", "finish", "reasons"})
        if spec is None:
            continue
        sid, start, finish = (
            r.string(spec, "id", path),
            r.integer(spec, "start", path),
            r.integer(spec, "finish", path),
        )
        if sid is not None and start is not None and finish is not None:
            scheduled.append(
                Scheduled(sid, start, finish, tuple(_strings(r, spec, "reasons", path)))
            )
    unscheduled = []
    for i, raw in enumerate(r.items(top, "unscheduled", "", required=False)):
        path = f"unscheduled[{i}]"
        spec = r.obj(raw, path, {"id", "reasons", "details"})
        if spec is None:
            continue
        uid = r.string(spec, "id", path)
        details = spec.get("details", {})
        if not isinstance(details, dict):
            r.fail(_join(path, "details"), f"must be an object, not {_kind(details)}")
            details = {}
        if uid is not None:
            unscheduled.append(Unscheduled(uid, tuple(_strings(r, spec, "reasons", path)), details))
    usage = r.obj(top.get("usage", {}), "usage") or {}
    resource_usage = _usage_resources(r, usage)
    budget_usage = [
        _list_number(r, v, f"usage.budgets[{i}]")
        for i, v in enumerate(r.items(usage, "budgets", "usage", False))
    ]
    stats = top.get("stats", {})
    plan = Plan(
        status=status if status in PLAN_STATUSES else "unknown",
        objective=_or(r.number(top, "objective", "", default=0.0), 0.0),
        bound=r.number(top, "bound", "", default=None) if top.get("bound") is not None else None,
        gap=r.number(top, "gap", "", default=None) if top.get("gap") is not None else None,
        seconds=_or(r.number(top, "seconds", "", default=0.0), 0.0),
        scheduled=scheduled,
        unscheduled=unscheduled,
        resource_usage=resource_usage,
        budget_usage=budget_usage,
        conflicts=_strings(r, top, "conflicts", ""),
        stats=stats if isinstance(stats, dict) else {},
    )
    if r.errors:
        raise PlanError(r.errors)
    return plan


def _strings(r: _Reader, spec: Mapping[str, Any], key: str, path: str) -> list[str]:
    values = r.items(spec, key, path, required=False)
    for j, v in enumerate(values):
        if not isinstance(v, str):
            r.fail(f"{_join(path, key)}[{j}]", f"must be a string, not {_kind(v)}")
    return [v for v in values if isinstance(v, str)]


def _usage_resources(r: _Reader, usage: Mapping[str, Any]) -> dict[str, list[float]]:
    raw = r.obj(usage.get("resources", {}), "usage.resources") or {}
    out: dict[str, list[float]] = {}
    for name, values in raw.items():
        if not isinstance(values, list) or any(
            isinstance(v, bool) or not isinstance(v, (int, float)) for v in values
        ):
            r.fail(f"usage.resources.{name}", "must be a list of numbers")
            continue
        out[name] = [float(v) for v in values]
    return out
