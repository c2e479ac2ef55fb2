"""Planning pages: every view for the CIO (full page and htmx partial where there is one), read
access for other members, 403 for writes by non-CIOs, 404 for outsiders, login for anonymous."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from bearing.core.models import AuditEntry
from bearing.planning import runs
from bearing.planning.models import PlanRun, Scenario

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _login(client, user):
    client.force_login(user)
    return client


def test_scenario_list_shows_scenarios_to_every_member(client, cast, scenario):
    for name in ("cio", "viewer", "lead"):
        response = _login(client, cast.user(name)).get(reverse("planning:scenario_list"))
        assert response.status_code == 200
        assert "Base" in response.content.decode()
    assert b"New scenario" in _login(client, cast.cio).get(reverse("planning:scenario_list")).content


def test_scenario_list_hides_new_button_from_viewer(client, cast, scenario):
    response = _login(client, cast.viewer).get(reverse("planning:scenario_list"))
    assert b"New scenario" not in response.content


def test_anonymous_goes_to_login(client, scenario):
    response = client.get(reverse("planning:scenario_detail", args=[scenario.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_outsider_gets_404(client, cast, finished_run):
    client.force_login(cast.outsider)
    for name in ("planning:scenario_detail", "planning:scenario_edit"):
        assert client.get(reverse(name, args=[finished_run.scenario.pk])).status_code == 404
    for name in ("planning:run_detail", "planning:run_roadmap", "planning:run_capacity", "planning:run_unscheduled",
                 "planning:run_priority", "planning:run_frontier"):
        assert client.get(reverse(name, args=[finished_run.pk])).status_code == 404
    assert client.post(reverse("planning:scenario_run", args=[finished_run.scenario.pk])).status_code == 404


def _form_data(**overrides):
    data = {
        "name": "Hire two", "description": "", "selection": "default", "time_limit_seconds": "5",
        "chosen_demands": "", "forced_in": "D-B", "forced_out": "D-D",
        "budget-TOTAL_FORMS": "1", "budget-INITIAL_FORMS": "0",
        "budget-0-first": "0", "budget-0-last": "3", "budget-0-amount": "150000",
        "capacity-TOTAL_FORMS": "2", "capacity-INITIAL_FORMS": "0",
        "capacity-0-resource": "skill:java", "capacity-0-amount": "2", "capacity-0-unit": "fte", "capacity-0-from_quarter": "2",
        "capacity-1-resource": "", "capacity-1-amount": "", "capacity-1-unit": "", "capacity-1-from_quarter": "",
    }
    data.update(overrides)
    return data


def test_cio_creates_scenario_with_rows_and_audit(client, cast, planning_org):
    client.force_login(cast.cio)
    assert client.get(reverse("planning:scenario_create")).status_code == 200
    response = client.post(reverse("planning:scenario_create"), _form_data())
    scenario = Scenario.objects.get(name="Hire two")
    assert response.status_code == 302 and response["Location"] == reverse("planning:scenario_detail", args=[scenario.pk])
    assert scenario.budget_windows == [{"first": 0, "last": 3, "amount": 150000.0}]
    assert scenario.capacity_changes == [{"resource": "skill:java", "amount": 2.0, "unit": "fte", "from_quarter": 2}]
    assert list(scenario.forced_in.values_list("reference", flat=True)) == ["D-B"]
    assert list(scenario.forced_out.values_list("reference", flat=True)) == ["D-D"]
    entry = AuditEntry.objects.get(object_type="planning.Scenario", object_id=str(scenario.pk))
    assert entry.action == "create" and entry.after["forced_in"] == ["D-B"]
    page = client.get(reverse("planning:scenario_detail", args=[scenario.pk])).content.decode()
    assert "2027-Q1 – 2027-Q4" in page and "from 2027-Q3" in page


def test_scenario_form_shows_errors_next_to_fields(client, cast, planning_org):
    client.force_login(cast.cio)
    response = client.post(reverse("planning:scenario_create"), _form_data(
        **{"budget-0-first": "3", "budget-0-last": "1", "forced_in": "D-ZZZ", "capacity-0-unit": "units"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "The last quarter must not come before the first." in page
    assert "No such demand: D-ZZZ." in page
    assert "Skills change in FTE or hours" in page
    assert not Scenario.objects.filter(name="Hire two").exists()


def test_viewer_and_lead_may_not_create_or_edit(client, cast, scenario):
    for name in ("viewer", "lead", "bio", "resource_manager"):
        client.force_login(cast.user(name))
        assert client.get(reverse("planning:scenario_create")).status_code == 403
        assert client.post(reverse("planning:scenario_create"), _form_data()).status_code == 403
        assert client.post(reverse("planning:scenario_edit", args=[scenario.pk]), _form_data(name="X")).status_code == 403
    assert not Scenario.objects.filter(name__in=["Hire two", "X"]).exists()
    assert not AuditEntry.objects.filter(object_type="planning.Scenario").exists()


def test_cio_edits_scenario(client, cast, scenario):
    client.force_login(cast.cio)
    page = client.get(reverse("planning:scenario_edit", args=[scenario.pk]))
    assert page.status_code == 200
    response = client.post(reverse("planning:scenario_edit", args=[scenario.pk]), _form_data(name="Renamed", forced_out=""))
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.name == "Renamed" and scenario.time_limit_seconds == 5
    entry = AuditEntry.objects.get(object_type="planning.Scenario", action="update")
    assert entry.before["name"] == "Base" and entry.after["name"] == "Renamed"


def test_cio_runs_plan_and_is_sent_to_the_run_page(client, cast, scenario, django_capture_on_commit_callbacks):
    client.force_login(cast.cio)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:scenario_run", args=[scenario.pk]))
    run = PlanRun.objects.get(scenario=scenario)
    assert response.status_code == 302 and response["Location"] == reverse("planning:run_detail", args=[run.pk])
    assert run.status == "succeeded"  # the test settings run tasks immediately
    assert AuditEntry.objects.filter(object_type="planning.PlanRun", action="run").exists()


def test_htmx_run_answers_with_hx_redirect(client, cast, scenario):
    client.force_login(cast.cio)
    response = client.post(reverse("planning:scenario_run", args=[scenario.pk]), **HX)
    run = PlanRun.objects.get(scenario=scenario)
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("planning:run_detail", args=[run.pk])


@pytest.mark.parametrize("name", ["viewer", "lead", "bio", "resource_manager"])
def test_only_cio_runs_plans(client, cast, scenario, name):
    client.force_login(cast.user(name))
    assert client.post(reverse("planning:scenario_run", args=[scenario.pk])).status_code == 403
    assert not PlanRun.objects.exists()
    assert not AuditEntry.objects.filter(object_type="planning.PlanRun").exists()


def test_run_page_polls_while_active_and_stops_when_finished(client, cast, scenario):
    from bearing.planning import runs

    client.force_login(cast.cio)
    run = runs.queue_run(None, scenario)  # on_commit never fires in this test: stays queued
    full = client.get(reverse("planning:run_detail", args=[run.pk]))
    assert full.status_code == 200 and b"<html" in full.content
    partial = client.get(reverse("planning:run_detail", args=[run.pk]), **HX)
    text = partial.content.decode()
    assert "<html" not in text and 'hx-trigger="every 1s"' in text and ">Cancel<" in text
    runs.execute(run.pk)
    done = client.get(reverse("planning:run_detail", args=[run.pk]), **HX).content.decode()
    assert "hx-trigger" not in done and "Open the roadmap" in done


def test_viewer_sees_run_without_cancel_button(client, cast, scenario):
    from bearing.planning import runs

    run = runs.queue_run(None, scenario)
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_detail", args=[run.pk]), **HX).content.decode()
    assert ">Cancel<" not in text
    assert client.post(reverse("planning:run_cancel", args=[run.pk])).status_code == 403
    run.refresh_from_db()
    assert run.status == "queued"


def test_cio_cancels_queued_run(client, cast, scenario):
    from bearing.planning import runs

    run = runs.queue_run(None, scenario)
    client.force_login(cast.cio)
    response = client.post(reverse("planning:run_cancel", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == "cancelled" and "before it started" in run.error
    assert AuditEntry.objects.filter(object_type="planning.PlanRun", action="cancel", actor=cast.cio).exists()
    page = client.get(reverse("planning:run_detail", args=[run.pk])).content.decode()
    assert "The run was cancelled." in page and "previous plan of this scenario stays" in page


@pytest.mark.parametrize("name", ["run_roadmap", "run_capacity", "run_unscheduled", "run_priority", "run_frontier"])
def test_result_pages_render_for_members(client, cast, finished_run, name):
    for user in ("cio", "viewer", "lead"):
        client.force_login(cast.user(user))
        response = client.get(reverse(f"planning:{name}", args=[finished_run.pk]))
        assert response.status_code == 200, (user, name)
        assert b"plotly/plotly.min.js" in response.content or name == "run_unscheduled"


def test_roadmap_lists_planned_demands_with_dependencies(client, cast, finished_run):
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_roadmap", args=[finished_run.pk])).content.decode()
    assert "D-A" in text and "D-B" in text and "2027-Q1" in text
    assert '"links": [{"from": "D-A", "to": "D-B"}]' in text  # the arrow from A to B
    by_resource = client.get(reverse("planning:run_roadmap", args=[finished_run.pk]), {"by": "resource", "resource": "system:erp"})
    body = by_resource.content.decode()
    assert "D-E" in body and "D-A" not in body.split("<tbody>")[1]


def test_unscheduled_page_explains_each_left_out_demand(client, cast, finished_run):
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_unscheduled", args=[finished_run.pk])).content.decode()
    assert "D-D" in text and "Java capacity" in text and "Java hours" in text and "java-hours" not in text


def test_capacity_page_shows_used_against_capacity(client, cast, finished_run):
    client.force_login(cast.cio)
    text = client.get(reverse("planning:run_capacity", args=[finished_run.pk])).content.decode()
    assert "Java" in text and "/ 624" in text and "ERP" in text


def test_scenario_plan_redirects_to_the_latest_plan(client, cast, finished_run):
    client.force_login(cast.viewer)
    response = client.get(reverse("planning:scenario_plan", args=[finished_run.scenario.pk]))
    assert response["Location"] == reverse("planning:run_roadmap", args=[finished_run.pk])


def test_frontier_compute_by_cio_only(client, cast, finished_run, django_capture_on_commit_callbacks):
    client.force_login(cast.viewer)
    assert client.post(reverse("planning:run_frontier_compute", args=[finished_run.pk])).status_code == 403
    client.force_login(cast.cio)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("planning:run_frontier_compute", args=[finished_run.pk]))
    assert response.status_code == 302
    finished_run.refresh_from_db()
    frontier = finished_run.summary["frontier"]
    assert frontier["status"] == "done" and len(frontier["points"]) >= 2
    values = [p["value"] for p in frontier["points"]]
    assert values == sorted(values)
    partial = client.get(reverse("planning:run_frontier", args=[finished_run.pk]), **HX).content.decode()
    assert "<html" not in partial and "frontier-data" in partial and "hx-trigger" not in partial


def test_plotly_is_served_locally(client, cast):
    from django.contrib.staticfiles import finders

    assert finders.find("plotly/plotly.min.js")
    assert finders.find("planning/charts.js")


def test_edit_page_shows_existing_rows(client, cast, planning_org):
    scenario = Scenario.objects.create(
        organisation=cast.org, name="Rows", budget_windows=[{"first": 1, "last": 2, "amount": 777}],
        capacity_changes=[{"resource": "system:erp", "amount": 3, "unit": "units", "from_quarter": 4}])
    client.force_login(cast.cio)
    text = client.get(reverse("planning:scenario_edit", args=[scenario.pk])).content.decode()
    assert 'value="777"' in text
    assert '<option value="system:erp" selected>' in text and '<option value="4" selected>' in text


def test_untouched_extra_rows_are_ignored(client, cast, planning_org):
    client.force_login(cast.cio)
    data = _form_data(**{"budget-0-first": "", "budget-0-last": "", "budget-0-amount": ""})
    response = client.post(reverse("planning:scenario_create"), data)
    assert response.status_code == 302
    assert Scenario.objects.get(name="Hire two").budget_windows == []


def test_frontier_partial_polls_while_queued(client, cast, finished_run):
    PlanRun.objects.filter(pk=finished_run.pk).update(summary={**finished_run.summary, "frontier": {"status": "queued"}})
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_frontier", args=[finished_run.pk]), **HX).content.decode()
    assert 'hx-trigger="every 2s"' in text and "Compute" not in text


def test_frontier_says_how_many_levels_are_solved_while_it_runs(client, cast, finished_run, monkeypatch):
    written = []
    real = runs._set_summary

    def recording(run_id, key, value):
        written.append((key, dict(value)))
        real(run_id, key, value)

    import bearing.engine.frontier as frontier_module

    bounds_passed = []
    real_frontier = frontier_module.efficient_frontier

    def passing(problem, **options):
        bounds_passed.append(options.get("bound"))
        return real_frontier(problem, **options)

    monkeypatch.setattr(runs, "_set_summary", recording)
    monkeypatch.setattr(frontier_module, "efficient_frontier", passing)
    runs.compute_frontier(finished_run.pk, steps=3, time_limit_per_level=0.5)
    frontier = [value for key, value in written if key == "frontier"]
    assert frontier[0] == {"status": "running"}
    assert [(v.get("solved"), v.get("levels")) for v in frontier[1:-1]] == [(1, 3), (2, 3), (3, 3)]
    assert frontier[-1]["status"] == "done"
    # the run's own proven bound is handed on: it bounds every level (a total budget only takes plans away)
    finished_run.refresh_from_db()
    assert finished_run.bound is not None and bounds_passed == [finished_run.bound]
    assert all(p["bound"] <= finished_run.bound + 1e-9 for p in frontier[-1]["points"])
    PlanRun.objects.filter(pk=finished_run.pk).update(summary={**finished_run.summary, "frontier": frontier[2]})
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_frontier", args=[finished_run.pk]), **HX).content.decode()
    assert "2 of 3 budget levels solved" in text and 'hx-trigger="every 2s"' in text


def test_result_pages_do_a_fixed_number_of_queries(client, cast, finished_run, django_assert_max_num_queries):
    client.force_login(cast.cio)
    for name in ("run_roadmap", "run_capacity", "run_unscheduled", "run_priority"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(f"planning:{name}", args=[finished_run.pk])).status_code == 200


def test_unscheduled_list_filters_by_department(client, cast, finished_run):
    client.force_login(cast.viewer)
    url = reverse("planning:run_unscheduled", args=[finished_run.pk])
    finance = client.get(url, {"department": cast.finance.pk}).content.decode()
    sales = client.get(url, {"department": cast.sales.pk}).content.decode()
    assert 'id="demand-D-D"' in finance and 'id="demand-D-D"' not in sales


def test_department_lead_sees_only_their_departments_part_of_the_plan(client, cast, finished_run):
    # the cast's lead leads Sales (demands A and B); C, D and E belong to Finance
    scheduled = set(finished_run.decisions.filter(is_scheduled=True).values_list("demand__reference", flat=True))
    assert {"D-A", "D-C"} <= scheduled
    assert finished_run.decisions.filter(demand__reference="D-D", is_scheduled=False).exists()

    as_cio = _login(client, cast.cio).get(reverse("planning:run_roadmap", args=[finished_run.pk])).content.decode()
    assert "D-A" in as_cio and "D-C" in as_cio
    as_cio_out = _login(client, cast.cio).get(reverse("planning:run_unscheduled", args=[finished_run.pk])).content.decode()
    assert "D-D" in as_cio_out

    client.force_login(cast.lead)
    roadmap = client.get(reverse("planning:run_roadmap", args=[finished_run.pk])).content.decode()
    assert "D-A" in roadmap and "D-C" not in roadmap
    assert "own-departments-note" in roadmap
    left_out = client.get(reverse("planning:run_unscheduled", args=[finished_run.pk])).content.decode()
    assert "D-D" not in left_out
    priority = client.get(reverse("planning:run_priority", args=[finished_run.pk])).content.decode()
    assert "D-A" in priority and "D-E" not in priority


def test_run_page_says_the_run_planned_a_snapshot_when_demands_changed_since(client, cast, finished_run, planning_org):
    client.force_login(cast.cio)
    url = reverse("planning:run_detail", args=[finished_run.pk])
    assert "snapshot-note" not in client.get(url).content.decode()
    demand = planning_org.demands["A"]
    demand.title = "Demand A, rescoped"
    demand.save()
    html = client.get(url).content.decode()
    assert "snapshot-note" in html and "1 demand changed since this run took its snapshot" in html
    # the stored plan is untouched: it still holds the decision taken on the snapshot
    assert finished_run.decisions.filter(demand=demand).exists()


def test_roadmap_shows_the_resource_choice_only_when_rows_are_by_resource(client, cast, finished_run):
    client.force_login(cast.viewer)
    url = reverse("planning:run_roadmap", args=[finished_run.pk])
    by_department = client.get(url).content.decode()
    assert '<div class="field" id="resource-field" hidden>' in by_department
    by_resource = client.get(url, {"by": "resource", "resource": "java"}).content.decode()
    assert '<div class="field" id="resource-field">' in by_resource


def test_roadmap_gantt_rows_carry_a_short_label_and_the_full_title(client, cast, finished_run):
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_roadmap", args=[finished_run.pk])).content.decode()
    assert '"label": "D-A Demand A"' in text and '"title": "Demand A"' in text


def test_unscheduled_page_shows_what_forcing_in_would_cost_and_readable_details(client, cast, finished_run):
    from bearing.planning.models import PlanDecision

    decision = PlanDecision.objects.get(run=finished_run, demand__reference="D-D")
    decision.details = {**decision.details, "value_lost": 0.843, "verified": True}
    decision.save(update_fields=["details"])
    client.force_login(cast.viewer)
    text = client.get(reverse("planning:run_unscheduled", args=[finished_run.pk])).content.decode()
    row = text[text.index('id="demand-D-D"'):]
    row = row[:row.index("</tr>")]
    assert '<td class="num">0.84</td>' in row
    assert "<dt>Limited by</dt><dd>Java</dd>" in row and "binding_resources" not in row
    assert "java-hours" not in row and "more Java hours there would admit it" in row


def test_trace_page_gives_a_left_out_demands_reason_in_business_words(client, cast, planning_org, finished_run):
    client.force_login(cast.viewer)
    text = client.get(reverse("analysis:trace_demand", args=[planning_org.demands["D"].pk]),
                      {"scenario": finished_run.scenario_id}).content.decode()
    slot = text[text.index('id="demand-slot"'):]
    slot = slot[:slot.index("</p>")]
    assert "left out" in slot and "Java" in slot and "java" not in slot


def test_chart_labels_get_room_and_heatmap_cells_stay_on_one_line(db):
    from django.contrib.staticfiles import finders

    with open(finders.find("planning/charts.js"), encoding="utf-8") as handle:
        charts = handle.read()
    with open(finders.find("planning/planning.css"), encoding="utf-8") as handle:
        css = handle.read()
    assert charts.count("automargin: true") >= 2  # Gantt and heatmap row labels are never cut off
    assert ".heatmap-table td { white-space: nowrap; }" in css


def _checking(run, **state):
    run.summary = {**run.summary, "explanations": {
        "status": "checking", "count": 1234, "since": timezone.now().isoformat(), "expected_seconds": 5, **state}}
    run.save(update_fields=["summary"])


def test_pages_of_a_run_whose_explanations_are_being_checked_poll_until_done(client, cast, finished_run):
    _checking(finished_run)
    client.force_login(cast.lead)
    for name in ("run_unscheduled", "run_detail"):
        page = client.get(reverse(f"planning:{name}", args=[finished_run.pk])).content.decode()
        assert "Checking the explanations of 1,234 left-out demands" in page, name
        assert f'hx-get="{reverse("planning:run_explanations", args=[finished_run.pk])}"' in page
    url = reverse("planning:run_explanations", args=[finished_run.pk])
    partial = client.get(url, **HX)
    assert partial.status_code == 200 and "<html" not in partial.content.decode() and "1,234" in partial.content.decode()
    assert "HX-Refresh" not in partial
    finished_run.summary["explanations"] = {"status": "done", "count": 1234, "unchecked": 0}
    finished_run.save(update_fields=["summary"])
    done = client.get(url, **HX)
    assert done["HX-Refresh"] == "true"  # the polling page reloads with the checked reasons
    page = client.get(reverse("planning:run_unscheduled", args=[finished_run.pk])).content.decode()
    assert "explanation-check" not in page
    assert client.get(url)["Location"] == reverse("planning:run_unscheduled", args=[finished_run.pk])


def test_explanation_check_status_is_not_visible_to_outsiders(client, cast, finished_run):
    _checking(finished_run)
    client.force_login(cast.outsider)
    assert client.get(reverse("planning:run_explanations", args=[finished_run.pk]), **HX).status_code == 404
