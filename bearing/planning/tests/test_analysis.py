"""Analyses: a demand's value term by term, sufficiency with its additions, two plans compared,
the alignment matrix and traceability — figures worked out by hand on tiny data."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from bearing.core.models import AuditEntry
from bearing.demand.choices import NeedClass
from bearing.demand.tests.factories import make_benefit
from bearing.planning import analysis
from bearing.planning.analysis import sufficiency
from bearing.planning.choices import RunStatus
from bearing.planning.models import PlanDecision, PlanRun, Publication, Scenario
from bearing.planning.tests.factories import make_scenario
from bearing.strategy.tests.factories import make_goal, make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The sufficiency report is cached per organisation; ids repeat between tests."""
    cache.clear()
    yield
    cache.clear()


def make_run(
    cast: Any, scenario: Scenario, decisions: dict[Any, tuple[int | None, float]], **fields: Any
) -> PlanRun:
    """A succeeded run with one decision per demand: demand -> (start quarter or None, value)."""
    run = PlanRun.objects.create(
        organisation=cast.org,
        scenario=scenario,
        status=RunStatus.SUCCEEDED,
        plan_status="optimal",
        **fields,
    )
    for demand, (start, value) in decisions.items():
        PlanDecision.objects.create(
            run=run,
            demand=demand,
            is_scheduled=start is not None,
            start_quarter=start,
            finish_quarter=None if start is None else start + demand.duration_quarters,
            value=value,
            reasons=[] if start is not None else ["java capacity is used by higher-value demands"],
        )
    return run


# Value of a demand


def test_demand_score_shows_every_term_worked_by_hand(cast, planning_org):
    """One objective (weight 1 among objectives), default need and risk strength: D-A has benefit
    9, need important (x1), risk medium (25 %): 9 + 0 - 2.25 = 6.75."""
    a = planning_org.demands["A"]
    score = analysis.demand_score(a)
    assert score.value == pytest.approx(6.75)
    assert [(t.kind, round(t.amount, 6)) for t in score.terms] == [
        ("objective", 9.0),
        ("need", 0.0),
        ("risk", -2.25),
    ]
    rows = analysis.score_rows(a, score)
    assert (
        rows[0]["label"] == "Grow revenue"
        and rows[0]["benefit"] == 9.0
        and rows[0]["weight"] == pytest.approx(1.0)
    )


# Sufficiency


def test_sufficiency_shortfall_per_skill_and_quarter_in_hours_and_fte(cast, planning_org):
    """Java: 2 people x 390 h x 0.8 = 624 h per quarter. As early as allowed, D-A (500) and D-D
    (2000) both start in 2027-Q1: 2500 demanded, 1876 short = 4.81 FTE."""
    result = analysis.sufficiency_for(cast.org)
    java = next(r for r in result["skills"] if r["name"] == "java")
    q1 = java["cells"][0]
    assert (q1["demand"], q1["capacity"], q1["short"]) == pytest.approx((2500, 624, 1876))
    assert q1["short_fte"] == pytest.approx(1876 / 390)
    assert q1["level"] == 4
    assert java["cells"][3]["short"] == 0 and java["cells"][3]["level"] == 0
    erp = next(r for r in result["systems"] if r["name"] == "system:erp")
    assert erp["cells"][0]["demand"] == 4 and erp["cells"][0]["short"] == 0
    # only D-C is mandatory; it fits, so nothing is to be added
    assert result["must_fit"] == ["D-C"] and result["additions"] == []
    # ... while all approved demand is short by the tables' totals
    gap = result["all_demand"]
    assert gap["hours"] == pytest.approx(sum(r["horizon_short"] for r in result["skills"]))
    assert gap["fte_over_horizon"] == pytest.approx(gap["hours"] / (390 * 8))
    assert gap["peak_label"] == "2027-Q1" and gap["peak_fte"] >= 1876 / 390 - 1e-9


def test_sufficiency_adds_the_hires_that_let_critical_demands_fit(cast, planning_org):
    """D-D (2000 java-hours in one quarter, critical, done by 2027-Q2) needs 2000 - 624 = 1376
    more java-hours per quarter; the cheapest step starts as late as allowed: 2027-Q2."""
    d = planning_org.demands["D"]
    d.need_class, d.deadline_quarter = NeedClass.CRITICAL, 2
    d.save()
    result = analysis.sufficiency_for(cast.org)
    assert sorted(result["must_fit"]) == ["D-C", "D-D"]
    assert len(result["additions"]) == 1
    addition = result["additions"][0]
    assert addition["label"] == "Java" and addition["from_label"] == "2027-Q2"
    assert addition["amount"] == pytest.approx(1376) and addition["fte"] == pytest.approx(
        1376 / 390
    )
    assert result["changes"] == [
        {"resource": "skill:java", "amount": 1376, "unit": "hours", "from_quarter": 1}
    ]


