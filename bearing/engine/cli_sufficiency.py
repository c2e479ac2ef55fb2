"""`bearing sufficiency problem.json --hours-per-fte 390`: demand against capacity, shortfalls
in hours and FTE, and the smallest capacity additions letting the must-fit demands fit (JSON)."""

from __future__ import annotations

import argparse
import json
import sys

from bearing.engine.cli import seconds
from bearing.engine.cli_frontier import stdout_to_stderr
from bearing.engine.codec import ProblemError, load_problem
from bearing.engine.sufficiency import analyse_sufficiency

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("problem", help="bearing-problem/1 JSON file")
    parser.add_argument(
        "--hours-per-fte",
        required=True,
        help="hours one full-time person gives per period: one number or one per period, comma-separated",
    )
    parser.add_argument(
        "--must-fit", default=None, help="demand ids that must fit (default: the mandatory ones)"
    )
    parser.add_argument(
        "--demands", default=None, help="demand ids to analyse (default: all not excluded)"
    )
    parser.add_argument("--time-limit", type=seconds, default=10.0, help="seconds for the additions")


def _ids(text: str | None) -> list[str] | None:
    return None if text is None else [part.strip() for part in text.split(",") if part.strip()]


def run(args: argparse.Namespace) -> int:
    """Print the sufficiency report; exit 2 on bad input."""
    try:
        problem = load_problem(args.problem)
        try:
            hours = [float(part) for part in args.hours_per_fte.split(",")]
        except ValueError:
            raise ValueError(f"--hours-per-fte: {args.hours_per_fte!r} is not a number") from None
        with stdout_to_stderr():
            report = analyse_sufficiency(
                problem,
                hours_per_fte=hours[0] if len(hours) == 1 else hours,
                demand_ids=_ids(args.demands),
                must_fit_ids=_ids(args.must_fit),
                time_limit=args.time_limit,
            )
    except (ProblemError, ValueError) as error:
        sys.stderr.write(f"bearing sufficiency: {error}\n")
        return 2
    sys.stdout.write(json.dumps(report.to_dict(), indent=2) + "\n")
    return 0
