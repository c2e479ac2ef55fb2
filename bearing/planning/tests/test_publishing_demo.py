"""The demo ends with a plan: a Baseline scenario solved and published as IT Strategy v1."""

from __future__ import annotations

import pytest

from bearing.core.demo import build_organisation, load_organisation
from bearing.core.management.commands import demo as demo_command
from bearing.demand.choices import DemandStatus
from bearing.demand.models import Demand
from bearing.planning.choices import RunStatus
from bearing.planning.demo_plan import DEMO_SCENARIO, compute_demo_plan, yearly_budget_windows
from bearing.planning.models import PlanRun, Publication, Scenario


@pytest.fixture
def small_org(db):
    spec = build_organisation(seed=7, demands=24, people=12, name="Tiny Co", slug="tiny", username_prefix="tiny-")
    return load_organisation(spec, password="pw")


def test_demo_plan_is_computed_and_published_as_v1(small_org) -> None:
    publication = compute_demo_plan(small_org, time_limit_seconds=3)

    scenario = Scenario.objects.get(organisation=small_org, name=DEMO_SCENARIO)
    run = PlanRun.objects.get(scenario=scenario)
    assert run.status == RunStatus.SUCCEEDED and run.plan_status in ("optimal", "feasible"), run.error
    assert publication is not None and Publication.objects.get(organisation=small_org) == publication
    assert (publication.version, publication.cycle, publication.run) == (1, "2027–2028", run)
    planned = Demand.objects.filter(plan_decisions__run=run, plan_decisions__is_scheduled=True)
    assert planned.exists()
    assert set(planned.values_list("status", flat=True)) == {DemandStatus.SCHEDULED}
    assert [(w["first"], w["last"]) for w in scenario.budget_windows] == [(0, 3), (4, 7)]
    assert all(w["amount"] > 0 and w["amount"] % 50_000 == 0 for w in scenario.budget_windows)


def test_budget_windows_cover_the_mandatory_demands(small_org) -> None:
    from django.db.models import Sum

    plannable = Demand.objects.filter(organisation=small_org).plannable()
    mandatory = float(plannable.filter(need_class="mandatory").aggregate(s=Sum("cost_eur"))["s"] or 0)
    total = float(plannable.aggregate(s=Sum("cost_eur"))["s"] or 0)
    windows = yearly_budget_windows(small_org)
    assert len(windows) == 2
    assert windows[0]["amount"] >= max(mandatory, 0.7 * total / 2)


def test_the_demo_command_hook_computes_the_plan(small_org, monkeypatch: pytest.MonkeyPatch) -> None:
    called = []
    monkeypatch.setattr(demo_command, "compute_demo_plan", called.append)
    demo_command.after_demo_loaded(small_org)
    assert called == [small_org]
