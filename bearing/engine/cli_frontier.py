"""`bearing frontier problem.json --levels 10`: best value at each total-budget level, as JSON."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator

from bearing.engine.cli import count, seconds
from bearing.engine.codec import ProblemError, load_problem
from bearing.engine.frontier import FrontierPoint, budget_levels, efficient_frontier

__all__ = ["add_arguments", "run", "stdout_to_stderr"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("problem", help="bearing-problem/1 JSON file")
    parser.add_argument(
        "--levels", type=count, default=10, help="number of budget levels, evenly spaced (default 10)"
    )
    parser.add_argument(
        "--budgets",
        default=None,
        help="explicit total budgets, comma-separated (overrides --levels)",
    )
    parser.add_argument(
        "--time-limit-per-level",
        type=seconds,
        default=5.0,
        help="seconds per level (default 5); each level searches on from the plan of the level below",
    )
    parser.add_argument(
        "--workers", type=count, default=1, help="solver threads per level (default 1: reproducible)"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--method",
        choices=["default", "greedy"],
        default="default",
        help="default: the optimising pipeline at each level; greedy: the spreadsheet yardstick",
    )


def run(args: argparse.Namespace) -> int:
    """Print {"levels": [...], "points": [...]}; exit 2 on bad input."""
    try:
        problem = load_problem(args.problem)
        levels = _explicit(args.budgets) if args.budgets else budget_levels(problem, args.levels)
    except (ProblemError, ValueError) as error:
        sys.stderr.write(f"bearing frontier: {error}\n")
        return 2
    with stdout_to_stderr():
        points = efficient_frontier(
            problem,
            levels,
            time_limit_per_level=args.time_limit_per_level,
            workers=args.workers,
            seed=args.seed,
            method=args.method,
            on_level=_report_level,
        )
    out = {"levels": [p.budget for p in points], "points": [p.to_dict() for p in points]}
    sys.stdout.write(json.dumps(out, indent=2) + "\n")
    return 0


def _report_level(number: int, count: int, point: FrontierPoint) -> None:
    """One line on stderr as each level is solved (a frontier takes levels x the limit per level)."""
    sys.stderr.write(
        f"level {number}/{count}: budget {point.budget:,.0f}: value {point.value:,.2f} ({point.status}),"
        f" {len(point.entering)} in, {len(point.leaving)} out, {point.seconds:.1f} s\n"
    )
    sys.stderr.flush()


def _explicit(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"--budgets: {text!r} is not a comma-separated list of numbers") from None
    if not values or any(v < 0 for v in values):
        raise ValueError("--budgets: give one or more amounts >= 0")
    return values


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Send anything native solver libraries write to stdout (HiGHS prints a banner) to stderr,
    so stdout carries only the JSON result."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout (e.g. captured in tests): nothing to protect
        yield
        return
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
