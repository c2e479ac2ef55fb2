"""The app at scale (issue 4): a generated 10,000-demand organisation in a throw-away SQLite
database; times building the engine problem, one plan run, the server time of the result
pages (roadmap, heatmap, unscheduled list, comparison, sufficiency) through django.test.Client,
and publishing the plan.

    uv run python bench/bench_app.py [--demands 10000] [--people 500] [--time-limit 30]
        [--repeat 3] [--keep DIR] [--profile]

The database lives in a fresh directory under /tmp (DATABASE_URL, BEARING_DATA_DIR, BEARING_DEV=1
are set here before Django starts) and is deleted at the end unless --keep names a directory to
reuse (then the organisation is generated only once). Targets: build ≤ 5 s, each page ≤ 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BUILD_TARGET = 5.0
PAGE_TARGET = 1.0


def _setup(data_dir: str) -> None:
    os.environ["BEARING_DEV"] = "1"
    os.environ["BEARING_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bearing.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _organisation(demands: int, people: int) -> Any:
    from bearing.core.demo import DEMO_PASSWORD, build_organisation, load_organisation
    from bearing.core.models import Organisation

    slug = f"bench-{demands}"
    existing = Organisation.objects.filter(slug=slug).first()
    if existing is not None:
        print(f"reusing {existing.name}: {existing.demands.count()} demands")
        return existing
    started = time.perf_counter()
    spec = build_organisation(seed=1, demands=demands, people=people, name=f"Bench {demands}", slug=slug,
                              username_prefix=f"{slug}-")
    organisation = load_organisation(spec, password=DEMO_PASSWORD)
    print(f"generated and loaded {organisation.name} in {time.perf_counter() - started:.1f} s: "
          f"{organisation.demands.count()} demands, {organisation.people.count()} people, "
          f"{organisation.systems.count()} systems")
    return organisation


def _timed(fn: Any, repeat: int) -> tuple[float, list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def _scenario(organisation: Any, name: str, time_limit: int, capacity_changes: list | None = None) -> Any:
    from bearing.planning.choices import DemandSelection
    from bearing.planning.demo_plan import yearly_budget_windows
    from bearing.planning.models import Scenario
    from bearing.planning.services import create_scenario

    existing = Scenario.objects.filter(organisation=organisation, name=name).first()
    if existing is not None:
        return existing
    return create_scenario(None, organisation, name=name, selection=DemandSelection.DEFAULT,
                           budget_windows=yearly_budget_windows(organisation),
                           capacity_changes=capacity_changes or [], time_limit_seconds=time_limit)


def _run(scenario: Any) -> tuple[float, Any]:
    from bearing.planning import runs
    from bearing.planning.models import PlanRun

    plan = scenario.latest_plan()
    if plan is not None:
        return float("nan"), plan
    started = time.perf_counter()
    run = runs.queue_run(None, scenario)
    runs.execute(run.pk)
    elapsed = time.perf_counter() - started
    return elapsed, PlanRun.objects.defer(*PlanRun.LARGE_FIELDS).get(pk=run.pk)


def _explanations(run: Any) -> str:
    """When the plan was stored, and how many left-out demands' explanations are verified (the
    run's own share of its limit, then the worker's check after storing the plan)."""
    from bearing.planning.models import PlanDecision

    left_out = PlanDecision.objects.filter(run=run, is_scheduled=False).only("details")
    verified = sum(1 for d in left_out if (d.details or {}).get("verified"))
    check = (run.summary or {}).get("explanations")
    after = f", {check['count']} of them checked after the plan was stored" if check else ""
    stored = (run.finished_at - run.started_at).total_seconds() if run.finished_at and run.started_at else float("nan")
    return f"plan stored after {stored:.1f} s; {verified} of {len(left_out)} explanations verified{after}"


def _page(client: Any, url: str, repeat: int, *, before: Any = None, htmx: bool = False) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HX-Request": "true"} if htmx else {}
    times, statuses, queries, sql = [], set(), 0, 0.0
    for _ in range(repeat):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            _ = response.content
            times.append(time.perf_counter() - started)
        statuses.add(response.status_code)
        queries = len(captured.captured_queries)
        sql = sum(float(q["time"] or 0) for q in captured.captured_queries)
    return {"url": url, "median": statistics.median(times), "times": times, "status": sorted(statuses),
            "queries": queries, "sql": sql, "bytes": len(response.content)}


def _profile(client: Any, url: str, htmx: bool = False) -> None:
    """cProfile of one request and its slowest queries (for a page over the target)."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = {"HX-Request": "true"} if htmx else {}
    profiler = cProfile.Profile()
    with CaptureQueriesContext(connection) as captured:
        profiler.enable()
        client.get(url, headers=headers)
        profiler.disable()
    print(f"\n--- profile of {url}: {len(captured.captured_queries)} queries")
    for q in sorted(captured.captured_queries, key=lambda q: -float(q["time"] or 0))[:5]:
        print(f"  {float(q['time']):.3f} s  {q['sql'][:300]}")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demands", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--time-limit", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", default=None, help="Reuse/keep the database in this directory")
    parser.add_argument("--profile", action="store_true", help="Profile every page over the target")
    args = parser.parse_args()

    data_dir = args.keep or tempfile.mkdtemp(prefix="bearing-bench-app-")
    os.makedirs(data_dir, exist_ok=True)
    try:
        _setup(data_dir)
        rows = _bench(args)
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    _print(rows)


