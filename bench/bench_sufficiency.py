"""Sufficiency's capacity additions on generated portfolios: the pipeline (the relaxation rounded,
HiGHS only when that does not settle it) against HiGHS's MIP alone (the baseline), in the same
process, on the same must-fit demands. Each report's schedule and additions are checked from the
report itself (windows, requirements, capacity plus additions).

    uv run python bench/bench_sufficiency.py --sizes L,XL --seeds 1 --must-fit 500,2000,5000
        [--time-limit 20] [--repeat 3] [--jsonl bench/results/sufficiency.jsonl]

`--must-fit K` takes the first K demands that are not excluded (0: the mandatory ones); prints the
median seconds of `--repeat` runs each way, the ratio, the status and the added hours.
"""

from __future__ import annotations

import argparse
import statistics
import time
from unittest import mock

from common import markdown_table, write_jsonl

from bearing.engine.check import check_additions
from bearing.engine.generate import generate_size
from bearing.engine.problem import Problem
from bearing.engine.sufficiency import SufficiencyReport, analyse_sufficiency


def _timed(problem: Problem, must: list[str] | None, limit: float, repeat: int) -> tuple[float, SufficiencyReport]:
    times, report = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = analyse_sufficiency(problem, hours_per_fte=480.0, must_fit_ids=must, time_limit=limit)
        times.append(time.perf_counter() - t0)
    assert report is not None
    return statistics.median(times), report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="L,XL")
    parser.add_argument("--seeds", default="1")
    parser.add_argument("--must-fit", default="0,500,2000")
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jsonl", default=None)
    args = parser.parse_args()
    rows, records = [], []
    for size in args.sizes.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            problem = generate_size(size, seed)
            open_ids = [d.id for d in problem.demands if not d.excluded]
            for count in (int(k) for k in args.must_fit.split(",")):
                must = open_ids[:count] if count else None
                fast_s, fast = _timed(problem, must, args.time_limit, args.repeat)
                with mock.patch("bearing.engine.additions._rounded_relaxation", return_value=(None, "")):
                    alone_s, alone = _timed(problem, must, args.time_limit, args.repeat)
                record = {
                    "size": size, "seed": seed, "must_fit": len(fast.must_fit_ids), "time_limit": args.time_limit,
                    "seconds": fast_s, "status": fast.additions_status, "added_hours": fast.added_hours_total,
                    "broken": len(check_additions(problem, fast)), "mip_seconds": alone_s,
                    "mip_status": alone.additions_status, "mip_added_hours": alone.added_hours_total,
                    "mip_broken": len(check_additions(problem, alone)),
                }  # fmt: skip
                records.append(record)
                rows.append([
                    size, seed, record["must_fit"], f"{fast_s:.2f}", f"{alone_s:.2f}", f"{fast_s / alone_s:.2f}",
                    f"{fast.additions_status} / {alone.additions_status}",
                    f"{fast.added_hours_total:,.1f} / {alone.added_hours_total:,.1f}",
                    f"{record['broken']} / {record['mip_broken']}",
                ])  # fmt: skip
                print(rows[-1], flush=True)
    print(markdown_table(
        ["size", "seed", "must fit", "s (pipeline)", "s (MIP alone)", "ratio", "status", "added hours", "rules broken"],
        rows,
    ))  # fmt: skip
    write_jsonl(args.jsonl, records)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
