"""Tabu search with strategic oscillation for small one-period selections (multidimensional knapsacks).

The exact core solves stall on knapsacks with many tight capacity rows (30 rows at a quarter of the
total size, OR-Library mknapcb7): the selection they hand over is swap-optimal, and neither CP-SAT
nor HiGHS improves it in the time left. A tabu search on swaps does: it exchanges one chosen item
for one left out, may cross into overloaded selections at a penalty that grows while it stays there
and shrinks while it is feasible (strategic oscillation, Glover & Kochenberger), and forbids moving
an item back for a few steps so it cannot cycle. It runs at a fixed number of chosen items
(Vasquez & Hao), one run for each count whose LP relaxation with that count can still beat the best
selection, best bound first, each run starting from the best selection so far.

Each step weighs every swap on every row at once (numpy), so a step costs items-in x items-out x
rows; the caller keeps it to selections of about a hundred items. The search is seeded and charges a
nominal cost per step to the pace, so with one worker it is reproducible."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from bearing.engine.pace import Pace

__all__ = ["tabu_search"]

# Steps of one run at one item count before the next count gets its turn.
_STEPS_PER_RUN = 3000
# Steps between two looks at the clock and the stop request.
_STEPS_PER_CHECK = 100
# Penalty per unit of overload (as a share of the row's capacity), in multiples of the largest
# value; it falls by this factor after a feasible step and rises after an overloaded one.
_PENALTY_START = 20.0
_PENALTY_DOWN = 0.9
_PENALTY_UP = 1.1
# ... within these bounds (a long stretch on one side must not overflow it or wear it away).
_PENALTY_MIN = 1e-3
_PENALTY_MAX = 1e6
# Steps an item stays where it was moved: one leaving the selection stays out longer than one
# entering stays in, so the search keeps trying other items in its place.
_OUT_TENURE = (5, 15)
_IN_TENURE = (3, 8)


def _step_seconds(rows: int, chosen: int, left_out: int) -> float:
    """Nominal seconds of one step: every swap of a chosen for a left-out item is weighed on every
    row. Measured on one idle core (numpy, single precision): 2.76 s for 5 runs that this charged
    6.2 s at 2.5e-4 + 2.5e-9 per swap and row (OR-Library mknapcb files 1, 4, 7, 9; 20-80 items in
    and 100 minus that out; an earlier measurement had 0.25-0.43 ms a step)."""
    return 1.4e-4 + 1.4e-9 * rows * chosen * left_out


def _to_count(x: np.ndarray, movable: np.ndarray, count: int, efficiency: np.ndarray) -> np.ndarray:
    """`x` with exactly `count` movable items chosen: the least efficient leave, the most enter."""
    x = x.copy()
    inside = movable[x[movable] == 1]
    outside = movable[x[movable] == 0]
    if len(inside) > count:
        drop = inside[np.argsort(efficiency[inside], kind="stable")[: len(inside) - count]]
        x[drop] = 0
    elif len(inside) < count:
        add = outside[np.argsort(-efficiency[outside], kind="stable")[: count - len(inside)]]
        x[add] = 1
    return x


def tabu_search(
    profit: np.ndarray,
    weights: np.ndarray,
    caps: np.ndarray,
    start: np.ndarray,
    *,
    movable: np.ndarray,
    counts: Sequence[int],
    efficiency: np.ndarray,
    end: float,
    pace: Pace,
    seed: int,
    stop: Callable[[], bool],
    on_solution: Callable[[np.ndarray], None],
) -> np.ndarray:
    """Improve the feasible selection `start` (0/1 vector) until `end` on `pace`'s clock, moving only
    the items in `movable`, with the total number chosen in turn fixed at each of `counts`; a count
    is first reached by taking out the least `efficiency` or adding the most. Every better selection
    goes to `on_solution`; the best found is returned."""
    movable = np.asarray(movable, dtype=int)
    if len(movable) < 2 or not counts:
        return start
    rng = np.random.default_rng(seed)
    # overload is measured as a share of each row's capacity, so rows of any scale weigh alike
    scale = np.maximum(caps, np.maximum(weights.max(axis=1, initial=0.0), 1e-9))
    # the swaps are weighed in single precision (half the memory swept at each step); the slack is
    # kept in double precision and a selection is accepted only after an exact check
    exact = weights[:, movable] / scale[:, None]
    norm = exact.astype(np.float32)
    fixed = np.ones(len(profit), dtype=bool)
    fixed[movable] = False
    best = start.copy()
    best_value = float(profit @ best)
    fixed_chosen = int(best[fixed].sum())
    fixed_value = float(profit[fixed] @ best[fixed])
    top = float(np.max(np.abs(profit[movable]))) or 1.0
    p = profit[movable]
    counts = [c for c in counts if 0 < c - fixed_chosen < len(movable)]
    while counts and not stop() and pace.now() < end:
        for count in counts:
            if stop() or pace.now() >= end:
                break
            inner = count - fixed_chosen
            x = _to_count(best, movable, inner, efficiency)[movable]
            slack = (caps - weights[:, fixed] @ best[fixed]) / scale - exact @ x
            penalty = _PENALTY_START * top
            tabu_until = np.zeros(len(movable), dtype=int)
            cost = _step_seconds(len(caps), inner, len(movable) - inner)
            for step in range(_STEPS_PER_RUN):
                if step % _STEPS_PER_CHECK == 0 and step:
                    pace.charge(cost * _STEPS_PER_CHECK)
                    if stop() or pace.now() >= end:
                        break
                ins = np.nonzero(x)[0]
                outs = np.nonzero(x == 0)[0]
                # slack after swapping ins[a] out and outs[b] in, for every pair at once
                after = slack.astype(np.float32)[:, None, None] + norm[:, ins][:, :, None] - norm[:, outs][:, None, :]
                overload = np.maximum(0.0, -after).sum(axis=0)
                gain = p[outs][None, :] - p[ins][:, None]
                free = (tabu_until[ins] <= step)[:, None] & (tabu_until[outs] <= step)[None, :]
                # a tabu move is allowed when it gives a feasible selection better than the best
                aspiration = (overload <= 1e-6) & (fixed_value + float(p @ x) + gain > best_value + 1e-9)
                score = np.where(free | aspiration, gain - penalty * overload, -np.inf)
                score = score + rng.random(score.shape) * 1e-9 * top  # seeded tie-break
                a, b = np.unravel_index(int(np.argmax(score)), score.shape)
                leave, enter = ins[a], outs[b]
                x[leave], x[enter] = 0, 1
                slack += exact[:, leave] - exact[:, enter]
                tabu_until[leave] = step + rng.integers(*_OUT_TENURE)
                tabu_until[enter] = step + rng.integers(*_IN_TENURE)
                if not np.all(slack >= -1e-12):
                    penalty = min(penalty * _PENALTY_UP, _PENALTY_MAX * top)
                    continue
                penalty = max(penalty * _PENALTY_DOWN, _PENALTY_MIN * top)
                candidate = best.copy()
                candidate[movable] = x
                value = float(profit @ candidate)
                if value > best_value + 1e-9 and np.all(weights @ candidate <= caps + 1e-9):
                    best, best_value = candidate, value
                    on_solution(best)
            else:
                pace.charge(cost * (_STEPS_PER_RUN % _STEPS_PER_CHECK or _STEPS_PER_CHECK))
    return best
