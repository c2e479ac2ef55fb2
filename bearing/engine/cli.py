"""Command-line front of the engine: `bearing solve|check|ahp|frontier|sufficiency`.

Works with no database and no Django. Each subcommand lives in its own module that provides
`add_arguments(parser)` and `run(args) -> int`; exit code 2 means bad input.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys

__all__ = ["ENGINE_COMMANDS", "INTERRUPTED", "MAX_SECONDS", "count", "run", "seconds"]

# The longest time limit a command accepts: a week. Longer (or "inf") would overflow the solvers'
# work budgets; nobody waits a week for a plan.
MAX_SECONDS = 7 * 24 * 3600

# The exit code of a command stopped by Ctrl-C (128 + SIGINT, as shells report it).
INTERRUPTED = 130

# subcommand -> (module, one-line help)
ENGINE_COMMANDS: dict[str, tuple[str, str]] = {
    "solve": ("bearing.engine.cli_solve", "solve a bearing-problem/1 file into a bearing-plan/1"),
    "check": ("bearing.engine.cli_check", "check a plan against its problem, rule by rule"),
    "ahp": ("bearing.engine.cli_ahp", "weights and consistency from pairwise comparisons"),
    "frontier": ("bearing.engine.cli_frontier", "best value at a series of budget levels"),
    "sufficiency": ("bearing.engine.cli_sufficiency", "demand against capacity, shortfalls"),
}


def seconds(text: str) -> float:
    """An argparse type: a time limit in seconds, finite, above 0 and at most a week."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or not 0 < value <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most {MAX_SECONDS} seconds (a week), got {text}")
    return value


def count(text: str) -> int:
    """An argparse type: a whole number of at least 1 (workers, levels)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def run(command: str, argv: list[str]) -> int:
    """Parse `argv` for engine subcommand `command` and run it; returns the exit code."""
    module_name, help_text = ENGINE_COMMANDS[command]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"bearing {command}", description=help_text)
    module.add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        # Ctrl-C outside a solve's search (or a second one during it): quit without a traceback
        sys.stderr.write(f"bearing {command}: interrupted\n")
        return INTERRUPTED
