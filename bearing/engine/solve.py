"""The default planning pipeline: every stage hands back its best plan when time runs out.

greedy rank-and-fill → LP relaxation (HiGHS: the bound and an LP-guided plan) → CP-SAT, either on
the full model when it is small enough to prove optimality, or as large-neighbourhood search from
the best plan so far. When every demand is mandatory the problem is pure scheduling and an interval
(cumulative) model decides it. `infeasible` is reported only when proven, with the conflicts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from bearing.engine.compiled import Compiled, Ledger, compile_problem, plan_from_starts
from bearing.engine.greedy import solve_greedy
from bearing.engine.knapsack import is_selection_problem, solve_selection
from bearing.engine.lagrangian import lagrangian_bound
from bearing.engine.lns import LnsSettings, improve
from bearing.engine.lp import LpModel, LpResult, build_lp, round_lp
from bearing.engine.model import scale_for
from bearing.engine.moves import fill
from bearing.engine.pace import (
    Pace,
    lp_build_seconds,
    lp_seconds,
    rounding_seconds,
    setup_seconds,
)
from bearing.engine.plan import Plan, ProgressEvent
from bearing.engine.problem import Problem
from bearing.engine.prove import prove
from bearing.engine.schedule import MandatoryVerdict, decide_mandatory
from bearing.engine.stopping import Stopper, unwatch_highs, watch_highs
from bearing.engine.tracker import Tracker, ledger_from_starts

__all__ = ["solve"]

# Full CP-SAT model (with a proof attempt) when it has at most this many start variables.
_FULL_MODEL_VARS = 4000
# The full LP is solved when it is predicted (`lp_seconds`) to take at most _LP_SHARE of the search
# time; otherwise a priced (Lagrangian) bound and a restricted LP replace it (10,000 demands x 16
# quarters: ~34 s predicted, so at least 50 s of limit). The plan rounded from the LP's vertex is
# worth more than what the search finds without it in the time the LP would take: generated XL
# seed 1 at 60 s, one worker, +4.26 % over greedy with the LP against +2.75 % without (a share of
# 0.5 left it out).
_LP_SHARE = 0.8
# Once chosen, the LP may run until this share of what is left of the search: its interior-point
# iterations are budgeted, and a solve stopped short of convergence gives nothing (no solution, no
# bound). With its budget at its share, 30,000 demands needed 105 iterations where 90 were allowed
# (the prediction's rate is on the slow side), and 100 s of a 300 s limit were lost.
_LP_BUDGET_SHARE = 0.9
# Relaxations with more nonzeros than this take their bound from the duals (LpModel.rigorous_bound).
# (They keep crossover: list scheduling from the vertex it gives reached +4.4 % and +4.8 % over
# greedy on generated 10,000-demand problems, from the interior solution only +2.9 % and +3.4 %.
# Crossover failed on one of three; the priced bound and restricted LP then take over.)
_RIGOROUS_BOUND_NONZEROS = 300_000
# Most seconds (of the solve's clock) for finding the smallest conflicting set once infeasibility
# is proven: with a fifth of a 60 s limit, PSPLIB j30 instances proven by CP-SAT at optimum - 1
# took 3-4 s each, most of it on the set, against a median of 0.5 s with a 10 s limit.
_CONFLICT_SECONDS = 2.0
# Share of the search a second try at a failed relaxation must leave for the search itself.
_RETRY_RESERVE = 0.1


# The first conflict of an `unknown` plan: the mandatory demands were neither placed nor proven not to fit.
_UNDECIDED = (
    "undecided: no schedule with every mandatory demand was found within the time limit, nor a proof "
    "that none exists (a longer limit may decide it); this plan leaves some of them out"
)


def _reproducible(pace: Pace, stop: Stopper | None) -> bool:
    """`stats["deterministic"]`: every stage ran on its work budget and no stop request cut one."""
    return pace.reproducible and not (stop is not None and stop.stopped)


def _lp_nonzeros(comp: Compiled) -> int:
    """The relaxation's size without building it, entry for entry as `build_lp` lays it out: choice,
    capacity and budget entries, and the requirement rows, which grow with the square of a start
    window (a flat fifth for them was right over 8-16 periods, and 1.44 times short at 2,000
    demands over 48: that relaxation took 24 s where 16 s were predicted, and a 20 s solve 26 s)."""
    total = 0
    for d, w in enumerate(comp.window):
        dur = comp.duration[d]
        total += len(w) * (1 + dur * len(comp.use[d]))
        if comp.cost_pp[d] > 0:
            total += sum(1 for s in w for first, last, _ in comp.budgets if first <= s + dur - 1 and last >= s)
        if w:
            total += sum(_requirement_entries(comp, d, e) for e in comp.preds[d])
    return total


def _requirement_entries(comp: Compiled, d: int, e: int) -> int:
    """Entries of the rows saying d starts after e finishes: one row per start t of d, holding d's
    starts up to t (windows are contiguous ranges) and e's starts that finish by t."""
    w, before = comp.window[d], comp.window[e]
    total = 0
    for t in w:
        total += t - w[0] + 1
        if before:
            total += max(0, min(before[-1], t - comp.duration[e]) - before[0] + 1)
    return total


