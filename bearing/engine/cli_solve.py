"""`bearing solve problem.json`: plan a problem file and write a bearing-plan/1 file.

Exit 0 with a plan (any status), 2 when the problem file is unusable or the plan cannot be written
where `--out` says (told before the search when it can be; a write that fails after it puts the plan
on standard output instead), 130 when Ctrl-C stopped the search (the best plan found so far is
still written).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bearing.engine.cli import INTERRUPTED, count, seconds
from bearing.engine.codec import PlanError, ProblemError, load_plan, load_problem, plan_to_dict
from bearing.engine.plan import Plan, ProgressEvent

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("problem", help="bearing-problem/1 JSON file")
    parser.add_argument(
        "--time-limit",
        type=seconds,
        default=30.0,
        help="seconds for the whole solve, the reasons for what is left out included (default 30);"
        " with one worker a work budget: the same plan however busy the machine is",
    )
    parser.add_argument(
        "--workers",
        type=count,
        default=1,
        help="solver threads (default 1: reproducible); with more, the search takes that many steps side"
        " by side, one thread each, on the wall clock: better plans in the same time on that many free"
        " cores, but not the same plan twice",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--method",
        choices=("default", "greedy"),
        default="default",
        help="default: the optimising pipeline; greedy: the spreadsheet yardstick alone",
    )
    parser.add_argument(
        "--start",
        metavar="PLAN",
        help="a bearing-plan/1 file to search on from (say, the plan made before the problem changed):"
        " what of it keeps this problem's rules is kept unless the search finds better; greedy ignores it",
    )
    parser.add_argument("--out", help="write the plan here instead of to standard output")
    parser.add_argument("--progress", action="store_true", help="print each improvement to stderr")


def run(args: argparse.Namespace) -> int:
    """Load, solve, write the plan; a one-line summary goes to stderr."""
    try:
        problem = load_problem(args.problem)
    except ProblemError as exc:
        sys.stderr.write(
            "bearing solve: bad problem input:\n" + "".join(f"  {e}\n" for e in exc.errors)
        )
        return 2
    start = None
    if args.start:
        try:
            start = load_plan(args.start)
        except PlanError as exc:
            sys.stderr.write("bearing solve: bad start plan:\n" + "".join(f"  {e}\n" for e in exc.errors))
            return 2
    if args.out and (reason := _unwritable(Path(args.out))):
        # said before the search, not after it: a long solve is not run for a plan it cannot keep
        sys.stderr.write(f"bearing solve: cannot write {args.out}: {reason}\n")
        return 2
    stopped = False
    if args.method == "greedy":
        from bearing.engine.greedy import solve_greedy

        plan = solve_greedy(problem)
    else:
        # Imported here so `bearing check` and greedy runs never load the solver stack.
        from bearing.engine.solve import solve

        with _first_interrupt_stops() as interrupted:
            plan = solve(
                problem,
                time_limit=args.time_limit,
                workers=args.workers,
                seed=args.seed,
                method=args.method,
                progress=_print_progress if args.progress else None,
                should_stop=interrupted.is_set,
                start=start,
            )
        stopped = interrupted.is_set()
    text = json.dumps(plan_to_dict(plan, problem), indent=1) + "\n"
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            # found only now (the disk filled, the folder went): the plan goes to standard output
            # rather than being lost with the search's time
            sys.stderr.write(
                f"bearing solve: cannot write {args.out}: {exc.strerror}; the plan follows on standard output\n"
            )
            sys.stdout.write(text)
            return 2
    else:
        sys.stdout.write(text)
    sys.stderr.write(_summary(plan, len(problem.demands)) + "\n")
    started = plan.stats.get("start")
    if isinstance(started, dict):
        sys.stderr.write(
            f"note: {started['kept']} of the {started['scheduled']} demands of {args.start} kept their starts"
            + (" (no room was left for every mandatory demand: not used)\n" if started["value"] is None else "\n")
        )
    needed = plan.stats.get("limit_for_full_lp")
    if needed is not None:
        sys.stderr.write(
            f"note: the problem's LP relaxation did not fit in this limit (a priced bound replaced it);"
            f" --time-limit {needed} or more lets it guide the plan and tighten the bound\n"
        )
    unverified = sum(1 for u in plan.unscheduled if u.details.get("verified") is False)
    if unverified:
        sys.stderr.write(
            f"note: the explanations of {unverified} of the {len(plan.unscheduled)} demands left out were not"
            ' verified within this limit ("verified": false in the plan); a longer --time-limit verifies more\n'
        )
    if plan.status in ("infeasible", "unknown"):
        # why, in words, where the reader of the summary looks (the plan file has them too)
        for conflict in plan.conflicts:
            sys.stderr.write(f"  - {conflict}\n")
    return INTERRUPTED if stopped else 0  # the best plan so far was still written


@contextmanager
def _first_interrupt_stops() -> Iterator[threading.Event]:
    """While solving, the first Ctrl-C asks the solver to stop and hand back its best plan so far
    (written as usual); a second one quits at once."""
    interrupted = threading.Event()

    def on_interrupt(signum: int, frame: object) -> None:
        if interrupted.is_set():
            raise KeyboardInterrupt
        interrupted.set()
        sys.stderr.write("bearing solve: interrupted: stopping with the best plan so far (Ctrl-C again to quit at once)\n")

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


def _print_progress(event: ProgressEvent) -> None:
    bound = "-" if event.bound is None else f"{event.bound:.1f}"
    gap = ""
    if event.bound is not None:
        gap = f"  gap {100 * (event.bound - event.objective) / max(abs(event.bound), 1e-9):.2f}%"
    line = (
        f"{event.seconds:7.2f}s  {event.stage:<16} value {event.objective:.1f}  bound {bound}{gap}"
    )
    if event.expected_seconds is not None:
        line += f"  (starting: about {event.expected_seconds:.0f} s)"
    print(line, file=sys.stderr, flush=True)


def _unwritable(path: Path) -> str | None:
    """Why a plan could not be written to `path`, or None when it can (as far as can be told
    without creating the file: an existing plan there is only replaced once the new one is made)."""
    folder = path.parent
    if path.is_dir():
        return "it is a folder"
    if not folder.is_dir():
        return f"no such folder: {folder}"
    if not os.access(path if path.exists() else folder, os.W_OK):
        return "permission denied"
    return None


def _summary(plan: Plan, n_demands: int) -> str:
    parts = [f"{plan.status}: objective {plan.objective:.6g}"]
    if plan.bound is not None:
        parts.append(f"bound {plan.bound:.6g}")
    if plan.gap is not None:
        parts.append(f"gap {100 * plan.gap:.2f}%")
    parts.append(f"{len(plan.scheduled)}/{n_demands} scheduled")
    parts.append(f"{plan.seconds:.2f}s")
    if plan.conflicts:
        parts.append(f"{len(plan.conflicts)} conflict{'' if len(plan.conflicts) == 1 else 's'}")
    return ", ".join(parts)
