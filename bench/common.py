"""Shared helpers for the benchmark scripts: which solver to call, plan checking, tables."""

from __future__ import annotations

import importlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # scripts run as `python bench/x.py` from anywhere
    sys.path.insert(0, str(ROOT))

from bearing.engine.plan import Plan, ProgressEvent
from bearing.engine.problem import Problem

__all__ = [
    "RESULTS_DIR",
    "Run",
    "append_markdown",
    "check",
    "load_solver",
    "markdown_table",
    "median",
    "run_solver",
    "write_jsonl",
]

RESULTS_DIR = Path(__file__).resolve().parent / "results"
Solver = Callable[..., Plan]


def load_solver(spec: str = "bearing.engine.solve:solve") -> Solver:
    """The solve function named `module:function` (another one only to dry-run the scripts)."""
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "solve")  # type: ignore[no-any-return]


def check(problem: Problem, plan: Plan) -> list[str] | None:
    """Violations found by the independent checker; None when the checker is not available."""
    try:
        from bearing.engine.check import check_plan
    except ImportError:
        return None
    result = check_plan(problem, plan)
    return list(result.violations)


@dataclass
class Run:
    """One timed solve: the plan's figures, the checker's verdict and the improvement trace."""

    method: str
    status: str = "error"
    objective: float = 0.0
    bound: float | None = None
    gap: float | None = None
    wall_seconds: float = 0.0
    first_seconds: float | None = None  # first progress event (first plan in hand)
    trace: list[tuple[float, str, float]] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    checked: bool = False  # the independent checker ran on the plan
    error: str = ""

    def seconds_to_reach(self, value: float) -> float | None:
        """Elapsed seconds of the first improvement at or above `value`."""
        for seconds, _stage, objective in self.trace:
            if objective >= value - 1e-6:
                return seconds
        if self.objective >= value - 1e-6 and self.status != "error":
            return self.wall_seconds
        return None


def run_solver(
    solver: Solver,
    problem: Problem,
    *,
    method: str,
    time_limit: float,
    workers: int = 1,
    seed: int = 0,
    explain: bool = False,
    do_check: bool = True,
) -> Run:
    """Solve once, recording every progress event and the wall time; never raises."""
    run = Run(method=method)
    start = time.perf_counter()

    def progress(event: ProgressEvent) -> None:
        run.trace.append((time.perf_counter() - start, event.stage, event.objective))

    try:
        plan = solver(
            problem,
            time_limit=time_limit,
            workers=workers,
            seed=seed,
            method=method,
            progress=progress,
            explain=explain,
        )
    except Exception as exc:  # noqa: BLE001  (a benchmark records failures and goes on)
        run.wall_seconds = time.perf_counter() - start
        run.error = f"{type(exc).__name__}: {exc}"
        return run
    run.wall_seconds = time.perf_counter() - start
    run.status, run.objective, run.bound, run.gap = (
        plan.status,
        plan.objective,
        plan.bound,
        plan.gap,
    )
    run.first_seconds = run.trace[0][0] if run.trace else run.wall_seconds
    if do_check and plan.status in ("optimal", "feasible"):
        found = check(problem, plan)
        run.checked = found is not None
        run.violations = found or []
    return run


def median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def fmt(value: float | None, spec: str = ".3f", missing: str = "—") -> str:
    return missing if value is None else format(value, spec)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def append_markdown(path: str | None, title: str, text: str) -> None:
    """Append a titled block to a markdown file (when one was asked for)."""
    if path:
        with open(path, "a") as f:
            f.write(f"\n### {title}\n\n{text}")


def write_jsonl(path: Path | str | None, records: Iterable[dict[str, Any]]) -> None:
    """Append raw per-instance records, one JSON object a line, so partial runs can be merged."""
    if not path:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        f.writelines(json.dumps(record) + "\n" for record in records)
