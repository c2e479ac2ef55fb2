"""The demo organisation's first plan: a "Baseline" scenario solved in this process and published
as IT Strategy v1, so a new user of `bearing demo` sees a roadmap and a published strategy."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from bearing.demand.choices import NeedClass
from bearing.demand.models import Demand
from bearing.planning import runs
from bearing.planning.choices import DemandSelection, RunStatus
from bearing.planning.models import PlanRun, Publication, Scenario
from bearing.planning.publishing import default_cycle, publish_run
from bearing.planning.services import create_scenario

__all__ = ["BUDGET_SHARE", "DEMO_SCENARIO", "compute_demo_plan", "yearly_budget_windows"]

DEMO_SCENARIO = "Baseline"
# Each year's budget covers this share of the plannable demands' cost per year of the horizon,
# so the plan has to choose; it never goes below what the mandatory demands cost.
BUDGET_SHARE = 0.7
TIME_LIMIT_SECONDS = 10


def yearly_budget_windows(organisation: Any) -> list[dict[str, Any]]:
    """One budget window per (calendar) year of the horizon, sized from the plannable demands:
    BUDGET_SHARE of their cost spread over the years, at least the mandatory demands' cost,
    rounded up to 50,000 EUR."""
    calendar = organisation.calendar
    plannable = Demand.objects.filter(organisation=organisation).plannable()
    total = float(plannable.aggregate(s=Sum("cost_eur"))["s"] or Decimal(0))
    mandatory = float(plannable.filter(need_class=NeedClass.MANDATORY).aggregate(s=Sum("cost_eur"))["s"] or Decimal(0))
    windows: list[dict[str, Any]] = []
    for q in range(calendar.quarters):
        year = calendar.label(q)[:4]
        if windows and windows[-1]["year"] == year:
            windows[-1]["last"] = q
        else:
            windows.append({"year": year, "first": q, "last": q})
    years = len(windows) or 1
    per_year = max(total * BUDGET_SHARE / years, mandatory)
    amount = float(math.ceil(per_year / 50_000) * 50_000) if per_year > 0 else 0.0
    return [{"first": w["first"], "last": w["last"], "amount": amount} for w in windows]


def compute_demo_plan(organisation: Any, *, time_limit_seconds: int = TIME_LIMIT_SECONDS) -> Publication | None:
    """Create (or reuse) the "Baseline" scenario, solve it here and now, and publish the plan as
    the IT Strategy of the calendar's cycle. Returns the publication, or None when the run did
    not produce a plan (the scenario and the failed run stay for the user to inspect)."""
    scenario = Scenario.objects.filter(organisation=organisation, name=DEMO_SCENARIO).first()
    if scenario is None:
        scenario = create_scenario(
            None, organisation, name=DEMO_SCENARIO,
            description="The demo's first plan: assessed and approved demands, a budget per year.",
            selection=DemandSelection.DEFAULT, budget_windows=yearly_budget_windows(organisation),
            time_limit_seconds=time_limit_seconds,
        )
    run = runs.queue_run(None, scenario)
    runs.execute(run.pk)  # a no-op when an immediate task backend already ran it
    run = PlanRun.objects.defer(*PlanRun.LARGE_FIELDS).select_related("organisation").get(pk=run.pk)
    if run.status != RunStatus.SUCCEEDED or run.plan_status == "infeasible":
        return None
    return publish_run(None, run, default_cycle(organisation),
                       summary="The first IT Strategy of the demo organisation, planned from its Baseline scenario.")
