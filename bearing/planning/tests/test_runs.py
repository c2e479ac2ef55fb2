"""The life of a plan run: queue, execute, cancel (before and while running), failure, lost
worker, infeasible scenarios; the scenario's plan changes only when a run succeeds."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from bearing.core.models import AuditEntry
from bearing.demand.choices import DemandStatus, NeedClass
from bearing.demand.tests.factories import make_demand, make_effort
from bearing.engine import solve as engine_solve
from bearing.planning import runs
from bearing.planning.models import STAGE_LABELS, PlanDecision, PlanRun
from bearing.planning.tests.factories import make_scenario

pytestmark = pytest.mark.django_db


def _replace_solve(monkeypatch, fake) -> None:
    """Wrap the engine's solve for one test, whether runs imports it eagerly or at call time."""
    monkeypatch.setattr(engine_solve, "solve", fake)
    monkeypatch.setattr(runs, "solve", fake, raising=False)


def _run_to_the_end(scenario) -> PlanRun:
    """Queue a run of `scenario`, execute it here and return it, checked to have succeeded."""
    run = runs.queue_run(None, scenario)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded", run.error
    return run


def test_queue_then_execute_stores_decisions_and_summary(cast, scenario):
    run = runs.queue_run(cast.cio, scenario)
    assert run.status == "queued"
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.plan_status in ("optimal", "feasible") and run.finished_at
    decisions = {d.demand.reference: d for d in run.decisions.select_related("demand")}
    assert sorted(decisions) == ["D-A", "D-B", "D-C", "D-D", "D-E"]
    assert decisions["D-A"].is_scheduled and decisions["D-A"].start_quarter == 0
    assert decisions["D-B"].start_quarter >= decisions["D-A"].finish_quarter
    assert not decisions["D-D"].is_scheduled and decisions["D-D"].reasons
    assert run.summary["resources"]["java"]["capacity"][0] == 624.0
    assert run.summary["resources"]["java"]["used"][0] >= 500
    assert run.problem["format"] == "bearing-problem/1" and run.plan["format"] == "bearing-plan/1"
    assert scenario.latest_plan().pk == run.pk


def test_a_scenario_with_no_approved_demands_runs_to_an_empty_plan_whose_pages_show(client, cast):
    # a new organisation runs its first plan before any demand is approved: the run once failed
    # with the engine's TypeError (empty arrays of the wrong type in the explanations' set-up)
    scenario = make_scenario(cast.org, time_limit_seconds=3)
    run = _run_to_the_end(scenario)
    assert run.plan_status == "optimal" and run.objective == 0 and not run.decisions.exists()
    client.force_login(cast.viewer)
    for page in ("run_detail", "run_roadmap", "run_capacity", "run_unscheduled"):
        assert client.get(reverse(f"planning:{page}", args=[run.pk])).status_code == 200, page
    # and the run's page says why the plan is empty and what to do
    text = client.get(reverse("planning:run_detail", args=[run.pk])).content.decode()
    assert 'id="empty-plan-note"' in text and "Assess or approve demands" in text


def test_an_organisation_without_people_or_systems_gets_its_budget_conflict_in_words(client, cast):
    # no skill, person or system yet: the engine's problem has no resource, and its search for a
    # stretch short of hours once crashed the run (ValueError) when a mandatory demand overspent
    make_demand(
        organisation=cast.org, reference="D-M", title="Licence renewal", status=DemandStatus.APPROVED,
        need_class=NeedClass.MANDATORY, cost_eur=40_000,
    )
    everything = [{"first": 0, "last": 7, "amount": 20_000}]  # the two years the organisation plans
    run = _run_to_the_end(make_scenario(cast.org, time_limit_seconds=3, budget_windows=everything))
    assert run.problem["periods"] == 8 and run.plan_status == "infeasible"
    assert run.summary["conflicts"] == [
        "mandatory D-M needs 40,000 of money in 2027-Q1..2028-Q4; the budget is 20,000 (short by 20,000)"
    ]
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_detail", args=[run.pk])).content.decode()
    assert "short by 20,000" in text


def test_a_run_with_demands_has_no_empty_plan_note(client, cast, finished_run):
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_detail", args=[finished_run.pk])).content.decode()
    assert finished_run.summary["scheduled"] > 0 and 'id="empty-plan-note"' not in text


