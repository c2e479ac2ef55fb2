"""Issue 4 in real headless Chromium: the CIO of the demo organisation creates a scenario, starts
a run and watches it finish on the run page (htmx polling), opens the roadmap and the explanation
of a demand the plan leaves out, publishes the plan as the IT Strategy and downloads the PDF —
with every request to a non-local address blocked."""

from __future__ import annotations

import re
import threading

import pytest

from bearing.core.demo import DEMO_PASSWORD, DEMO_SEED, build_organisation, load_organisation
from bearing.demand.choices import DemandStatus
from bearing.planning import runs
from bearing.planning.choices import RunStatus
from bearing.planning.demo_plan import yearly_budget_windows
from bearing.planning.models import PlanDecision, PlanRun, Publication, Scenario
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCENARIO = "Browser test: first year on a tight budget"


@pytest.fixture
def demo():
    """The demo organisation (84 hand-written demands), loaded without its first plan."""
    return load_organisation(build_organisation(seed=DEMO_SEED), password=DEMO_PASSWORD)


@pytest.fixture
def queued_runs(settings):
    """Runs stay queued as with the real worker (the database backend), so the page shows them
    waiting and then finishing; the test plays the worker by calling runs.execute itself."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_cio_plans_the_demo_organisation_publishes_the_strategy_and_downloads_the_pdf(page, demo, queued_runs):
    login(page, "cio", DEMO_PASSWORD)

    # 1. a new scenario: the default demands, 3 s to plan, one budget window over the first year
    # at the demo's yearly budget, so the plan has to leave demands out
    first_year = yearly_budget_windows(demo)[0]
    page.goto("/planning/scenarios/new/")
    page.fill("input[name=name]", SCENARIO)
    page.check("input[name=selection][value=default]")
    page.fill("input[name=time_limit_seconds]", "3")
    page.select_option("select[name=budget-0-first]", str(first_year["first"]))
    page.select_option("select[name=budget-0-last]", str(first_year["last"]))
    page.fill("input[name=budget-0-amount]", str(int(first_year["amount"] // 2)))
    page.locator("form.form", has=page.locator("input[name=name]")).locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/planning/scenarios/\d+/$"))
    scenario = Scenario.objects.get(organisation=demo, name=SCENARIO)
    assert scenario.time_limit_seconds == 3
    assert len(scenario.budget_windows) == 1

    # 2. start a run: the run page shows it queued and polls with htmx
    page.locator(f"form[action='/planning/scenarios/{scenario.pk}/run/'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/planning/runs/\d+/$"))
    run = PlanRun.objects.get(scenario=scenario)
    status = page.locator("#run-status")
    assert "Queued" in status.locator("h2").inner_text()
    assert status.get_attribute("hx-trigger") == "every 1s"
    page.evaluate("() => { window.__samePage = true; }")  # survives htmx swaps, not a reload

    # 3. the worker (here: a thread of the test) executes it; the page follows without a reload
    worker = threading.Thread(target=runs.execute, args=(run.pk,))
    worker.start()
    try:
        page.locator("#run-status h2", has_text="Finished").wait_for(timeout=60_000)
    finally:
        worker.join(timeout=60)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert page.evaluate("() => window.__samePage") is True, "the run page reloaded instead of swapping"
    status = page.locator("#run-status")
    assert status.get_attribute("hx-trigger") is None  # polling stops once the run is finished
    stats = dict(zip(status.locator(".stat-label").all_inner_texts(),
                     status.locator(".stat-value").all_inner_texts(), strict=True))
    assert float(stats["value of the best plan"].replace(",", "")) == pytest.approx(run.objective, abs=0.06)
    assert stats["bound"] != "—" and stats["gap"] != "—"
    assert re.fullmatch(r"\d+ s", stats["elapsed"]), stats

    # 4. the roadmap: every scheduled demand in a department's Gantt row
    page.get_by_role("link", name="Open the roadmap").click()
    page.wait_for_url(re.compile(rf"/planning/runs/{run.pk}/roadmap/"))
    scheduled = PlanDecision.objects.filter(run=run, is_scheduled=True).select_related("demand")
    left_out = PlanDecision.objects.filter(run=run, is_scheduled=False).select_related("demand").order_by("-value")
    assert scheduled.exists() and left_out.exists()
    first = scheduled.order_by("demand__department__name", "start_quarter", "demand__reference").first()
    assert page.locator("main").get_by_text(first.demand.reference).count() >= 1

    # 5. a left-out demand and why (reasons on the list, then the demand's trace page)
    page.goto(f"/planning/runs/{run.pk}/unscheduled/")
    missing = left_out.first()
    row = page.locator(f"tr#demand-{missing.demand.reference}")
    reasons = row.locator("ul.reasons li").all_inner_texts()
    assert reasons and "no reason recorded" not in reasons[0]
    # the stored reason, in business words (resource labels, quarter labels)
    assert re.search(r"\d{4}-Q\d", reasons[0]) or "budget" in reasons[0].lower(), reasons
    page.goto(f"/planning/analysis/trace/demands/{missing.demand.pk}/?scenario={scenario.pk}")
    assert "left out" in page.locator("#demand-slot").inner_text()

    # 6. publish it as the IT Strategy
    page.goto(f"/strategy-document/publish/{run.pk}/")
    page.fill("textarea[name=summary]", "Planned in the browser test.")
    page.locator("form", has=page.locator("input[name=cycle]")).locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/strategy-document/\d+/$"))
    publication = Publication.objects.get(organisation=demo, run=run)
    assert publication.summary == "Planned in the browser test."
    assert first.demand.__class__.objects.get(pk=first.demand_id).status == DemandStatus.SCHEDULED
    assert page.get_by_text("Planned in the browser test.").count() >= 1

    # 7. the PDF
    # rendering the PDF loads WeasyPrint and its fonts on first use: allow for a slow, shared machine
    with page.expect_download(timeout=120_000) as download_info:
        page.get_by_role("link", name="Download PDF").click(timeout=120_000)
    download = download_info.value
    with open(download.path(), "rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    assert 10_000 < len(pdf) < 20_000_000, len(pdf)
    assert download.suggested_filename.endswith(".pdf")

    assert page.blocked_requests == [], page.blocked_requests


def test_left_out_page_reloads_itself_when_the_explanations_are_checked_after_the_run(page, demo, queued_runs):
    """At 10,000 demands a run's share of its limit leaves explanations unchecked and the worker
    checks them after storing the plan: the page says so, polls, and reloads once they are done."""
    from bearing.planning.choices import DemandSelection
    from bearing.planning.services import create_scenario

    scenario = create_scenario(None, demo, name=SCENARIO, selection=DemandSelection.DEFAULT,
                               budget_windows=yearly_budget_windows(demo)[:1], capacity_changes=[], time_limit_seconds=3)
    run = runs.queue_run(None, scenario)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED, run.error
    checked = "Checked after the run, in the browser test."
    decision = PlanDecision.objects.filter(run=run, is_scheduled=False).select_related("demand").first()
    run.summary = {**run.summary, "explanations": {
        "status": "checking", "count": 7, "since": "2999-01-01T00:00:00+00:00", "expected_seconds": 5}}
    run.save(update_fields=["summary"])

    login(page, "viewer", DEMO_PASSWORD)
    page.goto(f"/planning/runs/{run.pk}/unscheduled/")
    notice = page.locator("#explanation-check")
    assert "Checking the explanations of 7 left-out demands" in notice.inner_text()
    assert notice.get_attribute("hx-trigger") == "every 2s"

    # the worker finishes the check: the next poll reloads the page with the checked reasons
    decision.reasons = [*decision.reasons, checked]
    decision.save(update_fields=["reasons"])
    run.summary = {**run.summary, "explanations": {"status": "done", "count": 7, "unchecked": 0}}
    run.save(update_fields=["summary"])
    page.get_by_text(checked).wait_for(timeout=15_000)
    assert page.locator("#explanation-check").count() == 0
    assert page.blocked_requests == [], page.blocked_requests
