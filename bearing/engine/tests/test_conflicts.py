"""The smallest conflicting set of mandatory demands, found by assumptions and a deletion filter."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

from bearing.engine.compiled import Compiled, compile_problem
from bearing.engine.conflicts import _closure, minimal_conflict
from bearing.engine.problem import Budget, Demand, Problem, Resource
from bearing.engine.schedule import conflicting_subset, decide_mandatory
from bearing.engine.solve import solve
from bearing.engine.tests.instances import tight_schedule


def _three_periods(demands: list[Demand]) -> Problem:
    return Problem(periods=3, resources={"dev": Resource("dev", (10.0, 10.0, 10.0))}, demands=tuple(demands))


# A and B each take two of the three periods at 6 dev-hours a period: whatever their starts they
# share a period and need 12 of its 10 hours. P (A's prerequisite) and C are small and fit anywhere.
CLASH = _three_periods(
    [
        Demand("P", 1, effort={"dev": 1}),
        Demand("A", 1, effort={"dev": 12}, duration=2, mandatory=True, requires=("P",)),
        Demand("B", 1, effort={"dev": 12}, duration=2, mandatory=True),
        Demand("C", 1, effort={"dev": 1}, mandatory=True),
    ]
)


def _ids(comp: Compiled, demands: list[int]) -> set[str]:
    return {comp.ids[d] for d in demands}


def test_the_conflict_leaves_out_a_prerequisite_it_does_not_need() -> None:
    comp = compile_problem(CLASH)
    # P is forced in by A, but A and B conflict without it: naming P would send the user looking
    # in the wrong place
    assert _ids(comp, minimal_conflict(comp, time_limit=2.0)) == {"A", "B"}


def test_the_deletion_filter_narrows_a_loose_assumed_subset_to_the_clash(monkeypatch: pytest.MonkeyPatch) -> None:
    # CP-SAT's assumption core need not be minimal: when it names every forced demand, the filter
    # must still drop C and P, which fit anywhere
    monkeypatch.setattr("bearing.engine.conflicts.conflicting_subset", lambda comp, demands, **_: list(demands))
    comp = compile_problem(CLASH)
    assert _ids(comp, minimal_conflict(comp, time_limit=2.0)) == {"A", "B"}


def test_the_assumed_subset_is_itself_a_conflict_and_holds_the_clashing_pair() -> None:
    comp = compile_problem(CLASH)
    subset = conflicting_subset(comp, list(range(comp.n)), time_limit=2.0)
    assert subset is not None and {"A", "B"} <= _ids(comp, subset)
    assert decide_mandatory(comp, subset, time_limit=2.0).status == "infeasible"


def test_demands_that_fit_give_no_conflicting_subset() -> None:
    comp = compile_problem(_three_periods([Demand("A", 1, effort={"dev": 12}, duration=2, mandatory=True),
                                           Demand("C", 1, effort={"dev": 1}, mandatory=True)]))
    assert conflicting_subset(comp, list(range(comp.n)), time_limit=2.0) is None


def _with_additions(problem: Problem, additions: str) -> Problem:
    """`problem` with each "RES +N hours per period from LABEL" step added to its capacity."""
    period_of = {problem.label(p): p for p in range(problem.periods)}
    resources = dict(problem.resources)
    for name, amount, label in re.findall(r"(\w+) \+([\d.,]+) hours per period from ([^,]+)", additions):
        first = period_of[label.strip()]
        old = resources[name].capacity
        more = float(amount.replace(",", ""))
        resources[name] = dataclasses.replace(
            resources[name], capacity=tuple(c + (more if p >= first else 0.0) for p, c in enumerate(old))
        )
    return dataclasses.replace(problem, resources=resources)


def test_a_conflict_no_single_stretch_explains_names_the_capacity_that_resolves_it() -> None:
    # 16 mandatory demands, 20 periods, one period too few: no stretch of periods is short on its
    # own, so the message names the smallest capacity addition that lets the conflicting set fit
    problem = tight_schedule(3, 16, 20)
    plan = solve(problem, time_limit=5.0, explain=False)
    assert plan.status == "infeasible"
    [message] = plan.conflicts
    found = re.fullmatch(r"mandatory (.+) cannot all be scheduled: .*capacity addition that lets them fit: (.+)", message)
    assert found is not None, message
    comp = compile_problem(problem)
    named = [comp.index[n] for n in found.group(1).replace(" and ", ", ").split(", ")]
    assert decide_mandatory(comp, named, time_limit=10.0).status == "infeasible"
    # the addition is real: with it the named demands fit, with the prerequisites they need
    more = compile_problem(_with_additions(problem, found.group(2)))
    assert decide_mandatory(more, sorted(_closure(comp, set(named))), time_limit=10.0).status == "feasible"


def test_the_additions_mip_prints_nothing_even_as_the_first_highs_model() -> None:
    # HiGHS prints a banner on stdout when a process makes its first model: it would corrupt the
    # JSON of `bearing sufficiency`
    code = (
        "from bearing.engine.tests.test_conflicts import CLASH\n"
        "from bearing.engine.sufficiency import analyse_sufficiency\n"
        "analyse_sufficiency(CLASH, hours_per_fte=1.0, must_fit_ids=['A', 'B'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout == ""


def test_a_conflict_over_money_blames_the_budgets_not_the_hours() -> None:
    # A and B cost 60 each and take one of two periods; the budgets are 100 and 50: both in period 0
    # spend 120, either in period 1 spends 60. The hours (1 of 10 each) are never short.
    problem = Problem(
        periods=2,
        resources={"dev": Resource("dev", (10.0, 10.0))},
        demands=(
            Demand("A", 1, cost=60, effort={"dev": 1}, mandatory=True),
            Demand("B", 1, cost=60, effort={"dev": 1}, mandatory=True),
            Demand("C", 1, cost=10, effort={"dev": 1}, mandatory=True),
        ),
        budgets=(Budget(0, 0, 100), Budget(1, 1, 50)),
    )
    plan = solve(problem, time_limit=5.0)
    assert plan.status == "infeasible"
    [message] = plan.conflicts
    assert message.startswith("mandatory A and B cannot all be scheduled within the budget windows")
    assert "dev" not in message



@pytest.mark.parametrize(
    ("problem", "conflict"),
    [
        pytest.param(
            Problem(
                periods=4,
                resources={"dev": Resource("dev", (100.0,) * 4)},
                demands=(
                    Demand("LATE", 1, duration=2, earliest_start=3, mandatory=True),
                    Demand("OK", 2, effort={"dev": 10}),
                ),
                period_labels=("2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"),
            ),
            "mandatory LATE needs 2 periods from 2027-Q4 but must finish by 2027-Q4",
            id="no-start-in-the-horizon",
        ),
        pytest.param(
            Problem(
                periods=2,
                resources={},
                demands=(Demand("M", 1, mandatory=True, requires=("X",)), Demand("X", 2, excluded=True)),
            ),
            "X is required by a mandatory demand but is excluded",
            id="requires-an-excluded-demand",
        ),
        pytest.param(
            # no resource at all: the searches for a stretch short of hours once crashed on it
            Problem(
                periods=1,
                resources={},
                demands=(Demand("M", 1, cost=40.0, mandatory=True), Demand("X", 2, cost=60.0)),
                budgets=(Budget(0, 0, 20.0),),
            ),
            "mandatory M needs 40 of money in period 0; the budget is 20 (short by 20)",
            id="budgets-alone",
        ),
    ],
)
def test_a_mandatory_demand_that_cannot_be_placed_is_named_in_business_words(problem: Problem, conflict: str) -> None:
    plan = solve(problem, time_limit=2.0)
    assert plan.status == "infeasible"
    assert plan.conflicts == [conflict]
