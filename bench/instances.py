"""Loaders turning the external benchmark sets in `../shared/benchmarks/` into engine problems.

* OR-Library multidimensional knapsack (Chu & Beasley `mknapcb1..9`): each instance becomes a
  one-period problem; each item a demand (value = profit, duration 1) using `weight` hours of each
  constraint-resource `c1..cm`, whose capacity is the knapsack capacity. Best-known values come
  from `best_known.csv`.
* PSPLIB j30 (single-mode RCPSP): each real job becomes a mandatory demand with the job's
  duration, effort = per-period request x duration on each renewable resource `R1..R4` (the engine
  spreads effort evenly, so per-period use is the request again), and `requires` = its real
  predecessors. The dummy source and sink (duration 0) are dropped. Any other zero-duration job
  would be contracted the same way (its predecessors passed on to its successors); none of the 480
  j30 instances has one. The horizon is the number of periods (optimum, or optimum - 1).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from bearing.engine.problem import Demand, Problem, Resource

__all__ = [
    "BENCHMARKS",
    "J30Instance",
    "MkpInstance",
    "RcpspJob",
    "j30_problem",
    "load_j30",
    "load_j30_set",
    "load_mknapcb",
    "mknapcb_files",
]

# ../shared/benchmarks beside the repository, unless BEARING_BENCHMARKS says otherwise (snapshots).
BENCHMARKS = Path(
    os.environ.get(
        "BEARING_BENCHMARKS", Path(__file__).resolve().parents[2] / "shared" / "benchmarks"
    )
)
MKP_DIR = BENCHMARKS / "mkp_orlib_chu_beasley"
J30_DIR = BENCHMARKS / "psplib_j30"


@dataclass(frozen=True)
class MkpInstance:
    """One multidimensional knapsack instance as a one-period problem, with its best-known value."""

    name: str  # e.g. "5.100-00" (m.n-NN, as in mkcbres.txt)
    file: str  # e.g. "mknapcb1.txt"
    index: int  # 1-based position in the file
    problem: Problem
    best_known: float
    best_known_status: str  # "Optimal" or "Feasible"
    lp_bound: float


@dataclass(frozen=True)
class RcpspJob:
    """A PSPLIB job: duration in periods, per-period request of each resource, successor job numbers."""

    number: int
    duration: int
    requests: tuple[int, ...]
    successors: tuple[int, ...]


@dataclass(frozen=True)
class J30Instance:
    """A parsed PSPLIB instance: jobs, per-period capacities and the published optimal makespan."""

    name: str  # e.g. "j301_1"
    jobs: tuple[RcpspJob, ...]
    capacities: tuple[int, ...]
    optimum: int

    def problem(self, horizon: int) -> Problem:
        return j30_problem(self.jobs, self.capacities, horizon)


# --- OR-Library mknapcb -----------------------------------------------------------------------


def mknapcb_files() -> list[Path]:
    return [MKP_DIR / f"mknapcb{i}.txt" for i in range(1, 10)]


def _best_known() -> dict[tuple[str, int], dict[str, str]]:
    with open(MKP_DIR / "best_known.csv", newline="") as f:
        return {(row["file"], int(row["problem_index_1based"])): row for row in csv.DictReader(f)}


def load_mknapcb(path: Path | str) -> list[MkpInstance]:
    """All instances of one `mknapcbK.txt` file (a flat stream of numbers, see the README)."""
    path = Path(path)
    tokens = path.read_text().split()
    pos = 0

    def take(count: int) -> list[float]:
        nonlocal pos
        values = [float(t) for t in tokens[pos : pos + count]]
        pos += count
        return values

    known = _best_known()
    (count,) = take(1)
    instances = []
    for k in range(1, int(count) + 1):
        n, m, _opt = (int(v) for v in take(3))
        profits = take(n)
        weights = [take(n) for _ in range(m)]
        capacities = take(m)
        row = known[(path.name, k)]
        instances.append(
            MkpInstance(
                name=row["mkcbres_name"],
                file=path.name,
                index=k,
                problem=_knapsack_problem(profits, weights, capacities),
                best_known=float(row["best_known"]),
                best_known_status=row["best_known_status"],
                lp_bound=float(row["lp_relaxation_upper_bound"]),
            )
        )
    if pos != len(tokens):
        raise ValueError(f"{path}: {len(tokens) - pos} numbers left over after {count} problems")
    return instances


def _knapsack_problem(
    profits: list[float], weights: list[list[float]], capacities: list[float]
) -> Problem:
    width = len(str(len(profits)))
    names = [f"c{i + 1}" for i in range(len(capacities))]
    demands = tuple(
        Demand(
            id=f"item-{j + 1:0{width}d}",
            value=profits[j],
            duration=1,
            effort={names[i]: w[j] for i, w in enumerate(weights) if w[j] != 0},
        )
        for j in range(len(profits))
    )
    return Problem(
        periods=1,
        resources={r: Resource(r, (cap,)) for r, cap in zip(names, capacities)},
        demands=demands,
    )


# --- PSPLIB j30 -------------------------------------------------------------------------------


def _optima() -> dict[str, int]:
    with open(J30_DIR / "j30_optimum_kobe.csv", newline="") as f:
        return {
            row["problem"].removesuffix(".sm"): int(row["optimum"]) for row in csv.DictReader(f)
        }


def load_j30(path: Path | str, optimum: int | None = None) -> J30Instance:
    """One `.sm` file: the PRECEDENCE RELATIONS and REQUESTS/DURATIONS tables and the capacities."""
    path = Path(path)
    lines = path.read_text().splitlines()
    successors: dict[int, tuple[int, ...]] = {}
    durations: dict[int, tuple[int, tuple[int, ...]]] = {}
    capacities: tuple[int, ...] = ()
    section = ""
    for line in lines:
        if line.startswith("PRECEDENCE RELATIONS"):
            section = "prec"
        elif line.startswith("REQUESTS/DURATIONS"):
            section = "req"
        elif line.startswith("RESOURCEAVAILABILITIES"):
            section = "avail"
        elif line.startswith("*"):
            section = ""
        fields = line.split()
        if not fields or not fields[0].isdigit():
            continue
        numbers = [int(x) for x in fields]
        if section == "prec":
            successors[numbers[0]] = tuple(numbers[3 : 3 + numbers[2]])
        elif section == "req":
            durations[numbers[0]] = (numbers[2], tuple(numbers[3:]))
        elif section == "avail":
            capacities = tuple(numbers)
    jobs = tuple(
        RcpspJob(j, durations[j][0], durations[j][1], successors[j]) for j in sorted(durations)
    )
    name = path.name.removesuffix(".sm")
    return J30Instance(name, jobs, capacities, optimum if optimum is not None else _optima()[name])


def load_j30_set(names: list[str] | None = None) -> list[J30Instance]:
    """All 480 j30 instances in PSPLIB order (parameter set, then instance), or the named ones."""
    optima = _optima()

    def order(name: str) -> tuple[int, int]:
        par, inst = name.removeprefix("j30").split("_")
        return int(par), int(inst)

    chosen = sorted(names if names is not None else optima, key=order)
    return [load_j30(J30_DIR / "j30.sm" / f"{n}.sm", optima[n]) for n in chosen]


def j30_problem(jobs: tuple[RcpspJob, ...], capacities: tuple[int, ...], horizon: int) -> Problem:
    """All jobs mandatory, per-period requests as effort x duration, predecessors as requirements."""
    names = [f"R{i + 1}" for i in range(len(capacities))]
    predecessors: dict[int, set[int]] = {j.number: set() for j in jobs}
    for job in jobs:
        for s in job.successors:
            predecessors[s].add(job.number)
    by_number = {j.number: j for j in jobs}

    def real_predecessors(number: int) -> set[int]:
        # Zero-duration jobs (the dummy source and sink) are contracted: look through them.
        found: set[int] = set()
        for p in predecessors[number]:
            found |= {p} if by_number[p].duration > 0 else real_predecessors(p)
        return found

    demands = tuple(
        Demand(
            id=f"job-{job.number:02d}",
            value=1.0,
            duration=job.duration,
            effort={names[i]: float(r * job.duration) for i, r in enumerate(job.requests) if r > 0},
            requires=tuple(f"job-{p:02d}" for p in sorted(real_predecessors(job.number))),
            mandatory=True,
        )
        for job in jobs
        if job.duration > 0
    )
    return Problem(
        periods=horizon,
        resources={r: Resource(r, (float(c),) * horizon) for r, c in zip(names, capacities)},
        demands=demands,
    )