def test_sufficiency_additions_create_a_scenario(cast, planning_org):
    d = planning_org.demands["D"]
    d.need_class, d.deadline_quarter = NeedClass.CRITICAL, 2
    d.save()
    scenario = analysis.create_sufficiency_scenario(cast.cio, cast.org)
    scenario.refresh_from_db()
    assert scenario.organisation == cast.org and scenario.name.startswith("Close capacity gaps")
    assert scenario.capacity_changes == [
        {"resource": "skill:java", "amount": 1376, "unit": "hours", "from_quarter": 1}
    ]
    assert AuditEntry.objects.filter(
        object_type="planning.Scenario", object_id=str(scenario.pk), actor=cast.cio
    ).exists()
    # a second one gets its own name
    again = analysis.create_sufficiency_scenario(cast.cio, cast.org)
    assert again.name != scenario.name


def test_only_the_cio_creates_the_sufficiency_scenario(cast, planning_org):
    with pytest.raises(PermissionDenied):
        analysis.create_sufficiency_scenario(cast.viewer, cast.org)
    assert not Scenario.objects.exists()


# Plans compared


@pytest.fixture
def two_runs(cast, planning_org):
    """A plans D-A (value 6) and D-C (2); B plans D-A (6) and D-E (3). D-A also benefits a
    second objective: revenue 9, costs 3, equal weights -> shares 0.75 / 0.25."""
    costs = make_objective(organisation=cast.org, name="Cut costs", weight=1)
    make_benefit(planning_org.demands["A"], costs, 3)
    d = planning_org.demands
    run_a = make_run(
        cast,
        make_scenario(cast.org, name="A"),
        {d["A"]: (0, 6.0), d["C"]: (1, 2.0), d["E"]: (None, 3.0)},
        summary={
            "resources": {
                "java": {"label": "Java", "kind": "skill", "capacity": [100, 100], "used": [50, 25]}
            }
        },
    )
    run_b = make_run(
        cast,
        make_scenario(cast.org, name="B"),
        {d["A"]: (2, 6.0), d["E"]: (0, 3.0), d["C"]: (None, 2.0)},
        summary={
            "spend": 1234.0,
            "resources": {
                "java": {"label": "Java", "kind": "skill", "capacity": [100, 100], "used": [100, 0]}
            },
        },
    )
    return run_a, run_b, costs


def test_compare_runs_figures_by_hand(cast, planning_org, two_runs):
    run_a, run_b, _costs = two_runs
    result = analysis.compare_runs(run_a, run_b)
    assert result["a"]["value"] == pytest.approx(8.0) and result["b"]["value"] == pytest.approx(9.0)
    assert result["value_diff"] == pytest.approx(1.0)
    # A: no stored spend, so D-A 100,000 + D-C 20,000; B: the summary's figure
    assert result["a"]["spend"] == pytest.approx(120000) and result["b"]["spend"] == pytest.approx(
        1234.0
    )
    assert [d.demand.reference for d in result["only_a"]] == ["D-C"]
    assert [d.demand.reference for d in result["only_b"]] == ["D-E"]
    assert {r["name"]: (r["a"], r["b"]) for r in result["departments"]} == {
        "Finance": (2.0, 3.0),
        "Sales": (6.0, 6.0),
    }
    objectives = {r["name"]: (round(r["a"], 6), round(r["b"], 6)) for r in result["objectives"]}
    assert objectives == {"Cut costs": (1.5, 1.5), "Grow revenue": (6.5, 7.5)}
    java = next(r for r in result["resources"] if r["name"] == "java")
    assert java["a"]["share"] == pytest.approx(0.375) and java["b"]["share"] == pytest.approx(0.5)


def test_compare_runs_uses_the_score_terms_of_the_run_snapshot(cast, planning_org, two_runs):
    run_a, run_b, costs = two_runs
    terms = [
        {"kind": "objective", "key": str(costs.pk), "amount": 1.0},
        {"kind": "need", "key": "important", "amount": 0},
    ]
    run_a.context = {"demands": {"D-A": {"score": {"terms": terms}}}}
    run_a.save()
    objectives = {r["name"]: r["a"] for r in analysis.compare_runs(run_a, run_b)["objectives"]}
    assert objectives["Cut costs"] == pytest.approx(
        6.0
    )  # all of D-A's value serves costs in that snapshot
    assert objectives["Grow revenue"] == pytest.approx(2.0)  # D-C from current benefits


