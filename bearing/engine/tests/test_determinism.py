"""A seeded solve with one worker gives the same plan whatever the machine's load, and says so."""

from __future__ import annotations

import subprocess
import sys
import time

from bearing.engine.check import check_plan
from bearing.engine.generate import generate_problem
from bearing.engine.pace import CAP_EXTRA, CAP_FACTOR, Pace
from bearing.engine.solve import solve


def test_same_seed_gives_the_same_plan_when_the_machine_is_busy() -> None:
    p = generate_problem(80, 5, 5, seed=3)
    # one second of search (~0.9 CPU s): far inside the safety cap (8 s) even on a crowded machine
    quiet = solve(p, time_limit=1.0, explain=False, seed=2)
    # the plan depends on how much search is done: half the time finds a different one, so a
    # search paced by the wall clock, getting a fraction of the CPU below, would not repeat it
    assert solve(p, time_limit=0.5, explain=False, seed=2).starts() != quiet.starts()
    # two busy processes compete for the cores: the solve's stages get less CPU per wall second
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        busy = solve(p, time_limit=1.0, explain=False, seed=2)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    assert quiet.stats["deterministic"] is True
    # a run cut by the wall-clock safety cap would say so; this one had its full work budget
    assert busy.stats["deterministic"] is True
    assert quiet.starts() == busy.starts()
    assert check_plan(p, busy).ok


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
    pace.mark_wall_clock("selection")
    assert not pace.reproducible


def test_several_workers_pace_by_the_wall_clock() -> None:
    pace = Pace(1.0, workers=2)
    before = time.perf_counter()
    pace.charge(10.0)
    assert before <= pace.now() < before + 5.0
    assert not pace.reproducible