def _ledger_from_plan(comp: Compiled, plan: Plan) -> Ledger | None:
    """Book a plan's starts; None when the plan breaks a rule (never trust, always verify)."""
    ledger = Ledger(comp)
    for s in sorted(plan.scheduled, key=lambda x: (x.start, x.id)):
        d = comp.index.get(s.id)
        if d is None or s.start not in comp.window[d] or not ledger.fits(d, s.start):
            return None
        ledger.book(d, s.start)
    if any(comp.mandatory[d] and ledger.start[d] < 0 for d in range(comp.n)):
        return None
    return ledger


def _ledger_from_start(comp: Compiled, plan: Plan) -> tuple[Ledger | None, int]:
    """A plan to start from, booked on this problem, and how many of its demands were kept.

    Its demands are booked earliest first, each where it keeps every rule: one this problem does not
    have (or excludes), a start outside its window, a prerequisite not booked before it, hours or
    money short — that demand is left out. A mandatory demand it leaves out is then placed at its
    earliest start that fits, after its prerequisites; None when one finds no place (greedy and the
    mandatory stage decide those). Demands that still fit are added last (`fill`)."""
    wanted = {comp.index[item.id]: item.start for item in plan.scheduled if item.id in comp.index}
    ledger = Ledger(comp)
    ledger.book_in_order(wanted, skip=True)
    kept = sum(1 for d in wanted if ledger.start[d] >= 0)
    missing = [d for d in _forced(comp) if ledger.start[d] < 0]
    while missing:
        ready = [d for d in missing if all(ledger.start[e] >= 0 for e in comp.preds[d])]
        if not ready or not all(ledger.place(d) for d in ready):
            return None, kept
        missing = [d for d in missing if ledger.start[d] < 0]
    return fill(comp, ledger), kept


def _forced(comp: Compiled) -> list[int]:
    """The mandatory demands and, transitively, their prerequisites (forced in as well)."""
    demands = [d for d in range(comp.n) if comp.mandatory[d]]
    seen = set(demands)
    stack = list(demands)
    while stack:
        for e in comp.preds[stack.pop()]:
            if e not in seen:
                seen.add(e)
                stack.append(e)
                demands.append(e)
    return sorted(demands)


def _upper_bound_trivial(comp: Compiled) -> float:
    return float(sum(max(v.values(), default=0.0) for v in comp.values))


