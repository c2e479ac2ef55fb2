"""Generated portfolios (bearing.engine.generate): greedy against the default pipeline at the same
time limit, per size and seed, each solve in a fresh process so its peak memory is its own.

    uv run python bench/bench_generated.py --sizes S,M,L --seeds 1,2,3 --time-limit 30
        [--markdown bench/RESULTS.md] [--jsonl bench/results/generated.jsonl]
    uv run python bench/bench_generated.py --sizes XL --seeds 1 --time-limit 120
    uv run python bench/bench_generated.py --sizes 200x10x8,120x8x8 --seeds 2,3   # demands x resources x periods
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import asdict

from common import (
    Run,
    append_markdown,
    fmt,
    load_solver,
    markdown_table,
    median,
    run_solver,
    write_jsonl,
)

from bearing.engine.generate import generate_problem, generate_size
from bearing.engine.problem import Problem


def _generate(size: str, seed: int) -> Problem:
    """A preset size ("S", "M", "L", "XL", "XXL") or a shape "DEMANDSxRESOURCESxPERIODS"."""
    shape = size.lower().split("x")
    if len(shape) == 3 and all(part.isdigit() for part in shape):
        demands, resources, periods = (int(part) for part in shape)
        return generate_problem(demands, resources, periods, seed=seed)
    return generate_size(size, seed)


def _one(size: str, seed: int, method: str, time_limit: float, workers: int, solver: str) -> None:
    """Child process: generate, solve once, print the run and this process's peak memory as JSON."""
    t0 = time.perf_counter()
    problem = _generate(size, seed)
    generate_seconds = time.perf_counter() - t0
    run = run_solver(
        load_solver(solver), problem, method=method, time_limit=time_limit, workers=workers
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    print(json.dumps({"run": asdict(run), "peak_mb": peak_mb, "generate_s": generate_seconds}))


def _spawn(args: argparse.Namespace, size: str, seed: int, method: str) -> tuple[Run, dict]:
    command = [
        sys.executable, __file__, "--one", size, str(seed), method,
        "--time-limit", str(args.time_limit), "--workers", str(args.workers),
        "--solver", args.solver,
    ]  # fmt: skip
    done = subprocess.run(
        command, check=False, capture_output=True, text=True, timeout=args.time_limit * 4 + 300
    )
    if done.returncode != 0 or not done.stdout.strip():
        run = Run(method=method, error=f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
        return run, {"peak_mb": None, "generate_s": None}
    data = json.loads(done.stdout.strip().splitlines()[-1])
    raw = data.pop("run")
    raw["trace"] = [tuple(t) for t in raw["trace"]]
    return Run(**raw), data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L", help="preset sizes, or shapes such as 200x10x8")
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--solver", default="bearing.engine.solve:solve")
    parser.add_argument("--markdown", default=None)
    parser.add_argument("--jsonl", default=None)
    parser.add_argument(
        "--one", nargs=3, metavar=("SIZE", "SEED", "METHOD"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.one:
        size, seed, method = args.one
        _one(size, int(seed), method, args.time_limit, args.workers, args.solver)
        return 0

    rows, summary, records = [], [], []
    for size in args.sizes.split(","):
        per_seed = []
        for seed in (int(s) for s in args.seeds.split(",")):
            greedy, _greedy_info = _spawn(args, size, seed, "greedy")
            best, d_info = _spawn(args, size, seed, "default")
            ratio = best.objective / greedy.objective - 1 if greedy.objective > 0 else None
            to_plus4 = best.seconds_to_reach(1.04 * greedy.objective)
            to_final = best.seconds_to_reach(best.objective) if best.status != "error" else None
            checked = "ok" if not best.violations else f"{len(best.violations)} violations"
            checked = checked if best.checked else "not checked"
            if best.error:
                checked = best.error[:80]
            record = {
                "size": size, "seed": seed, "time_limit": args.time_limit,
                "greedy": greedy.objective, "greedy_s": greedy.wall_seconds,
                "default": best.objective, "status": best.status, "bound": best.bound,
                "gap": best.gap, "wall_s": best.wall_seconds, "first_plan_s": best.first_seconds,
                "to_greedy_plus_4pct_s": to_plus4, "to_final_value_s": to_final,
                "vs_greedy": ratio, "peak_mb": d_info["peak_mb"], "generate_s": d_info["generate_s"],
                "violations": best.violations[:3], "checked": best.checked, "greedy_violations": greedy.violations[:3],
                "error": best.error or greedy.error, "trace": best.trace,
            }  # fmt: skip
            records.append(record)
            per_seed.append(record)
            rows.append(
                [
                    size, seed, f"{greedy.objective:.1f}", f"{best.objective:.1f}",
                    fmt(None if ratio is None else 100 * ratio, "+.2f"),
                    fmt(None if best.gap is None else 100 * best.gap, ".2f"), best.status,
                    fmt(best.first_seconds, ".2f"), fmt(to_plus4, ".1f", "never"),
                    fmt(to_final, ".1f"), f"{best.wall_seconds:.1f}",
                    fmt(d_info["peak_mb"], ".0f"), checked,
                ]
            )  # fmt: skip
            print(" | ".join(str(c) for c in rows[-1]), flush=True)
        summary.append(
            [
                size, len(per_seed),
                fmt(_median_pct(r["vs_greedy"] for r in per_seed), "+.2f"),
                fmt(_median_pct(r["gap"] for r in per_seed), ".2f"),
                fmt(median(r["first_plan_s"] for r in per_seed), ".2f"),
                fmt(median(r["to_greedy_plus_4pct_s"] for r in per_seed), ".1f", "never"),
                fmt(median(r["peak_mb"] for r in per_seed), ".0f"),
            ]
        )  # fmt: skip
    write_jsonl(args.jsonl, records)
    header = ["size", "seed", "greedy", "default", "vs greedy %", "gap %", "status",
              "first plan s", "s to greedy+4%", "s to final value", "wall s", "peak MB",
              "checker"]  # fmt: skip
    table = markdown_table(header, rows)
    summary_table = markdown_table(
        ["size", "seeds", "median vs greedy %", "median gap %", "median first plan s",
         "median s to greedy+4%", "median peak MB"],
        summary,
    )  # fmt: skip
    print()
    print(table)
    print(summary_table)
    append_markdown(
        args.markdown,
        f"generated sizes {args.sizes}, seeds {args.seeds}, --time-limit {args.time_limit:g}, "
        f"--workers {args.workers}",
        table + "\n" + summary_table,
    )
    return 0


def _median_pct(values: object) -> float | None:
    m = median(v for v in values if v is not None)  # type: ignore[attr-defined]
    return None if m is None else 100 * m


if __name__ == "__main__":
    raise SystemExit(main())
