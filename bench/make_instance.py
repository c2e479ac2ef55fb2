"""Write a generated problem as `bearing-problem/1` JSON.

uv run python bench/make_instance.py --size M --seed 1 --out problem.json
uv run python bench/make_instance.py --demands 300 --resources 12 --periods 8 --seed 4
"""

from __future__ import annotations

import argparse
import json
import sys

import common  # noqa: F401  (puts the repository root on sys.path)

from bearing.engine.codec import problem_to_dict
from bearing.engine.generate import SIZES, generate_problem


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default=None)
    parser.add_argument("--demands", type=int, default=None)
    parser.add_argument("--resources", type=int, default=None)
    parser.add_argument("--periods", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--fit-fraction", type=float, default=0.5)
    parser.add_argument("--out", default="-", help="output file (default: stdout)")
    args = parser.parse_args()
    n, m, t = SIZES[args.size or "S"]
    problem = generate_problem(
        args.demands or n,
        args.resources or m,
        args.periods or t,
        args.seed,
        fit_fraction=args.fit_fraction,
    )
    text = json.dumps(problem_to_dict(problem), indent=1)
    if args.out == "-":
        sys.stdout.write(text + "\n")
    else:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