def solve(
    problem: Problem,
    *,
    time_limit: float = 30.0,
    workers: int = 1,
    seed: int = 0,
    method: str = "default",
    progress: Callable[[ProgressEvent], None] | None = None,
    explain: bool = True,
    should_stop: Callable[[], bool] | None = None,
    start: Plan | None = None,
) -> Plan:
    """Best plan found within `time_limit` seconds, with its proven bound and, when `explain`, the
    verified reasons for every demand left out. Never worse than greedy; never prints.

    `start` is a plan to search on from (the previous level's on an efficient frontier, a plan made
    for an earlier version of the problem): what of it keeps this problem's rules is booked
    (`_ledger_from_start`) and competes with greedy as the first plan, so the result is never worse
    than a start that keeps every rule. The greedy method ignores it: it is the yardstick."""
    if not math.isfinite(time_limit) or time_limit <= 0:
        raise ValueError(f"time_limit must be a finite number of seconds above 0, got {time_limit!r}")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers!r}")
    t0 = time.perf_counter()
    greedy_plan = solve_greedy(problem)
    if method == "greedy":
        greedy_plan.seconds = time.perf_counter() - t0
        return greedy_plan
    if method != "default":
        raise ValueError(f"unknown method {method!r}: use 'default' or 'greedy'")
    # every stage asks it (throttled) and hands back its best plan when told to stop
    stop = Stopper(should_stop)
    # with one worker the stages plan by work done, not the wall clock: same seed, same plan
    pace = Pace(time_limit, workers=workers, t0=t0)
    comp = compile_problem(problem)
    pace.charge(setup_seconds(comp.n))
    tracker = Tracker(comp, t0, progress)
    stats: dict[str, object] = {"greedy_objective": greedy_plan.objective}
    explain_share = 0.15 if explain else 0.0
    search_end = t0 + max(0.1, time_limit) * (1.0 - explain_share)

    def explain_budget() -> float:
        # what the search left of the limit on its own clock (not the wall clock's), at least the
        # explanations' share: the same plan gets the same reasons, and a search that ended late
        # on a busy machine still leaves them theirs
        return max(explain_share * max(0.1, time_limit), t0 + time_limit - pace.now())

    # 1. greedy, verified by the ledger
    greedy_ledger = _ledger_from_plan(comp, greedy_plan)
    if greedy_ledger is not None:
        tracker.offer(greedy_ledger, "greedy")
    if start is not None:
        started, kept = _ledger_from_start(comp, start)
        pace.charge(rounding_seconds(comp.n))
        stats["start"] = {
            "scheduled": len(start.scheduled),
            "kept": kept,
            "value": None if started is None else comp.objective(started.starts()),
        }
        if started is not None:
            tracker.offer(started, "start")

    # 2. mandatory demands: proven to fit (and scheduled) or proven not to
    has_mandatory = any(comp.mandatory)
    if has_mandatory and tracker.ledger is None:
        # all-mandatory problems are pure scheduling: give the decision most of the time (the
        # explanation of an "infeasible" gets the rest)
        share = 0.9 if all(comp.mandatory) else 0.5
        verdict = decide_mandatory(
            comp,
            _forced(comp),
            time_limit=max(0.1, share * (search_end - pace.now())),
            workers=workers,
            seed=seed,
            should_stop=stop,
            pace=pace,
        )
        stats["mandatory_stage"] = verdict.stage
        if verdict.status == "infeasible":
            return _infeasible(problem, comp, t0, time_limit, workers, seed, stats, pace, verdict, stop)
        if verdict.status == "feasible" and verdict.starts is not None:
            base = ledger_from_starts(comp, verdict.starts)
            if base is not None:
                tracker.offer(fill(comp, base), "mandatory")
    if tracker.ledger is None:
        plan = greedy_plan
        plan.status = "unknown"
        # greedy's messages say where its own placement failed, not that no placement exists
        plan.conflicts = [_UNDECIDED, *(f"greedy: {c}" for c in plan.conflicts)]
        plan.stats.update(stats, deterministic=_reproducible(pace, stop))
        plan.seconds = time.perf_counter() - t0
        return plan
    if all(comp.mandatory[d] or not comp.window[d] for d in range(comp.n)) and problem.discount_rate <= 0:
        # every selectable demand is mandatory: any feasible schedule has the same value
        tracker.offer_bound(tracker.value, "schedule")
        stats["deterministic"] = _reproducible(pace, stop)
        return _finish(
            problem, comp, tracker, t0, "optimal", stats, explain=explain, time_left=explain_budget(), stop=stop
        )

    # pure selection (one period, no requirements): a multidimensional knapsack, solved by core search
    if is_selection_problem(comp) and not stop():
        return _select(problem, comp, tracker, t0, search_end, workers, seed, stop, stats, explain, explain_budget, pace)

    # 3. LP relaxation: bound and LP-guided plans
    tracker.offer_bound(_upper_bound_trivial(comp), "bound")
    n_vars = sum(len(w) for w in comp.window)
    nonzeros = _lp_nonzeros(comp)
    lp_predicted = lp_seconds(nonzeros)
    stats["lp_predicted_seconds"] = round(lp_predicted, 2)
    if lp_predicted > _LP_SHARE * (search_end - pace.now()):
        # too big for the LP in time: a priced (Lagrangian) bound, then search from greedy; the
        # limit that would have let the LP in is reported (its share of the search, after what
        # has been spent, within the search's part of the limit)
        needed = (lp_predicted / _LP_SHARE + (pace.now() - t0)) / (1.0 - explain_share)
        stats["limit_for_full_lp"] = math.ceil(needed)
        _priced_bound(comp, tracker, search_end, pace)
        lp, lp_res = None, None
    else:
        lp = build_lp(comp, seed=seed)
        pace.charge(lp_build_seconds(lp.nonzeros))
        lp.rigorous_bound = lp.nonzeros > _RIGOROUS_BOUND_NONZEROS
        watched = watch_highs(lp.highs, stop)
        tracker.announce("lp-start", lp_predicted)
        lp_res = lp.solve(max(0.1, _LP_BUDGET_SHARE * (search_end - pace.now())), pace=pace)
        if lp_res.bound is None and not lp_res.infeasible and not stop.stopped:
            lp_res = _solve_without_presolve(lp, lp_res, lp_predicted, search_end - t0, search_end, pace, stats)
        if stop.stopped:
            # an interrupted relaxation proves nothing: neither a bound nor infeasibility
            unwatch_highs(watched)
            lp, lp_res = None, None
    stats["lp_seconds"] = round(time.perf_counter() - t0, 3)
    if lp_res is not None and lp_res.infeasible:
        return _infeasible(problem, comp, t0, time_limit, workers, seed, stats, pace, None, stop)
    if lp_res is not None and lp_res.bound is not None:
        stats["lp_bound"] = lp_res.bound
        tracker.offer_bound(lp_res.bound, "lp")
    elif lp_res is not None:
        _priced_bound(comp, tracker, search_end, pace)
    if lp is not None and lp_res is not None and lp_res.x is not None and not stop():
        greedy_base = tracker.ledger.mandatory_part()
        for variant in (0, 1, 2, 3):
            for base in (Ledger(comp), greedy_base):
                cand = fill(comp, round_lp(comp, lp, lp_res, base, variant=variant))
                pace.charge(rounding_seconds(comp.n))
                if all(cand.start[d] >= 0 for d in range(comp.n) if comp.mandatory[d]):
                    tracker.offer(cand, "lp-guided")
                    break

    # 4. CP-SAT: full model (proof) when small, otherwise large-neighbourhood search
    value_scale = scale_for(comp)
    proven = False
    if lp is not None and n_vars <= _FULL_MODEL_VARS and not stop():
        proven = prove(comp, lp, tracker, search_end, workers, seed, value_scale, stats, stop, pace)
    if not proven and not stop() and pace.now() < search_end - 0.05:
        # with one worker, after the full relaxation's plan, the moves' time is better spent on steps:
        # from those plans of generated XL seeds 1-3 (82 s of search, three or four LNS seeds) gain
        # +7 / +21 / +5 % on average, L seeds 1-3 +6 / +6 / +3 %, M seeds 1-3 -9 / -3 / +19 % (two each)
        after_full_lp = workers == 1 and lp_res is not None and lp_res.x is not None
        settings = LnsSettings(
            deadline=search_end, workers=workers, seed=seed, pace=pace, announce=tracker.announce,
            moves_share=0.0 if after_full_lp else LnsSettings.moves_share,
        )
        _, lns_stats = improve(
            comp,
            tracker.ledger,
            settings,
            value_scale=value_scale,
            should_stop=stop,
            on_improve=lambda led: tracker.offer(led, "lns"),
        )
        stats.update(lns_stats)
    stats["deterministic"] = _reproducible(pace, stop)
    status = "optimal" if proven or (tracker.bound is not None and tracker.value >= tracker.bound - 1e-9) else "feasible"
    return _finish(
        problem, comp, tracker, t0, status, stats, explain=explain, time_left=explain_budget(), stop=stop
    )