# Alignment and traceability


def test_alignment_matrix_by_hand(cast, planning_org, two_runs):
    run_a, _, _costs = two_runs
    matrix = analysis.alignment_matrix(cast.org, run_a)
    cells = {
        (r["department"].name, c["objective"].name): (round(c["value"], 6), c["count"])
        for r in matrix["rows"]
        for c in r["cells"]
    }
    assert cells == {
        ("Finance", "Cut costs"): (0, 0),
        ("Finance", "Grow revenue"): (2.0, 1),
        ("Sales", "Cut costs"): (1.5, 1),
        ("Sales", "Grow revenue"): (4.5, 1),
    }
    assert {r["department"].name: (r["value"], r["count"]) for r in matrix["rows"]} == {
        "Finance": (2.0, 1),
        "Sales": (6.0, 1),
    }
    assert {t["objective"].name: t["count"] for t in matrix["totals"]} == {
        "Cut costs": 1,
        "Grow revenue": 2,
    }
    assert matrix["value"] == pytest.approx(8.0)


def test_alignment_defaults_to_the_published_plan(cast, planning_org, two_runs):
    _run_a, run_b, _ = two_runs
    assert analysis.alignment_matrix(cast.org)["run"] is None
    Publication.objects.create(organisation=cast.org, run=run_b, cycle="2027", version=1)
    assert analysis.alignment_matrix(cast.org)["run"] == run_b


def test_traceability_both_ways(cast, planning_org, two_runs):
    run_a, _, _ = two_runs
    revenue = planning_org.revenue
    goal = make_goal(
        organisation=cast.org,
        department=cast.sales,
        title="Win more deals",
        contributions={revenue: "high"},
    )
    a, b = planning_org.demands["A"], planning_org.demands["B"]
    a.goals.add(goal)
    b.goals.add(goal)
    overview = {r["objective"].name: r for r in analysis.traceability(cast.org, run_a)}
    assert (
        overview["Grow revenue"]["goals"],
        overview["Grow revenue"]["demands"],
        overview["Grow revenue"]["scheduled"],
    ) == (1, 2, 1)
    assert overview["Cut costs"]["goals"] == 0
    down = analysis.objective_trace(revenue, run_a)
    assert [g["goal"].title for g in down] == ["Win more deals"] and down[0]["strength"] == "High"
    slots = {item["demand"].reference: item["slot"] for item in down[0]["demands"]}
    assert slots["D-A"].period == "2027-Q1" and slots["D-B"] is None
    up = analysis.demand_trace(a, run_a)
    assert [g["goal"].title for g in up["goals"]] == ["Win more deals"]
    assert [c.objective.name for c in up["goals"][0]["contributions"]] == ["Grow revenue"]
    assert up["slot"].is_scheduled and up["slot"].period == "2027-Q1"


def test_traceability_shows_a_lead_only_their_departments(cast, planning_org, two_runs):
    run_a, _, _ = two_runs
    revenue = planning_org.revenue
    sales_goal = make_goal(
        organisation=cast.org,
        department=cast.sales,
        title="Sales goal",
        contributions={revenue: "high"},
    )
    finance_goal = make_goal(
        organisation=cast.org,
        department=cast.finance,
        title="Finance goal",
        contributions={revenue: "low"},
    )
    planning_org.demands["A"].goals.add(sales_goal)
    planning_org.demands["C"].goals.add(finance_goal)
    assert [g["goal"].title for g in analysis.objective_trace(revenue, run_a, cast.lead)] == [
        "Sales goal"
    ]
    assert len(analysis.objective_trace(revenue, run_a, cast.cio)) == 2
    row = next(
        r for r in analysis.traceability(cast.org, run_a, cast.lead) if r["objective"] == revenue
    )
    assert (row["goals"], row["demands"]) == (1, 1)


def test_all_demand_gap_totals_the_shortfall_tables():
    def row(horizon_short, fte):
        return {"horizon_short": horizon_short, "cells": [{"short_fte": f} for f in fte]}

    gap = sufficiency._all_demand_gap(
        [row(1349, [3.5, 3.2]), row(0, [0.5, 0.0]), row(881, [0.0, 1.9])], [row(12, [0, 0])],
        ["2027-Q1", "2027-Q2"], 390,
    )
    assert gap["hours"] == 2230 and gap["skills_short"] == 2 and gap["units"] == 12
    assert gap["fte_over_horizon"] == pytest.approx(2230 / 780)
    assert (gap["peak_label"], gap["peak_fte"]) == ("2027-Q2", pytest.approx(5.1))
