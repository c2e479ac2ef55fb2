"""`bearing solve` and `bearing check`: exit codes 0/1/2, messages, never a traceback."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bearing.engine.cli import run
from bearing.engine.codec import problem_to_dict
from bearing.engine.generate import generate_size

PROBLEM: dict[str, Any] = {
    "format": "bearing-problem/1",
    "periods": 2,
    "resources": {"dev": {"capacity": 10}},
    "demands": [
        {"id": "A", "value": 5, "effort": {"dev": 10}},
        {"id": "B", "value": 4, "effort": {"dev": 10}},
        {"id": "C", "value": 3, "effort": {"dev": 10}},
    ],
}


def write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def test_solve_greedy_writes_a_plan_that_check_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = write(tmp_path, "p.json", PROBLEM)
    out = str(tmp_path / "plan.json")
    assert run("solve", [problem, "--method", "greedy", "--out", out]) == 0
    plan = json.loads(Path(out).read_text())
    assert plan["format"] == "bearing-plan/1"
    assert {s["id"]: s["start"] for s in plan["scheduled"]} == {"A": 0, "B": 1}
    assert "feasible: objective 9" in capsys.readouterr().err
    assert run("check", [problem, out]) == 0
    assert capsys.readouterr().out == "OK: plan is feasible, objective 9\n"


def test_solve_says_why_a_problem_is_infeasible_beside_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # two mandatory demands of 6 dev-hours each in a period of 10
    clash = {
        "format": "bearing-problem/1",
        "periods": 1,
        "resources": {"dev": {"capacity": 10}},
        "demands": [
            {"id": "A", "value": 1, "effort": {"dev": 6}, "mandatory": True},
            {"id": "B", "value": 1, "effort": {"dev": 6}, "mandatory": True},
        ],
    }
    out = str(tmp_path / "plan.json")
    assert run("solve", [write(tmp_path, "p.json", clash), "--time-limit", "2", "--out", out]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("infeasible: objective 0, 0/2 scheduled") and err[0].endswith(", 1 conflict")
    assert err[1:] == ["  - mandatory A and B need 12 dev-hours in period 0; capacity is 10 (short by 2)"]


def test_solve_prints_the_plan_to_stdout_without_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("solve", [write(tmp_path, "p.json", PROBLEM), "--method", "greedy"]) == 0
    assert json.loads(capsys.readouterr().out)["objective"] == 9.0


def test_solve_default_method_reports_progress(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = write(tmp_path, "p.json", PROBLEM)
    code = run(
        "solve", [problem, "--time-limit", "2", "--progress", "--out", str(tmp_path / "plan.json")]
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "value" in err and "objective 9" in err
    assert run("check", [problem, str(tmp_path / "plan.json")]) == 0
    # each line with a bound gives the gap between the value and the bound, as a share of the bound
    lines = re.findall(r"value (-?[\d.]+)  bound ([\d.]+)  gap ([\d.]+)%", err)
    assert lines
    for value, bound, gap in lines:
        rounding = 100 * 0.1 / float(bound) + 0.006  # value and bound are printed to a tenth
        assert float(gap) == pytest.approx(100 * (float(bound) - float(value)) / float(bound), abs=rounding)


def test_solve_progress_says_when_a_long_stage_starts_and_how_long_it_may_take(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import bearing.engine.tracker as tracker_module

    # every stage counts as long here: the relaxation of this small problem is announced
    monkeypatch.setattr(tracker_module, "_ANNOUNCE_SECONDS", 0.0)
    problem = write(tmp_path, "p.json", problem_to_dict(generate_size("S", 1)))
    out = str(tmp_path / "plan.json")
    assert run("solve", [problem, "--time-limit", "2", "--progress", "--out", out]) == 0
    lines = capsys.readouterr().err.splitlines()
    started = [line for line in lines if "lp-start" in line]
    assert len(started) == 1 and "(starting: about " in started[0] and started[0].endswith(" s)")
    assert lines.index(started[0]) < next(i for i, line in enumerate(lines) if "  lp  " in line)


def test_check_prints_violations_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = {
        "format": "bearing-plan/1",
        "status": "feasible",
        "objective": 12,
        "scheduled": [{"id": "A", "start": 0, "finish": 1}, {"id": "C", "start": 0, "finish": 1}],
        "unscheduled": [{"id": "B", "reasons": []}],
    }
    assert (
        run("check", [write(tmp_path, "p.json", PROBLEM), write(tmp_path, "plan.json", plan)]) == 1
    )
    assert capsys.readouterr().out.splitlines() == [
        "dev in period 0: 20.0 hours used, capacity 10.0",
        "objective: plan claims 12, recomputed 8",
    ]


def test_check_exits_2_on_an_invalid_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = dict(PROBLEM, periods=0)
    plan = write(
        tmp_path, "plan.json", {"format": "bearing-plan/1", "status": "feasible", "scheduled": []}
    )
    assert run("check", [write(tmp_path, "p.json", bad), plan]) == 2
    assert "periods: must be >= 1, got 0" in capsys.readouterr().err


def test_check_exits_2_on_a_missing_file_and_bad_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_json = write(tmp_path, "p.json", '{"format": \n ]')
    assert run("check", [bad_json, str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err
    assert "invalid JSON at line 2 column 2" in err
    assert "nope.json: no such file" in err


def test_solve_searches_on_from_a_start_plan_and_says_what_of_it_was_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # of a start plan with C in period 0 and D (not in the problem), C is kept; the search goes on
    problem = write(tmp_path, "p.json", PROBLEM)
    start = write(tmp_path, "start.json", {
        "format": "bearing-plan/1", "status": "feasible",
        "scheduled": [{"id": "C", "start": 0, "finish": 1}, {"id": "D", "start": 1, "finish": 2}],
    })  # fmt: skip
    out = str(tmp_path / "plan.json")
    assert run("solve", [problem, "--start", start, "--time-limit", "2", "--out", out]) == 0
    assert f"note: 1 of the 2 demands of {start} kept their starts" in capsys.readouterr().err
    assert run("check", [problem, out]) == 0
    capsys.readouterr()
    # a start file that is not a plan: exit 2, nothing solved
    assert run("solve", [problem, "--start", problem]) == 2
    captured = capsys.readouterr()
    assert "bad start plan" in captured.err and 'must be "bearing-plan/1"' in captured.err
    assert captured.out == ""


def test_solve_exits_2_on_an_invalid_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = dict(PROBLEM, demands=[{"id": "A", "value": -1}])
    assert run("solve", [write(tmp_path, "p.json", bad), "--method", "greedy"]) == 2
    captured = capsys.readouterr()
    assert "demands[0].value: must be >= 0, got -1" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize("where", ["missing/plan.json", "."])
def test_solve_refuses_an_out_path_it_cannot_write_before_it_searches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # a folder that is not there, or a folder itself: said at once, not after a long search
    def no_search(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the search ran for a plan it could not write")

    monkeypatch.setattr("bearing.engine.solve.solve", no_search)
    out = tmp_path / where
    assert run("solve", [write(tmp_path, "p.json", PROBLEM), "--time-limit", "600", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert f"cannot write {out}" in captured.err and captured.out == ""


def test_a_plan_that_cannot_be_written_after_the_search_goes_to_stdout_instead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the folder was there when the search began; the write fails at the end (a full disk, say)
    def disk_full(self: Path, *args: Any, **kwargs: Any) -> int:
        raise OSError(28, "No space left on device")

    problem = write(tmp_path, "p.json", PROBLEM)
    monkeypatch.setattr(Path, "write_text", disk_full)
    assert run("solve", [problem, "--time-limit", "2", "--out", str(tmp_path / "plan.json")]) == 2
    captured = capsys.readouterr()
    assert "No space left on device; the plan follows on standard output" in captured.err
    plan = json.loads(captured.out)
    assert plan["format"] == "bearing-plan/1" and {s["id"] for s in plan["scheduled"]} == {"A", "B"}


def test_command_line_shows_no_traceback_on_bad_input(tmp_path: Path) -> None:
    bad_json = write(tmp_path, "p.json", "{")
    done = subprocess.run(
        [sys.executable, "-m", "bearing.engine", "solve", bad_json],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "invalid JSON at line 1 column 2" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("limit", ["inf", "nan", "1e308", "0", "-2", "604801", "soon"])
@pytest.mark.parametrize(
    ("command", "option", "extra"),
    [
        ("solve", "--time-limit", []),
        ("frontier", "--time-limit-per-level", ["--budgets", "10"]),
        ("sufficiency", "--time-limit", ["--hours-per-fte", "100"]),
    ],
)
def test_time_limits_that_are_not_a_usable_number_of_seconds_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, option: str, extra: list[str], limit: str
) -> None:
    # "inf" and "1e308" once ended in an OverflowError traceback; "nan" was taken as a limit
    problem = write(tmp_path, "p.json", PROBLEM)
    with pytest.raises(SystemExit) as stopped:
        run(command, [problem, option, limit, *extra])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("value", ["0", "-1", "two"])
@pytest.mark.parametrize(("command", "option"), [("solve", "--workers"), ("frontier", "--workers"), ("frontier", "--levels")])
def test_counts_below_one_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, option: str, value: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        run(command, [write(tmp_path, "p.json", PROBLEM), option, value])
    assert stopped.value.code == 2
    assert f"argument {option}:" in capsys.readouterr().err


def test_a_week_is_the_longest_time_limit_and_it_is_accepted(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert run("solve", [write(tmp_path, "p.json", PROBLEM), "--time-limit", "604800", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["status"] == "optimal"  # a tiny problem: proven at once


def test_solve_says_which_limit_would_let_the_relaxation_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 500 demands over 12 quarters: the relaxation is predicted to take longer than most of a
    # 0.5 s search; the limit the note names takes it in
    from bearing.engine.codec import problem_to_dict
    from bearing.engine.generate import generate_problem

    problem = write(tmp_path, "p.json", problem_to_dict(generate_problem(500, 20, 12, seed=1)))
    plan_file = str(tmp_path / "plan.json")
    assert run("solve", [problem, "--time-limit", "0.5", "--out", plan_file]) == 0
    note = capsys.readouterr().err.splitlines()[1]
    assert note.startswith("note: the problem's LP relaxation did not fit in this limit")
    needed = json.loads(Path(plan_file).read_text())["stats"]["limit_for_full_lp"]
    assert f"--time-limit {needed} or more" in note
    assert run("solve", [problem, "--time-limit", str(needed), "--out", plan_file]) == 0
    assert not any("LP relaxation" in line for line in capsys.readouterr().err.splitlines())
    stats = json.loads(Path(plan_file).read_text())["stats"]
    assert "lp_bound" in stats and "limit_for_full_lp" not in stats


def test_solve_says_how_many_explanations_the_limit_left_unverified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    problem = write(tmp_path, "p.json", problem_to_dict(generate_size("M", 2)))
    plan_file = tmp_path / "plan.json"
    assert run("solve", [problem, "--time-limit", "1", "--out", str(plan_file)]) == 0
    left_out = json.loads(plan_file.read_text())["unscheduled"]
    unverified = [u for u in left_out if u["details"]["verified"] is False]
    assert unverified  # 1 s is too short for all of them
    notes = [line for line in capsys.readouterr().err.splitlines() if "not verified" in line]
    assert notes == [
        (f"note: the explanations of {len(unverified)} of the {len(left_out)} demands left out were not verified"
         ' within this limit ("verified": false in the plan); a longer --time-limit verifies more')
    ]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_the_solve_and_still_writes_its_best_plan(tmp_path: Path, workers: str) -> None:
    problem = write(tmp_path, "m.json", problem_to_dict(generate_size("M", 1)))
    out = tmp_path / "plan.json"
    started = time.monotonic()
    solving = subprocess.Popen(
        [sys.executable, "-m", "bearing.engine", "solve", problem, "--time-limit", "120", "--workers", workers,
         "--progress", "--out", str(out)],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert solving.stderr is not None
    solving.stderr.readline()  # the first progress line: the search has begun
    time.sleep(0.5)
    solving.send_signal(signal.SIGINT)
    err = solving.stderr.read()
    assert solving.wait(timeout=60) == 130
    assert time.monotonic() - started < 60  # a 120 s limit, stopped long before
    assert "interrupted: stopping with the best plan so far" in err and "Traceback" not in err
    assert run("check", [problem, str(out)]) == 0
