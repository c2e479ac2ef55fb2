"""The life of a plan run: queued by a CIO, executed by a worker process, cancelled, failed or
lost. The run plans the snapshot of the data taken when the worker starts it; the stored plan of
a scenario changes only when a run succeeds, in one transaction."""

from __future__ import annotations

import math
import threading
import time
import traceback
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from bearing.core.audit import record_change, snapshot
from bearing.core.permissions import has_permission
from bearing.engine.codec import plan_to_dict, problem_from_dict, problem_to_dict
from bearing.engine.plan import Plan, ProgressEvent
from bearing.planning.adapters import build_problem
from bearing.planning.choices import RunStatus
from bearing.planning.models import PlanDecision, PlanRun, Scenario

__all__ = [
    "cancel_run", "compute_frontier", "execute", "explanation_check", "mark_lost_runs", "queue_frontier", "queue_run",
]

HEARTBEAT_SECONDS = 2.0
# Improvements are written to the run row at most this often (the page polls every few seconds):
# each write took ~110 ms on SQLite, and a search that improved 42 times in a 20 s run at 6,155
# demands spent 4.8 s of it writing, on no clock of the solver's.
PROGRESS_SECONDS = 1.0
# A running run whose worker has not written a heartbeat for this long is marked lost.
LOST_AFTER = timedelta(seconds=60)
# A queued run that no worker picked up for this long is marked lost (no worker running).
UNCLAIMED_AFTER = timedelta(minutes=10)
# A run still running this long after its time limit has hung: it is marked failed (timed out).
TIMEOUT_GRACE = timedelta(minutes=5)
# Building the problem and storing the plan take about this long per demand (1.0-1.1 s each at
# 6,155 demands, bench_app.py's organisation). The solver gets what is left of the scenario's
# limit, by this estimate rather than a clock so that the same data gives the same plan.
BUILD_AND_STORE_SECONDS_PER_DEMAND = 3.5e-4


def solver_time_limit(limit_seconds: float, demands: int) -> float:
    """The solver's share of a run's time limit: the rest goes to building and storing, so a run
    ends near the limit the user set; at least half the limit."""
    return max(0.5 * limit_seconds, limit_seconds - BUILD_AND_STORE_SECONDS_PER_DEMAND * demands)


def run_time_limit(solver_seconds: float, demands: int) -> int:
    """The smallest whole run limit whose solver share (`solver_time_limit`) is at least
    `solver_seconds`."""
    allowance = BUILD_AND_STORE_SECONDS_PER_DEMAND * demands
    return math.ceil(solver_seconds + allowance if solver_seconds >= allowance else 2 * solver_seconds)


def queue_run(actor: Any, scenario: Scenario) -> PlanRun:
    """Queue a plan run of `scenario` for the background worker (CIO/admin only)."""
    if actor is not None and not has_permission(actor, "run", scenario):
        raise PermissionDenied("Only the CIO or an administrator runs plans.")
    from bearing.planning.tasks import execute_plan_run

    with transaction.atomic():
        if scenario.runs.filter(status__in=RunStatus.active()).exists():
            raise ValidationError("A run of this scenario is already queued or running.")
        run = PlanRun.objects.create(
            organisation=scenario.organisation, scenario=scenario, requested_by=actor, stage="queued"
        )
        record_change(actor=actor, organisation=scenario.organisation, action="run", obj=run, before=None, after=snapshot(run, exclude=("problem", "plan", "progress", "context")))
        transaction.on_commit(lambda: _enqueue(run.pk, execute_plan_run))
    return run


def _enqueue(run_id: int, task: Any) -> None:
    result = task.enqueue(run_id)
    PlanRun.objects.filter(pk=run_id, task_id="").update(task_id=str(result.id))


