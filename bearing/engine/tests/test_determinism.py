"""A seeded solve with one worker gives the same plan whatever the machine's load, and says so."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from bearing.engine.check import check_plan
from bearing.engine.compiled import compile_problem
from bearing.engine.explain import explain_unscheduled
from bearing.engine.generate import generate_problem
from bearing.engine.pace import CAP_EXTRA, CAP_FACTOR, MipWork, Pace
from bearing.engine.problem import Problem
from bearing.engine.schedule import decide_mandatory
from bearing.engine.solve import solve
from bearing.engine.tests.instances import selection, tight_schedule


@contextmanager
def _busy_machine() -> Iterator[None]:
    """Two busy processes compete for the cores: the solver gets less CPU per wall second."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_same_seed_gives_the_same_plan_when_the_machine_is_busy() -> None:
    p = generate_problem(80, 5, 5, seed=3)
    # one second of search (~0.9 CPU s): far inside the safety cap (8 s) even on a crowded machine
    quiet = solve(p, time_limit=1.0, explain=False, seed=2)
    # the plan depends on how much search is done: half the time finds a different one, so a
    # search paced by the wall clock, getting a fraction of the CPU below, would not repeat it
    assert solve(p, time_limit=0.5, explain=False, seed=2).starts() != quiet.starts()
    with _busy_machine():
        busy = solve(p, time_limit=1.0, explain=False, seed=2)
    assert quiet.stats["deterministic"] is True
    # a run cut by the wall-clock safety cap would say so; this one had its full work budget
    assert busy.stats["deterministic"] is True
    assert quiet.starts() == busy.starts()
    assert check_plan(p, busy).ok


def test_the_decision_on_mandatory_demands_is_paced_by_work_not_the_wall_clock() -> None:
    # 20 mandatory demands that do not fit 23 periods: CP-SAT's proof needs a work budget of
    # 0.25 s (about half a second on the wall clock of an idle core, so a wall-clock limit of
    # 0.25 s would never decide it); a budget of 0.15 s does not suffice. (A proof of a second or
    # more, as this test had, could meet the wall-clock safety cap when other tests load the
    # machine too.)
    comp = compile_problem(tight_schedule(49, 20, 23))
    everything = list(range(comp.n))
    assert decide_mandatory(comp, everything, time_limit=0.15).status == "unknown"
    with _busy_machine():
        busy = decide_mandatory(comp, everything, time_limit=0.25)
    assert (busy.status, busy.stage) == ("infeasible", "cp-sat")


def _assert_selection_paced_by_work(p: Problem, shorter: float) -> None:
    quiet = solve(p, time_limit=1.0, explain=False)
    # less work finds a worse selection: a search paced by the wall clock would find it when busy
    assert solve(p, time_limit=shorter, explain=False).objective < quiet.objective
    with _busy_machine():
        busy = solve(p, time_limit=1.0, explain=False)
    assert quiet.stats["deterministic"] is True and busy.stats["deterministic"] is True
    assert busy.starts() == quiet.starts()
    assert check_plan(p, busy).ok


def test_a_selection_is_paced_by_work_not_the_wall_clock() -> None:
    _assert_selection_paced_by_work(selection(4, 150, 10), 0.3)


def test_a_small_selection_searched_by_tabu_is_paced_by_work_not_the_wall_clock() -> None:
    # at most 100 items: the tabu search runs after the cores, on a nominal cost per step
    _assert_selection_paced_by_work(selection(2, 60, 30), 0.5)


def test_the_same_plan_gets_the_same_reasons_when_the_machine_is_busy() -> None:
    p = generate_problem(80, 5, 5, seed=3)
    plan = solve(p, time_limit=1.0, explain=False)
    # 0.3 s of work verifies some reasons by CP-SAT re-plans and the rest by repairs: on the wall
    # clock a busy machine would get fewer re-plans done
    quiet = explain_unscheduled(p, plan, time_limit=0.3)
    with _busy_machine():
        busy = explain_unscheduled(p, plan, time_limit=0.3)
    assert [(u.id, u.reasons, u.details) for u in busy] == [(u.id, u.reasons, u.details) for u in quiet]
    assert {u.details.get("verified_by") for u in quiet} >= {"re-plan", "repair"}


def test_several_workers_are_not_reported_reproducible() -> None:
    p = generate_problem(40, 4, 4, seed=1)
    plan = solve(p, time_limit=0.5, explain=False, workers=2)
    assert plan.stats["deterministic"] is False


def test_a_stop_request_makes_the_run_not_reproducible() -> None:
    p = generate_problem(80, 5, 5, seed=3)
    plan = solve(p, time_limit=1.0, explain=False, should_stop=lambda: True)
    assert plan.stats["deterministic"] is False
    assert check_plan(p, plan).ok


def test_pace_clock_counts_work_not_wall_time() -> None:
    pace = Pace(2.0, workers=1, t0=100.0)
    pace.charge(0.5)
    pace.charge(-1.0)  # nothing is refunded
    assert pace.now() == 100.5
    assert pace.cap == 100.0 + CAP_FACTOR * 2.0 + CAP_EXTRA
    assert pace.reproducible


def test_pace_cap_passing_marks_the_run_cut() -> None:
    pace = Pace(0.1, workers=1, t0=time.perf_counter() - 60.0)  # a cap long gone
    assert pace.capped()
    assert not pace.reproducible


def test_a_wall_clock_stage_marks_the_run_not_reproducible() -> None:
    pace = Pace(1.0, workers=1)
    pace.mark_wall_clock("lp")
    assert not pace.reproducible


def test_several_workers_pace_by_the_wall_clock() -> None:
    pace = Pace(1.0, workers=2)
    before = time.perf_counter()
    pace.charge(10.0)
    assert before <= pace.now() < before + 5.0
    assert not pace.reproducible


class _Call:
    """What HiGHS passes its MIP interrupt callback: the node count, and a way to interrupt."""

    def __init__(self, nodes: int) -> None:
        self.data_out = type("Out", (), {"mip_node_count": nodes})()
        self.interrupted = False

    def interrupt(self) -> None:
        self.interrupted = True


def test_mip_work_charges_root_calls_up_to_the_root_cost_then_tree_calls() -> None:
    work = MipWork(1.0, root_rate=0.1, root_cost=0.25, tree_rate=0.01)
    for _ in range(4):  # 0.1 + 0.1 + 0.05 (the root cost is reached) + 0
        work(_Call(0))
    assert abs(work.spent - 0.25) < 1e-12
    calls = [_Call(5) for _ in range(80)]
    for call in calls:
        work(call)
    # 0.25 + 75 tree calls reach the budget of 1.0: the 75th call and later ones interrupt
    assert [c.interrupted for c in calls].index(True) == 74
    assert all(c.interrupted for c in calls[74:])

