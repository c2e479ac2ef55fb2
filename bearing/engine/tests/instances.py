"""Small seeded problems shared by the engine's tests."""

from __future__ import annotations

import random

from bearing.engine.problem import Demand, Problem, Resource


def tight_schedule(seed: int, n: int, periods: int) -> Problem:
    """`n` mandatory demands of 1-4 periods on two resources (dev, ops) of 10 hours a period, a few
    requirements: with `periods` near the shortest schedule, a scheduling question for CP-SAT."""
    rng = random.Random(seed)
    demands = []
    for i in range(n):
        duration = rng.randint(1, 4)
        effort = {r: float(rng.randint(2, 8) * duration) for r in ("dev", "ops") if rng.random() < 0.7}
        requires = tuple(f"D{j}" for j in range(i) if rng.random() < 0.12)
        demands.append(
            Demand(f"D{i}", 1.0, effort=effort or {"dev": 3.0 * duration}, duration=duration, mandatory=True,
                   requires=requires)
        )
    resources = {r: Resource(r, (10.0,) * periods) for r in ("dev", "ops")}
    return Problem(periods=periods, resources=resources, demands=tuple(demands))


def selection(seed: int, items: int, rows: int) -> Problem:
    """One period, no requirements: a multidimensional knapsack with capacities a quarter of the demand."""
    rng = random.Random(seed)
    demands, totals = [], [0.0] * rows
    for i in range(items):
        weights = [float(rng.randint(1, 1000)) for _ in range(rows)]
        totals = [t + w for t, w in zip(totals, weights, strict=True)]
        value = sum(weights) / rows + rng.randint(1, 500)
        demands.append(Demand(f"I{i}", value, effort={f"r{k}": w for k, w in enumerate(weights)}, duration=1))
    resources = {f"r{k}": Resource(f"r{k}", (float(t // 4),)) for k, t in enumerate(totals)}
    return Problem(periods=1, resources=resources, demands=tuple(demands))
