"""Improve a plan: cheap insertion moves first, then large-neighbourhood search with CP-SAT.

The moves (`bearing.engine.moves`) bring in the demands the relaxation wants most by pushing out
cheaper blockers; they take `moves_share` of the time, first with one worker, on one lane beside
the first steps with more. LNS keeps most of the plan and re-optimises a part of it with CP-SAT.

Each step frees a neighbourhood — the demands around a window of periods, on one resource, or a
random handful, together with promising demands that are out; or, a quarter of the time, a valuable
demand the relaxation wants that is out, with its prerequisites and the plan demands in their way —
and asks CP-SAT for the best starts of those demands in what the rest of the plan leaves, hinted
with their current starts. A step is kept only when the ledger confirms the new plan is feasible
and worth more, so the plan never gets worse. With a reproducible `Pace` (one worker) every stage
is budgeted by work — moves tried, CP-SAT's deterministic time, HiGHS iterations — charged to the
pace's nominal clock, so a fixed seed follows the same path and gives the same plan however busy
the machine is; the wall clock only enforces the pace's safety cap.

With several workers the search runs on the wall clock with that many lanes, each CP-SAT on one
thread: a lane takes a neighbourhood of the best plan when it starts a step and, when the step ends,
its moves are laid over the best plan of that moment (another lane's step may have changed it) where
they still fit and still gain; then it starts the next step at once. Rounds that waited for every
lane's step left a core idle while the slower step ran.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from bearing.engine.compiled import Compiled, Ledger
from bearing.engine.model import build_start_model
from bearing.engine.moves import improve_by_moves, restricted_lp_plan, value_density
from bearing.engine.pace import LNS_WORK_PER_SECOND, Pace, lns_step_seconds
from bearing.engine.stopping import cp_solver

__all__ = ["LnsSettings", "improve", "reoptimise"]


@dataclass
class LnsSettings:
    """How hard to search: deadline (perf_counter scale; on `pace`'s clock when given), deterministic
    work budget (CP-SAT deterministic seconds, None = no budget; ignored with a reproducible `pace`,
    whose clock already counts work), workers and seed."""

    deadline: float
    work_budget: float | None = None
    workers: int = 1
    seed: int = 0
    # Deterministic seconds per sub-solve and the first neighbourhood's size. Many short steps beat
    # fewer long ones: 0.15 and 60 against 0.5 and 80, from the same plans after the relaxation
    # (generated M and L seeds 1-3, two LNS seeds each, 27-30 s): +0.53 % on average (M +0.8 to
    # +0.95 %, L -0.01 to +0.5 %); XL seeds 2 and 3 at 120 s +0.07 / +0.11 %. 0.25 and 60 gave
    # +0.34 %, 0.15 and 40 +0.36 %, 0.1 and 40 +0.29 %. Since the steps solve at linearization
    # level 2 they find what they find early: of the gain of XL seed 1's steps that ran to 0.15, 93 %
    # came by 0.02 and all by 0.06. So 0.08: from the relaxation's plans of generated XL seeds 1-3
    # (82 s of search, one worker, LNS seeds 0 and 1), gain +10 / +62 / +6 % on average against
    # 0.15; M and L seeds 1-3 (the same two seeds) 9,550 against 9,168 in all.
    step_work: float = 0.08
    start_size: int = 60
    # Share of the time (and work budget) given to insertion moves (first, or with several workers
    # on one lane beside the steps, their changes then laid over the steps' plan). After the LP's list
    # schedule they rarely pay: generated N = 2,000 at 30 s gave +4.58 / +4.81 / +4.26 % over
    # greedy with 0.1 against +4.58 / +4.62 / +3.44 % with 0.5 (N = 500: the same plans; N = 10,000:
    # +4.54 / +4.83 % against +4.42 / +4.74 % on seeds 2, 3). `solve` leaves them out after the full
    # relaxation with one worker.
    moves_share: float = 0.1
    # With several workers the moves run on one lane beside the steps, where they cost that lane
    # only, for this many times `moves_share`: XL seed 1 at 120 s, two workers, +5.07 / +5.02 / +5.03 %
    # with 2 (three runs), +4.99 / +5.03 / +4.94 / +4.99 / +5.03 % with 1; M, L at 30 s the same within
    # their runs' spread.
    moves_beside_factor: float = 2.0
    pace: Pace | None = None
    # Whether, with no full LP, a plan guided by the LP over what pays at the priced bound comes
    # first (not when polishing another solver's plans in short steps).
    priced_plan: bool = True
    # Told (stage, expected seconds) when a long stage starts: that relaxation.
    announce: Callable[[str, float], None] | None = None
    # Whether neighbourhoods follow the relaxation's wishes (`comp.guide`): drawn around a demand it
    # wants that is out, plan demands it does not want freed first. Not when polishing HiGHS's plans
    # of a small problem: generated S seed 3 (60 demands, 30 s) then had its optimum at 8.6 s, not
    # 3.8 s, the polishing's short steps spent on draws HiGHS's own search covers.
    follow_relaxation: bool = True

    def now(self) -> float:
        return self.pace.now() if self.pace is not None else time.perf_counter()

    @property
    def budgeted(self) -> bool:
        """Whether work, not the wall clock, ends every step (a reproducible pace)."""
        return self.pace is not None and self.pace.deterministic


# Insertion-move attempts per unit of work budget (one attempt takes ~2-5 ms on one free core).
_ATTEMPTS_PER_WORK = 400


# Weight of a demand the relaxation does not want at all, against 1 + this for one it wants whole.
_GUIDE_FLOOR = 0.1

# Neighbourhoods drawn empty in a row before the search gives up (nothing in the plan to free).
_EMPTY_DRAWS = 20

# Longest wait for a lane before asking `should_stop` again (the moves' lane only hears a stop
# request through this thread's asking).
_WAIT_SECONDS = 0.25

# Weight of wanting in the order plan demands are freed: a key drawn from [0, this + the share the
# relaxation takes), lowest first; of two, one it does not want comes before one it wants whole
# nine times in ten.
_UNWANTED_FIRST = 0.3

# Share of neighbourhoods drawn around a left-out demand the relaxation wants (a share of at least
# _WANTED), when there is a relaxation. With the order above, generated XL seeds 1 and 2 from the
# LP's plan, 82 s, LNS seeds 0 and 1: +797 / +1,825 on average over the search with neither (1,953
# / 1,480 over three seeds); M1-3 (30 s, four LNS seeds) +3.5 / +24 / +7 %. Half the draws gave more
# on XL seed 1 and less on seed 2; 0.4 and a threshold of 0.25 the same within the seeds' spread.
_AROUND_WANTED_SHARE = 0.25
_WANTED = 0.5
# Periods before a wanted demand's start in which its prerequisites' demands are freed too.
_BEFORE = 3

# Share of the remaining time the restricted LP may take. Its plan is worth more than what the
# search finds in that time: 30,000 demands at 120 s (generated XXL seed 7, one worker) +2.03 %
# over greedy with 0.8, +0.59 % with 0.5, which left it out; XL at 40 s, L at 3 s and M at 0.5 s
# the same plans either way.
_RESTRICTED_LP_SHARE = 0.8


def _restricted_lp_phase(
    comp: Compiled,
    ledger: Ledger,
    settings: LnsSettings,
    on_improve: Callable[[Ledger], object] | None,
    stats: dict[str, object],
) -> Ledger:
    """The plan rounded from the LP restricted to the demands that pay at the priced bound's
    prices, kept when it beats `ledger` (mandatory demands stay where `ledger` has them)."""
    now = settings.now()
    wall0 = time.perf_counter()
    base = ledger.mandatory_part()
    cand = restricted_lp_plan(
        comp, base, deadline=now + _RESTRICTED_LP_SHARE * (settings.deadline - now), pace=settings.pace,
        announce=settings.announce,
    )
    stats["restricted_lp_seconds"] = round(time.perf_counter() - wall0, 3)
    if cand is None or any(comp.mandatory[d] and cand.start[d] < 0 for d in range(comp.n)):
        return ledger
    if comp.objective(cand.starts()) <= comp.objective(ledger.starts()) + 1e-9:
        return ledger
    if on_improve is not None:
        on_improve(cand)
    return cand


def _move_phase(
    comp: Compiled,
    ledger: Ledger,
    settings: LnsSettings,
    density: np.ndarray,
    should_stop: Callable[[], bool] | None,
    on_improve: Callable[[Ledger], object] | None,
    share: float,
) -> tuple[Ledger, dict[str, object]]:
    """Cheap insertion moves for `share` of the time left: the demands the relaxation wants most go first."""
    now = settings.now()
    deadline = now + share * (settings.deadline - now)
    cap = None
    if settings.work_budget is not None and not settings.budgeted:
        cap = int(share * settings.work_budget * _ATTEMPTS_PER_WORK)
    top = float(density.max()) if comp.n else 1.0
    # the relaxation's wish first; value density breaks ties (and ranks alone without a relaxation)
    priority = density / (top + 1e-9) if comp.guide is None else comp.guide + 1e-3 * density / (top + 1e-9)
    best, moves, attempts = improve_by_moves(
        comp,
        ledger,
        deadline=deadline,
        priority=priority,
        max_attempts=cap,
        on_pass=on_improve,
        should_stop=should_stop,
        pace=settings.pace,
    )
    return best, {"move_count": moves, "move_attempts": attempts}


def _solver(workers: int, seed: int, wall: float, work: float | None) -> cp_model.CpSolver:
    solver = cp_solver(workers, seed)
    # The steps' models are small knapsack-like selections; level 2 puts every constraint and more
    # cuts into CP-SAT's LP, which closes more steps sooner and finds more per step. Replaying the
    # same 484 recorded steps of generated M, L and XL: +12 to +137 % value gained, 17-27 % less
    # deterministic time; whole searches from the same states (generated M, L seeds 1-3, three LNS
    # seeds each, XL seeds 1-2, four each; steps charged at the new rate, `LNS_WORK_PER_SECOND`)
    # gained more on 24 of 26 (10 less on two), XL seeds 1 and 2 +290 and +910 on average.
    solver.parameters.linearization_level = 2
    solver.parameters.max_time_in_seconds = max(0.01, wall)
    if work is not None:
        solver.parameters.max_deterministic_time = max(0.001, work)
    solver.parameters.log_search_progress = False
    return solver


def reoptimise(
    comp: Compiled,
    ledger: Ledger,
    free: list[int],
    *,
    value_scale: float,
    workers: int,
    seed: int,
    wall: float,
    work: float | None,
) -> tuple[Ledger | None, cp_model.CpSolverStatus, float]:
    """Best starts for the `free` demands with the rest of `ledger` fixed. Returns the improved
    ledger (None when no better feasible plan was found), the CP-SAT status and deterministic time."""
    base = ledger.copy()
    old = {d: base.start[d] for d in free if base.start[d] >= 0}
    for d in free:
        base.unbook(d)
    sm = build_start_model(comp, base, free, value_scale=value_scale)
    sm.hint(old)
    solver = _solver(workers, seed, wall, work)
    status = solver.solve(sm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, status, solver.deterministic_time
    new = sm.read(solver)
    if comp.objective(new) <= comp.objective(old) + 1e-9:
        return None, status, solver.deterministic_time
    if not base.book_in_order(new):
        return None, status, solver.deterministic_time  # integer rounding let a limit slip
    return base, status, solver.deterministic_time


def _laid_on(comp: Compiled, best: Ledger, origin: Ledger, free: list[int], new: Ledger) -> Ledger | None:
    """The plan a step gives: `new` itself when it was solved from `best`; else, solved beside
    others from an earlier plan (`origin`), its moves laid over `best` where they still fit and
    still gain (another step may have taken the same hours, or a prerequisite, since). None when
    it gives nothing better than `best`."""
    if origin is best:
        return new
    laid = _lay_over(comp, best, free, new)
    if laid is None or comp.objective(laid.starts()) <= comp.objective(best.starts()) + 1e-9:
        return None
    return laid


def _lay_over(comp: Compiled, ledger: Ledger, free: list[int], new: Ledger) -> Ledger | None:
    """`ledger` with the `free` demands moved to their starts in `new` where they still fit, the
    others left where `ledger` has them where they still fit there; None where that breaks a rule
    (a mandatory demand, or a prerequisite of a planned demand, left out). Keeping the moves that
    fit of a step another lane overtook: XL seed 1, two lanes, 40 s from its rounded plan, 22 of
    the steps that gained laid over against 12-14 when a step was kept whole or not at all."""
    out = ledger.copy()
    for d in free:
        out.unbook(d)
    out.book_in_order({d: new.start[d] for d in free if new.start[d] >= 0}, skip=True)
    out.book_in_order({d: ledger.start[d] for d in free if out.start[d] < 0 and ledger.start[d] >= 0}, skip=True)
    for d in free:
        if out.start[d] < 0 and (comp.mandatory[d] or any(out.start[e] >= 0 for e in comp.succs[d])):
            return None
    return out


class _Shapes:
    """What a neighbourhood is drawn from, as arrays over all demands: a draw at 10,000 demands took
    4.5 ms as a Python loop, 1.1 ms with these (the same draws; one step takes ~110 ms). `guide` is
    how much the relaxation wants each demand, when the draws follow it (else None)."""

    def __init__(self, comp: Compiled, guide: np.ndarray | None = None) -> None:
        self.guide = guide
        self.selectable = np.array([bool(w) for w in comp.window], dtype=bool)
        self.everywhere = np.ones(comp.n, dtype=bool)
        self.duration = np.array(comp.duration, dtype=np.int64)
        self.first = np.array([w[0] if w else 0 for w in comp.window], dtype=np.int64)
        self.last = np.array([w[-1] if w else 0 for w in comp.window], dtype=np.int64)
        self.uses = np.zeros((comp.n, max(1, len(comp.resource_names))), dtype=bool)
        for d, use in enumerate(comp.use):
            for r, _ in use:
                self.uses[d, r] = True
        self.value = np.array([max(v.values(), default=0.0) for v in comp.values])


def _neighbourhood(
    comp: Compiled, ledger: Ledger, rng: random.Random, size: int, density: np.ndarray, shapes: _Shapes
) -> list[int]:
    """Pick the demands to free: a period window, a resource within a window, or a random set; half of
    the places go to demands in the plan, the rest to promising demands that are out."""
    kind = rng.random()
    periods = comp.periods
    start = np.array(ledger.start, dtype=np.int64)
    planned = start >= 0
    if kind < 0.4 and periods > 1:
        width = rng.randint(1, max(1, min(4, periods // 2)))
        lo = rng.randrange(0, periods - width + 1)
        hi = lo + width
        on = shapes.everywhere
    elif kind < 0.75 and comp.resource_names:
        r = rng.randrange(len(comp.resource_names))
        width = rng.randint(1, max(1, periods))
        lo = rng.randrange(0, periods - width + 1)
        hi = lo + width
        on = shapes.uses[:, r]
    else:
        lo, hi, on = 0, periods, shapes.everywhere

    def touches(s: np.ndarray) -> np.ndarray:
        return (s < hi) & (s + shapes.duration > lo)

    inside = np.nonzero(shapes.selectable & on & planned & touches(start))[0].tolist()
    # an out demand touches when its earliest or latest start does
    outside = np.nonzero(shapes.selectable & on & ~planned & (touches(shapes.first) | touches(shapes.last)))[0].tolist()
    guide = shapes.guide
    if guide is None:
        rng.shuffle(inside)
    else:
        # in a random order, but the demands the relaxation does not want tend to come first: they
        # are what a better plan gives up (generated XL seeds 1 and 2 from the LP's plan, 82 s of
        # search, three LNS seeds each: +255 / +563 on average against a plain shuffle; L1-3 24 / 5
        # / 10 % more gain, M1-2 8 / 13 % less, one LNS seed each)
        inside.sort(key=lambda d: rng.random() * (_UNWANTED_FIRST + guide[d]))
    # promising demands first, with noise so repeated steps look at different ones
    outside.sort(key=lambda d: -density[d] * rng.uniform(0.5, 1.5))
    half = size // 2
    take_in = inside[: max(half, size - len(outside))]
    take_out = outside[: size - len(take_in)]
    chosen = set(take_in) | set(take_out)
    # bring prerequisites of chosen demands that are out, so they can come in together
    for d in list(take_out):
        for e in comp.preds[d]:
            if ledger.start[e] < 0 and comp.window[e]:
                chosen.add(e)
    return sorted(chosen)


def _around_wanted(comp: Compiled, ledger: Ledger, rng: random.Random, size: int, shapes: _Shapes) -> list[int]:
    """Free a left-out demand the relaxation wants (drawn by its value times how much it is wanted),
    its prerequisites, the plan demands in its way at a start drawn from its window, and those on
    its prerequisites' resources in the periods before, where they must move to end in time; empty
    when no such demand is out. A valuable demand often stays out because room for it needs its
    prerequisite earlier and several demands moved at once, which a window or resource rarely frees
    together (generated XL seed 2: the one step that brought in its most valuable left-out demand,
    worth 1,263, moved its prerequisite and pushed out two others)."""
    guide = shapes.guide
    assert guide is not None
    start = np.array(ledger.start, dtype=np.int64)
    planned = start >= 0
    wanted = np.nonzero(shapes.selectable & ~planned & (guide >= _WANTED))[0]
    if len(wanted) == 0:
        return []
    weight = np.cumsum(shapes.value[wanted] * guide[wanted])
    if weight[-1] <= 0:
        return []
    target = int(wanted[min(len(wanted) - 1, int(np.searchsorted(weight, rng.random() * weight[-1])))])
    s = rng.choice(comp.window[target])
    preds = [e for e in comp.preds[target] if comp.window[e]]

    def planned_on(resources: list[int], lo: int, hi: int) -> list[int]:
        if not resources:
            return []
        on = shapes.uses[:, resources].any(axis=1)
        found = np.nonzero(shapes.selectable & on & planned & (start < hi) & (start + shapes.duration > lo))[0].tolist()
        rng.shuffle(found)
        return found

    in_way = planned_on([r for r, _ in comp.use[target]], s, s + comp.duration[target])
    before = planned_on(sorted({r for e in preds for r, _ in comp.use[e]}), max(0, s - _BEFORE), s)
    room = max(1, size - 1 - len(preds))
    # two thirds of the room for the demands in the target's way when its prerequisites need some
    take = min(len(in_way), room if not before else (2 * room) // 3)
    chosen = {target, *preds, *in_way[:take], *before[: room - take]}
    for e in preds:
        chosen.update(f for f in comp.preds[e] if ledger.start[f] < 0 and comp.window[f])
    return sorted(chosen)


def _draw(
    comp: Compiled, ledger: Ledger, rng: random.Random, size: int, density: np.ndarray, shapes: _Shapes
) -> tuple[list[int], bool]:
    """A neighbourhood to free, and whether its outcome should steer the neighbourhood size (not
    one around a wanted demand: its size is that demand's surroundings, small and quickly solved at
    2,000 demands, which grew the other neighbourhoods to 300 and more)."""
    if shapes.guide is not None and rng.random() < _AROUND_WANTED_SHARE:
        free = _around_wanted(comp, ledger, rng, size, shapes)
        if free:
            return free, False
    return _neighbourhood(comp, ledger, rng, size, density, shapes), True


def improve(
    comp: Compiled,
    ledger: Ledger,
    settings: LnsSettings,
    *,
    value_scale: float,
    should_stop: Callable[[], bool] | None = None,
    on_improve: Callable[[Ledger], object] | None = None,
) -> tuple[Ledger, dict[str, object]]:
    """Run LNS steps until the deadline, the work budget or `should_stop`; returns the best ledger
    and counters (steps, improvements, work)."""
    rng = random.Random(settings.seed)
    density = value_density(comp)
    size = min(settings.start_size, comp.n)
    best = ledger
    work = 0.0
    steps = improvements = empty_draws = 0
    stats: dict[str, object] = {}
    if settings.priced_plan and comp.prices is not None and comp.n > 0 and settings.now() < settings.deadline:
        # no full LP (too big): the LP over what pays at the priced bound's prices guides a plan
        best = _restricted_lp_phase(comp, best, settings, on_improve, stats)
    # one worker: one step at a time; more: as many steps side by side, each CP-SAT on one thread,
    # each lane drawing its next step from the best plan as soon as its last one ends. Generated XL
    # seed 1 from its rounded plan, 40 s of wall: one lane 333-344 steps (gain 2,762-2,820); two in
    # rounds that waited for both steps 424 (2,474); two on their own 569-636 (2,535-3,148, eight runs).
    # About a third of the steps that gained are lost: another lane took the same hours or money first.
    lanes = 1 if settings.budgeted else max(1, settings.workers)
    pool = ThreadPoolExecutor(max_workers=lanes) if lanes > 1 else None
    # what runs on the lanes, each with what takes in its outcome when it ends
    running: dict[Future[Any], Callable[[Any], None]] = {}
    moves_beside = False
    if settings.moves_share > 0 and settings.now() < settings.deadline:
        if settings.work_budget is not None and not settings.budgeted:
            work += settings.moves_share * settings.work_budget
        if pool is None:
            best, move_stats = _move_phase(comp, best, settings, density, should_stop, on_improve, settings.moves_share)
            stats.update(move_stats)
        else:
            moves_beside = True
    pace = settings.pace if settings.budgeted else None
    # demands brought into a neighbourhood from outside the plan: promising by value density and
    # wanted by the relaxation (generated N = 2,000, 20 s from greedy: +0.6 to +1.2 points more than
    # by density alone on seeds 1-3, measured)
    pick = density * (_GUIDE_FLOOR + comp.guide) if comp.guide is not None else density
    shapes = _Shapes(comp, comp.guide if settings.follow_relaxation else None)
    submitted = 0
    exhausted = False  # only plans with nothing to free left

    def ending() -> bool:
        if settings.now() >= settings.deadline - 0.02 or (should_stop is not None and should_stop()):
            return True
        if pace is not None and pace.capped():
            return True
        return pace is None and settings.work_budget is not None and work >= settings.work_budget

    def limits() -> tuple[float, float]:
        """The wall-clock limit and the work of the next step."""
        now = settings.now()
        if pace is not None:
            # the last step gets what is left of the nominal time, in work; the wall only caps
            return pace.wall_left(), min(settings.step_work, max(0.001, (settings.deadline - now) * LNS_WORK_PER_SECOND))
        return min(settings.deadline - now, 10 * settings.step_work + 1.0), settings.step_work

    def adopt(origin: Ledger, free: list[int], new: Ledger) -> None:
        """Take the plan `new` made of `origin` by moving the `free` demands, if it still gains."""
        nonlocal best, improvements
        better = _laid_on(comp, best, origin, free, new)
        if better is not None:
            best = better
            improvements += 1
            if on_improve is not None:
                on_improve(best)

    def settle(free: list[int], adapts: bool, origin: Ledger, outcome: tuple[Ledger | None, cp_model.CpSolverStatus, float]) -> None:
        nonlocal work, steps, size
        new, status, used = outcome
        work += used + 1e-4 * len(free)  # model building counts as work too
        if pace is not None:
            pace.charge(used / LNS_WORK_PER_SECOND + lns_step_seconds(comp.n, len(free), sum(len(comp.window[d]) for d in free)))
        steps += 1
        if adapts:
            # grow neighbourhoods that are solved to optimality quickly, shrink those that are not
            if status == cp_model.OPTIMAL and used < 0.5 * settings.step_work:
                size = min(comp.n, max(size + 1, int(size * 1.15)))
            elif status != cp_model.OPTIMAL:
                size = max(10, int(size * 0.85))
        if new is not None:
            adopt(origin, free, new)

    def settle_moves(origin: Ledger, outcome: tuple[Ledger, dict[str, object]]) -> None:
        moved, move_stats = outcome
        stats.update(move_stats)
        changed = [d for d in range(comp.n) if moved.start[d] != origin.start[d]]
        if changed:
            adopt(origin, changed, moved)

    if moves_beside:
        assert pool is not None
        # on one lane while the others take steps (it reports nothing from its thread); with the
        # moves first, a core was idle for their share of the time
        share = min(1.0, settings.moves_share * settings.moves_beside_factor)
        moves = pool.submit(_move_phase, comp, best, settings, density, should_stop, None, share)
        running[moves] = partial(settle_moves, best)

    try:
        while True:
            if not exhausted and len(running) < lanes and not ending():
                free, adapts = _draw(comp, best, rng, size, pick, shapes)
                if not free:
                    # a window or resource no demand touches (a system few demands use): draw again;
                    # only a plan with nothing to free stops the search (it used to stop at the first
                    # such draw: on the app's 6,155-demand organisation after one step of a 17.85 s search)
                    empty_draws += 1
                    if pace is not None:
                        pace.charge(lns_step_seconds(comp.n, 0, 0))
                    exhausted = empty_draws >= _EMPTY_DRAWS
                    continue
                empty_draws = 0
                wall, step_work = limits()
                step = partial(
                    reoptimise, comp, best, free, value_scale=value_scale, seed=settings.seed + submitted, wall=wall,
                    work=step_work,
                )
                submitted += 1
                if pool is None:
                    settle(free, adapts, best, step(workers=settings.workers))
                else:
                    running[pool.submit(step, workers=1)] = partial(settle, free, adapts, best)
                continue
            if not running:
                break
            done, _ = wait(running, timeout=_WAIT_SECONDS, return_when=FIRST_COMPLETED)
            if should_stop is not None:
                should_stop()  # asked from this thread: a `Stopper` answers the moves' lane from it
            for future in done:
                running.pop(future)(future.result())
    finally:
        if pool is not None:
            pool.shutdown()
    return best, {**stats, "lns_steps": steps, "lns_improvements": improvements, "lns_work": round(work, 3), "lns_size": size}
