"""Seeded generator of realistic planning problems, for benchmarks and smoke tests.

The portfolio it draws looks like an IT department's backlog: a few skills are wanted by most
projects (Zipf-like popularity), project sizes in hours are lognormal, cost follows hours with
noise, value follows size only loosely, about 10% of demands depend on an earlier one, about 5%
are mandatory, some have deadlines, money is limited per year (windows of 4 quarters) and each
skill's capacity covers only about half of the hours demanded of it. The same seed always gives
the same problem.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, fields

from bearing.engine.problem import Budget, Demand, Problem, Resource

__all__ = ["SIZES", "GeneratorKnobs", "generate_problem", "generate_size"]

# Preset sizes: (demands, resources, quarters).
SIZES: dict[str, tuple[int, int, int]] = {
    "S": (60, 8, 8),
    "M": (500, 20, 12),
    "L": (2000, 30, 12),
    "XL": (10000, 40, 16),
    # beyond the sizes: the tens of thousands the product is for
    "XXL": (30000, 60, 16),
}

# Duration in quarters grows with size; these are the size thresholds (hours) for 2, 3, 4 quarters.
_DURATION_STEPS = (400.0, 1500.0, 4000.0)


@dataclass(frozen=True)
class GeneratorKnobs:
    """Tunable shape of the generated portfolio; every field can be passed to `generate_problem`."""

    fit_fraction: float = 0.5  # total capacity / total demanded hours, per resource
    budget_tightness: float = 0.9  # yearly budget = tightness * fit_fraction * share of total cost
    dependency_fraction: float = 0.10
    mandatory_fraction: float = 0.05
    deadline_fraction: float = 0.15
    late_start_fraction: float = 0.20  # demands that cannot start before a later quarter
    zipf_exponent: float = 1.0  # skill popularity ~ 1 / rank ** exponent
    median_hours: float = 600.0
    sigma_hours: float = 1.0  # lognormal spread of project size
    hourly_rate: float = 95.0  # money per hour, before noise
    max_share: float = 0.5  # one demand uses at most this share of a skill's quarterly capacity
    discount_rate: float = 0.0
    start_year: int = 2027


@dataclass
class _Draft:
    """A demand while it is being drawn (mutable until capacities are known)."""

    id: str
    hours: float
    duration: int
    split: dict[str, float]  # resource -> share of hours
    cost_per_hour: float
    value: float
    earliest_start: int
    requires: tuple[str, ...] = ()
    earliest_finish: int = 0
    deadline: int | None = None
    mandatory: bool = False

    def effort(self) -> dict[str, float]:
        return {r: self.hours * s for r, s in self.split.items()}


def generate_problem(
    n_demands: int, n_resources: int, periods: int, seed: int = 0, **knobs: float
) -> Problem:
    """A realistic, valid problem of the given size; the same arguments give the same problem.

    Knobs are the fields of `GeneratorKnobs` (e.g. `fit_fraction=0.4`); unknown names raise TypeError.
    """
    if n_demands < 1 or n_resources < 1 or periods < 1:
        raise ValueError("n_demands, n_resources and periods must all be at least 1")
    k = _knobs(knobs)
    rng = random.Random(seed)
    names = [f"skill-{i + 1:02d}" for i in range(n_resources)]
    popularity = list(
        itertools.accumulate(1.0 / (rank + 1) ** k.zipf_exponent for rank in range(n_resources))
    )  # cumulative, so each draw does not re-add the weights
    width = len(str(n_demands))
    drafts: list[_Draft] = []
    for i in range(n_demands):
        drafts.append(_draw_demand(rng, k, f"D-{i + 1:0{width}d}", names, popularity, periods))
    _add_dependencies(rng, k, drafts, periods)
    _add_deadlines(rng, k, drafts, periods)
    capacity = _fit_capacities(rng, k, drafts, names, periods)
    _choose_mandatory(rng, k, drafts, capacity, periods)
    budgets = _yearly_budgets(k, drafts, periods)
    return Problem(
        periods=periods,
        resources={r: Resource(r, tuple(capacity[r])) for r in names},
        demands=tuple(_finish(d) for d in drafts),
        budgets=budgets,
        discount_rate=k.discount_rate,
        period_labels=tuple(f"{k.start_year + p // 4}-Q{p % 4 + 1}" for p in range(periods)),
    )


def generate_size(size: str, seed: int = 0, **knobs: float) -> Problem:
    """A problem of one of the preset sizes "S", "M", "L", "XL", "XXL"."""
    n, m, t = SIZES[size]
    return generate_problem(n, m, t, seed, **knobs)


def _knobs(overrides: dict[str, float]) -> GeneratorKnobs:
    known = {f.name for f in fields(GeneratorKnobs)}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise TypeError(f"unknown generator knob(s): {', '.join(unknown)}")
    return GeneratorKnobs(**overrides)  # type: ignore[arg-type]


def _pick_skills(rng: random.Random, names: list[str], popularity: list[float]) -> list[str]:
    """1-3 distinct skills, popular ones more often (most projects need one or two)."""
    count = min(len(names), rng.choices((1, 2, 3), weights=(0.45, 0.35, 0.20))[0])
    chosen: list[str] = []
    while len(chosen) < count:
        name = rng.choices(names, cum_weights=popularity)[0]
        if name not in chosen:
            chosen.append(name)
    return chosen


def _draw_demand(
    rng: random.Random,
    k: GeneratorKnobs,
    demand_id: str,
    names: list[str],
    popularity: list[float],
    periods: int,
) -> _Draft:
    hours = min(
        40.0 * k.median_hours,
        max(20.0, rng.lognormvariate(math.log(k.median_hours), k.sigma_hours)),
    )
    # Bigger projects last longer, with one quarter of jitter either way.
    steps = sum(hours >= s for s in _DURATION_STEPS)
    duration = max(1, min(4, periods, 1 + steps + rng.choice((-1, 0, 0, 0, 1))))
    skills = _pick_skills(rng, names, popularity)
    raw = [rng.uniform(0.3, 1.0) for _ in skills]
    split = {s: w / sum(raw) for s, w in zip(skills, raw)}
    # Value is loosely tied to size: returns scale sub-linearly and vary a lot between projects.
    value = (hours / 100.0) ** 0.8 * rng.lognormvariate(0.0, 0.6) * 10.0
    latest = periods - duration
    earliest = (
        rng.randint(1, max(1, latest // 2))
        if latest > 0 and rng.random() < k.late_start_fraction
        else 0
    )
    return _Draft(
        id=demand_id,
        hours=hours,
        duration=duration,
        split=split,
        cost_per_hour=k.hourly_rate * rng.lognormvariate(0.0, 0.25),
        value=value,
        earliest_start=earliest,
        earliest_finish=earliest + duration,
    )


def _add_dependencies(
    rng: random.Random, k: GeneratorKnobs, drafts: list[_Draft], periods: int
) -> None:
    """About `dependency_fraction` of demands require one earlier demand; only when both can still
    fit in the horizon one after the other. Pointing backwards keeps the graph acyclic."""
    for i, d in enumerate(drafts):
        if i == 0 or rng.random() >= k.dependency_fraction:
            continue
        pred = drafts[rng.randrange(i)]
        start = max(d.earliest_start, pred.earliest_finish)
        if start + d.duration > periods:
            continue
        d.requires = (pred.id,)
        d.earliest_finish = start + d.duration


def _add_deadlines(
    rng: random.Random, k: GeneratorKnobs, drafts: list[_Draft], periods: int
) -> None:
    """Some demands must finish by a quarter, with 0-3 quarters of slack after their earliest finish."""
    for d in drafts:
        if rng.random() < k.deadline_fraction:
            deadline = d.earliest_finish + rng.randint(0, 3)
            if deadline < periods:
                d.deadline = deadline


def _resource_hours(drafts: list[_Draft], names: list[str]) -> dict[str, float]:
    total = dict.fromkeys(names, 0.0)
    for d in drafts:
        for r, h in d.effort().items():
            total[r] += h
    return total


def _fit_capacities(
    rng: random.Random, k: GeneratorKnobs, drafts: list[_Draft], names: list[str], periods: int
) -> dict[str, list[float]]:
    """Quarterly capacity per skill so that about `fit_fraction` of its demanded hours fit.

    A demand too big for a small skill's quarterly capacity is scaled down (a real planner would
    split it), so every demand can be done on its own; the capacities are then drawn again.
    """
    level = _capacity_levels(k, drafts, names, periods, floor=1.0)
    for d in drafts:
        scale = 1.0
        for r, share in d.split.items():
            per_period = d.hours * share / d.duration
            scale = min(scale, k.max_share * level[r] / per_period)
        d.hours *= scale
    level = _capacity_levels(k, drafts, names, periods, floor=1.0)
    capacity = {
        r: [float(max(1, round(level[r] * rng.uniform(0.92, 1.08)))) for _ in range(periods)]
        for r in names
    }
    for d in drafts:  # the jitter must not make a demand too big for its least quarter
        for r, share in d.split.items():
            limit = min(capacity[r]) * d.duration / share
            d.hours = min(d.hours, limit)
    return capacity


def _capacity_levels(
    k: GeneratorKnobs, drafts: list[_Draft], names: list[str], periods: int, floor: float
) -> dict[str, float]:
    hours = _resource_hours(drafts, names)
    # A skill nobody asks for still has someone on staff.
    return {r: max(floor, k.fit_fraction * hours[r] / periods) for r in names}


def _choose_mandatory(
    rng: random.Random,
    k: GeneratorKnobs,
    drafts: list[_Draft],
    capacity: dict[str, list[float]],
    periods: int,
) -> None:
    """About `mandatory_fraction` of demands are mandatory: small, dependency-free, no deadline,
    and together using at most a quarter of any skill's capacity, so they always fit."""
    n_target = round(k.mandatory_fraction * len(drafts))
    sizes = sorted(d.hours for d in drafts)
    median = sizes[len(sizes) // 2]
    candidates = [d for d in drafts if not d.requires and d.deadline is None and d.hours <= median]
    rng.shuffle(candidates)
    room = {r: 0.25 * sum(c) for r, c in capacity.items()}
    chosen = 0
    for d in candidates:
        if chosen >= n_target:
            break
        eff = d.effort()
        if all(h <= room[r] for r, h in eff.items()):
            for r, h in eff.items():
                room[r] -= h
            d.mandatory = True
            d.earliest_start = 0
            d.earliest_finish = d.duration
            chosen += 1


def _yearly_budgets(k: GeneratorKnobs, drafts: list[_Draft], periods: int) -> tuple[Budget, ...]:
    """One budget per year (4 quarters; the last may be shorter), sized so money binds mildly
    on top of capacity, and always enough for the mandatory demands."""
    total = sum(d.hours * d.cost_per_hour for d in drafts)
    mandatory = sum(d.hours * d.cost_per_hour for d in drafts if d.mandatory)
    budgets = []
    for first in range(0, periods, 4):
        last = min(periods, first + 4) - 1
        share = (last - first + 1) / periods
        amount = k.budget_tightness * k.fit_fraction * total * share
        budgets.append(
            Budget(first, last, float(round(max(amount, 2.0 * mandatory), -3) or 1000.0))
        )
    return tuple(budgets)


def _finish(d: _Draft) -> Demand:
    """Rounded, frozen demand; effort is rounded down so it stays within capacity."""
    return Demand(
        id=d.id,
        value=round(d.value, 2),
        cost=float(round(d.hours * d.cost_per_hour, -2)),
        duration=d.duration,
        effort={r: math.floor(h * 10.0) / 10.0 for r, h in d.effort().items()},
        earliest_start=d.earliest_start,
        deadline=d.deadline,
        requires=d.requires,
        mandatory=d.mandatory,
    )