def cancel_run(actor: Any, run: PlanRun) -> PlanRun:
    """Ask the worker to stop `run`; a run not yet started is cancelled at once."""
    if actor is not None and not has_permission(actor, "change", run):
        raise PermissionDenied("Only the CIO or an administrator cancels plan runs.")
    with transaction.atomic():
        locked = PlanRun.objects.select_for_update().defer(*PlanRun.LARGE_FIELDS).get(pk=run.pk)
        if locked.status == RunStatus.QUEUED:
            locked.status = RunStatus.CANCELLED
            locked.finished_at = timezone.now()
            locked.error = "Cancelled before it started."
        elif locked.status == RunStatus.RUNNING:
            locked.cancel_requested = True
        # Only these fields: the worker may be writing progress to the same row meanwhile.
        locked.save(update_fields=["status", "finished_at", "error", "cancel_requested"])
        record_change(actor=actor, organisation=run.organisation, action="cancel", obj=locked, before=None, after={"status": locked.status})
    return locked


def _mark_timed_out_runs(now: Any) -> int:
    timed_out = 0
    running = PlanRun.objects.filter(status=RunStatus.RUNNING, started_at__isnull=False).select_related("scenario")
    for run in running.only("pk", "started_at", "scenario__time_limit_seconds"):
        limit = timedelta(seconds=run.scenario.time_limit_seconds) + TIMEOUT_GRACE
        if run.started_at < now - limit:
            timed_out += PlanRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
                status=RunStatus.FAILED, finished_at=now,
                error=f"Timed out: still running {int(limit.total_seconds())} s after it started "
                "(time limit plus grace); the previous plan stays in place.",
            )
    return timed_out


def mark_lost_runs(now: Any = None) -> int:
    """Mark runs whose worker stopped writing heartbeats (or that no worker claimed) as lost."""
    now = now or timezone.now()
    lost = PlanRun.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=now - LOST_AFTER).update(
        status=RunStatus.LOST, finished_at=now,
        error="The worker running this plan stopped responding; the previous plan stays in place.",
    )
    unclaimed = PlanRun.objects.filter(status=RunStatus.QUEUED, queued_at__lt=now - UNCLAIMED_AFTER).update(
        status=RunStatus.LOST, finished_at=now,
        error="No worker picked this run up; is `bearing worker` running?",
    )
    return lost + unclaimed + _mark_timed_out_runs(now)