def test_only_cio_queues_and_one_run_at_a_time(cast, scenario):
    with pytest.raises(PermissionDenied):
        runs.queue_run(cast.viewer, scenario)
    runs.queue_run(cast.cio, scenario)
    with pytest.raises(ValidationError):
        runs.queue_run(cast.cio, scenario)
    assert PlanRun.objects.count() == 1


def test_cancel_before_start(cast, scenario):
    run = runs.queue_run(cast.cio, scenario)
    runs.cancel_run(cast.cio, run)
    runs.execute(run.pk)  # the worker picks it up late: nothing happens
    run.refresh_from_db()
    assert run.status == "cancelled" and not run.decisions.exists() and run.started_at is None


def test_cancel_while_running_stops_the_solver(cast, scenario, monkeypatch):
    real_solve = engine_solve.solve
    seen = {}

    def solve_with_cancel(problem, **options):
        run = PlanRun.objects.get(scenario=scenario)
        assert run.status == "running"
        runs.cancel_run(cast.cio, run)
        seen["should_stop"] = options["should_stop"]()
        return real_solve(problem, **options)

    _replace_solve(monkeypatch, solve_with_cancel)
    run = runs.queue_run(cast.cio, scenario)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert seen["should_stop"] is True
    assert run.status == "cancelled" and "Cancelled while solving" in run.error
    assert not run.decisions.exists() and scenario.latest_plan() is None


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_ctrl_c_while_solving_cancels_the_run_and_still_stops_the_process(cast, scenario, monkeypatch, stop):
    # KeyboardInterrupt: Ctrl-C on run_plan; SystemExit: the worker's signal handler forcing an exit
    def interrupted_solve(problem, **options):
        raise stop

    _replace_solve(monkeypatch, interrupted_solve)
    run = runs.queue_run(cast.cio, scenario)
    with pytest.raises(stop):
        runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "cancelled" and "Interrupted (Ctrl-C or the worker stopped)" in run.error and run.finished_at
    assert scenario.latest_plan() is None


def test_the_solver_gets_the_limit_less_building_and_storing(cast, scenario, monkeypatch):
    real_solve = engine_solve.solve
    seen = {}

    def solve_and_note_the_limit(problem, **options):
        seen["limit"], seen["demands"] = options["time_limit"], len(problem.demands)
        return real_solve(problem, **options)

    _replace_solve(monkeypatch, solve_and_note_the_limit)
    runs.execute(runs.queue_run(cast.cio, scenario).pk)
    limit = scenario.time_limit_seconds
    assert seen["limit"] == pytest.approx(limit - runs.BUILD_AND_STORE_SECONDS_PER_DEMAND * seen["demands"])
    assert seen["limit"] < limit


def test_the_run_limit_that_gives_the_solver_a_share_is_its_inverse():
    for solver_seconds, demands in ((81, 10_000), (1.2, 6_000), (30, 50)):
        limit = runs.run_time_limit(solver_seconds, demands)
        assert runs.solver_time_limit(limit, demands) >= solver_seconds
        assert runs.solver_time_limit(limit - 1, demands) < solver_seconds


def test_a_run_too_short_for_the_relaxation_says_which_limit_lets_it_in(client, cast, scenario, monkeypatch):
    real_solve = engine_solve.solve

    def solve_as_if_too_short(problem, **options):
        plan = real_solve(problem, **options)
        plan.stats["limit_for_full_lp"] = 40
        return plan

    _replace_solve(monkeypatch, solve_as_if_too_short)
    run = runs.queue_run(cast.cio, scenario)
    runs.execute(run.pk)
    run.refresh_from_db()
    demands = run.summary["scheduled"] + run.summary["unscheduled"]
    assert run.summary["limit_for_full_lp"] == runs.run_time_limit(40, demands)
    client.force_login(cast.viewer)
    page = client.get(reverse("planning:run_detail", args=[run.pk])).content.decode()
    needed = run.summary["limit_for_full_lp"]
    assert f"A limit of {needed} s or more lets the relaxation guide the plan" in page


