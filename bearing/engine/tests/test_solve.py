"""The default solve pipeline on hand-built problems whose optimum is worked out by hand."""

from __future__ import annotations

import importlib
import threading
from typing import Any, cast

import pytest

from bearing.engine.check import check_plan
from bearing.engine.generate import generate_problem
from bearing.engine.greedy import solve_greedy
from bearing.engine.plan import Plan, ProgressEvent, Scheduled
from bearing.engine.problem import Budget, Demand, Problem, Resource
from bearing.engine.solve import solve
from bearing.engine.stopping import CpBeside
from bearing.engine.tests.instances import tight_schedule


def make_problem(
    demands: list[Demand], *, periods: int = 1, dev: float = 10.0, **kw: Any
) -> Problem:
    return Problem(
        periods=periods,
        resources={"dev": Resource("dev", (dev,) * periods)},
        demands=tuple(demands),
        **kw,
    )


def run(problem: Problem, **kw: Any) -> Plan:
    plan = solve(problem, time_limit=5.0, explain=False, **kw)
    result = check_plan(problem, plan)
    assert result.ok, result.violations
    return plan


def test_capacity_keeps_the_pair_that_fits_over_the_single_best() -> None:
    # 10 dev-hours: A(6h, 10) + anything breaks it; B(5h, 7) + C(5h, 6) = 13 fits exactly
    p = make_problem([
        Demand("A", 10, effort={"dev": 6}),
        Demand("B", 7, effort={"dev": 5}),
        Demand("C", 6, effort={"dev": 5}),
    ])
    plan = run(p)
    assert plan.status == "optimal"
    assert plan.objective == 13
    assert set(plan.starts()) == {"B", "C"}


def test_budget_window_limits_spend() -> None:
    # 100 of money: A(60)+C(40)=8 beats B(50)+C(40)=7 and A alone
    p = make_problem(
        [Demand("A", 5, cost=60), Demand("B", 4, cost=50), Demand("C", 3, cost=40)],
        budgets=(Budget(0, 0, 100),),
    )
    plan = run(p)
    assert plan.status == "optimal"
    assert plan.objective == 8
    assert set(plan.starts()) == {"A", "C"}


def test_deadline_forces_the_early_period() -> None:
    # one demand per period; A and B must finish by the end of period 0, C can go anywhere
    p = make_problem(
        [
            Demand("A", 5, effort={"dev": 10}, deadline=1),
            Demand("B", 4, effort={"dev": 10}, deadline=1),
            Demand("C", 3, effort={"dev": 10}),
        ],
        periods=2,
    )
    plan = run(p)
    assert plan.objective == 8
    assert plan.starts() == {"A": 0, "C": 1}


def test_requires_puts_the_prerequisite_first() -> None:
    # B (10) needs A (1) finished first: A in period 0, B in 1 = 11 beats C (5) with A
    p = make_problem(
        [
            Demand("A", 1, effort={"dev": 10}),
            Demand("B", 10, effort={"dev": 10}, requires=("A",)),
            Demand("C", 5, effort={"dev": 10}),
        ],
        periods=2,
    )
    plan = run(p)
    assert plan.status == "optimal"
    assert plan.objective == 11
    assert plan.starts() == {"A": 0, "B": 1}


def test_mandatory_demand_displaces_a_better_one() -> None:
    p = make_problem([Demand("A", 1, effort={"dev": 8}, mandatory=True), Demand("B", 10, effort={"dev": 5})])
    plan = run(p)
    assert plan.objective == 1
    assert plan.starts() == {"A": 0}


def test_excluded_demand_is_left_out() -> None:
    p = make_problem([Demand("A", 1, effort={"dev": 8}), Demand("B", 10, effort={"dev": 5}, excluded=True)])
    plan = run(p)
    assert plan.objective == 1
    assert plan.starts() == {"A": 0}


def test_fixed_start_is_kept() -> None:
    # mandatory A is fixed in period 1, so two-period B (8) cannot fit; C goes in period 0 or 2
    p = make_problem(
        [
            Demand("A", 5, effort={"dev": 10}, mandatory=True, fixed_start=1),
            Demand("B", 8, duration=2, effort={"dev": 20}),
            Demand("C", 3, effort={"dev": 10}),
        ],
        periods=3,
    )
    plan = run(p)
    assert plan.objective == 8
    assert plan.starts()["A"] == 1
    assert "B" not in plan.starts()