def _priced_bound(comp: Compiled, tracker: Tracker, search_end: float, pace: Pace) -> None:
    """The priced (Lagrangian) bound in a tenth of what is left of the search, announced as it
    starts (11 s at 30,000 demands)."""
    lag_end = pace.now() + 0.1 * (search_end - pace.now())
    tracker.announce("lagrangian-start", lag_end - pace.now())
    tracker.offer_bound(lagrangian_bound(comp, tracker.value, deadline=lag_end, pace=pace), "lagrangian")


def _select(
    problem: Problem,
    comp: Compiled,
    tracker: Tracker,
    t0: float,
    search_end: float,
    workers: int,
    seed: int,
    stop: Stopper,
    stats: dict[str, object],
    explain: bool,
    explain_budget: Callable[[], float],
    pace: Pace,
) -> Plan:
    """Selection problems: LP-guided core search, a tabu search when small, then the full MIP
    (improvement and the bound)."""
    assert tracker.ledger is not None

    def offer(chosen: list[int], _value: float, stage: str) -> None:
        ledger = ledger_from_starts(comp, {d: 0 for d in chosen})
        if ledger is not None:
            tracker.offer(ledger, stage)

    res = solve_selection(
        comp,
        deadline=search_end,
        start=[d for d in range(comp.n) if tracker.ledger.start[d] >= 0],
        seed=seed,
        workers=workers,
        on_improve=offer,
        should_stop=stop,
        pace=pace,
        on_bound=tracker.offer_bound,
    )
    stats["deterministic"] = _reproducible(pace, stop)
    tracker.offer_bound(res.bound, "mip")
    stats["mip_bound"] = res.bound
    proven = res.optimal or tracker.closed()
    return _finish(
        problem, comp, tracker, t0, "optimal" if proven else "feasible", stats, explain=explain,
        time_left=explain_budget(), stop=stop,
    )


