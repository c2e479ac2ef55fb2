"""Command-line front of the engine: `bearing solve|check|ahp|frontier|sufficiency`.

Works with no database and no Django. Each subcommand lives in its own module that provides
`add_arguments(parser)` and `run(args) -> int`; exit code 2 means bad input.
"""

from __future__ import annotations

import argparse
import importlib

__all__ = ["ENGINE_COMMANDS", "run"]

# subcommand -> (module, one-line help)
ENGINE_COMMANDS: dict[str, tuple[str, str]] = {
    "solve": ("bearing.engine.cli_solve", "solve a bearing-problem/1 file into a bearing-plan/1"),
    "check": ("bearing.engine.cli_check", "check a plan against its problem, rule by rule"),
    "ahp": ("bearing.engine.cli_ahp", "weights and consistency from pairwise comparisons"),
    "frontier": ("bearing.engine.cli_frontier", "best value at a series of budget levels"),
    "sufficiency": ("bearing.engine.cli_sufficiency", "demand against capacity, shortfalls"),
}


def run(command: str, argv: list[str]) -> int:
    """Parse `argv` for engine subcommand `command` and run it; returns the exit code."""
    module_name, help_text = ENGINE_COMMANDS[command]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"bearing {command}", description=help_text)
    module.add_arguments(parser)
    args = parser.parse_args(argv)
    return int(module.run(args))