def test_discount_puts_the_bigger_value_first() -> None:
    # rate 0.5: A first = 10 + 8*0.5 = 14; B first = 8 + 10*0.5 = 13
    p = make_problem(
        [Demand("A", 10, effort={"dev": 10}), Demand("B", 8, effort={"dev": 10})], periods=2, discount_rate=0.5
    )
    plan = run(p)
    assert plan.objective == 14
    assert plan.starts() == {"A": 0, "B": 1}


def test_infeasible_mandatory_demands_are_named_with_the_shortfall() -> None:
    p = make_problem(
        [
            Demand("A", 1, effort={"dev": 6}, mandatory=True),
            Demand("B", 1, effort={"dev": 6}, mandatory=True),
            Demand("C", 1, effort={"dev": 1}, mandatory=True),
            Demand("D", 5, effort={"dev": 2}),
        ],
        period_labels=("2027-Q2",),
    )
    plan = solve(p, time_limit=5.0)
    assert plan.status == "infeasible"
    # A and B alone already conflict (12 > 10); C is not needed for the conflict
    assert plan.conflicts == ["mandatory A and B need 12 dev-hours in 2027-Q2; capacity is 10 (short by 2)"]


def test_undecided_mandatory_demands_are_not_reported_as_a_proven_conflict() -> None:
    # 24 mandatory demands that do not fit: 0.4 s of work is too little to prove it (0.5 s suffices)
    plan = solve(tight_schedule(21, 24, 26), time_limit=0.4, explain=False)
    assert plan.status == "unknown"
    assert plan.conflicts[0].startswith("undecided: no schedule with every mandatory demand was found")
    # greedy's failures follow, marked as its own: they say where it stopped, not that nothing fits
    assert len(plan.conflicts) > 1 and all(c.startswith("greedy: mandatory ") for c in plan.conflicts[1:])


def test_progress_reports_each_improvement_and_stop_is_honoured() -> None:
    p = generate_problem(40, 4, 4, seed=3)
    events: list[ProgressEvent] = []
    plan = solve(p, time_limit=2.0, explain=False, progress=events.append, should_stop=lambda: True)
    assert events and events[0].stage == "greedy"
    values = [e.objective for e in events]
    assert values == sorted(values)
    assert plan.objective >= solve_greedy(p).objective - 1e-9