class _Reporter:
    """Writes progress to the run row at most every PROGRESS_SECONDS and heartbeats every
    HEARTBEAT_SECONDS, and reads the cancel flag as often; `flush` writes what is left."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.events: list[dict[str, Any]] = []
        self.last_write = float("-inf")
        self.pending = False  # events not written yet
        self.cancelled = False

    def progress(self, event: ProgressEvent) -> None:
        entry = {"seconds": round(event.seconds, 2), "stage": event.stage, "objective": event.objective, "bound": event.bound}
        self.events.append(entry)
        self.pending = True
        if event.expected_seconds is not None:
            # a long stage starts (a few times a run at most): written at once, as the stage may
            # not ask `should_stop` (which writes what waits) before it ends
            entry["expected_seconds"] = round(event.expected_seconds, 1)
            self._write(0.0)
        else:
            self._write(PROGRESS_SECONDS)

    def should_stop(self) -> bool:
        self._write(PROGRESS_SECONDS if self.pending else HEARTBEAT_SECONDS)
        return self.cancelled

    def flush(self) -> None:
        if self.pending:
            self._write(0.0)

    def _write(self, every: float) -> None:
        now = time.monotonic()
        if now - self.last_write < every:
            return
        self.last_write = now
        self.pending = False
        fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
        if self.events:
            last = self.events[-1]
            bound = last["bound"]
            gap = None if bound is None else (bound - last["objective"]) / max(abs(bound), 1e-9)
            fields.update(progress=self.events, stage=last["stage"], stage_expected_seconds=last.get("expected_seconds"),
                          objective=last["objective"], bound=bound, gap=gap)
        PlanRun.objects.filter(pk=self.run_id).update(**fields)
        self.cancelled = PlanRun.objects.filter(pk=self.run_id, cancel_requested=True).exists()


@contextmanager
def _heartbeat(run_id: int):
    """Write the run's heartbeat from a thread every HEARTBEAT_SECONDS while the solver works, so
    a long solver stage is never mistaken for a dead worker. Skipped inside an open transaction
    (tests), where a second connection could not write; the progress callbacks beat there."""
    if connection.in_atomic_block:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT_SECONDS):
                PlanRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(heartbeat_at=timezone.now())
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"plan-run-{run_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT_SECONDS * 2)


def execute(run_id: int) -> None:
    """Worker side: snapshot the data, solve, store the plan and its decisions in one transaction."""
    with transaction.atomic():
        run = PlanRun.objects.select_for_update().select_related("scenario", "organisation").get(pk=run_id)
        if run.status != RunStatus.QUEUED:
            return  # cancelled or marked lost before a worker got to it
        run.status = RunStatus.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.stage = "building the problem"
        run.save()
    try:
        built = build_problem(run.scenario)
        if built.context["errors"]:
            raise ValidationError(["The data cannot be planned:", *built.context["errors"]])
        PlanRun.objects.filter(pk=run_id).update(problem=problem_to_dict(built.problem), context=built.context, stage="solving")
        reporter = _Reporter(run_id)
        from bearing.engine.solve import solve  # OR-Tools and HiGHS load only in the worker

        with _heartbeat(run_id):
            plan = solve(
                built.problem,
                time_limit=solver_time_limit(run.scenario.time_limit_seconds, len(built.problem.demands)),
                workers=settings.PLAN_WORKERS,
                seed=0,
                progress=reporter.progress,
                should_stop=reporter.should_stop,
            )
        reporter.flush()
        if reporter.should_stop() or PlanRun.objects.filter(pk=run_id, cancel_requested=True).exists():
            _finish(run_id, RunStatus.CANCELLED, "Cancelled while solving; the previous plan stays in place.")
            return
        if _store(run_id, built, plan):
            _check_remaining_explanations(run_id, built, plan)
    except ValidationError as exc:
        _finish(run_id, RunStatus.FAILED, "\n".join(exc.messages))
    except (KeyboardInterrupt, SystemExit):
        # Ctrl-C on `bearing run_plan`, or the worker forced to stop (a second Ctrl-C or SIGTERM
        # exits from its signal handler): the run ends as cancelled, not left running until it is
        # marked lost, and the process still stops
        _finish(run_id, RunStatus.CANCELLED, "Interrupted (Ctrl-C or the worker stopped) while running; the previous plan stays in place.")
        raise
    except Exception as exc:  # noqa: BLE001 -- the run is marked failed with the reason; the worker lives on
        _finish(run_id, RunStatus.FAILED, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=5)}")


def _finish(run_id: int, status: str, error: str) -> None:
    # Only a run still running is finished here: one marked lost meanwhile keeps that verdict.
    PlanRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=status, error=error, finished_at=timezone.now()
    )


def _summary(built: Any, plan: Plan) -> dict[str, Any]:
    """The small figures the result pages show: capacity against use per resource and quarter,
    budget windows against spend, conflicts and counts."""
    problem = built.problem
    resources = {}
    for name, resource in problem.resources.items():
        info = dict(built.context["resources"].get(name, {"label": name, "kind": "skill"}))
        info["capacity"] = list(resource.capacity)
        info["used"] = [round(x, 3) for x in plan.resource_usage.get(name, [0.0] * problem.periods)]
        resources[name] = info
    budgets = [
        {"first": b.first, "last": b.last, "amount": b.amount,
         "spent": plan.budget_usage[i] if i < len(plan.budget_usage) else 0.0}
        for i, b in enumerate(problem.budgets)
    ]
    cost = {d.id: d.cost for d in problem.demands}
    return {
        "labels": list(problem.period_labels),
        "resources": resources,
        "budgets": budgets,
        "conflicts": list(plan.conflicts),
        "dropped": dict(built.context.get("dropped", {})),
        "scheduled": len(plan.scheduled),
        "unscheduled": len(plan.unscheduled),
        "spend": sum(cost.get(s.id, 0.0) for s in plan.scheduled),
        # whether the same scenario and limit give this plan again (one solver thread, nothing cut)
        "reproducible": bool(plan.stats.get("deterministic")),
        # the run limit that would have let the LP relaxation guide the plan, when it did not fit
        "limit_for_full_lp": None if plan.stats.get("limit_for_full_lp") is None
        else run_time_limit(plan.stats["limit_for_full_lp"], len(problem.demands)),
    }


def _unverified(plan: Plan) -> list[str]:
    """The left-out demands whose explanation the solve's share of the limit did not check."""
    return [u.id for u in plan.unscheduled if u.details.get("verified") is False]


