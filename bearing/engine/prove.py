"""Small problems: CP-SAT on the full model for a good first plan, then HiGHS's branch-and-bound to
find better plans and prove the best optimal (for `bearing.engine.solve`)."""

from __future__ import annotations

from ortools.sat.python import cp_model

from bearing.engine.compiled import Compiled, Ledger
from bearing.engine.highs import bound_worth_showing
from bearing.engine.lns import LnsSettings, improve
from bearing.engine.lp import LpModel
from bearing.engine.model import StartModel, build_start_model
from bearing.engine.pace import CP_WORK_PER_SECOND, Pace
from bearing.engine.stopping import CpBeside, Stopper, cp_solver, run_cp, unwatch_highs, watch_highs
from bearing.engine.tracker import Tracker, ledger_from_starts

__all__ = ["prove"]

# With two or more workers, a problem past _MIP_ALONE_UP_TO start columns gets a first CP-SAT run of
# this many seconds (on every worker) before HiGHS's search starts; CP-SAT then goes on, on one
# thread, beside it, and HiGHS is handed its plans. (Generated 200 x 10 x 8, seed 1, 30 s: 8,466 and
# 8,471 so; 8,375-8,426 in three runs without the first run and with CP-SAT beside at level 2.)
# Up to _MIP_ALONE_UP_TO, HiGHS starts at once and CP-SAT beside it solves at linearization level 2,
# which finds these models' optima soonest: from the relaxation's plan of generated N = 60 seeds 8,
# 12, 18 and 20, CP-SAT alone found the optimum at 5.1 / 5.0 / 3.5 / 6.2 s on one worker at level 2,
# on two of the four within 10 s at level 1, and on one of them with two workers at level 2. In the
# solver (seeds 1-20, 30 s, two workers, one run at a time): the optimum found within 5 s on 18
# seeds against 14 with the first run, all 20 proven either way, the slowest proof 22.8 s against
# 28.8 s.
_CP_BEFORE_HIGHS = 1.0
# With one worker, CP-SAT's run on the full model solves at linearization level 2 (every
# constraint in its LP, as the neighbourhood steps do) for up to this share of the search and these
# nominal seconds. Generated N = 60 at 30 s, seeds 1-20, against level 1 with 0.15 and 4 s:
# proven optimal within 30 s on 15 (14 before), on 10 of them with the optimum found within 5 s
# (9); seeds 1-3 found at 0.5 / 1.0 / 1.0 s (2.4 / 2.1 / 4.7 s), proven at 4.8 / 9.2 / 13.3 s
# (6.1 / 13.9 / 16.8 s). Level 2 alone with 4 s found seeds 5 and 6 later (5.9 / 6.9 s); 0.45 and
# 13 s left seed 10 unproven at 30 s. (Those runs were before the MIP's choice columns.)
# The run is charged at level 2's own rate: 0.87 deterministic seconds a second on these models
# (0.60-1.18, seeds 1-20, timed alone), charged 0.7 as elsewhere. Its work is the same 4
# deterministic seconds at most as when it was charged at level 1's 0.5 for 0.3 and 8 s, and HiGHS
# gets the difference: seeds 1-20 then proven in 146 s in all against 152 s, the slowest run
# 22.7 s. (Charged so before the choice columns, the runs whose branch and bound the clock
# under-charged took 41-51 s of 30.)
_LEVEL2_WORK_PER_SECOND = 0.7
_CP_SHARE = 0.21
_CP_SECONDS = 5.7
_CP_LINEARIZATION = 2
# On a small model (up to _MIP_ALONE_UP_TO start columns) that run is cut to this many nominal
# seconds, so HiGHS's search, which branches on whether a demand is done, starts sooner. Generated
# N = 60 at 30 s, seeds 1-40, two runs at a time: the optimum found within 5 s on 30 against 21 with
# 5.7 s, proven on 39 either way, in 233 s in all against 294 s; seeds 1-3 found at 1.2 / 0.5 /
# 4.8 s (seed 3 alone: 4.6-5.6 s by the machine's speed, against 1.3 s: a thin margin). With no
# first run: 28 (seed 3 at 5.5 s); 0.3 s: 30 (seed 3 at 10.9 s); 0.75, 1 and 2 s: 12, 12 and 10 of
# seeds 1-20 (0.5 s: 16; 5.7 s: 11). Other small shapes (40 x 4 x 12, 50 x 6 x 8, 70 x 8 x 6,
# 80 x 6 x 8, 90 x 10 x 6; 22 problems): the same value on 18, better on two, worse on two (80 x 6
# x 8 seeds 1 and 4: -0.53 %, -0.08 %), proven on 19 either way.
_CP_SECONDS_SMALL = 0.5
# With one worker, each better plan HiGHS finds there is polished by neighbourhood steps of this many
# demands and deterministic seconds, for up to _POLISH_STEP seconds each and _POLISH_SECONDS (at most
# _POLISH_SHARE of HiGHS's time) in all. Generated N = 60, one worker, seeds 1-5: the optimum found at
# 1.8 / 1.5 / 3.7 / 2.4 / 6.9 s against 1.9 / 1.5 / 8.5 / 6.4 / 6.3 s, proven at 4.3 / 10.2 / 13.8 /
# 4.9 / 8.3 s against 4.5 / 10.4 / 14.8 / 11.8 / 7.4 s. (With two workers, where CP-SAT goes on
# beside HiGHS, polishing made three of five proofs later.)
_POLISH_SIZE = 20
_POLISH_STEP_WORK = 0.05
_POLISH_STEP = 0.5
_POLISH_SECONDS = 2.0
_POLISH_SHARE = 0.1
# Beyond this many start columns HiGHS's search gets at most this share of the time left, and the
# neighbourhood search the rest. Such a search seldom ends in a proof. With one worker, its RINS
# and RENS sub-MIPs run between two interrupt calls, so the work clock cannot charge them:
# generated problems of 100-300 demands (718-1,575 start columns) at 30 s ran 20-62 s of wall
# (seeds 2 and 3 of six shapes; 76 s for 200 x 10 x 8 seed 1). With this share, 24-39 s, and the
# plans are no worse: +0.03 % on average over those twelve (seven better, three worse, at most
# -0.29 %), +0.29 % and +0.16 % on seed 1 of 200 x 10 x 8 and 120 x 8 x 8. With two workers
# (CP-SAT beside HiGHS, then the steps on both), eight of those problems: better on seven, +0.69 %
# on average (-0.72 to +1.91 %). N = 60 has 335-388.
_MIP_ALONE_UP_TO = 600
_MIP_SHARE_BEYOND = 0.4