def test_long_stages_are_announced_as_they_start_with_what_they_are_expected_to_take(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the relaxation and the explanations of a problem this small take far less than the
    # threshold, so neither is announced; with the threshold at zero both are, each before what
    # it produces, repeating the best value and bound so far
    tracker_module = importlib.import_module("bearing.engine.tracker")
    p = generate_problem(150, 6, 6, seed=4)
    quiet: list[ProgressEvent] = []
    solve(p, time_limit=3.0, progress=quiet.append)
    assert all(e.expected_seconds is None and e.stage not in ("lp-start", "explain") for e in quiet)
    monkeypatch.setattr(tracker_module, "_ANNOUNCE_SECONDS", 0.0)
    events: list[ProgressEvent] = []
    plan = solve(p, time_limit=3.0, progress=events.append)
    stages = [e.stage for e in events]
    assert stages.index("lp-start") < stages.index("lp")
    announced = events[stages.index("lp-start")]
    assert announced.expected_seconds == pytest.approx(plan.stats["lp_predicted_seconds"], abs=0.01)
    assert announced.objective == events[stages.index("lp-start") - 1].objective
    assert plan.unscheduled and stages[-1] == "explain"
    assert 0.0 < cast(float, events[-1].expected_seconds) <= 3.0
    assert events[-1].objective == plan.objective
    assert [e.expected_seconds is not None for e in events].count(True) == 2
    values = [e.objective for e in events]
    assert values == sorted(values)


def test_without_room_for_the_relaxation_the_priced_bound_and_the_smaller_relaxation_are_announced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tracker_module = importlib.import_module("bearing.engine.tracker")
    monkeypatch.setattr(tracker_module, "_ANNOUNCE_SECONDS", 0.0)
    p = generate_problem(500, 20, 12, seed=1)
    events: list[ProgressEvent] = []
    plan = solve(p, time_limit=0.5, explain=False, progress=events.append)
    assert "limit_for_full_lp" in plan.stats  # the full relaxation did not fit
    stages = [e.stage for e in events]
    assert stages.index("lagrangian-start") + 1 == stages.index("lagrangian")
    # the relaxation over what pays at the priced bound's prices comes after that bound
    assert stages.count("lp-start") == 1 and stages.index("lp-start") > stages.index("lagrangian")
    assert "lp" not in stages
    assert all(cast(float, e.expected_seconds) > 0 for e in events if e.stage.endswith("-start"))


def test_same_seed_gives_the_same_plan() -> None:
    p = generate_problem(200, 6, 6, seed=5)
    a = solve(p, time_limit=2.0, explain=False, seed=1)
    b = solve(p, time_limit=2.0, explain=False, seed=1)
    assert a.starts() == b.starts()
    assert check_plan(p, a).ok


def test_generated_problem_beats_greedy_and_reports_a_valid_bound() -> None:
    p = generate_problem(60, 6, 6, seed=2)
    plan = solve(p, time_limit=3.0, explain=False)
    result = check_plan(p, plan)
    assert result.ok, result.violations
    assert abs(result.objective - plan.objective) < 1e-6
    assert plan.objective >= solve_greedy(p).objective - 1e-9
    assert plan.bound is not None and plan.bound >= plan.objective - 1e-9


def test_a_relaxation_predicted_to_take_most_of_the_search_is_solved_and_bounds_the_plan() -> None:
    # 500 demands over 12 quarters: half a second is too short for the relaxation, and the plan says
    # what it is predicted to take; with a limit at which that is 70 % of the search, the
    # relaxation is solved (the plan rounded from it is worth more than a search without it)
    p = generate_problem(500, 20, 12, seed=1)
    short = solve(p, time_limit=0.5, explain=False)
    assert "lp_bound" not in short.stats
    predicted = float(cast(float, short.stats["lp_predicted_seconds"]))
    plan = solve(p, time_limit=predicted / 0.7 + 0.1, explain=False)
    result = check_plan(p, plan)
    assert result.ok, result.violations
    assert "lp_bound" in plan.stats and "limit_for_full_lp" not in plan.stats
    lp_bound = cast(float, plan.stats["lp_bound"])
    assert plan.bound is not None and plan.objective - 1e-6 <= plan.bound <= lp_bound + 1e-6
    assert plan.objective >= solve_greedy(p).objective - 1e-9


def test_after_the_full_relaxation_one_worker_spends_the_search_on_steps_and_two_still_try_moves() -> None:
    # 600 demands over 12 quarters: too many starts for the full model, so the relaxation's plan goes
    # to the neighbourhood search; with one worker the insertion moves no longer take a share of it
    p = generate_problem(600, 12, 12, seed=1)
    one = solve(p, time_limit=3.0, workers=1, explain=False)
    two = solve(p, time_limit=3.0, workers=2, explain=False)
    for plan in (one, two):
        result = check_plan(p, plan)
        assert result.ok, result.violations
        assert "lp_bound" in plan.stats and cast(int, plan.stats["lns_steps"]) >= 1
    assert "move_attempts" not in one.stats
    assert cast(int, two.stats["move_attempts"]) >= 1


@pytest.mark.parametrize("limit", [float("inf"), float("nan"), 0.0, -1.0])
def test_solve_refuses_a_time_limit_that_is_not_a_usable_number_of_seconds(limit: float) -> None:
    # an infinite limit once ended in an OverflowError deep in the LP's work budget
    with pytest.raises(ValueError, match="time_limit"):
        solve(make_problem([Demand("A", 5, effort={"dev": 10})]), time_limit=limit)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_problem_without_demands_has_an_empty_optimal_plan_with_its_reasons_step_included(workers: int) -> None:
    # the explanations' set-up once failed on empty arrays (numpy made them floats, not booleans)
    problem = Problem(periods=2, resources={"dev": Resource("dev", (10.0, 10.0))}, demands=())
    plan = solve(problem, time_limit=2.0, workers=workers)
    assert plan.status == "optimal" and plan.objective == 0.0 and plan.bound == 0.0
    assert plan.scheduled == [] and plan.unscheduled == []
    assert check_plan(problem, plan).ok


def test_solve_refuses_fewer_than_one_worker() -> None:
    with pytest.raises(ValueError, match="workers"):
        solve(make_problem([Demand("A", 5, effort={"dev": 10})]), time_limit=1.0, workers=0)


def test_a_mandatory_demands_prerequisite_comes_with_it_in_every_plan() -> None:
    # 0.01 hours a period for three periods. M (mandatory, two periods) requires P (one period), so
    # P must take period 0 and M periods 1-2: value 1 + 1 = 2, and X (worth 2) has no room. Found by
    # the enumeration property test: a plan rounded from the LP on top of greedy's mandatory demands
    # once kept M without P (X in period 0, value 3), which breaks `requires`.
    problem = Problem(
        periods=3,
        resources={"dev": Resource("dev", (0.01, 0.01, 0.01))},
        demands=(
            Demand("P", 1.0, effort={"dev": 0.01}),
            Demand("M", 1.0, duration=2, effort={"dev": 0.02}, requires=("P",), mandatory=True),
            Demand("X", 2.0, effort={"dev": 0.01}),
        ),
    )
    plan = solve(problem, time_limit=1.0, explain=False)
    assert plan.status == "optimal"
    assert plan.starts() == {"P": 0, "M": 1}
    assert abs(plan.objective - 2.0) < 1e-9
    assert check_plan(problem, plan).ok
    assert "rejected_plans" not in plan.stats


def test_with_two_workers_cp_sat_goes_on_beside_highs_and_reports_through_the_callers_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prove_module = importlib.import_module("bearing.engine.prove")
    started: list[object] = []

    class Spy(CpBeside):  # prove_module.CpBeside, imported there from stopping
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            started.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(prove_module, "CpBeside", Spy)
    problem = generate_problem(60, 8, 8, seed=1)  # 60 demands: fewer start columns than _MIP_ALONE_UP_TO
    reported_in: set[str] = set()
    stages: list[str] = []

    def progress(event: ProgressEvent) -> None:
        reported_in.add(threading.current_thread().name)
        stages.append(event.stage)

    plan = solve(problem, time_limit=30.0, workers=2, explain=False, progress=progress)
    assert len(started) == 1  # CP-SAT went on beside HiGHS's search
    assert reported_in == {threading.current_thread().name}  # every plan reported from here
    assert plan.status == "optimal" and check_plan(problem, plan).ok
    assert plan.objective >= solve_greedy(problem).objective - 1e-6
    started.clear()
    assert solve(problem, time_limit=30.0, explain=False).status == "optimal"
    assert started == []  # one worker: HiGHS alone after CP-SAT's first run (reproducible)


def test_with_two_workers_highs_starts_at_once_on_a_small_model_with_cp_sat_at_level_2_beside_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # on a small model CP-SAT at linearization level 2 on one thread finds the optimum sooner than
    # a first run on both workers, so HiGHS starts at once; a mid-sized model (past 600 start
    # columns) keeps its first run, whose plans HiGHS's bounded share starts from
    prove_module = importlib.import_module("bearing.engine.prove")
    first_runs: list[int] = []
    beside_levels: list[int] = []
    real_solve_full = prove_module._solve_full

    def counted_solve_full(*args: Any, **kwargs: Any) -> None:
        first_runs.append(kwargs["workers"])
        real_solve_full(*args, **kwargs)

    class Spy(CpBeside):
        def __init__(self, solver: Any, *args: Any, **kwargs: Any) -> None:
            beside_levels.append(solver.parameters.linearization_level)
            super().__init__(solver, *args, **kwargs)

    monkeypatch.setattr(prove_module, "_solve_full", counted_solve_full)
    monkeypatch.setattr(prove_module, "CpBeside", Spy)
    small = generate_problem(60, 8, 8, seed=3)
    plan = solve(small, time_limit=30.0, workers=2, explain=False)
    assert plan.status == "optimal" and check_plan(small, plan).ok
    assert first_runs == [] and beside_levels == [2]
    mid = generate_problem(120, 8, 8, seed=1)  # 718 start columns
    plan = solve(mid, time_limit=4.0, workers=2, explain=False)
    assert check_plan(mid, plan).ok and plan.objective >= solve_greedy(mid).objective - 1e-6
    assert first_runs == [2] and len(beside_levels) == 2 and beside_levels[1] != 2


class _FirstRunChosen(Exception):
    """Raised by the spy below to end a solve once its first CP-SAT run's length is known."""


def test_with_one_worker_a_small_model_gets_a_short_first_cp_sat_run_and_a_mid_sized_one_a_long_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # HiGHS's search finds small models' optima sooner than CP-SAT's full run, so that run is cut
    # short there; a mid-sized model, where HiGHS gets only a share of the time, keeps its seconds
    prove_module = importlib.import_module("bearing.engine.prove")
    walls: list[float] = []

    def first_run_seen(*args: Any, **kwargs: Any) -> None:
        walls.append(kwargs["wall"])
        raise _FirstRunChosen

    monkeypatch.setattr(prove_module, "_solve_full", first_run_seen)
    small = generate_problem(60, 8, 8, seed=3)
    mid = generate_problem(120, 8, 8, seed=1)  # 718 start columns
    for problem in (small, mid):
        with pytest.raises(_FirstRunChosen):
            solve(problem, time_limit=30.0, workers=1, explain=False)
    small_wall, mid_wall = walls
    assert small_wall <= 1.0 and mid_wall >= 5.0


def test_progress_shows_the_bound_closing_while_highs_proves() -> None:
    problem = generate_problem(60, 8, 8, seed=1)
    events: list[tuple[str, float, float | None]] = []
    plan = solve(problem, time_limit=30.0, explain=False, progress=lambda e: events.append((e.stage, e.objective, e.bound)))
    assert plan.status == "optimal" and check_plan(problem, plan).ok
    bounds = [bound for _, _, bound in events if bound is not None]
    assert bounds == sorted(bounds, reverse=True)  # a bound only ever tightens ...
    assert all(bound >= value - 1e-6 for _, value, bound in events if bound is not None)  # ... and holds
    relaxation = max(bound for stage, _, bound in events if stage == "lp" and bound is not None)
    between = [bound for stage, _, bound in events if stage == "mip" and bound is not None
               and plan.objective + 1e-6 < bound < relaxation - 1e-6]
    assert between  # HiGHS's bound was shown between the relaxation's and the proof


def test_with_one_worker_cp_sat_on_the_full_model_finds_the_optimum_that_highs_then_proves() -> None:
    # generated N = 60, seed 7: at linearization level 2 CP-SAT's short first run reaches the
    # optimum (at level 1 HiGHS's search found it after that run)
    problem = generate_problem(60, 8, 8, seed=7)
    events: list[tuple[str, float]] = []
    plan = solve(problem, time_limit=30.0, explain=False, progress=lambda e: events.append((e.stage, e.objective)))
    assert plan.status == "optimal" and check_plan(problem, plan).ok
    assert next(stage for stage, value in events if abs(value - plan.objective) < 1e-6) == "cp-sat"


def test_with_one_worker_highs_plans_are_polished_during_the_proof_and_the_run_is_reproducible() -> None:
    # generated N = 60, seed 15: CP-SAT's run stops 0.6 % short of the optimum; a plan HiGHS finds
    # after it is a few swaps from better ones, which short neighbourhood steps reach at once
    problem = generate_problem(60, 8, 8, seed=15)

    def run() -> tuple[list[tuple[str, float]], Plan]:
        events: list[tuple[str, float]] = []
        plan = solve(problem, time_limit=30.0, explain=False, progress=lambda e: events.append((e.stage, round(e.objective, 6))))
        return events, plan

    events, plan = run()
    stages = [stage for stage, _ in events]
    assert "lns" in stages and stages.index("lns") > stages.index("mip")  # polished from HiGHS's plans
    assert plan.status == "optimal" and check_plan(problem, plan).ok
    again, plan_again = run()
    assert again == events and plan_again.starts() == plan.starts()  # the same work, the same run


@pytest.mark.parametrize("workers", [1, 2])
def test_a_mid_sized_problem_leaves_time_after_highs_for_the_neighbourhood_search(workers: int) -> None:
    # 120 demands (718 start columns): HiGHS's search would take all the time left (with one
    # worker its sub-MIPs run uncharged); it gets a share, and the neighbourhood search takes
    # steps after it
    problem = generate_problem(120, 8, 8, seed=1)
    plan = solve(problem, time_limit=4.0, workers=workers, explain=False)
    assert check_plan(problem, plan).ok
    assert plan.objective >= solve_greedy(problem).objective - 1e-6
    # more than half of the search: 25 steps with one worker (reproducible); without the share,
    # HiGHS leaves time for 2 with one worker and none with two
    assert cast(int, plan.stats.get("lns_steps", 0)) >= 10
    assert "mip_bound" in plan.stats  # HiGHS did search first


def test_a_start_plan_is_searched_on_from_so_a_short_limit_keeps_its_value() -> None:
    # a plan found with a 2 s limit, handed to a 0.2 s solve: the short solve alone finds less
    # (5,276.7 against 5,397.8 when written), started from it never less than it
    problem = generate_problem(120, 6, 6, seed=7)
    good = solve(problem, time_limit=2.0, explain=False)
    alone = solve(problem, time_limit=0.2, explain=False)
    started = solve(problem, time_limit=0.2, explain=False, start=good)
    assert check_plan(problem, started).ok
    assert alone.objective < good.objective - 1.0  # else this problem tests nothing
    assert started.objective >= good.objective - 1e-6
    assert cast(dict[str, object], started.stats["start"])["kept"] == len(good.scheduled)
    stages = cast(list[tuple[str, float, float]], started.stats["stages"])
    assert any(stage == "start" for stage, _, _ in stages)


def test_a_start_plan_is_booked_only_where_it_keeps_this_problems_rules() -> None:
    # dev 10 h per period. The start books A at 0; B at 0 would overflow (A's 6 h + B's 6 h), C at 0
    # would start before its prerequisite A finishes, Z is not in this problem: only A is kept. M,
    # mandatory, is missing from it and placed at its earliest start (0: 4 h left); what still
    # fits is added: B and C in period 1 (6 + 3 h) - every demand in, worth 5 + 4 + 3 + 1.
    p = make_problem(
        [
            Demand("A", 5, effort={"dev": 6}),
            Demand("B", 4, effort={"dev": 6}),
            Demand("C", 3, effort={"dev": 3}, requires=("A",)),
            Demand("M", 1, effort={"dev": 2}, mandatory=True),
        ],
        periods=2,
    )
    start = Plan(
        status="feasible",
        scheduled=[Scheduled("A", 0, 1), Scheduled("B", 0, 1), Scheduled("C", 0, 1), Scheduled("Z", 0, 1)],
    )
    plan = run(p, start=start)
    assert plan.stats["start"] == {"scheduled": 4, "kept": 1, "value": 13.0}
    assert plan.objective == 13.0


def test_a_start_plan_without_room_for_a_mandatory_demand_is_not_used() -> None:
    # M (mandatory, 8 h) fits only alone in the one period; the start books A (6 h) there first
    p = make_problem([Demand("A", 5, effort={"dev": 6}), Demand("M", 1, effort={"dev": 8}, mandatory=True)])
    plan = run(p, start=Plan(status="feasible", scheduled=[Scheduled("A", 0, 1)]))
    assert plan.stats["start"] == {"scheduled": 1, "kept": 1, "value": None}
    assert plan.starts() == {"M": 0}


def test_a_start_plan_with_every_mandatory_demand_in_place_needs_no_mandatory_stage() -> None:
    # six mandatory demands greedy cannot place in 8 periods; the mandatory stage schedules them
    problem = tight_schedule(1, 6, 8)
    assert solve_greedy(problem).status == "unknown"
    first = solve(problem, time_limit=2.0, explain=False)
    assert first.status == "optimal" and "mandatory_stage" in first.stats
    again = solve(problem, time_limit=2.0, explain=False, start=first)
    assert check_plan(problem, again).ok and again.status == "optimal"
    assert "mandatory_stage" not in again.stats
    assert cast(dict[str, object], again.stats["start"])["kept"] == len(first.scheduled) == 6