def _bench(args: argparse.Namespace) -> list[tuple[str, float, str, str]]:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from bearing.core.choices import Role
    from bearing.planning.adapters import build_problem

    organisation = _organisation(args.demands, args.people)
    rows: list[tuple[str, float, str, str]] = []

    baseline = _scenario(organisation, "Bench baseline", args.time_limit)
    build, times, built = _timed(lambda: build_problem(baseline), args.repeat)
    problem = built.problem if hasattr(built, "problem") else built
    size = f"{len(getattr(problem, 'demands', []))} demands in the problem"
    rows.append(("build the engine problem (adapters.build_problem)", build,
                 "≤ 5 s" + (" ✓" if build <= BUILD_TARGET else " ✗"), f"{size}; runs {_fmt_list(times)}"))

    run_time, run = _run(baseline)
    rows.append((f"plan run (queue_run + execute, limit {args.time_limit} s)", run_time, "—",
                 (f"{run.status}, {run.plan_status}, value {run.objective}, "
                 f"{(run.summary or {}).get('scheduled')} planned / {(run.summary or {}).get('unscheduled')} left out; "
                 f"{_explanations(run)}")))
    # a second scenario with a hire, so the comparison page has two plans
    skill = organisation.skills.order_by("code").first()
    second = _scenario(organisation, "Bench +5 FTE", max(10, args.time_limit // 2),
                       [{"resource": f"skill:{skill.code}", "amount": 5, "unit": "fte", "from_quarter": 2}] if skill else [])
    run2_time, run2 = _run(second)
    rows.append((f"second plan run (limit {second.time_limit_seconds} s)", run2_time, "—",
                 f"{run2.status}, {run2.plan_status}, value {run2.objective}"))

    cio = organisation.memberships.filter(role=Role.CIO).select_related("user").first().user
    client = Client(HTTP_HOST="localhost")
    client.force_login(cio)
    pages = [
        ("roadmap (by department)", reverse("planning:run_roadmap", args=[run.pk]), {}),
        ("roadmap (by resource)", reverse("planning:run_roadmap", args=[run.pk]) + "?by=resource", {}),
        ("capacity heatmap + budget", reverse("planning:run_capacity", args=[run.pk]), {}),
        ("unscheduled list", reverse("planning:run_unscheduled", args=[run.pk]), {}),
        ("scenario comparison", reverse("analysis:compare") + f"?a={baseline.pk}&b={second.pk}", {}),
        ("sufficiency page (shell)", reverse("analysis:sufficiency"), {}),
        ("sufficiency report, cold (cache cleared)", reverse("analysis:sufficiency") + "?compute=1",
         {"before": cache.clear, "htmx": True}),
        ("sufficiency report, cached", reverse("analysis:sufficiency") + "?compute=1", {"htmx": True}),
    ]
    slow = []
    for label, url, options in pages:
        result = _page(client, url, args.repeat, **options)
        ok = result["median"] <= PAGE_TARGET and result["status"] == [200]
        rows.append((label, result["median"], "≤ 1 s" + (" ✓" if ok else " ✗"),
                     (f"HTTP {','.join(map(str, result['status']))}, {result['queries']} queries "
                     f"({result['sql']:.3f} s SQL), {result['bytes'] // 1024} KiB; runs {_fmt_list(result['times'])}")))
        if not ok:
            slow.append((url, options.get("htmx", False), options.get("before")))
    rows.append(_publish(cio, run))
    if args.profile:
        for url, htmx, before in slow:
            if before is not None:
                before()
            _profile(client, url, htmx)
    return rows


def _publish(cio: Any, run: Any) -> tuple[str, float, str, str]:
    """Publish the baseline run once (it moves its demands, so it is not repeated): sufficiency
    report, approvals and scheduling with one audit entry each, in one transaction."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bearing.demand.choices import DemandStatus
    from bearing.planning.publishing import publish_run

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        publication = publish_run(cio, run, f"bench {time.strftime('%H:%M:%S')}")
    elapsed = time.perf_counter() - started
    moved = run.decisions.filter(is_scheduled=True, demand__status=DemandStatus.SCHEDULED).count()
    return ("publish the plan (publish_run)", elapsed, "—",
            f"v{publication.version}; {moved} demands scheduled; {len(queries)} queries")


def _fmt_list(times: list[float]) -> str:
    return ", ".join(f"{t:.3f}" for t in times)


def _print(rows: list[tuple[str, float, str, str]]) -> None:
    print("\n| measurement | median (s) | target | notes |\n|---|---:|---|---|")
    for label, seconds, target, notes in rows:
        print(f"| {label} | {seconds:.3f} | {target} | {notes} |")


if __name__ == "__main__":
    main()