def _store(run_id: int, built: Any, plan: Plan) -> bool:
    """Store the plan and its decisions and mark the run succeeded; False when the run was marked
    lost or cancelled meanwhile (then nothing is written)."""
    values = {d.id: d.value for d in built.problem.demands}
    decisions = [
        PlanDecision(
            run_id=run_id, demand_id=built.demand_pks[s.id], is_scheduled=True,
            start_quarter=s.start, finish_quarter=s.finish, value=values.get(s.id, 0.0), reasons=list(s.reasons),
        )
        for s in plan.scheduled
    ]
    decisions += [
        PlanDecision(
            run_id=run_id, demand_id=built.demand_pks[u.id], is_scheduled=False,
            value=values.get(u.id, 0.0), reasons=list(u.reasons), details=_plain(u.details),
        )
        for u in plan.unscheduled
    ]
    with transaction.atomic():
        claimed = PlanRun.objects.select_for_update().filter(pk=run_id, status=RunStatus.RUNNING).exists()
        if not claimed:
            return False  # marked lost or cancelled meanwhile: nothing of this run is written
        PlanDecision.objects.bulk_create(decisions, batch_size=1000)
        summary = _summary(built, plan)
        unverified = _unverified(plan)
        if unverified:
            summary["explanations"] = {
                "status": "checking", "count": len(unverified), "since": timezone.now().isoformat(),
                "expected_seconds": round(_explanation_seconds(built.problem, len(unverified)), 1),
            }
        PlanRun.objects.filter(pk=run_id).update(
            status=RunStatus.SUCCEEDED, finished_at=timezone.now(), stage="done",
            plan=plan_to_dict(plan, built.problem), plan_status=plan.status,
            objective=plan.objective, bound=plan.bound, gap=plan.gap, summary=summary,
        )
    return True


def _explanation_seconds(problem: Any, count: int) -> float:
    """The limit for checking `count` explanations after the run: what their repairs take on the
    engine's work clock, half as much again for re-plans where a repair cannot place a demand."""
    from bearing.engine.explain import repair_seconds

    return 1.5 * repair_seconds(len(problem.demands), count) + 1.0


def explanation_check(run: PlanRun, now: Any = None) -> dict[str, Any] | None:
    """The after-run check of a run's explanations: None when the solve checked them all itself;
    else its summary entry — "checking" (with how many), "done" (with how many stayed unchecked)
    or "stopped" (with why). A check still "checking" a minute past four times its expected
    length lost its worker and is reported stopped."""
    state = (run.summary or {}).get("explanations")
    if not state or state.get("status") != "checking":
        return state
    since = datetime.fromisoformat(state["since"])
    overdue = since + timedelta(seconds=4 * float(state.get("expected_seconds", 0))) + LOST_AFTER
    if (now or timezone.now()) > overdue:
        return {**state, "status": "stopped", "error": "the check did not finish; the worker may have stopped"}
    return state


def _check_remaining_explanations(run_id: int, built: Any, plan: Plan) -> None:
    """After the plan is stored: check the explanations the solve's share of the limit left
    unchecked, then store them. At 10,000 demands a 20 s run checked 898 of its 2,185 itself and
    the other 1,287 took 3.5 s more (bench_app.py's organisation). The plan is in place meanwhile;
    the pages say the check is under way."""
    unverified = _unverified(plan)
    if not unverified:
        return
    try:
        from bearing.engine.explain import explain_unscheduled

        redone = {u.id: u for u in explain_unscheduled(
            built.problem, plan, time_limit=_explanation_seconds(built.problem, len(unverified)), only=unverified,
        )}
        plan.unscheduled = [redone.get(u.id, u) for u in plan.unscheduled]
        by_pk = {built.demand_pks[uid]: u for uid, u in redone.items()}
        decisions = list(PlanDecision.objects.filter(run_id=run_id, is_scheduled=False, demand_id__in=by_pk))
        for decision in decisions:
            explained = by_pk[decision.demand_id]
            decision.reasons, decision.details = list(explained.reasons), _plain(explained.details)
        still = len(_unverified(plan))
        with transaction.atomic():
            PlanDecision.objects.bulk_update(decisions, ["reasons", "details"], batch_size=1000)
            PlanRun.objects.filter(pk=run_id).update(plan=plan_to_dict(plan, built.problem))
            _set_summary(run_id, "explanations", {"status": "done", "count": len(unverified), "unchecked": still})
    except (KeyboardInterrupt, SystemExit):
        _set_summary(run_id, "explanations", {"status": "stopped", "count": len(unverified), "error": "the worker stopped"})
        raise
    except Exception as exc:  # noqa: BLE001 -- the plan stands; the page says which explanations stay unchecked
        _set_summary(run_id, "explanations", {"status": "stopped", "count": len(unverified), "error": f"{type(exc).__name__}: {exc}"})


