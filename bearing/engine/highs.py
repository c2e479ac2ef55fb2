"""HiGHS as every engine solve uses it: one quiet, seeded, single-threaded instance (`new_highs`),
whether a run searched at all (`ran`), the matrix's entries, and the hooks a running MIP search
takes — solutions found elsewhere handed in (`hand_over`), its dual bound watched
(`watch_mip_bound`, `bound_worth_showing`)."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from typing import Any

import highspy
import numpy as np

__all__ = [
    "HIGHS_THREADS",
    "bound_worth_showing",
    "hand_over",
    "matrix_entries",
    "new_highs",
    "ran",
    "watch_mip_bound",
]

# A MIP's running bound is reported when it has closed by this share since the last one reported.
_BOUND_STEP = 5e-4


_banner_done = False


# The one thread count every HiGHS model of the engine (and sufficiency's) is given.
HIGHS_THREADS = 1


def ran(run_status: highspy.HighsStatus, model_status: highspy.HighsModelStatus) -> bool:
    """Whether a HiGHS run searched at all, so its bound and solution may be read: after an error
    (bad options, a thread-count clash, a solve error) the info fields keep stale defaults, e.g. a
    MIP dual bound of 0, which must never be taken for a proof."""
    return run_status != highspy.HighsStatus.kError and model_status in _SEARCHED


_SEARCHED = {
    highspy.HighsModelStatus.kOptimal,
    highspy.HighsModelStatus.kInfeasible,
    highspy.HighsModelStatus.kTimeLimit,
    highspy.HighsModelStatus.kIterationLimit,
    highspy.HighsModelStatus.kInterrupt,
    highspy.HighsModelStatus.kSolutionLimit,
    highspy.HighsModelStatus.kObjectiveBound,
    highspy.HighsModelStatus.kObjectiveTarget,
}


def new_highs(seed: int) -> highspy.Highs:
    """A HiGHS model as every engine solve needs it: silent (its first instance in a process would
    print a banner on stdout), seeded, one thread, interior point for relaxations."""
    global _banner_done
    if _banner_done:
        h = highspy.Highs()
    else:
        # HiGHS prints a banner on stdout from C++ when the first instance is made; the engine never prints
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            h = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_done = True
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", int(seed))
    # Always one thread: HiGHS keeps one thread pool per process and refuses to run ("kError",
    # nothing solved) a model whose thread count differs from the first one's, so a second solve
    # with another `workers` in the same process would fail. Its MIP search and the interior-point
    # solver used here are serial anyway; `workers` goes to CP-SAT.
    h.setOptionValue("threads", HIGHS_THREADS)
    # a MIP's "optimal" must mean proven: no gap tolerance beyond float noise (HiGHS's default
    # relative gap, 1e-4, let sufficiency's additions MIP stop 0.05 h above the least additions)
    h.setOptionValue("mip_rel_gap", 1e-7)
    h.setOptionValue("mip_abs_gap", 1e-7)
    # interior point is ~10x faster than simplex on these relaxations (many starts per demand)
    h.setOptionValue("solver", "ipm")
    return h


def matrix_entries(lp: highspy.HighsLp) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The column, row and value of every nonzero of `lp`'s matrix, stored either way round."""
    m = lp.a_matrix_
    start, index, value = np.asarray(m.start_), np.asarray(m.index_), np.asarray(m.value_)
    outer = np.repeat(np.arange(len(start) - 1), np.diff(start))
    if m.format_ == highspy.MatrixFormat.kColwise:
        return outer, index, value
    return index, outer, value


def hand_over(
    h: highspy.Highs, incumbent: Callable[[], tuple[Any, float]], vector: Callable[[Any], np.ndarray]
) -> Callable[[object], None]:
    """At each of its user-solution points, hand `h`'s MIP search the best solution found elsewhere
    (`incumbent()`: the solution and its value; `vector` makes it a column vector) when it is better
    than the last one handed; HiGHS checks it and keeps it if it is better than its own. Returns the
    subscription, for `h.cbMipUserSolution -= ...`."""
    handed = float("-inf")

    def supply(event: object) -> None:
        nonlocal handed
        solution, value = incumbent()
        if value > handed + 1e-9:
            handed = value
            event.data_in.setSolution(vector(solution).astype(float))  # type: ignore[attr-defined]

    h.cbMipUserSolution += supply
    return supply


def bound_worth_showing(bound: float, last: float | None, best_value: float) -> bool:
    """Whether a MIP's running bound is worth reporting: tighter by `_BOUND_STEP` than `last`, the
    last one reported, and not below the best plan's value (HiGHS reports a stale bound before its
    root is solved)."""
    if last is None or bound < best_value - 1e-6:
        return False
    return bound < last - _BOUND_STEP * max(1.0, abs(last))


def watch_mip_bound(h: highspy.Highs, on_bound: Callable[[float], None]) -> Callable[[object], None]:
    """Give `on_bound` `h`'s MIP dual bound at each of its interrupt points (in the solving thread).
    Returns the subscription, for `h.cbMipInterrupt -= ...`."""

    def watch(event: object) -> None:
        bound = float(event.data_out.mip_dual_bound)  # type: ignore[attr-defined]
        if math.isfinite(bound) and abs(bound) < 1e29:
            on_bound(bound)

    h.cbMipInterrupt += watch
    return watch
