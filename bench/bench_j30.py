"""PSPLIB j30: with the horizon at the published optimal makespan the engine must find a feasible
schedule of all (mandatory) jobs; at optimum - 1 it must report `infeasible`.

    uv run python bench/bench_j30.py [--limit N] [--names j301_1,j301_2] [--time-limit 10]
        [--only at|below] [--markdown bench/RESULTS.md] [--jsonl bench/results/j30.jsonl]
"""

from __future__ import annotations

import argparse
import time

from common import (
    append_markdown,
    fmt,
    load_solver,
    markdown_table,
    median,
    run_solver,
    write_jsonl,
)
from instances import load_j30_set


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N instances only")
    parser.add_argument("--names", default="", help="comma-separated instance names (j301_1,...)")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--method", default="default")
    parser.add_argument("--solver", default="bearing.engine.solve:solve")
    parser.add_argument("--only", choices=["at", "below"], default=None)
    parser.add_argument("--markdown", default=None, help="append the summary table to this file")
    parser.add_argument("--jsonl", default=None, help="append raw per-instance results here")
    args = parser.parse_args()

    solver = load_solver(args.solver)
    instances = load_j30_set(args.names.split(",") if args.names else None)[: args.limit]
    cases = [("at", 0), ("below", -1)]
    if args.only:
        cases = [c for c in cases if c[0] == args.only]
    tallies: dict[str, dict[str, object]] = {}
    started = time.perf_counter()
    for case, offset in cases:
        good, times, failures = 0, [], []
        records = []
        for inst in instances:
            horizon = inst.optimum + offset
            run = run_solver(
                solver,
                inst.problem(horizon),
                method=args.method,
                time_limit=args.time_limit,
                workers=args.workers,
            )
            if case == "at":
                ok = run.status in ("feasible", "optimal") and not run.violations
            else:
                ok = run.status == "infeasible"
            good += ok
            times.append(run.wall_seconds)
            if not ok:
                failures.append(f"{inst.name}:{run.status}{' ' + run.error if run.error else ''}")
            records.append(
                {
                    "instance": inst.name,
                    "case": case,
                    "horizon": horizon,
                    "status": run.status,
                    "ok": ok,
                    "seconds": round(run.wall_seconds, 3),
                    "violations": run.violations[:3],
                    "checked": run.checked,
                    "error": run.error,
                }
            )
            print(
                f"{case:5} {inst.name:9} T={horizon:3} {run.status:10} {run.wall_seconds:6.2f}s"
                f"{'' if ok else '  <-- MISS'}",
                flush=True,
            )
        write_jsonl(args.jsonl, records)
        tallies[case] = {
            "good": good,
            "n": len(instances),
            "median": median(times),
            "max": max(times) if times else None,
            "failures": failures,
        }

    label = {"at": "feasible at optimum", "below": "proven infeasible at optimum − 1"}
    rows = [
        [
            label[case],
            f"{t['good']}/{t['n']}",
            fmt(t["median"], ".2f"),  # type: ignore[arg-type]
            fmt(t["max"], ".2f"),  # type: ignore[arg-type]
        ]
        for case, t in tallies.items()
    ]
    table = markdown_table(["test", "count", "median s", "max s"], rows)
    print()
    print(table)
    for case, t in tallies.items():
        if t["failures"]:
            print(f"misses ({case}): {', '.join(t['failures'][:30])}")  # type: ignore[index]
    print(f"total wall time {time.perf_counter() - started:.0f} s")
    append_markdown(
        args.markdown,
        f"j30 ({len(instances)} instances, --time-limit {args.time_limit:g}, "
        f"--workers {args.workers}, method {args.method})",
        table,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
