"""OR-Library multidimensional knapsack (Chu & Beasley mknapcb1..9): gap to the best-known value,
mean and worst per file, each instance solved as a one-period problem.

    uv run python bench/bench_mknap.py [--files 1,4,7] [--limit 3] [--instances 1,11,21]
        [--time-limit 10] [--markdown bench/RESULTS.md] [--jsonl bench/results/mknap.jsonl]

All 270 at 10 s take 45 minutes; run it in parts with --files / --limit / --instances.
"""

from __future__ import annotations

import argparse
import time

from common import (
    append_markdown,
    fmt,
    load_solver,
    markdown_table,
    run_solver,
    write_jsonl,
)
from instances import load_mknapcb, mknapcb_files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", default="", help="file numbers 1..9, comma-separated (all)")
    parser.add_argument("--limit", type=int, default=None, help="first N instances of each file")
    parser.add_argument(
        "--instances", default="", help="1-based positions in each file, e.g. 1,11,21"
    )
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--method", default="default")
    parser.add_argument("--solver", default="bearing.engine.solve:solve")
    parser.add_argument(
        "--greedy", action="store_true", help="also run method=greedy for reference"
    )
    parser.add_argument("--markdown", default=None)
    parser.add_argument("--jsonl", default=None)
    args = parser.parse_args()

    solver = load_solver(args.solver)
    files = mknapcb_files()
    if args.files:
        files = [files[int(k) - 1] for k in args.files.split(",")]
    positions = {int(k) for k in args.instances.split(",")} if args.instances else None
    rows, all_gaps = [], []
    started = time.perf_counter()
    for path in files:
        instances = load_mknapcb(path)
        if positions:
            instances = [i for i in instances if i.index in positions]
        instances = instances[: args.limit]
        gaps, greedy_gaps, at_best, bad, records = [], [], 0, [], []
        for inst in instances:
            run = run_solver(
                solver,
                inst.problem,
                method=args.method,
                time_limit=args.time_limit,
                workers=args.workers,
            )
            ok = run.status in ("feasible", "optimal") and not run.violations
            gap = (inst.best_known - run.objective) / inst.best_known if ok else 1.0
            gaps.append(gap)
            at_best += gap <= 1e-9
            if not ok:
                bad.append(f"{inst.name}:{run.status} {run.error} {run.violations[:1]}")
            greedy_gap = None
            if args.greedy:
                g = run_solver(solver, inst.problem, method="greedy", time_limit=args.time_limit)
                greedy_gap = (inst.best_known - g.objective) / inst.best_known
                greedy_gaps.append(greedy_gap)
            records.append(
                {
                    "instance": inst.name,
                    "file": inst.file,
                    "index": inst.index,
                    "best_known": inst.best_known,
                    "objective": run.objective,
                    "status": run.status,
                    "bound": run.bound,
                    "gap_to_best_known": gap,
                    "greedy_gap": greedy_gap,
                    "seconds": round(run.wall_seconds, 2),
                    "violations": run.violations[:3],
                    "checked": run.checked,
                    "error": run.error,
                }
            )
            print(
                f"{inst.name:9} best {inst.best_known:8.0f} got {run.objective:8.0f} "
                f"gap {100 * gap:6.3f}% {run.status:9} {run.wall_seconds:5.1f}s"
                + (f"  greedy gap {100 * greedy_gap:.2f}%" if greedy_gap is not None else ""),
                flush=True,
            )
        write_jsonl(args.jsonl, records)
        if not gaps:
            continue
        all_gaps += gaps
        n, m = instances[0].problem.demands.__len__(), len(instances[0].problem.resources)
        rows.append(
            [
                path.name,
                f"{m}×{n}",
                len(gaps),
                f"{100 * sum(gaps) / len(gaps):.3f}",
                f"{100 * max(gaps):.3f}",
                at_best,
                fmt(100 * sum(greedy_gaps) / len(greedy_gaps) if greedy_gaps else None, ".2f"),
                "; ".join(bad[:3]) or "—",
            ]
        )
    if all_gaps:
        rows.append(
            [
                "**all**",
                "",
                len(all_gaps),
                f"**{100 * sum(all_gaps) / len(all_gaps):.3f}**",
                f"**{100 * max(all_gaps):.3f}**",
                sum(r[5] for r in rows),
                "",
                "",
            ]
        )
    header = [
        "file",
        "m×n",
        "solved",
        "mean gap %",
        "worst gap %",
        "= best known",
        "greedy mean gap %",
        "failures",
    ]
    table = markdown_table(header, rows)
    print()
    print(table)
    print(f"total wall time {time.perf_counter() - started:.0f} s")
    subset = f"files {args.files or '1-9'}" + (f", first {args.limit}" if args.limit else "")
    subset += f", positions {args.instances}" if args.instances else ""
    append_markdown(
        args.markdown,
        f"mknapcb ({subset}; --time-limit {args.time_limit:g}, --workers {args.workers})",
        table,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
