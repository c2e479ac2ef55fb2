"""The optimiser's clock: work budgets instead of the wall clock, so a seeded solve is reproducible.

With one worker the search must give the same plan for the same problem, seed and time limit, however
busy the machine is. So the stages do not look at the wall clock: each one charges the work it did —
CP-SAT's deterministic time, HiGHS's iterations and branch-and-bound nodes, moves tried — converted to
the seconds that work takes on an idle machine (rates measured on the 2-core reference machine,
charged about a fifth — 5-35 % — above what was measured), and `Pace.now()` is the start plus those
nominal seconds. The stages share out the time limit by this clock exactly as they would by the
wall clock, so on an idle machine a solve ends a little before its time limit (generated problems
of 500 to 10,000 demands: 76-88 % of it); on a busy one it takes longer and finds the same plan.

A wall-clock safety cap (`CAP_FACTOR` times the limit plus `CAP_EXTRA` seconds) still ends a stage
that runs far over; the plan is then valid but no longer reproducible, and `Pace.cut` says so (the
solver reports it as `stats["deterministic"] = False`). With several workers CP-SAT is not
reproducible anyway: `Pace.now()` is then the wall clock and the cap is the time limit itself.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = [
    "CAP_EXTRA",
    "CAP_FACTOR",
    "CP_WORK_PER_SECOND",
    "CUMULATIVE_WORK_PER_SECOND",
    "LNS_WORK_PER_SECOND",
    "SELECTION_WORK_PER_SECOND",
    "MipWork",
    "Pace",
    "crossover_seconds_per_iteration",
    "ipm_seconds_per_iteration",
    "lagrangian_seconds_per_iteration",
    "lns_step_seconds",
    "lp_build_seconds",
    "lp_iterations",
    "lp_seconds",
    "mip_root_seconds",
    "mip_seconds_per_check",
    "move_seconds_per_attempt",
    "rounding_seconds",
    "schedule_seconds_per_attempt",
    "selection_core_seconds",
    "selection_mip_rates",
    "setup_seconds",
]

# Wall-clock safety cap of a reproducible solve: this many times the time limit, plus these seconds.
CAP_FACTOR = 3.0
CAP_EXTRA = 5.0
# CP-SAT deterministic seconds per second on one idle core of the reference machine.
CP_WORK_PER_SECOND = 0.5
# The same for the start models of the large-neighbourhood search's steps (50-150 freed demands in
# a fixed plan), solved with CP-SAT's linearization level 2 (`lns._solver`): a least-squares fit
# over 484 recorded steps of generated M, L, XL (one idle core) gives 1.56 s of wall per
# deterministic second plus `lns_step_seconds` (1.37 at level 1, the same steps); charged 1.75, as
# a limit is a promise. (An earlier calibration, 2.38 s, was measured at 1.95-2.65 on a slower day:
# one-worker solves of M and L then ended at about half their limit.)
LNS_WORK_PER_SECOND = 0.57
# The same for the interval (cumulative) model of forced demands, whose propagation CP-SAT counts
# as less work: 0.12-0.6 per second on the hardest PSPLIB j30 decisions (1-35 s each), 0.32 over
# all of them together.
CUMULATIVE_WORK_PER_SECOND = 0.3
# The same for the core models of one-period selections (CP-SAT's time plus the building of each
# model in Python): 17 cores of OR-Library mknapcb (files 1, 4, 7, 9) took 15.1 s where 0.42 charged
# 29.9 s (7.0 nominal seconds had taken 7.8-8.7 s at 0.5 in an earlier measurement).
SELECTION_WORK_PER_SECOND = 0.7


def ipm_seconds_per_iteration(nonzeros: int) -> float:
    """Seconds per interior-point iteration of the relaxation, by its size: measured on one idle
    core 4.4 ms / 24 ms / 295 ms at 29k / 119k / 844k nonzeros (generated M, L, XL seed 1; 29-81
    iterations, without crossover) and 1.08 s at 2.48M (30,000 demands); charged 11-25 % more.
    (Earlier calibrations, 6.9 / 35 / 408 ms and 10 / 51 / 565 ms, were measured on slower days.)"""
    return 2e-4 + 0.0055 * float((max(1, nonzeros) / 29600.0) ** 1.22)


# Interior-point iterations a relaxation is expected to need: the most measured on generated
# problems of up to 10,000 demands (86, at up to 850k nonzeros); more beyond (105 at 2.48M
# nonzeros: 30,000 demands x 60 resources x 16 quarters).
_LP_ITERATIONS = 90
_LP_ITERATIONS_UP_TO = 850_000


def lp_iterations(nonzeros: int) -> float:
    """Interior-point iterations a relaxation of this size is expected to need."""
    return _LP_ITERATIONS * float(max(1.0, nonzeros / _LP_ITERATIONS_UP_TO) ** 0.15)


def lp_seconds(nonzeros: int) -> float:
    """Seconds a relaxation's interior-point solve is expected to take, by its size."""
    return lp_iterations(nonzeros) * ipm_seconds_per_iteration(nonzeros)