def queue_frontier(actor: Any, run: PlanRun) -> PlanRun:
    """Queue the efficient frontier (best value per total-budget level) of a finished run's
    problem snapshot for the background worker (CIO/admin only)."""
    if actor is not None and not has_permission(actor, "change", run):
        raise PermissionDenied("Only the CIO or an administrator computes frontiers.")
    if run.status != RunStatus.SUCCEEDED or run.plan_status == "infeasible":
        raise ValidationError("The frontier needs a run that produced a plan.")
    from bearing.planning.tasks import compute_plan_frontier

    with transaction.atomic():
        locked = PlanRun.objects.select_for_update().defer(*PlanRun.LARGE_FIELDS).get(pk=run.pk)
        current = (locked.summary or {}).get("frontier", {})
        if current.get("status") in ("queued", "running"):
            raise ValidationError("The frontier of this run is already being computed.")
        locked.summary = {**(locked.summary or {}), "frontier": {"status": "queued"}}
        locked.save(update_fields=["summary"])
        record_change(actor=actor, organisation=run.organisation_id, action="frontier", obj=locked, before=None, after={"frontier": "queued"})
        transaction.on_commit(lambda: compute_plan_frontier.enqueue(run.pk))
    return locked


def _set_summary(run_id: int, key: str, value: dict[str, Any]) -> None:
    """Set one entry of a finished run's summary (the frontier and the explanation check write
    theirs from different tasks: each read-modify-write holds the row)."""
    with transaction.atomic():
        locked = PlanRun.objects.select_for_update().defer(*PlanRun.LARGE_FIELDS).get(pk=run_id)
        locked.summary = {**(locked.summary or {}), key: value}
        locked.save(update_fields=["summary"])


def compute_frontier(run_id: int, *, steps: int = 8, time_limit_per_level: float = 3.0) -> None:
    """Worker side: the efficient frontier of the run's problem snapshot, stored in its summary."""
    _set_summary(run_id, "frontier", {"status": "running"})
    try:
        problem_data, run_bound = PlanRun.objects.values_list("problem", "bound").get(pk=run_id)
        problem = problem_from_dict(problem_data)
        from bearing.engine.frontier import efficient_frontier

        def solved(number: int, count: int, _point: object) -> None:
            # the page polls while it runs: it says how many levels are solved
            _set_summary(run_id, "frontier", {"status": "running", "solved": number, "levels": count})

        points = efficient_frontier(
            problem, steps=steps, time_limit_per_level=time_limit_per_level, on_level=solved,
            bound=run_bound,  # the run's proven bound holds at every budget level too
        )
        _set_summary(run_id, "frontier", {"status": "done", "points": [
            {"budget": p.budget, "value": p.value, "spend": p.spend, "status": p.status, "bound": p.bound,
             "selected": len(p.selected), "entering": list(p.entering)[:20], "leaving": list(p.leaving)[:20]}
            for p in points
        ]})
    except Exception as exc:  # noqa: BLE001 -- the page shows the reason; the worker lives on
        _set_summary(run_id, "frontier", {"status": "failed", "error": f"{type(exc).__name__}: {exc}"})


def _plain(value: Any) -> Any:
    """JSON-safe copy of explanation details."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
