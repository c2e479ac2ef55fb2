"""bearing-problem/1 and bearing-plan/1: round trips and every input rule, with its exact message."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bearing.engine.codec import (
    PlanError,
    ProblemError,
    load_problem,
    plan_from_dict,
    plan_to_dict,
    problem_from_dict,
    problem_to_dict,
    validate,
)
from bearing.engine.plan import Plan, Scheduled, Unscheduled
from bearing.engine.problem import Budget, Demand, Problem, Resource


def make_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "format": "bearing-problem/1",
        "periods": 4,
        "period_labels": ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4"],
        "resources": {"dev": {"capacity": 480}, "ops": {"capacity": [100, 100, 120, 120]}},
        "budgets": [{"first": 0, "last": 3, "amount": 1000.0}],
        "discount_rate": 0.1,
        "demands": [
            {"id": "D-1", "value": 10, "cost": 100, "duration": 2, "effort": {"dev": 300}},
            {"id": "D-2", "value": 5, "effort": {"ops": 50}, "requires": ["D-1"], "deadline": 4},
            {"id": "D-3", "value": 1, "mandatory": True, "fixed_start": 1},
        ],
    }
    data.update(overrides)
    return data


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ProblemError) as info:
        problem_from_dict(data)
    return info.value.errors


def with_demand(index: int, **fields: Any) -> dict[str, Any]:
    data = make_data()
    data["demands"][index].update(fields)
    return data


def test_reads_a_valid_problem_with_number_and_list_capacities() -> None:
    p = problem_from_dict(make_data())
    assert p.resources["dev"].capacity == (480.0,) * 4
    assert p.resources["ops"].capacity == (100.0, 100.0, 120.0, 120.0)
    assert p.demands[1].requires == ("D-1",)
    assert p.demands[2].fixed_start == 1 and p.demands[2].mandatory
    assert p.budgets == (Budget(0, 3, 1000.0),)


def test_problem_round_trips_through_json() -> None:
    p = problem_from_dict(make_data())
    again = problem_from_dict(json.loads(json.dumps(problem_to_dict(p))))
    assert again == p


def test_rejects_negative_effort_with_its_path() -> None:
    assert errors_of(with_demand(0, effort={"dev": -5})) == [
        "demands[0].effort.dev: must be >= 0, got -5"
    ]


def test_rejects_effort_on_an_undeclared_resource() -> None:
    errors = errors_of(with_demand(1, effort={"qa": 5}))
    assert errors == ['demands[1].effort.qa: no resource named "qa" is declared']


def test_rejects_duplicate_demand_id() -> None:
    assert errors_of(with_demand(2, id="D-1")) == [
        'demands[2].id: duplicate id "D-1" (also demands[0])'
    ]


def test_rejects_requires_naming_an_unknown_demand() -> None:
    errors = errors_of(with_demand(1, requires=["D-1", "D-9"]))
    assert errors == ['demands[1].requires[1]: unknown demand "D-9"']


def test_rejects_a_cycle_in_requires_and_lists_it() -> None:
    errors = errors_of(with_demand(0, requires=["D-2"]))
    assert errors == ["requires: cycle D-1 -> D-2 -> D-1"]


def test_rejects_a_demand_requiring_itself() -> None:
    assert errors_of(with_demand(0, requires=["D-1"])) == ["requires: cycle D-1 -> D-1"]


def test_rejects_duration_below_one() -> None:
    assert errors_of(with_demand(0, duration=0)) == ["demands[0].duration: must be >= 1, got 0"]


def test_rejects_deadline_before_earliest_start_plus_duration() -> None:
    errors = errors_of(with_demand(0, earliest_start=1, deadline=2))
    assert errors == [
        "demands[0].deadline: 2 is earlier than earliest_start + duration (1 + 2 = 3)"
    ]


def test_rejects_capacity_list_of_the_wrong_length() -> None:
    data = make_data(resources={"dev": {"capacity": 480}, "ops": {"capacity": [1, 2, 3]}})
    assert errors_of(data) == ["resources.ops.capacity: must have one value per period (4), got 3"]


def test_rejects_budget_window_outside_the_horizon() -> None:
    data = make_data(budgets=[{"first": 2, "last": 4, "amount": 10}])
    assert errors_of(data) == ["budgets[0]: window 2..4 is outside the horizon 0..3"]


def test_rejects_budget_window_with_first_after_last() -> None:
    data = make_data(budgets=[{"first": 3, "last": 1, "amount": 10}])
    assert errors_of(data) == ["budgets[0]: first (3) must be <= last (1)"]


def test_accepts_every_limit_exactly() -> None:
    # 1 + 2 = 3, and the start window 1..1 holds the fixed start at both its ends
    data = with_demand(0, value=0, effort={"dev": 0}, earliest_start=1, deadline=3, fixed_start=1)
    data.update(budgets=[{"first": 2, "last": 2, "amount": 0}], discount_rate=0)
    data["resources"]["ops"]["capacity"] = [100, 0, 120, 120]
    problem = problem_from_dict(data)
    assert problem.budgets == (Budget(2, 2, 0.0),)
    assert problem.demands[0].deadline == 3 and problem.demands[0].effort == {"dev": 0.0}
    assert problem.demands[0].fixed_start == 1 and problem.resources["ops"].capacity[1] == 0.0


def test_rejects_a_negative_capacity_with_its_period() -> None:
    data = make_data(resources={"dev": {"capacity": 480}, "ops": {"capacity": [100, 100, -0.5, 120]}})
    assert errors_of(data) == ["resources.ops.capacity[2]: must be >= 0, got -0.5"]


def test_rejects_a_negative_budget_amount() -> None:
    data = make_data(budgets=[{"first": 0, "last": 3, "amount": -5}])
    assert errors_of(data) == ["budgets[0].amount: must be >= 0, got -5"]


@pytest.mark.parametrize("rate", [1.0, -0.1])
def test_rejects_a_discount_rate_outside_0_to_1(rate: float) -> None:
    assert errors_of(make_data(discount_rate=rate)) == [f"discount_rate: must be >= 0 and < 1, got {rate}"]


def test_a_one_period_demand_gets_the_deadline_and_fixed_start_rules_too() -> None:
    assert errors_of(with_demand(1, earliest_start=2, deadline=2)) == [
        "demands[1].deadline: 2 is earlier than earliest_start + duration (2 + 1 = 3)"
    ]
    assert errors_of(with_demand(2, fixed_start=4)) == [
        "demands[2].fixed_start: 4 is outside the start window (0..3)"
    ]


def test_rejects_mandatory_and_excluded_together() -> None:
    assert errors_of(with_demand(2, excluded=True)) == [
        "demands[2]: mandatory and excluded are both true"
    ]


def test_rejects_a_string_where_a_number_belongs() -> None:
    assert errors_of(with_demand(0, value="high")) == [
        "demands[0].value: must be a number, not a string"
    ]


def test_rejects_a_boolean_where_an_integer_belongs() -> None:
    errors = errors_of(with_demand(0, duration=True))
    assert errors == ["demands[0].duration: must be an integer, not a boolean"]


def test_rejects_missing_required_fields() -> None:
    data = make_data()
    del data["demands"][1]["value"]
    del data["periods"]
    assert errors_of(data) == ["periods: is required", "demands[1].value: is required"]


def test_rejects_an_unknown_format_string() -> None:
    errors = errors_of(make_data(format="bearing-problem/9"))
    assert errors == ['format: must be "bearing-problem/1", not "bearing-problem/9"']


def test_rejects_an_unknown_field_so_typos_are_caught() -> None:
    assert errors_of(with_demand(0, dealine=3)) == ["demands[0].dealine: unknown field"]


def test_rejects_fixed_start_outside_the_start_window() -> None:
    errors = errors_of(with_demand(0, fixed_start=3))
    assert errors == ["demands[0].fixed_start: 3 is outside the start window (0..2)"]


def test_rejects_negative_value_and_cost() -> None:
    errors = errors_of(with_demand(0, value=-1, cost=-2))
    assert errors == [
        "demands[0].value: must be >= 0, got -1",
        "demands[0].cost: must be >= 0, got -2",
    ]


def test_rejects_periods_below_one() -> None:
    data = make_data(periods=0, period_labels=[], resources={}, budgets=[], demands=[])
    assert errors_of(data) == ["periods: must be >= 1, got 0"]


def test_collects_all_errors_not_just_the_first() -> None:
    data = make_data()
    data["demands"][0]["value"] = -1
    data["demands"][1]["effort"] = {"qa": 1}
    data["demands"][2]["duration"] = 0
    data["budgets"][0]["amount"] = -5
    assert len(errors_of(data)) == 4


def test_error_message_joins_every_error() -> None:
    data = make_data()
    data["demands"][0]["value"] = -1
    data["demands"][2]["id"] = "D-1"
    with pytest.raises(ProblemError) as info:
        problem_from_dict(data)
    assert str(info.value) == (
        'demands[0].value: must be >= 0, got -1\ndemands[2].id: duplicate id "D-1" (also demands[0])'
    )
    assert isinstance(info.value, ValueError)


def test_validate_applies_the_same_rules_to_a_built_problem() -> None:
    p = Problem(
        periods=2,
        resources={"dev": Resource("dev", (10.0,))},
        demands=(Demand("A", value=1, effort={"dev": 5}, requires=("B",)),),
    )
    assert validate(p) == [
        "resources.dev.capacity: must have one value per period (2), got 1",
        'demands[0].requires[0]: unknown demand "B"',
    ]
    assert validate(problem_from_dict(make_data())) == []


def test_load_problem_reports_bad_json_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{\n  "periods": 4,\n  oops\n}')
    with pytest.raises(ProblemError) as info:
        load_problem(path)
    assert info.value.errors == [
        f"{path}: invalid JSON at line 3 column 3: Expecting property name enclosed in double quotes"
    ]


def test_load_problem_reports_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProblemError, match="no such file"):
        load_problem(tmp_path / "missing.json")


def make_plan() -> Plan:
    return Plan(
        status="feasible",
        objective=9.0,
        bound=12.5,
        gap=0.28,
        seconds=1.5,
        scheduled=[Scheduled("D-1", 0, 2), Scheduled("D-3", 1, 2, ("dev is full in 2027-Q1",))],
        unscheduled=[Unscheduled("D-2", ("ops is full",), {"rule": "capacity"})],
        resource_usage={"dev": [150.0, 150.0, 0.0, 0.0]},
        budget_usage=[100.0],
        conflicts=[],
        stats={"method": "greedy"},
    )


@pytest.mark.parametrize("data", [[], "bearing-problem/1", None])
def test_a_file_that_is_not_an_object_names_the_top_level(data: Any) -> None:
    assert errors_of(data)[0].startswith("(top level): must be an object, not ")
    with pytest.raises(PlanError) as info:
        plan_from_dict(data)
    assert info.value.errors[0].startswith("(top level): must be an object, not ")


def test_plan_round_trips_through_json() -> None:
    plan = make_plan()
    data = json.loads(json.dumps(plan_to_dict(plan)))
    assert data["format"] == "bearing-plan/1"
    assert data["usage"] == {"resources": {"dev": [150.0, 150.0, 0.0, 0.0]}, "budgets": [100.0]}
    assert plan_from_dict(data) == plan


def test_plan_reader_rejects_bad_status_and_entries() -> None:
    data = plan_to_dict(make_plan())
    bad = copy.deepcopy(data)
    bad["status"] = "great"
    bad["scheduled"][0]["start"] = "soon"
    with pytest.raises(PlanError) as info:
        plan_from_dict(bad)
    assert info.value.errors == [
        'status: must be one of optimal, feasible, infeasible, unknown, not "great"',
        "scheduled[0].start: must be an integer, not a string",
    ]


def test_rejects_amounts_beyond_ten_to_the_fifteen_with_their_paths() -> None:
    # such numbers are typing errors, and once made the solver's products overflow (warnings on stderr)
    data = make_data(budgets=[{"first": 0, "last": 3, "amount": 2e15}])
    data["resources"]["ops"]["capacity"] = [100, 1e16, 120, 120]
    data["demands"][0].update(value=1e308, cost=5e15, effort={"dev": 1e300})
    assert errors_of(data) == [
        "resources.ops.capacity[1]: must be at most 1e+15, got 1e+16",
        "budgets[0].amount: must be at most 1e+15, got 2e+15",
        "demands[0].value: must be at most 1e+15, got 1e+308",
        "demands[0].cost: must be at most 1e+15, got 5e+15",
        "demands[0].effort.dev: must be at most 1e+15, got 1e+300",
    ]


def test_accepts_amounts_of_exactly_ten_to_the_fifteen() -> None:
    data = make_data()
    data["demands"][0].update(value=1e15, cost=1e15)
    assert problem_from_dict(data).demands[0].value == 1e15


def test_an_empty_id_is_named_as_empty() -> None:
    assert "demands[0].id: must be a non-empty string, not an empty one" in errors_of(with_demand(0, id=""))