def crossover_seconds_per_iteration(nonzeros: int) -> float:
    """Seconds per simplex iteration of the crossover after an interior-point solve, growing with
    the square root of its size: 0.055 ms at 119k nonzeros (4,373 iterations), 0.144 ms at 844k
    (46,713), 0.27 ms at 2.48M (145k; generated L, XL, XXL, one idle core); charged a fifth more."""
    return 1.9e-7 * float(max(1, nonzeros) ** 0.5)


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
    stretch of quick calls), with the choice columns and HiGHS's default heuristic effort: 0.14-4.05
    s, median 1.75 s, at 1.8k-2.4k nonzeros (generated N = 60 seeds 1-20 in the solver, hinted,
    two solves at a time). With heuristic effort 0.3 it was charged 0.9 s more (~2.3 s at 1.5k
    nonzeros, ~5 s at 5k, the measurements above). Bigger roots cost more per nonzero: 2.8-12.5 s,
    median 6.1 s, at 4.6k-9.3k nonzeros (eight generated problems of 80-400 demands, the same
    way), so past ~2.3k nonzeros the charge is a line through N = 60's median and theirs, a fifth
    above both. (At 200 x 10 x 8 the 30 s solves then ended at 26-30 s of wall instead of 39 s.)"""
    n = max(1, nonzeros)
    return max(0.9 + 6e-4 * n, 1.45e-3 * n - 1.09)


def selection_core_seconds(free_items: int) -> float:
    """The least seconds a core model of a one-period selection is charged, whatever CP-SAT's
    deterministic time says: its presolve, which that time does not count, can settle a core of
    loose rows outright (generated selections of 2,000 and 5,000 items whose only tight row is a
    budget: cores of 800-1,600 free items took 0.35-0.7 s at no deterministic time, and 1 s solves
    took 4.1-4.2 s). 0.44-0.64 ms per free item there; OR-Library's cores (30-50 free items) are
    charged more by their deterministic time, so this leaves them as they were."""
    return 6.5e-4 * max(0, free_items)


def selection_mip_rates(items: int) -> tuple[float, float, float]:
    """(seconds per root call, root cost, seconds per tree call) of HiGHS's MIP on a one-period
    selection (multidimensional knapsack), started from the core search's best selection. Measured
    on OR-Library mknapcb (seven instances of 100-500 items and 5-30 rows in the full pipeline, one
    core): 6.9-16.7 ms per call at the root (148-336 calls; no quick last stretch, so no root cost
    cap), more with more items; 0.9-2.2 ms per call in the tree. Charged about half that since: five
    such MIPs (files 1, 4, 7, 9) took 6.1 s on one idle core where those rates charged 13.7 s."""
    return 3.3e-3 + 9e-6 * max(1, items), float("inf"), 8e-4


class MipWork:
    """A work budget for a HiGHS MIP: attached to its interrupt callback, it charges each call by
    phase (`root_rate` per call at the root until `root_cost` is reached, then `tree_rate`) and
    interrupts the search once `budget` nominal seconds are spent. HiGHS calls back at fixed points
    of its deterministic search, so the same budget gives the same search on any machine load."""

    def __init__(self, budget: float, *, root_rate: float, root_cost: float, tree_rate: float) -> None:
        self.budget = max(root_rate, float(budget))
        self.root_rate, self.root_cost, self.tree_rate = root_rate, root_cost, tree_rate
        self.spent = 0.0
        self._root = 0.0

    def __call__(self, event: object) -> None:
        if event.data_out.mip_node_count <= 0:  # type: ignore[attr-defined]
            step = min(self.root_rate, max(0.0, self.root_cost - self._root))
            self._root += step
        else:
            step = self.tree_rate
        self.spent += step
        if self.spent >= self.budget:
            event.interrupt()  # type: ignore[attr-defined]


def move_seconds_per_attempt(demands: int) -> float:
    """Seconds per insertion-move attempt (numpy over all demands): measured on one idle core
    0.49 ms / 1.1 ms / 3.1 ms at 500 / 2,000 / 10,000 demands (generated M, L, XL, 254-1,085
    attempts each); charged 17-25 % more."""
    return 6e-4 * float((max(1, demands) / 500.0) ** 0.6)


def setup_seconds(demands: int) -> float:
    """Seconds of the work before any stage charges its own: the greedy yardstick (three rankings
    placed), compiling the problem and checking greedy's plan on the ledger. Measured on one idle
    core: 0.06 / 0.38 s at 2,000 / 10,000 demands (generated L, XL; 0.2 / 1.1 s on a slower day)."""
    return 4.5e-5 * demands


def lp_build_seconds(nonzeros: int) -> float:
    """Seconds to build a relaxation (or the priced bound's matrix) in Python, by its nonzeros:
    0.02 / 0.08 / 0.57 s at 29k / 119k / 844k (generated M, L, XL, one idle core; 6.8e-7 s each)."""
    return 8e-7 * nonzeros


def rounding_seconds(demands: int) -> float:
    """Seconds to round a relaxation's solution to a plan and fill what is left: 0.045 / 0.26 s at
    2,000 / 10,000 demands (generated L, XL, one idle core; four roundings 0.18 / 1.04 s)."""
    return 3.5e-5 * demands


def lns_step_seconds(demands: int, freed: int, freed_starts: int) -> float:
    """Seconds an LNS step takes besides CP-SAT's deterministic time: choosing the neighbourhood
    and laying its plan over the best (passes over every demand: 2 us per demand of the problem),
    building the model of the freed demands and CP-SAT's loading of it. Over 8-16 quarters that
    was fitted as 14 ms a step and 0.1 ms per freed demand (a step at 10,000 demands freeing 72
    took 134 ms of wall for 76 ms of deterministic time). Over more quarters the model grows with
    the freed demands' start variables (a demand free over 60 quarters has five times the starts
    of one over 12), and steps took 1.8-1.95 times that charge: 30 s solves of 1,000 demands over
    60 quarters and 300 over 40 ran 41 and 36 s. Fitted over 1,360 steps of five shapes (8-60
    quarters, one idle core): 15 us per freed start, charged 18 us and 5 ms a step. A step is
    charged the larger of the two, so over 8-16 quarters almost every step is charged as before
    (and one-worker runs there find the same plans), and the long ones end within their limit."""
    by_demands = 0.014 + 1e-4 * freed
    by_starts = 0.005 + 1.8e-5 * freed_starts
    return max(by_demands, by_starts) + 2e-6 * demands


def schedule_seconds_per_attempt(demands: int, periods: int, *, justified: bool) -> float:
    """Seconds per randomised serial schedule of `demands` forced demands over `periods` periods:
    2-9 us per demand-period with forward-backward justification, up to 1.4 us without (PSPLIB
    j30 at optimum - 1, 30 jobs over 42-87 periods; a pass that fails early costs less)."""
    return (6e-6 if justified else 1e-6) * max(1, demands) * max(1, periods)


def lagrangian_seconds_per_iteration(entries: int) -> float:
    """Seconds per subgradient iteration of the priced bound, by the nonzeros it prices
    (generated XL seed 1: 252 iterations took 1.38 s of wall where 1.45e-8 charged 2.08 s)."""
    return 1e-4 + 1.1e-8 * entries


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

    def limit_cp(self, parameters: Any, seconds: float, work_per_second: float = CP_WORK_PER_SECOND) -> None:
        """Limit a CP-SAT solve (its `parameters`) to `seconds` of this clock: with one worker a
        deterministic work budget, the wall clock only enforcing the safety cap; else wall seconds."""
        if self.deterministic:
            parameters.max_deterministic_time = max(0.001, seconds * work_per_second)
            parameters.max_time_in_seconds = max(0.01, self.wall_left())
        else:
            parameters.max_time_in_seconds = max(0.01, seconds)

    def charge_cp(self, solver: Any, work_per_second: float = CP_WORK_PER_SECOND) -> None:
        """Count the work of a finished CP-SAT solve (and note a safety cap that ended it)."""
        self.charge(solver.deterministic_time / work_per_second)
        self.capped()

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
