"""Efficient frontier on generated portfolios: each level searched on from the plan of the level
below (`solve(start=...)`, the default) against each level searched from scratch (the baseline),
in the same process, with the same limit per level. Every level's plan is checked.

    uv run python bench/bench_frontier.py --sizes S,M --seeds 1,2,3 --levels 10 --time-limit-per-level 5
        [--workers 1] [--jsonl bench/results/frontier.jsonl]

Prints, per problem, the value at each level both ways and the mean ratio (started / from scratch).
With one worker every solve is reproducible, so one run of each is the figure.
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import check, write_jsonl

from bearing.engine.frontier import FrontierPoint, Solver, efficient_frontier, with_total_budget
from bearing.engine.generate import generate_size
from bearing.engine.plan import Plan
from bearing.engine.problem import Problem
from bearing.engine.solve import solve


def _from_scratch(workers: int, seed: int) -> Solver:
    """The baseline: every level from scratch (the plan below is not passed on)."""

    def run(problem: Problem, limit: float, _previous: Plan | None) -> Plan:
        return solve(problem, time_limit=limit, workers=workers, seed=seed, explain=False)

    return run


def _checked(problem: Problem, levels: list[float], points: list[FrontierPoint]) -> int:
    """How many levels' plans break a rule of their own (budget-capped) problem."""
    broken = 0
    for level, point in zip(levels, points):
        if point.plan is not None and point.plan.status in ("optimal", "feasible"):
            broken += bool(check(with_total_budget(problem, level), point.plan))
    return broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--levels", type=int, default=10)
    parser.add_argument("--time-limit-per-level", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--jsonl", default=None)
    args = parser.parse_args()
    records = []
    ratios = []
    for size in args.sizes.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            problem = generate_size(size, seed)
            runs = {}
            for name, solver in (("scratch", _from_scratch(args.workers, 0)), ("started", None)):
                t0 = time.perf_counter()
                points = efficient_frontier(
                    problem, steps=args.levels, time_limit_per_level=args.time_limit_per_level,
                    workers=args.workers, solver=solver,
                )  # fmt: skip
                seconds = time.perf_counter() - t0
                levels = [p.budget for p in points]
                runs[name] = (points, seconds, _checked(problem, levels, points))
            started, scratch = runs["started"][0], runs["scratch"][0]
            per_level = [
                (a.value / b.value if b.value > 0 else 1.0) for a, b in zip(started, scratch)
            ]
            ratios.append(statistics.mean(per_level))
            print(
                f"{size}{seed}: started/scratch mean {statistics.mean(per_level):.4f}, "
                f"min {min(per_level):.4f}, max {max(per_level):.4f}; "
                f"wall {runs['started'][1]:.1f} / {runs['scratch'][1]:.1f} s; "
                f"plans breaking a rule {runs['started'][2]} / {runs['scratch'][2]}"
            )
            print("   started: " + " ".join(f"{p.value:.1f}" for p in started))
            print("   scratch: " + " ".join(f"{p.value:.1f}" for p in scratch))
            records.append(
                {
                    "size": size, "seed": seed, "levels": [p.budget for p in started],
                    "started": [p.value for p in started], "scratch": [p.value for p in scratch],
                    "started_s": runs["started"][1], "scratch_s": runs["scratch"][1],
                    "broken": [runs["started"][2], runs["scratch"][2]],
                    "workers": args.workers, "time_limit_per_level": args.time_limit_per_level,
                }
            )  # fmt: skip
    print(f"mean of the per-problem mean ratios: {statistics.mean(ratios):.4f}")
    write_jsonl(args.jsonl, records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
