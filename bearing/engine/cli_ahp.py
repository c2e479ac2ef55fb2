"""`bearing ahp FILE`: weights and consistency from pairwise comparisons, printed as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bearing.engine.ahp import RANDOM_INDEX_TABLES, AhpError, ahp_from_dict

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        help='JSON: {"elements": [...], "comparisons": [[A, B, v], ...]} (A is v times as '
        'important as B), or "raters": [{"name", "comparisons"}], or a hierarchy '
        '{"criteria", "subcriteria", "alternatives"}',
    )
    parser.add_argument(
        "--random-index",
        choices=sorted(RANDOM_INDEX_TABLES),
        default=None,
        help="random-index table for CR (default: the file's 'random_index', else saaty_2005)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the weights JSON; exit 2 with a one-line reason on bad input."""
    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as error:
        sys.stderr.write(f"bearing ahp: cannot read {args.file}: {error.strerror or error}\n")
        return 2
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        sys.stderr.write(f"bearing ahp: {args.file} is not valid JSON: {error}\n")
        return 2
    if args.random_index and isinstance(data, dict):
        data["random_index"] = args.random_index
    try:
        result = ahp_from_dict(data)
    except AhpError as error:
        sys.stderr.write(f"bearing ahp: {error}\n")
        return 2
    sys.stdout.write(json.dumps(result, indent=2) + "\n")
    return 0