def _solve_without_presolve(
    lp: LpModel, failed: LpResult, predicted: float, span: float, search_end: float, pace: Pace, stats: dict[str, object]
) -> LpResult:
    """A second try at a relaxation HiGHS failed on, on the original model: its crossover can fail
    on the presolved one ("Solve error"; generated N = 10,000 seed 1 did, 41 s lost, until money
    rows were scaled) where the original solves (there 42 s, a vertex worth +4.24 % over greedy by
    list scheduling, against +2.87 % after the priced fallback). Only when the predicted time
    leaves a tenth of the search for the rest."""
    left = search_end - pace.now()
    if predicted > left - _RETRY_RESERVE * span:
        return failed
    stats["lp_retried"] = True
    lp.highs.setOptionValue("presolve", "off")
    return lp.solve(left - _RETRY_RESERVE * span, pace=pace)


def _finish(
    problem: Problem,
    comp: Compiled,
    tracker: Tracker,
    t0: float,
    status: str,
    stats: dict[str, object],
    *,
    explain: bool,
    time_left: float,
    stop: Stopper | None = None,
) -> Plan:
    assert tracker.ledger is not None
    stats["stages"] = tracker.stages
    if tracker.rejected:
        stats["rejected_plans"] = tracker.rejected
    plan = plan_from_starts(
        comp,
        tracker.ledger.starts(),
        status=status,
        bound=tracker.bound,
        seconds=time.perf_counter() - t0,
        stats=stats,
    )
    if explain:
        from bearing.engine.explain import explain_plan, repair_seconds

        # announced when the reasons alone take long enough; the verifying re-plans then take
        # what is left of the budget, so the budget is what it is expected to take
        if tracker.is_worth_announcing(repair_seconds(comp.n, len(plan.unscheduled))):
            tracker.announce("explain", max(0.0, time_left))
        explain_plan(problem, plan, time_limit=max(0.0, time_left), should_stop=stop)
    plan.seconds = time.perf_counter() - t0
    return plan


def _infeasible(
    problem: Problem,
    comp: Compiled,
    t0: float,
    time_limit: float,
    workers: int,
    seed: int,
    stats: dict[str, object],
    pace: Pace,
    verdict: MandatoryVerdict | None = None,
    stop: Stopper | None = None,
) -> Plan:
    """Proven infeasible: report the smallest conflicting set found, in words. A cheap proof (a
    chain too long, hours that cannot fit) names its set at once; otherwise the search for the set
    gets a fifth of the time limit, at most `_CONFLICT_SECONDS`, so the verdict is never held back
    long by the explanation."""
    from bearing.engine.conflicts import describe_conflict, find_conflicts

    if verdict is not None and verdict.reasons:
        conflicts = list(verdict.reasons)
    elif verdict is not None and verdict.core:
        conflicts = describe_conflict(problem, comp, verdict.core)
    else:
        remaining = time_limit - (pace.now() - t0)
        budget = max(0.2, min(0.2 * time_limit, remaining, _CONFLICT_SECONDS))
        conflicts = find_conflicts(
            problem, comp, time_limit=budget, workers=workers, seed=seed, should_stop=stop, pace=pace
        )
    stats["deterministic"] = _reproducible(pace, stop)
    return Plan(
        status="infeasible",
        objective=0.0,
        bound=None,
        gap=None,
        seconds=time.perf_counter() - t0,
        unscheduled=[],
        conflicts=conflicts,
        stats=stats,
    )
