"""Why a demand is out of the plan, or starts later than it could — checked, not guessed.

For a demand left out: the resource and periods (or budget window) it does not fit in, the extra
hours or money that would admit it at its best start, and the value that forcing it in costs
elsewhere, measured for every demand first by a repaired plan (`bearing.engine.repair`: room made
by taking out lower-value demands, then refilled) — a real plan with the demand in, so its cost is
an upper bound that holds — and then, in the time left, by re-planning with the demand made
mandatory (CP-SAT on the demands around it): first for the demands no repair could place, then the
most valuable. `details.verified_by` says which gave the figure; reasons neither could check within
the time budget say so and carry `verified: False`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from typing import Any

from ortools.sat.python import cp_model

from bearing.engine.compiled import Compiled, Ledger, compile_problem
from bearing.engine.model import build_start_model, scale_for
from bearing.engine.moves import value_density
from bearing.engine.pace import Pace
from bearing.engine.plan import Plan, Scheduled, Unscheduled
from bearing.engine.problem import Problem
from bearing.engine.repair import Repairs, measure_shortage
from bearing.engine.stopping import Stopper, cp_solver, run_cp

__all__ = ["explain_plan", "explain_unscheduled", "late_start_reasons", "repair_seconds"]

# Re-plans are small CP-SAT models whose building in Python outweighs their search: measured on
# one idle core 6.4 / 8.4 / 10.6 ms to build one at 2,000 / 500 / 10,000 demands (75-102 re-plans of
# generated L, M, XL; 7.4-10.5 us per start variable), and about 2 s of wall per deterministic
# second of CP-SAT to solve them (0.38 s for 0.18 at M; no presolve, below).
_BUILD_SECONDS_PER_START = 1.1e-5
_REPLAN_WORK_PER_SECOND = 0.27
# The least a re-plan is charged: a model of a few one-start demands is built and solved at almost
# no deterministic time, but creating the model and starting CP-SAT take their milliseconds. A
# one-period problem of 1,200 demands and budgets alone (stress sweep seed 13030, 1,155 left out):
# 1,053 re-plans at 5.9 ms of wall each, charged next to nothing, so explanations given 2.9 s ran
# 7.4 s. Charged 7 ms at least; re-plans of generated M, L and XL are charged more by their starts.
_REPLAN_MIN_SECONDS = 7e-3
# Nominal seconds a repair takes: measured on one idle core over the left-out demands of generated
# M, L and XL (201 / 754 / 3,752 repairs), 0.50 / 0.69 / 1.07 ms a repair at 500 / 2,000 / 10,000
# demands; charged a quarter more (the machine's speed varies from run to run).
_REPAIR_SECONDS = 6e-4
_REPAIR_SECONDS_PER_DEMAND = 7.5e-8
# Nominal seconds per demand for compiling the problem, booking the plan and building the repairs'
# arrays (0.25 s measured at 6,155 demands).
_SETUP_SECONDS_PER_DEMAND = 4e-5
# Nominal seconds for one left-out demand's reasons (its best start and what it lacks there) and
# for one scheduled demand's late-start reasons: 0.09-0.2 ms and 0.03-0.07 ms measured (same runs).
_REASONS_SECONDS = 2e-4
_LATE_START_SECONDS = 5e-5


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-6 or abs(x) >= 100 else f"{x:,.2f}"


def _span(problem: Problem, a: int, b: int) -> str:
    return problem.label(a) if a == b else f"{problem.label(a)}..{problem.label(b)}"


def _ledger(comp: Compiled, plan: Plan) -> Ledger:
    ledger = Ledger(comp)
    for s in sorted(plan.scheduled, key=lambda x: (x.start, x.id)):
        ledger.book(comp.index[s.id], s.start)
    return ledger


def _structural(problem: Problem, comp: Compiled, ledger: Ledger, d: int) -> str | None:
    """A reason that needs no capacity: excluded, no start allowed, a prerequisite that is out."""
    dem = problem.demands[d]
    if dem.excluded:
        return f"{dem.id} is excluded from this scenario"
    if not comp.window[d]:
        if dem.fixed_start is not None:
            return f"its fixed start {problem.label(dem.fixed_start)} is outside the periods its deadline and the horizon allow"
        return f"it needs {dem.duration} periods from {problem.label(dem.earliest_start)} and cannot finish inside its deadline or the horizon"
    return None


def _best_start(comp: Compiled, ledger: Ledger, d: int) -> tuple[int, dict[tuple[int, int], float], dict[int, float]]:
    """The start needing the least extra capacity (as a share of capacity), after prerequisites."""
    ready = max((ledger.start[e] + comp.duration[e] for e in comp.preds[d] if ledger.start[e] >= 0), default=0)
    options = [s for s in comp.window[d] if s >= ready] or comp.window[d]
    best = None
    for s in options:
        hours, money = measure_shortage(comp, ledger, d, s)
        score = sum(v / max(comp.capacity[r, p], 1.0) for (r, p), v in hours.items())
        score += sum(v / max(comp.budgets[w][2], 1.0) for w, v in money.items())
        if best is None or score < best[0]:
            best = (score, s, hours, money)
    assert best is not None
    return best[1], best[2], best[3]


def _capacity_reasons(
    problem: Problem, comp: Compiled, d: int, s: int, hours: dict[tuple[int, int], float], money: dict[int, float]
) -> tuple[list[str], dict[str, Any]]:
    reasons = []
    by_res: dict[int, list[int]] = {}
    for r, p in sorted(hours):
        by_res.setdefault(r, []).append(p)
    extra_hours: dict[str, float] = {}
    for r, ps in by_res.items():
        name = comp.resource_names[r]
        extra = sum(hours[(r, p)] for p in ps)
        extra_hours[name] = extra
        reasons.append(
            f"{name} capacity in {_span(problem, ps[0], ps[-1])} is used by higher-value demands: starting in "
            f"{problem.label(s)} it needs {_fmt(comp.use[d][[x for x, _ in comp.use[d]].index(r)][1])} {name}-hours "
            f"per period; {_fmt(extra)} more {name}-hours there would admit it"
        )
    extra_money = 0.0
    budget_windows = []
    for w, miss in sorted(money.items()):
        first, last, _ = comp.budgets[w]
        extra_money += miss
        budget_windows.append([first, last])
        reasons.append(
            f"the budget for {_span(problem, first, last)} is spent on higher-value demands; "
            f"{_fmt(miss)} more money there would admit it"
        )
    details = {
        "start": s,
        "binding_resources": sorted(extra_hours),
        "periods": sorted({p for _, p in hours}),
        "extra_hours": extra_hours,
        "budget_windows": budget_windows,
        "extra_money": extra_money,
    }
    return reasons, details


def _forced_replan(
    comp: Compiled,
    ledger: Ledger,
    plan_value: float,
    d: int,
    free: list[int],
    time_limit: float,
    stop: Stopper,
    pace: Pace,
    value_scale: float,
) -> tuple[str, float | None]:
    """Re-plan `free` with d mandatory in the plan of `ledger` (worth `plan_value`, objective
    scaled by `value_scale`); returns (status, value of the best such plan)."""
    charged_before = pace.spent
    forced = list(comp.mandatory)
    forced[d] = True
    comp_f = dataclasses.replace(comp, mandatory=forced)
    base = ledger.copy()
    for e in free:
        base.unbook(e)
    # hours rounded down: "infeasible" is a proof that d cannot be forced in here
    sm = build_start_model(comp_f, base, free, value_scale=value_scale, round_down=True)
    sm.hint({e: ledger.start[e] for e in free if ledger.start[e] >= 0})
    pace.charge(_BUILD_SECONDS_PER_START * sum(len(comp.window[e]) for e in free))
    solver = cp_solver(1)
    # no presolve: on these small models it gains nothing, and on some it is slow work CP-SAT does
    # not count as deterministic time, so the work clock missed it. A generated one-period problem
    # of 3,000 demands and one budget (stress sweep seed 2028): 41-45 ms per re-plan counted as
    # none, its 20 s solve took 41 s; without presolve 3.3 s for 610 re-plans (counted 3.8 s), all
    # optimal. Generated S, M, L problems: the same statuses or better, the same wall time or less.
    solver.parameters.cp_model_presolve = False
    pace.limit_cp(solver.parameters, max(0.02, time_limit), _REPLAN_WORK_PER_SECOND)
    status = run_cp(solver, sm.model, stop=stop)
    pace.charge_cp(solver, _REPLAN_WORK_PER_SECOND)
    pace.charge(_REPLAN_MIN_SECONDS - (pace.spent - charged_before))
    if status == cp_model.INFEASIBLE:
        return "infeasible", None
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return "unknown", None
    new = sm.read(solver)
    # a relaxation may return a plan over a limit by less than a hundredth of an hour: check it
    if not base.book_in_order(new):
        return "unknown", None
    freed = sum(comp.values[e][ledger.start[e]] for e in free if ledger.start[e] >= 0)
    return ("optimal" if status == cp_model.OPTIMAL else "feasible"), plan_value - freed + comp.objective(new)


@dataclasses.dataclass
class _Draft:
    """A left-out demand's reasons before the verdict: where it would start, what it lacks there,
    and what the repair and the re-plan found (the plan's value with it forced in)."""

    d: int
    s: int
    hours: dict[tuple[int, int], float]
    money: dict[int, float]
    reasons: list[str]
    details: dict[str, Any]
    repaired: float | None = None
    status: str = "unknown"
    value: float | None = None
    whole_plan: bool = False


def _draft(problem: Problem, comp: Compiled, ledger: Ledger, d: int) -> _Draft:
    """The reasons a left-out demand (with a start in its window) is out: its prerequisites out of
    the plan or finishing too late, and what it lacks at its best start."""
    last = comp.window[d][-1]
    late = [e for e in comp.preds[d] if ledger.start[e] >= 0 and ledger.start[e] + comp.duration[e] > last]
    if late:
        # no start is open to it until a prerequisite moves: what else it lacks depends on where
        # that goes, so no capacity is named as what would admit it (the re-plan still frees
        # the holders of what it lacks at its last start)
        s = last
        hours, money = measure_shortage(comp, ledger, d, s)
        details = _capacity_reasons(problem, comp, d, s, {}, {})[1]
        reasons = [
            f"it requires {comp.ids[e]}, which finishes at the end of "
            f"{problem.label(ledger.start[e] + comp.duration[e] - 1)}: too late for its last allowed start, "
            f"{problem.label(last)}"
            for e in late
        ]
    else:
        s, hours, money = _best_start(comp, ledger, d)
        reasons, details = _capacity_reasons(problem, comp, d, s, hours, money)
    details["requires_late"] = [comp.ids[e] for e in late]
    missing = [comp.ids[e] for e in comp.preds[d] if ledger.start[e] < 0]
    if missing:
        reasons.insert(0, f"it requires {', '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not in the plan")
    details["requires_missing"] = missing
    later = _later_deadline(problem, comp, ledger, d)
    if later is not None:
        start, deadline = later
        details["later_deadline"] = deadline
        old = problem.demands[d].deadline
        assert old is not None
        reasons.append(
            f"its deadline (finished by the end of {problem.label(old - 1)}) rules out later starts: allowed to "
            f"finish by the end of {problem.label(deadline - 1)}, it would fit from {problem.label(start)} as the "
            "plan stands"
        )
    return _Draft(d, s, hours, money, reasons, details)


def _later_deadline(problem: Problem, comp: Compiled, ledger: Ledger, d: int) -> tuple[int, int] | None:
    """The earliest start after its deadline's last one where the plan as it stands leaves room for
    the demand (hours, money, prerequisites finished), and the deadline that start needs; None when
    it has no deadline, a fixed start, or no such start before the horizon ends (its window is not
    empty: `_structural` explains those)."""
    dem = problem.demands[d]
    if dem.deadline is None or dem.fixed_start is not None:
        return None
    for start in range(comp.window[d][-1] + 1, problem.periods - dem.duration + 1):
        if ledger.fits(d, start):
            return start, start + dem.duration
    return None


def _forced_in_reason(details: dict[str, object], forced: float, objective: float, gain: float, by: str) -> str:
    """Record in `details` what a checked plan with the demand forced in (worth `forced`, made by the
    repair or a re-plan, `by`) costs against the plan, and say it in words."""
    lost = max(0.0, objective - forced)
    details.update(verified=True, verified_by=by, value_lost=lost)
    how = "made by taking out lower-value demands" if by == "repair" else "found by re-planning"
    if forced > objective + 1e-9:
        # a plan not proven optimal can be beaten by one with the demand in: say so rather than
        # "it would cost 0", which hides that the search ended before finding the better plan
        details["value_gained"] = forced - objective
        return (
            f"forcing it in would not cost value: a plan with it is worth {_fmt(forced - objective)} more "
            f"({how}; the search ended before finding it — a longer time limit may take it in)"
        )
    if by == "repair":
        return (
            f"forcing it in would cost at most {_fmt(lost)} of value elsewhere (it brings {_fmt(gain)}; "
            f"checked by a plan with it forced in, {how})"
        )
    return (
        f"forcing it in would cost {_fmt(lost)} of value elsewhere (it brings {_fmt(gain)}; "
        f"checked by re-planning with it forced in)"
    )


def _verdict(uid: str, draft: _Draft, comp: Compiled, objective: float) -> Unscheduled:
    """The reasons with the verified cost of forcing the demand in: the better of the repair and the
    re-plan, or the proof that it cannot be forced in, or that neither answered in time."""
    reasons, details = draft.reasons, draft.details
    gain = max(comp.values[draft.d].values())
    repaired, value = draft.repaired, draft.value
    if repaired is not None and (value is None or repaired > value + 1e-9):
        reasons.append(_forced_in_reason(details, repaired, objective, gain, "repair"))
    elif value is not None:
        reasons.append(_forced_in_reason(details, value, objective, gain, "re-plan"))
    elif draft.status == "infeasible":
        details.update(verified=True, verified_by="re-plan", value_lost=None)
        reasons.append(
            "forcing it in is not possible: no plan can hold it together with the mandatory demands"
            if draft.whole_plan
            else "forcing it in is not possible without moving more of the plan"
        )
    else:
        details.update(verified=False, value_lost=None)
        reasons.append("not verified by a re-plan within the time limit")
    return Unscheduled(uid, tuple(reasons), details)


def repair_seconds(demands: int, left_out: int) -> float:
    """Nominal seconds `explain_unscheduled` takes to set up for a problem of `demands` demands and
    to give `left_out` of them their reasons and repairs (its work clock, so a caller can budget
    for all of them; the re-plans take whatever is left beyond it)."""
    per_demand = _REASONS_SECONDS + _REPAIR_SECONDS + _REPAIR_SECONDS_PER_DEMAND * demands
    return _SETUP_SECONDS_PER_DEMAND * demands + left_out * per_demand


def explain_unscheduled(
    problem: Problem,
    plan: Plan,
    *,
    time_limit: float,
    comp: Compiled | None = None,
    should_stop: Callable[[], bool] | None = None,
    only: Collection[str] | None = None,
) -> list[Unscheduled]:
    """Reasons for every demand the plan leaves out (or the `only` ones of them, in the plan's
    order), each cost verified by a repaired plan and, while time lasts and `should_stop` allows,
    by a forced re-plan (unrepaired demands first, then by value); what neither verified is marked
    unverified."""
    stop = should_stop if isinstance(should_stop, Stopper) else Stopper(should_stop)
    comp = comp or compile_problem(problem)
    ledger = _ledger(comp, plan)
    # one worker and work budgets: the same plan gets the same reasons however busy the machine is
    pace = Pace(time_limit, workers=1)
    end = pace.now() + time_limit
    repairs = Repairs(comp, ledger, value_density(comp))
    pace.charge(_SETUP_SECONDS_PER_DEMAND * comp.n)
    wanted = None if only is None else set(only)
    out_ids = [u.id for u in plan.unscheduled if wanted is None or u.id in wanted]
    order = sorted(out_ids, key=lambda i: -max(comp.values[comp.index[i]].values(), default=0.0))
    result: dict[str, Unscheduled] = {}
    drafts: dict[str, _Draft] = {}
    # 1. the reasons, and for each a constructive repair (milliseconds), which verifies a cost
    for uid in order:
        d = comp.index[uid]
        why = _structural(problem, comp, ledger, d)
        if why is not None:
            result[uid] = Unscheduled(uid, (why,), {"verified": True, "value_lost": None})
            continue
        draft = drafts[uid] = _draft(problem, comp, ledger, d)
        pace.charge(_REASONS_SECONDS)
        if pace.now() < end and not stop() and not pace.capped():
            repair = repairs.force_in(d, draft.s)
            pace.charge(_REPAIR_SECONDS + _REPAIR_SECONDS_PER_DEMAND * comp.n)
            draft.repaired = None if repair is None else plan.objective - repair.value_lost(ledger)
    # 2. CP-SAT re-plans in the time left: first for the demands no repair could place (else they
    # stay unverified), then the most valuable; a re-plan wins when it loses less
    queue = sorted(drafts, key=lambda u: drafts[u].repaired is not None)  # stable: by value within
    per = max(0.05, min(1.0, (end - pace.now()) / max(1, len(queue))))
    value_scale = scale_for(comp)
    for uid in queue:
        now = pace.now()
        if end - now < 0.03 or stop() or pace.capped():
            break
        draft = drafts[uid]
        free = repairs.neighbourhood(draft.d, draft.hours, draft.money)
        draft.whole_plan = len(free) == comp.n
        draft.status, draft.value = _forced_replan(
            comp, ledger, plan.objective, draft.d, free, min(per, end - now), stop, pace, value_scale
        )
    for uid, draft in drafts.items():
        result[uid] = _verdict(uid, draft, comp, plan.objective)
    return [result[i] for i in out_ids]


def late_start_reasons(problem: Problem, plan: Plan, comp: Compiled | None = None) -> list[Scheduled]:
    """The plan's scheduled demands, each that starts later than its earliest allowed start with the
    reason the earlier starts were blocked (a prerequisite's finish, or a resource or budget)."""
    comp = comp or compile_problem(problem)
    ledger = _ledger(comp, plan)
    out = []
    for sch in plan.scheduled:
        d = comp.index[sch.id]
        first = comp.window[d][0] if comp.window[d] else sch.start
        if sch.start <= first:
            out.append(sch)
            continue
        ledger.unbook(d)
        reasons = []
        for s in range(first, sch.start):
            late_pred = [e for e in comp.preds[d] if ledger.start[e] + comp.duration[e] > s]
            if late_pred:
                e = late_pred[0]
                reasons.append(
                    f"it cannot start in {problem.label(s)}: prerequisite {comp.ids[e]} finishes at the end of "
                    f"{problem.label(ledger.start[e] + comp.duration[e] - 1)}"
                )
                break
            hours, money = measure_shortage(comp, ledger, d, s)
            if hours:
                (r, p), miss = max(hours.items(), key=lambda kv: kv[1])
                reasons.append(
                    f"it cannot start in {problem.label(s)}: {comp.resource_names[r]} in {problem.label(p)} "
                    f"is {_fmt(miss)} hours short"
                )
                break
            if money:
                w, miss = max(money.items(), key=lambda kv: kv[1])
                reasons.append(
                    f"it cannot start in {problem.label(s)}: the budget for "
                    f"{_span(problem, comp.budgets[w][0], comp.budgets[w][1])} is {_fmt(miss)} short"
                )
                break
            reasons.append(f"it could also start in {problem.label(s)}; the later start loses no value")
            break
        ledger.book(d, sch.start)
        out.append(dataclasses.replace(sch, reasons=tuple(reasons)))
    return out


def explain_plan(
    problem: Problem, plan: Plan, *, time_limit: float, should_stop: Callable[[], bool] | None = None
) -> None:
    """Fill `plan.unscheduled` and late-start reasons in place, within `time_limit` seconds (the
    re-plans that verify reasons end early when `should_stop` says so)."""
    comp = compile_problem(problem)
    plan.scheduled = late_start_reasons(problem, plan, comp)
    # the late-start reasons' share of the time, counted by their work as the rest is
    left = max(0.0, time_limit - _LATE_START_SECONDS * len(plan.scheduled))
    plan.unscheduled = explain_unscheduled(problem, plan, time_limit=left, comp=comp, should_stop=should_stop)