def test_a_run_with_its_relaxation_shows_no_limit_note(client, cast, finished_run):
    assert finished_run.summary["limit_for_full_lp"] is None
    client.force_login(cast.viewer)
    page = client.get(reverse("planning:run_detail", args=[finished_run.pk])).content.decode()
    assert 'id="limit-note"' not in page


def test_a_large_run_still_gives_the_solver_half_its_limit():
    # 6,000 demands take ~2.1 s to build and store (0.35 ms each): the solver gets the rest
    assert runs.solver_time_limit(10, 6000) == pytest.approx(7.9)
    assert runs.solver_time_limit(4, 100_000) == 2.0


def test_failure_is_marked_with_the_reason_and_the_previous_plan_stays(cast, finished_run):
    scenario = finished_run.scenario
    scenario.capacity_changes = [{"resource": "skill:java", "amount": -5, "unit": "fte", "from_quarter": 0}]
    scenario.save()  # bypasses the service's validation on purpose
    run = runs.queue_run(None, scenario)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "failed"
    assert "cannot be planned" in run.error and "resources.java.capacity[0]" in run.error
    assert not run.decisions.exists()
    assert scenario.latest_plan().pk == finished_run.pk
    assert PlanDecision.objects.filter(run=finished_run).count() == 5


def test_unexpected_error_is_marked_failed(cast, scenario, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    _replace_solve(monkeypatch, broken)
    run = runs.queue_run(None, scenario)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and "solver exploded" in run.error


def test_lost_worker_is_marked_lost_and_a_late_result_is_not_stored(cast, scenario):
    run = runs.queue_run(None, scenario)
    old = timezone.now() - runs.LOST_AFTER - timedelta(seconds=5)
    PlanRun.objects.filter(pk=run.pk).update(status="running", started_at=old, heartbeat_at=old)
    assert runs.mark_lost_runs() == 1
    run.refresh_from_db()
    assert run.status == "lost" and "stopped responding" in run.error
    # a worker that was only slow finishes later: its result does not overwrite the verdict
    PlanRun.objects.filter(pk=run.pk).update(status="queued")
    runs.execute(run.pk)
    PlanRun.objects.filter(pk=run.pk, status="succeeded").update(status="lost")
    fresh = runs.queue_run(None, make_scenario(cast.org, name="Other"))
    assert runs.mark_lost_runs() == 0
    fresh.refresh_from_db()
    assert fresh.status == "queued"


def test_store_after_lost_writes_nothing(cast, scenario, monkeypatch):
    real_solve = engine_solve.solve

    def solve_then_lose(problem, **options):
        plan = real_solve(problem, **options)
        PlanRun.objects.filter(scenario=scenario).update(status="lost", error="lost")
        return plan

    _replace_solve(monkeypatch, solve_then_lose)
    run = runs.queue_run(None, scenario)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "lost" and not run.decisions.exists()


def test_unclaimed_queued_run_is_lost(cast, scenario):
    run = runs.queue_run(None, scenario)
    PlanRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - runs.UNCLAIMED_AFTER - timedelta(seconds=1))
    assert runs.mark_lost_runs() == 1
    run.refresh_from_db()
    assert run.status == "lost" and "bearing worker" in run.error


def test_run_page_marks_lost_runs_when_polled(client, cast, scenario):
    run = runs.queue_run(None, scenario)
    old = timezone.now() - runs.LOST_AFTER - timedelta(seconds=5)
    PlanRun.objects.filter(pk=run.pk).update(status="running", started_at=old, heartbeat_at=old)
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "The worker was lost." in text and "hx-trigger" not in text


def test_infeasible_scenario_shows_conflicts_and_keeps_the_plan(client, cast, finished_run, planning_org):
    big = make_demand(organisation=cast.org, department=cast.finance, reference="D-BIG", status="approved",
                      need_class=NeedClass.MANDATORY)
    make_effort(big, planning_org.dba, 5000)
    run = runs.queue_run(None, finished_run.scenario)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == "succeeded" and run.plan_status == "infeasible"
    assert any("D-BIG" in c for c in run.summary["conflicts"])
    assert finished_run.scenario.latest_plan().pk == finished_run.pk
    client.force_login(cast.cio)
    text = client.get(reverse("planning:run_detail", args=[run.pk])).content.decode()
    assert "cannot all be planned" in text and "Database administration hours" in text
    assert f'href="{reverse("demand:demand_detail", args=[big.pk])}"' in text
    assert client.get(reverse("planning:run_roadmap", args=[run.pk])).status_code == 404


