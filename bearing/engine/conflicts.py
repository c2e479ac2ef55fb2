"""Why the mandatory demands cannot all be planned: the smallest conflicting set found, in words.

One CP-SAT solve in which each demand's presence is an assumption names the demands its proof of
infeasibility needed; a deletion filter then drops them one at a time while the rest still cannot
be scheduled (each test is a proof by the interval model), leaving, when it completes, a set in
which every demand is needed for the conflict. The set is then described by aggregate reasoning:
the hours (or money) its demands need in some stretch of periods whatever their starts, against
what is available there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from bearing.engine.compiled import Compiled, compile_problem
from bearing.engine.pace import Pace
from bearing.engine.problem import Problem
from bearing.engine.schedule import conflicting_subset, decide_mandatory
from bearing.engine.stopping import Stopper
from bearing.engine.sufficiency import analyse_sufficiency

__all__ = ["describe_conflict", "find_conflicts", "minimal_conflict"]


def _closure(comp: Compiled, demands: set[int]) -> set[int]:
    """The demands plus everything they require, transitively."""
    out = set(demands)
    stack = list(demands)
    while stack:
        for e in comp.preds[stack.pop()]:
            if e not in out:
                out.add(e)
                stack.append(e)
    return out


def _verdict(
    comp: Compiled, demands: set[int], time_limit: float, workers: int, seed: int, stop: Stopper, pace: Pace
) -> str:
    # cheap proofs and a quick schedule first: most deletion tests end there
    return decide_mandatory(
        comp, sorted(demands), time_limit=time_limit, workers=workers, seed=seed, should_stop=stop, pace=pace
    ).status


def minimal_conflict(
    comp: Compiled,
    *,
    time_limit: float,
    workers: int = 1,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    pace: Pace | None = None,
) -> list[int]:
    """Forced demands (mandatory ones and their prerequisites) that cannot be scheduled together,
    even leaving out the prerequisites not in the set, reduced by a deletion filter within
    `time_limit` seconds of `pace` (its own clock when not given: with one worker a work budget, so
    the same seed gives the same set) or until `should_stop` (minimal when the filter completes)."""
    stop = should_stop if isinstance(should_stop, Stopper) else Stopper(should_stop)
    pace = pace if pace is not None else Pace(time_limit, workers=workers)
    core = _closure(comp, {d for d in range(comp.n) if comp.mandatory[d]})
    empty = [d for d in sorted(core) if not comp.window[d]]
    if empty:
        return empty[:1]
    end = pace.now() + time_limit
    # A subset that cannot be scheduled on its own, leaving out prerequisites, is a conflict too:
    # with them (forced in as well) it fits even less. One solve with every demand's presence
    # assumed names the demands its proof needed, usually far fewer; the deletion filter then has
    # fewer to try.
    assumed = conflicting_subset(
        comp, sorted(core), time_limit=0.5 * time_limit, seed=seed, should_stop=stop, pace=pace
    )
    if assumed:
        core = set(assumed)
    # try dropping the demands that take the least first: the big ones are likelier to be the cause
    order = sorted(core, key=lambda d: (sum(h for _, h in comp.use[d]) * comp.duration[d], d))
    for d in order:
        left = end - pace.now()
        if left <= 0 or stop():
            break
        if d not in core:
            continue
        rest = core - {d}
        per_test = max(0.05, min(left, time_limit / max(4, len(core))))
        if _verdict(comp, rest, per_test, workers, seed, stop, pace) == "infeasible":
            core = rest
    return sorted(core)


def _windows(comp: Compiled, demands: list[int]) -> dict[int, tuple[int, int]]:
    """Earliest and latest start of each demand, narrowed by requirements inside the set."""
    inside = set(demands)
    es = {d: comp.window[d][0] for d in demands}
    ls = {d: comp.window[d][-1] for d in demands}
    for _ in range(len(demands)):
        for d in demands:
            for e in comp.preds[d]:
                if e in inside:
                    es[d] = max(es[d], es[e] + comp.duration[e])
                    ls[e] = min(ls[e], ls[d] - comp.duration[e])
    return {d: (es[d], ls[d]) for d in demands}


def _min_overlap(s_lo: int, s_hi: int, dur: int, a: int, b: int) -> int:
    """Fewest active periods inside a..b over starts s_lo..s_hi (0 when the window is empty)."""
    if s_hi < s_lo:
        return dur
    best = dur
    for s in range(s_lo, s_hi + 1):
        best = min(best, max(0, min(b, s + dur - 1) - max(a, s) + 1))
    return best


def _names(comp: Compiled, demands: list[int]) -> str:
    ids = [comp.ids[d] for d in demands]
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _need(demands: list[int]) -> str:
    return "needs" if len(demands) == 1 else "need"


def _span(problem: Problem, a: int, b: int) -> str:
    return problem.label(a) if a == b else f"{problem.label(a)}..{problem.label(b)}"


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-6 or abs(x) >= 100 else f"{x:,.2f}"


def describe_conflict(problem: Problem, comp: Compiled, core: list[int], *, time_limit: float = 2.0) -> list[str]:
    """Business-words explanation of why the demands in `core` cannot all be scheduled. When no
    single stretch of periods is short, the smallest capacity addition that lets them fit (found
    within `time_limit` seconds) says where and by how much."""
    out: list[str] = []
    for d in core:
        if not comp.window[d]:
            out.append(_no_start_reason(problem, comp, d))
    if out:
        return out
    win = _windows(comp, core)
    for d in core:
        lo, hi = win[d]
        if hi < lo:
            chain = [comp.ids[e] for e in comp.preds[d] if e in set(core)]
            out.append(
                f"mandatory {comp.ids[d]} cannot start between {problem.label(comp.window[d][0])} and "
                f"{problem.label(comp.window[d][-1])} after its prerequisites {', '.join(chain)} finish"
            )
    if out:
        return out
    best: tuple[float, str] | None = None
    found = _worst_stretch(comp, core, win)
    if found is not None:
        rel, r, a, b, who, need, cap = found
        best = (
            rel,
            (f"mandatory {_names(comp, who)} {_need(who)} {_fmt(need)} {comp.resource_names[r]}-hours in "
            f"{_span(problem, a, b)}; capacity is {_fmt(cap)} (short by {_fmt(need - cap)})"),
        )
    for w, (first, last, amount) in enumerate(comp.budgets):
        need = 0.0
        who = []
        for d in core:
            k = _min_overlap(win[d][0], win[d][1], comp.duration[d], first, last)
            if k > 0 and comp.cost_pp[d] > 0:
                need += comp.cost_pp[d] * k
                who.append(d)
        short = need - amount
        rel = short / max(amount, 1e-9)
        if short > 1e-6 and (best is None or rel > best[0]):
            best = (
                rel,
                (f"mandatory {_names(comp, who)} {_need(who)} {_fmt(need)} of money in "
                f"{_span(problem, first, last)}; the budget is {_fmt(amount)} (short by {_fmt(short)})"),
            )
    if best is not None:
        return [best[1]]
    if _budgets_decide(problem, comp, core, time_limit):
        return [
            (f"mandatory {_names(comp, core)} cannot all be scheduled within the budget windows: every "
            f"arrangement allowed by their start windows and requirements spends more in some window than "
            f"its budget (with the budgets left aside they fit)")
        ]
    used = sorted({comp.resource_names[r] for d in core for r, _ in comp.use[d]})
    return [
        (f"mandatory {_names(comp, core)} cannot all be scheduled: in every arrangement allowed by their "
        f"start windows and requirements, some period needs more {', '.join(used) or 'money'} than is available"
        f"{_addition(problem, comp, core, time_limit)}")
    ]


def _budgets_decide(problem: Problem, comp: Compiled, core: list[int], time_limit: float) -> bool:
    """Whether the budget windows are what keeps `core` out: it fits when they are left aside."""
    if not comp.budgets or not any(comp.cost_pp[d] > 0 for d in core):
        return False
    unbudgeted = compile_problem(dataclasses.replace(problem, budgets=()))  # same demand order
    return decide_mandatory(unbudgeted, core, time_limit=max(0.1, time_limit)).status == "feasible"


def _addition(problem: Problem, comp: Compiled, core: list[int], time_limit: float) -> str:
    """'; the smallest capacity addition that lets them fit: ...' from the sufficiency MIP on the
    core alone ('a capacity addition' when not proven smallest; nothing when none was found)."""
    ids = [comp.ids[d] for d in core]
    report = analyse_sufficiency(
        problem, hours_per_fte=1.0, demand_ids=ids, must_fit_ids=ids, time_limit=max(0.1, time_limit)
    )
    if report.additions_status not in ("optimal", "feasible") or not report.additions:
        return ""
    which = "the smallest capacity addition" if report.additions_status == "optimal" else "a capacity addition"
    steps = [
        f"{a.resource} +{_fmt(a.hours_per_period)} hours per period from {problem.label(a.from_period)}"
        for a in report.additions
    ]
    return f"; {which} that lets them fit: {', '.join(steps)}"


def _worst_stretch(
    comp: Compiled, core: list[int], win: dict[int, tuple[int, int]]
) -> tuple[float, int, int, int, list[int], float, float] | None:
    """The resource and stretch of periods a..b where the core's forced hours most exceed the
    capacity, relative to it (all stretches at once per first period, with numpy)."""
    nres = len(comp.resource_names)
    if not core or not nres:
        return None  # nothing to run short of hours in
    lo = np.array([win[d][0] for d in core])
    hi = np.array([win[d][1] for d in core])
    hi = np.maximum(hi, lo)  # an empty window was reported above; keep the arithmetic sane
    dur = np.array([comp.duration[d] for d in core])
    use = np.zeros((nres, len(core)))
    for k, d in enumerate(core):
        for r, h in comp.use[d]:
            use[r, k] += h
    cum = np.concatenate([np.zeros((nres, 1)), np.cumsum(comp.capacity, axis=1)], axis=1)
    best: tuple[float, int, int, int] | None = None
    for a in range(comp.periods):
        bs = np.arange(a, comp.periods)[:, None]
        # the overlap with a..b is smallest at the earliest or the latest start
        left = np.maximum(0, np.minimum(bs, lo + dur - 1) - np.maximum(a, lo) + 1)
        right = np.maximum(0, np.minimum(bs, hi + dur - 1) - np.maximum(a, hi) + 1)
        need = use @ np.minimum(left, right).T
        cap = cum[:, a + 1 :] - cum[:, a : a + 1]
        short = need - cap
        rel = np.where(short > 1e-6, short / np.maximum(cap, 1e-9), -np.inf)
        r, j = map(int, np.unravel_index(int(np.argmax(rel)), rel.shape))
        if np.isfinite(rel[r, j]) and (best is None or rel[r, j] > best[0]):
            best = (float(rel[r, j]), int(r), a, a + int(j))
    if best is None:
        return None
    rel_best, r, a, b = best
    k = np.minimum(
        np.maximum(0, np.minimum(b, lo + dur - 1) - np.maximum(a, lo) + 1),
        np.maximum(0, np.minimum(b, hi + dur - 1) - np.maximum(a, hi) + 1),
    )
    who = [core[i] for i in range(len(core)) if k[i] > 0 and use[r, i] > 0]
    need = float(use[r] @ k)
    return rel_best, r, a, b, who, need, float(cum[r, b + 1] - cum[r, a])


def _no_start_reason(problem: Problem, comp: Compiled, d: int) -> str:
    dem = problem.demands[d]
    if dem.excluded:
        return f"{dem.id} is required by a mandatory demand but is excluded"
    if dem.fixed_start is not None:
        return (
            f"mandatory {dem.id} is fixed to start in {problem.label(dem.fixed_start)}, outside the periods "
            f"its earliest start, deadline and the horizon allow"
        )
    return (
        f"mandatory {dem.id} needs {dem.duration} periods from {problem.label(dem.earliest_start)} but must finish "
        f"by {problem.label(dem.latest_start(problem.periods) + dem.duration - 1)}"
    )


def find_conflicts(
    problem: Problem,
    comp: Compiled,
    *,
    time_limit: float,
    workers: int = 1,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    pace: Pace | None = None,
) -> list[str]:
    """The conflict messages for an infeasible problem (whose mandatory demands cannot all fit)."""
    core = minimal_conflict(
        comp, time_limit=time_limit, workers=workers, seed=seed, should_stop=should_stop, pace=pace
    )
    return describe_conflict(problem, comp, core, time_limit=max(0.1, 0.25 * time_limit))