def prove(
    comp: Compiled,
    lp: LpModel,
    tracker: Tracker,
    search_end: float,
    workers: int,
    seed: int,
    value_scale: float,
    stats: dict[str, object],
    stop: Stopper,
    pace: Pace,
) -> bool:
    """Small problems: CP-SAT on the full model finds the best plan fast; HiGHS branch-and-bound,
    hinted with it, proves it optimal (CP-SAT's own bound closes slowly on these models). HiGHS is
    handed better plans found while it searches: with one worker, its own plans polished by short
    neighbourhood steps; with two or more, CP-SAT's, which goes on beside it on one thread."""
    assert tracker.ledger is not None
    # a short CP-SAT run for a good first plan (it often is the optimum); HiGHS then finds better
    # plans and proves the best faster than CP-SAT on one worker, whose own bound closes slowly
    # (at level 1, generated N = 60 seed 3 was still 2.2 % short after 10 s of CP-SAT, where HiGHS
    # found the optimum at 17 s and proved it at 24 s; at level 2 the first run finds it in 1 s).
    # With two workers a small model needs no first run: CP-SAT's plans reach HiGHS from beside it.
    beside = workers > 1 and not pace.deterministic
    small = len(lp.col_demand) <= _MIP_ALONE_UP_TO
    if not beside:
        longest = _CP_SECONDS_SMALL if small else _CP_SECONDS
        first_run: float | None = min(_CP_SHARE * (search_end - pace.now()), longest)
    elif not small:
        first_run = min(0.15 * (search_end - pace.now()), _CP_BEFORE_HIGHS)
    else:
        first_run = None
    if first_run is not None:
        _solve_full(
            comp, tracker, value_scale=value_scale, workers=workers, seed=seed, wall=max(0.05, first_run),
            stop=stop, pace=pace,
        )
    left = search_end - pace.now()
    if left < 0.1 or stop():
        return False

    def offer(starts: dict[int, int], stage: str = "mip") -> bool:
        cand = ledger_from_starts(comp, starts)  # the solvers' tolerances: re-check
        return cand is not None and tracker.offer(cand, stage)

    def offer_cp(starts: dict[int, int]) -> None:
        offer(starts, "cp-sat")

    # with one worker, each better plan HiGHS finds is polished at once by short neighbourhood
    # steps while HiGHS waits in its callback (the same work every time: reproducible), and HiGHS
    # is handed the polished plan; the polishing's time is taken from HiGHS's
    polish_left = 0.0 if beside else min(_POLISH_SECONDS, _POLISH_SHARE * left)
    mip_left = left - polish_left
    if not small:
        mip_left = min(mip_left, _MIP_SHARE_BEYOND * left)

    def offer_and_polish(starts: dict[int, int]) -> None:
        nonlocal polish_left
        if not offer(starts) or polish_left < 0.05 or stop():
            return
        began = pace.now()
        settings = LnsSettings(
            deadline=began + min(_POLISH_STEP, polish_left), workers=1, seed=seed, pace=pace, moves_share=0.0,
            start_size=_POLISH_SIZE, step_work=_POLISH_STEP_WORK, priced_plan=False, follow_relaxation=False,
        )
        assert tracker.ledger is not None
        improve(comp, tracker.ledger, settings, value_scale=value_scale, should_stop=stop,
                on_improve=lambda led: tracker.offer(led, "lns"))
        polish_left -= pace.now() - began

    cp_beside = None
    if beside:
        sm = _full_model(comp, tracker, value_scale)
        solver = cp_solver(1, seed)
        if small:
            solver.parameters.linearization_level = _CP_LINEARIZATION
        pace.limit_cp(solver.parameters, left)
        cp_beside = CpBeside(solver, sm.model, sm.read)

    def latest() -> tuple[dict[int, int], float]:
        # asked by HiGHS in this thread: CP-SAT's plans are booked (and reported) here
        assert tracker.ledger is not None
        if cp_beside is not None:
            cp_beside.drain(offer_cp)
        return tracker.ledger.starts(), tracker.value

    def tighter(bound: float) -> None:
        if bound_worth_showing(bound, tracker.bound, tracker.value):
            tracker.offer_bound(bound, "mip")

    watched = watch_highs(lp.highs, stop)
    try:
        res = lp.solve(
            mip_left, integer=True, hint=tracker.ledger.starts(), pace=pace, on_solution=offer_and_polish,
            incumbent=latest, on_bound=tighter,
        )
    finally:
        unwatch_highs(watched)
        if cp_beside is not None:
            cp_beside.finish(offer_cp)
    stats["mip_bound"] = res.bound
    if res.x is not None:
        cand = ledger_from_starts(comp, res.starts(lp))
        if cand is not None:
            tracker.offer(cand, "mip")
    tracker.offer_bound(res.bound, "mip")
    return res.optimal and tracker.closed()