def test_queue_and_cancel_are_audited(cast, scenario):
    run = runs.queue_run(cast.cio, scenario)
    runs.cancel_run(cast.cio, run)
    actions = list(AuditEntry.objects.filter(object_type="planning.PlanRun").values_list("action", flat=True))
    assert sorted(actions) == ["cancel", "run"]


def test_run_running_far_past_its_time_limit_is_marked_timed_out(cast, scenario):
    run = runs.queue_run(None, scenario)
    started = timezone.now() - timedelta(seconds=scenario.time_limit_seconds) - runs.TIMEOUT_GRACE - timedelta(seconds=5)
    # the heartbeat is fresh: the worker is alive but the run hangs
    PlanRun.objects.filter(pk=run.pk).update(status="running", started_at=started, heartbeat_at=timezone.now())
    assert runs.mark_lost_runs() == 1
    run.refresh_from_db()
    assert run.status == "failed" and run.error.startswith("Timed out")


def test_run_within_its_time_limit_is_left_running(cast, scenario):
    run = runs.queue_run(None, scenario)
    PlanRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now(), heartbeat_at=timezone.now())
    assert runs.mark_lost_runs() == 0
    run.refresh_from_db()
    assert run.status == "running"


@pytest.mark.django_db(transaction=True)
def test_heartbeat_thread_beats_while_a_long_solver_stage_runs(cast, scenario, monkeypatch):
    monkeypatch.setattr(runs, "HEARTBEAT_SECONDS", 0.05)
    beats = []
    real_solve = engine_solve.solve

    def slow_stage_without_callbacks(problem, **options):
        # a solver stage that reports nothing for a while: only the thread can show life
        first = PlanRun.objects.get(scenario=scenario).heartbeat_at
        import time as _time

        _time.sleep(0.5)
        beats.append((first, PlanRun.objects.get(scenario=scenario).heartbeat_at))
        return real_solve(problem, **options)

    _replace_solve(monkeypatch, slow_stage_without_callbacks)
    _run_to_the_end(scenario)
    first, later = beats[0]
    assert later > first


