"""The optimiser's clock: work budgets instead of the wall clock, so a seeded solve is reproducible.

With one worker the search must give the same plan for the same problem, seed and time limit, however
busy the machine is. So the stages do not look at the wall clock: each one charges the work it did —
CP-SAT's deterministic time, HiGHS's iterations and branch-and-bound nodes, moves tried — converted to
the seconds that work takes on an idle machine (rates calibrated on the 2-core reference machine), and
`Pace.now()` is the start plus those nominal seconds. The stages share out the time limit by this
clock exactly as they would by the wall clock, so on an idle machine a solve still takes about its
time limit; on a busy one it takes longer and finds the same plan.

A wall-clock safety cap (`CAP_FACTOR` times the limit plus `CAP_EXTRA` seconds) still ends a stage
that runs far over; the plan is then valid but no longer reproducible, and `Pace.cut` says so (the
solver reports it as `stats["deterministic"] = False`). With several workers CP-SAT is not
reproducible anyway: `Pace.now()` is then the wall clock and the cap is the time limit itself.
"""

from __future__ import annotations

import time

__all__ = [
    "CAP_EXTRA",
    "CAP_FACTOR",
    "CP_WORK_PER_SECOND",
    "Pace",
    "crossover_seconds_per_iteration",
    "ipm_seconds_per_iteration",
    "lagrangian_seconds_per_iteration",
    "mip_root_seconds",
    "mip_seconds_per_check",
    "move_seconds_per_attempt",
]

# Wall-clock safety cap of a reproducible solve: this many times the time limit, plus these seconds.
CAP_FACTOR = 3.0
CAP_EXTRA = 5.0
# CP-SAT deterministic seconds per second on one idle core of the reference machine.
CP_WORK_PER_SECOND = 0.5


def ipm_seconds_per_iteration(nonzeros: int) -> float:
    """Seconds per interior-point iteration of the relaxation, by its size: measured on one idle
    core 0.8 ms / 10 ms / 51 ms / 565 ms at 2k / 30k / 119k / 846k nonzeros (generated S, M, L, XL;
    23-86 iterations)."""
    return 2e-4 + 0.0098 * (max(1, nonzeros) / 29600.0) ** 1.2


def crossover_seconds_per_iteration(nonzeros: int) -> float:
    """Seconds per simplex iteration of the crossover after an interior-point solve: 5-10 s for
    30k-36k iterations at 846k nonzeros (generated 10,000-demand problems, one idle core)."""
    return 3e-10 * max(1, nonzeros)


def mip_seconds_per_check(nonzeros: int, *, root: bool = False) -> float:
    """Seconds between two calls of HiGHS's MIP interrupt callback, on average. They come very
    unevenly. At the root node, cut rounds call every few ms but each sub-MIP heuristic runs
    0.15-1.2 s without a call: ~26 ms a call at 1.5k nonzeros, ~66 ms at 5k, until the root's
    work is done (`mip_root_seconds`). In the tree, about one call per node LP plus the odd
    sub-MIP: ~0.5 us per nonzero. Measured in CPU seconds, one thread, hinted solves of generated
    problems (80x5x5, 60x8x8, 120x5x6, 200x6x6, S; 1.5k-5k nonzeros)."""
    n = max(1, nonzeros)
    return 0.015 + 1e-5 * n if root else 5.5e-7 * n


def mip_root_seconds(nonzeros: int) -> float:
    """Seconds HiGHS spends at the root node before branching (cuts, sub-MIP heuristics, then a
    stretch of quick calls): ~2.3 s at 1.5k nonzeros, ~5 s at 5k (same measurements)."""
    return 1.8 + 6e-4 * max(1, nonzeros)


def move_seconds_per_attempt(demands: int) -> float:
    """Seconds per insertion-move attempt (numpy over all demands): measured on one idle core
    1.5 ms / 2.5 ms / 4.5 ms at 500 / 2,000 / 10,000 demands (generated M, L, XL)."""
    return 1.5e-3 * (max(1, demands) / 500.0) ** 0.37


def lagrangian_seconds_per_iteration(entries: int) -> float:
    """Seconds per subgradient iteration of the priced bound, by the nonzeros it prices
    (5.8 s of wall time for what this charged as 12 s at 10,000 demands before recalibration)."""
    return 1e-4 + 1.45e-8 * entries


class Pace:
    """Nominal time of a solve: charged by the stages' work when reproducible, else the wall clock."""

    def __init__(self, time_limit: float, *, workers: int = 1, t0: float | None = None) -> None:
        self.t0 = time.perf_counter() if t0 is None else t0
        self.deterministic = workers == 1
        self.spent = 0.0  # nominal seconds charged so far
        limit = max(0.1, time_limit)
        self.cap = self.t0 + (CAP_FACTOR * limit + CAP_EXTRA if self.deterministic else limit)
        self.cut = False  # the safety cap (or a wall-clock stage) ended some work early
        self.wall_stages: list[str] = []

    def now(self) -> float:
        """The time the stages plan by (perf_counter scale)."""
        if self.deterministic:
            return self.t0 + self.spent
        return time.perf_counter()

    def charge(self, seconds: float) -> None:
        """Count work done, in nominal seconds."""
        if self.deterministic:
            self.spent += max(0.0, seconds)

    def wall_left(self) -> float:
        """Wall-clock seconds until the safety cap."""
        return self.cap - time.perf_counter()

    def capped(self) -> bool:
        """Whether the safety cap has passed (and, if so, remember that the run was cut)."""
        if time.perf_counter() >= self.cap:
            self.cut = True
            return True
        return False

    def mark_cut(self) -> None:
        """A stage ended on the safety cap: the plan may differ from run to run."""
        self.cut = True

    def mark_wall_clock(self, stage: str) -> None:
        """A stage ran by the wall clock (not budgeted by work): the plan may differ from run to run."""
        self.wall_stages.append(stage)

    @property
    def reproducible(self) -> bool:
        """Whether this solve gives the same plan on any run with the same problem, seed and limit."""
        return self.deterministic and not self.cut and not self.wall_stages