def _solve_full(
    comp: Compiled,
    tracker: Tracker,
    *,
    value_scale: float,
    workers: int,
    seed: int,
    wall: float,
    stop: Stopper,
    pace: Pace,
) -> None:
    """CP-SAT on the full model, hinted with the best plan; each better plan it finds is offered
    (and reported) at once. Its optimum and bound are not used as proofs: with hours rounded to the
    nearest hundredth the model is neither tighter nor looser than the rules (HiGHS proves)."""
    sm = _full_model(comp, tracker, value_scale)
    solver = cp_solver(workers, seed)
    rate = CP_WORK_PER_SECOND
    if workers == 1:
        solver.parameters.linearization_level = _CP_LINEARIZATION
        rate = _LEVEL2_WORK_PER_SECOND
    pace.limit_cp(solver.parameters, wall, rate)

    def offer(starts: dict[int, int]) -> None:
        cand = ledger_from_starts(comp, starts)  # integer rounding may let a limit slip: re-check
        if cand is not None:
            tracker.offer(cand, "cp-sat")

    status = run_cp(solver, sm.model, stop=stop, read=sm.read, on_solution=offer)
    pace.charge_cp(solver, rate)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        offer(sm.read(solver))


def _full_model(comp: Compiled, tracker: Tracker, value_scale: float) -> StartModel:
    """CP-SAT's model of every demand's start, hinted with the best plan so far."""
    assert tracker.ledger is not None
    sm = build_start_model(comp, Ledger(comp), list(range(comp.n)), value_scale=value_scale)
    sm.hint(tracker.ledger.starts())
    return sm
