"""Sweep of odd problems: the generator's knobs drawn at random (capacity for 5 % to 150 % of the
hours, budgets from 1 % to 5 times the cost, up to 90 % dependencies, 30 % mandatory, 80 % deadlines,
one to thirty resources, one to sixteen periods), each solved once with explanations. A run fails
when it raises, when the checker finds a broken rule, when it is below greedy or above its own
bound, when it reports no plan where greedy found one, or when it takes more than 1.5 times its
limit plus 2 s. Run it alone: with one worker the limit is a budget of work, which a busy machine
stretches in wall time (by design, up to the safety cap of 3 times the limit plus 5 s).

    uv run python bench/bench_sweep.py --first 1000 --count 150                     # 1-1,200 demands
    uv run python bench/bench_sweep.py --first 2000 --count 30 --sizes 2000,3000,5000 --limits 3,10,20

One line per run; the failures are repeated at the end. Each seed always draws the same problem,
limit and worker count. With `--twice`, every one-worker run is solved a second time and fails
unless it gives the same plan (the promise of reproducibility). With `--fixed`, about 5 % of the
demands are excluded and 7 % get a fixed start inside their window (the generator makes neither),
and each problem goes through the file format's validation as a user's file would. With
`--money-only`, the resources are dropped and the budgets alone decide.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time
import traceback

from common import check

from bearing.engine.codec import problem_from_dict, problem_to_dict
from bearing.engine.generate import generate_problem
from bearing.engine.greedy import solve_greedy
from bearing.engine.plan import Plan
from bearing.engine.problem import Problem
from bearing.engine.solve import solve


def _draw(seed: int, sizes: list[int], limits: list[float], workers: list[int]) -> tuple[dict[str, float], float, int]:
    rng = random.Random(seed)
    shape = {"n_demands": rng.choice(sizes), "n_resources": rng.choice([1, 2, 5, 12, 30]),
             "periods": rng.choice([1, 2, 4, 8, 16])}  # fmt: skip
    knobs = {
        "fit_fraction": rng.choice([0.05, 0.2, 0.5, 0.9, 1.5]),
        "budget_tightness": rng.choice([0.01, 0.3, 0.9, 5.0]),
        "dependency_fraction": rng.choice([0.0, 0.1, 0.5, 0.9]),
        "mandatory_fraction": rng.choice([0.0, 0.05, 0.3]),
        "deadline_fraction": rng.choice([0.0, 0.15, 0.8]),
        "late_start_fraction": rng.choice([0.0, 0.2, 0.8]),
        "sigma_hours": rng.choice([0.2, 1.0, 2.5]),
        "max_share": rng.choice([0.1, 0.5, 1.0]),
        "discount_rate": rng.choice([0.0, 0.0, 0.08]),
    }
    return {**shape, **knobs}, rng.choice(limits), rng.choice(workers)


def _fix_and_exclude(problem: Problem, seed: int) -> Problem:
    """About 5 % of the optional demands excluded, 7 % given a fixed start inside their window."""
    rng = random.Random(seed * 7 + 1)
    demands = []
    for d in problem.demands:
        draw = rng.random()
        last = (d.deadline if d.deadline is not None else problem.periods) - d.duration
        if draw < 0.05 and not d.mandatory:
            d = dataclasses.replace(d, excluded=True)
        elif draw < 0.12 and last >= d.earliest_start:
            d = dataclasses.replace(d, fixed_start=rng.randint(d.earliest_start, last))
        demands.append(d)
    # through the file format's validation, as a user's file would go
    return problem_from_dict(problem_to_dict(dataclasses.replace(problem, demands=tuple(demands))))


def _without_resources(problem: Problem) -> Problem:
    """No resource and no effort: an organisation whose people and systems are not entered yet."""
    demands = tuple(dataclasses.replace(d, effort={}) for d in problem.demands)
    return dataclasses.replace(problem, resources={}, demands=demands)


def _faults(problem: Problem, plan: Plan, greedy: Plan, wall: float, limit: float) -> list[str]:
    found = []
    if plan.status in ("optimal", "feasible"):
        violations = check(problem, plan)
        if violations:
            found.append(f"breaks a rule: {violations[:2]}")
        if greedy.status in ("optimal", "feasible") and plan.objective < greedy.objective - 1e-6:
            found.append(f"below greedy: {plan.objective} < {greedy.objective}")
        if plan.bound is not None and plan.objective > plan.bound + 1e-6 * max(1.0, abs(plan.bound)):
            found.append(f"above its bound: {plan.objective} > {plan.bound}")
    elif greedy.status in ("optimal", "feasible"):
        found.append(f"{plan.status}, but greedy found a plan")
    if wall > 1.5 * limit + 2.0:
        found.append(f"took {wall:.1f} s for a {limit} s limit")
    return found


def _fingerprint(plan: Plan) -> tuple[object, ...]:
    """What a reproducible run must repeat: status, value, bound, starts and every reason."""
    return (plan.status, plan.objective, plan.bound, sorted(plan.starts().items()),
            [(u.id, u.reasons) for u in plan.unscheduled], [(s.id, s.reasons) for s in plan.scheduled])  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", type=int, default=1000)
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--sizes", default="1,2,5,20,60,150,400,1200")
    parser.add_argument("--limits", default="0.5,2,5")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--twice", action="store_true", help="solve one-worker runs again: the same plan?")
    parser.add_argument("--fixed", action="store_true", help="exclude some demands, fix the start of others")
    parser.add_argument("--money-only", action="store_true", help="no resources: budgets alone decide")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    limits = [float(x) for x in args.limits.split(",")]
    workers = [int(x) for x in args.workers.split(",")]
    failures = []
    for seed in range(args.first, args.first + args.count):
        spec, limit, threads = _draw(seed, sizes, limits, workers)
        shape = f"{spec['n_demands']}x{spec['n_resources']}x{spec['periods']}"
        started = time.perf_counter()
        try:
            problem = generate_problem(seed=seed, **spec)
            if args.fixed:
                problem = _fix_and_exclude(problem, seed)
            if args.money_only:
                problem = _without_resources(problem)
            greedy = solve_greedy(problem)
            started = time.perf_counter()
            plan = solve(problem, time_limit=limit, workers=threads, seed=seed, explain=True)
        except Exception:  # noqa: BLE001  (a sweep records failures and goes on)
            failures.append(f"#{seed} {shape} raised:\n{traceback.format_exc()}")
            print(failures[-1], flush=True)
            continue
        wall = time.perf_counter() - started
        faults = _faults(problem, plan, greedy, wall, limit)
        if args.twice and threads == 1:
            again = solve(problem, time_limit=limit, workers=1, seed=seed, explain=True)
            same = _fingerprint(plan) == _fingerprint(again)
            if plan.stats.get("deterministic") and not same:
                faults.append(f"not the same plan twice: {plan.objective} then {again.objective}")
        line = (
            f"#{seed} {'FAIL' if faults else 'ok'} {shape} limit {limit} s, {threads} worker(s): {plan.status} "
            f"{plan.objective:.1f} (greedy {greedy.objective:.1f}) in {wall:.2f} s {'; '.join(faults)}"
        )
        print(line, flush=True)
        if faults:
            failures.append(line + f"\n    knobs: {spec}")
    print(f"{args.count} runs, {len(failures)} failed")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