def test_run_page_shows_the_engine_stage_in_words(client, cast, scenario):
    run = runs.queue_run(None, scenario)
    PlanRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now(),
                                             heartbeat_at=timezone.now(), stage="tabu")
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "trying exchanges (tabu search)" in text
    # the worker's own stages are words already and pass through
    PlanRun.objects.filter(pk=run.pk).update(stage="building the problem")
    text = client.get(reverse("planning:run_detail", args=[run.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "building the problem" in text


def test_run_page_says_how_long_an_announced_stage_is_expected_to_take(client, cast, scenario):
    from bearing.engine.plan import ProgressEvent

    run = runs.queue_run(None, scenario)
    PlanRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now(), heartbeat_at=timezone.now())
    reporter = runs._Reporter(run.pk)
    reporter.progress(ProgressEvent(seconds=0.4, stage="lp-start", objective=10.0, bound=20.0, expected_seconds=29.4))
    reporter.flush()
    client.force_login(cast.viewer)
    url = reverse("planning:run_detail", args=[run.pk])
    text = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "solving the relaxation (LP)" in text and "(about 29 s)" in text
    # the next report is an improvement: the expectation was that stage's and goes with it
    reporter.progress(ProgressEvent(seconds=31.0, stage="lp", objective=10.0, bound=15.0))
    reporter.flush()
    text = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "bound from the relaxation (LP)" in text and 'id="stage-expected"' not in text
    stored = PlanRun.objects.get(pk=run.pk)
    assert stored.stage_expected_seconds is None
    assert [e.get("expected_seconds") for e in stored.progress] == [29.4, None]


def test_an_announced_stage_is_written_at_once(cast, scenario, monkeypatch):
    from bearing.engine.plan import ProgressEvent

    clock = [1000.0]  # no time passes: an improvement now would wait PROGRESS_SECONDS
    monkeypatch.setattr(runs.time, "monotonic", lambda: clock[0])
    run = runs.queue_run(None, scenario)
    reporter = runs._Reporter(run.pk)
    reporter.progress(ProgressEvent(seconds=0.1, stage="greedy", objective=1.0, bound=None))
    reporter.progress(ProgressEvent(seconds=0.2, stage="lagrangian-start", objective=1.0, bound=None, expected_seconds=5.0))
    stored = PlanRun.objects.get(pk=run.pk)
    assert (stored.stage, stored.stage_expected_seconds, len(stored.progress)) == ("lagrangian-start", 5.0, 2)


def test_every_stage_the_engine_reports_has_words():
    engine = Path(engine_solve.__file__).parent
    source = "\n".join(p.read_text() for p in engine.glob("*.py"))
    reported = set(re.findall(r'offer(?:_bound)?\([^()]*(?:\([^()]*\)[^()]*)*, "([a-z-]+)"\)', source))
    reported |= set(re.findall(r'offer\(x, "([a-z-]+)"\)', source))
    reported |= set(re.findall(r'announce\("([a-z-]+)"', source))
    assert {"greedy", "lp", "cp-sat", "mip", "tabu", "lp-start", "lagrangian-start", "explain"} <= reported
    assert reported <= set(STAGE_LABELS)


def test_improvements_are_written_at_most_every_progress_seconds_and_all_are_kept(cast, scenario, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bearing.engine.plan import ProgressEvent

    clock = [1000.0]
    monkeypatch.setattr(runs.time, "monotonic", lambda: clock[0])
    run = runs.queue_run(None, scenario)
    reporter = runs._Reporter(run.pk)

    def updates(queries) -> int:
        return sum(1 for q in queries if q["sql"].startswith("UPDATE"))

    with CaptureQueriesContext(connection) as burst:
        for k in range(10):  # ten improvements within 0.09 s
            reporter.progress(ProgressEvent(seconds=k / 100, stage="lns", objective=100.0 + k, bound=200.0))
            clock[0] += 0.01
            reporter.should_stop()
    assert updates(burst.captured_queries) == 1  # the first is shown at once, the rest wait
    assert len(PlanRun.objects.get(pk=run.pk).progress) == 1
    clock[0] += runs.PROGRESS_SECONDS
    with CaptureQueriesContext(connection) as later:
        reporter.should_stop()  # the next poll after PROGRESS_SECONDS writes what waited
    assert updates(later.captured_queries) == 1
    stored = PlanRun.objects.get(pk=run.pk)
    assert len(stored.progress) == 10 and stored.objective == 109.0
    reporter.progress(ProgressEvent(seconds=0.2, stage="lns", objective=120.0, bound=200.0))
    reporter.flush()  # the solver's end: nothing is left unwritten
    assert PlanRun.objects.get(pk=run.pk).progress[-1]["objective"] == 120.0


def test_a_finished_run_keeps_every_improvement_the_solver_reported(cast, scenario, monkeypatch):
    reported = []
    real_solve = engine_solve.solve

    def recording(problem, **options):
        outer = options["progress"]

        def both(event):
            reported.append(event.objective)
            outer(event)

        return real_solve(problem, **{**options, "progress": both})

    _replace_solve(monkeypatch, recording)
    run = _run_to_the_end(scenario)
    assert reported and [e["objective"] for e in run.progress] == reported


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_uses_the_solver_threads_the_deployment_sets(client, cast, scenario, monkeypatch, settings, workers):
    settings.PLAN_WORKERS = workers
    asked = []
    real_solve = engine_solve.solve

    def recording(problem, **options):
        asked.append(options["workers"])
        return real_solve(problem, **options)

    _replace_solve(monkeypatch, recording)
    run = _run_to_the_end(scenario)
    assert asked == [workers]
    # one thread: the time limit is a work budget and the run says its plan is reproducible
    assert run.plan["stats"]["deterministic"] is (workers == 1)
    assert run.summary["reproducible"] is (workers == 1)
    client.force_login(cast.viewer)
    page = client.get(reverse("planning:run_detail", args=[run.pk])).content.decode()
    assert ('id="reproducible-note"' in page) is (workers > 1)


def test_run_plan_command_interrupted_says_the_run_was_cancelled(cast, scenario, monkeypatch):
    from django.core.management import CommandError, call_command

    def interrupted_solve(problem, **options):
        raise KeyboardInterrupt

    _replace_solve(monkeypatch, interrupted_solve)
    with pytest.raises(CommandError, match="interrupted and cancelled; the previous plan stays in place"):
        call_command("run_plan", cast.org.slug, scenario.name)
    assert PlanRun.objects.get(scenario=scenario).status == "cancelled"


def _solve_leaving_explanations_unchecked(monkeypatch):
    """The engine's solve, but with no time left for checking explanations (as at 10,000 demands,
    where a 20 s run checked 898 of 2,185): every left-out demand's reasons unverified."""
    from bearing.engine.explain import explain_unscheduled

    real = engine_solve.solve

    def solve_in_a_hurry(problem, **options):
        plan = real(problem, **{**options, "explain": False})
        plan.unscheduled = explain_unscheduled(problem, plan, time_limit=0.0)
        return plan

    _replace_solve(monkeypatch, solve_in_a_hurry)


def test_explanations_the_run_left_unchecked_are_checked_after_the_plan_is_stored(cast, scenario, monkeypatch):
    import bearing.engine.explain as engine_explain

    _solve_leaving_explanations_unchecked(monkeypatch)
    real_explain = engine_explain.explain_unscheduled
    seen = {}

    def watching(problem, plan, **options):
        run = PlanRun.objects.get(scenario=scenario)
        seen["status"], seen["check"] = run.status, run.summary["explanations"]
        seen["unverified"] = sorted(
            d.demand.reference for d in run.decisions.filter(is_scheduled=False).select_related("demand")
            if d.details.get("verified") is False
        )
        return real_explain(problem, plan, **options)

    monkeypatch.setattr(engine_explain, "explain_unscheduled", watching)
    run = _run_to_the_end(scenario)
    # while the check ran, the plan was already in place and said that its check was under way
    assert seen["status"] == "succeeded" and seen["unverified"]
    assert seen["check"]["status"] == "checking" and seen["check"]["count"] == len(seen["unverified"])
    assert runs.explanation_check(run) == {"status": "done", "count": len(seen["unverified"]), "unchecked": 0}
    left_out = run.decisions.filter(is_scheduled=False)
    assert left_out.count() >= len(seen["unverified"])
    assert all(d.details["verified"] is True for d in left_out)
    assert not any(r.startswith("not verified") for d in left_out for r in d.reasons)
    assert all(any(r.startswith("forcing it in") for r in d.reasons) for d in left_out)
    assert all(u["details"]["verified"] is True for u in run.plan["unscheduled"])  # the stored plan too


def test_a_failed_explanation_check_keeps_the_plan_and_says_which_stay_unchecked(client, cast, scenario, monkeypatch):
    import bearing.engine.explain as engine_explain

    _solve_leaving_explanations_unchecked(monkeypatch)

    def broken(*args, **kwargs):
        raise RuntimeError("repair table corrupt")

    monkeypatch.setattr(engine_explain, "explain_unscheduled", broken)
    run = _run_to_the_end(scenario)
    check = runs.explanation_check(run)
    assert check["status"] == "stopped" and "repair table corrupt" in check["error"]
    assert all(d.details["verified"] is False for d in run.decisions.filter(is_scheduled=False))
    client.force_login(cast.viewer)
    page = client.get(reverse("planning:run_unscheduled", args=[run.pk])).content.decode()
    assert "could not be checked after the run (RuntimeError: repair table corrupt)" in page
    assert "hx-trigger" not in page


def test_a_run_that_checked_every_explanation_itself_has_no_check_after_it(cast, finished_run):
    assert "explanations" not in finished_run.summary and runs.explanation_check(finished_run) is None
    assert all(d.details["verified"] is True for d in finished_run.decisions.filter(is_scheduled=False))


def test_an_explanation_check_overdue_by_a_minute_past_four_times_its_length_is_reported_stopped(cast, finished_run):
    since = timezone.now()
    finished_run.summary["explanations"] = {"status": "checking", "count": 3, "since": since.isoformat(), "expected_seconds": 10}
    assert runs.explanation_check(finished_run, now=since + timedelta(seconds=40) + runs.LOST_AFTER)["status"] == "checking"
    late = runs.explanation_check(finished_run, now=since + timedelta(seconds=41) + runs.LOST_AFTER)
    assert late["status"] == "stopped" and "did not finish" in late["error"]
