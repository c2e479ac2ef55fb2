"""`bearing check problem.json plan.json`: check a plan against its problem, rule by rule.

Exit 0 when the plan is feasible, 1 when it breaks a rule, 2 when an input file is unusable.
"""

from __future__ import annotations

import argparse
import sys

from bearing.engine.check import check_plan
from bearing.engine.codec import PlanError, ProblemError, load_plan, load_problem

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("problem", help="bearing-problem/1 JSON file")
    parser.add_argument("plan", help="bearing-plan/1 JSON file")


def run(args: argparse.Namespace) -> int:
    """Print each violation, or one OK line with the recomputed objective."""
    problem, plan, message = None, None, ""
    try:
        problem = load_problem(args.problem)
    except ProblemError as exc:
        message += _input_error(exc)
    try:
        plan = load_plan(args.plan)
    except PlanError as exc:
        message += _input_error(exc)
    if problem is None or plan is None:
        sys.stderr.write(message)
        return 2
    result = check_plan(problem, plan)
    if plan.status == "infeasible":
        print(
            f"OK: plan says the problem is infeasible ({len(plan.conflicts)} conflicts); nothing to check"
        )
        return 0
    for violation in result.violations:
        print(violation)
    if not result.ok:
        print(f"{len(result.violations)} violations", file=sys.stderr)
        return 1
    print(f"OK: plan is feasible, objective {result.objective:.6g}")
    return 0


def _input_error(exc: ProblemError | PlanError) -> str:
    kind = "problem" if isinstance(exc, ProblemError) else "plan"
    lines = "".join(f"  {e}\n" for e in exc.errors)
    return f"bearing check: bad {kind} input:\n{lines}"
