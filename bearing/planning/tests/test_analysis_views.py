"""Analysis pages: permission matrix per page, audited writes, the consistency warning, the
sufficiency scenario button, comparison, alignment and traceability pages."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from bearing.core.models import AuditEntry
from bearing.demand.choices import NeedClass
from bearing.planning import weights
from bearing.planning.choices import WeightMethod
from bearing.planning.models import PairwiseJudgement, Publication, Scenario, ScoringModel
from bearing.planning.scoring import NEED, RISK, objective_key
from bearing.planning.tests.factories import make_scenario
from bearing.planning.tests.test_analysis import make_run
from bearing.strategy.tests.factories import make_goal, make_objective

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The sufficiency report is cached per organisation; ids repeat between tests."""
    cache.clear()
    yield
    cache.clear()


def _client(client, user):
    if user is not None:
        client.force_login(user)
    return client


READ_PAGES = [
    "analysis:scoring",
    "analysis:sufficiency",
    "analysis:compare",
    "analysis:alignment",
    "analysis:trace",
]


@pytest.mark.parametrize("name", READ_PAGES + ["analysis:scoring_compare"])
def test_anonymous_users_go_to_the_login_page(client, cast, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["analysis:demand_score", "analysis:trace_demand"])
def test_anonymous_users_go_to_login_from_demand_pages(client, cast, planning_org, name):
    response = client.get(reverse(name, args=[planning_org.demands["A"].pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("name", READ_PAGES)
@pytest.mark.parametrize("role", ["cio", "bio", "lead", "resource_manager", "viewer"])
def test_every_member_reads_the_analysis_pages(client, cast, planning_org, name, role):
    response = _client(client, cast.user(role)).get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize("name", ["analysis:demand_score", "analysis:trace_demand"])
def test_outsiders_get_404_for_demands_of_another_organisation(client, cast, planning_org, name):
    response = _client(client, cast.outsider).get(
        reverse(name, args=[planning_org.demands["A"].pk])
    )
    assert response.status_code == 404


def test_outsiders_get_404_for_objectives_of_another_organisation(client, cast, planning_org):
    response = _client(client, cast.outsider).get(
        reverse("analysis:trace_objective", args=[planning_org.revenue.pk])
    )
    assert response.status_code == 404


def test_a_lead_does_not_see_other_departments_demands(client, cast, planning_org):
    finance_demand = planning_org.demands["C"]
    assert (
        _client(client, cast.lead)
        .get(reverse("analysis:demand_score", args=[finance_demand.pk]))
        .status_code
        == 404
    )
    assert (
        client.get(
            reverse("analysis:demand_score", args=[planning_org.demands["A"].pk])
        ).status_code
        == 200
    )


# Scoring model


def test_demand_score_page_shows_every_term(client, cast, planning_org):
    response = _client(client, cast.viewer).get(
        reverse("analysis:demand_score", args=[planning_org.demands["A"].pk])
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Value 6.75" in content and "Objective: Grow revenue" in content
    assert "+9.00" in content and "-2.25" in content and "Need class important" in content


def test_viewer_reads_the_scoring_model_but_gets_no_form(client, cast, planning_org):
    response = _client(client, cast.viewer).get(reverse("analysis:scoring"))
    assert response.status_code == 200
    assert "Enter weights directly" not in response.content.decode()
    assert "Compare the criteria pairwise" not in response.content.decode()


@pytest.mark.parametrize("role", ["bio", "lead", "resource_manager", "viewer"])
def test_only_the_cio_posts_direct_weights(client, cast, planning_org, role):
    key = objective_key(planning_org.revenue.pk)
    response = _client(client, cast.user(role)).post(
        reverse("analysis:scoring_direct"), {key: 1, NEED: 1, RISK: 1}
    )
    assert response.status_code == 403
    assert not ScoringModel.objects.filter(organisation=cast.org).exclude(weights={}).exists()
    assert not AuditEntry.objects.filter(object_type="planning.ScoringModel").exists()


def test_cio_saves_direct_weights(client, cast, planning_org):
    key = objective_key(planning_org.revenue.pk)
    response = _client(client, cast.cio).post(
        reverse("analysis:scoring_direct"), {key: 2, NEED: 1, RISK: 1}
    )
    assert response.status_code == 302
    model = ScoringModel.objects.get(organisation=cast.org)
    assert (
        model.weights == {key: 0.5, NEED: 0.25, RISK: 0.25} and model.method == WeightMethod.DIRECT
    )
    assert (
        AuditEntry.objects.filter(
            object_type="planning.ScoringModel", actor=cast.cio, action="update"
        ).count()
        == 1
    )


def test_bad_direct_weights_are_shown_next_to_the_field(client, cast, planning_org):
    key = objective_key(planning_org.revenue.pk)
    response = _client(client, cast.cio).post(
        reverse("analysis:scoring_direct"), {key: -1, NEED: 1, RISK: 1}
    )
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.content.decode()
    assert not AuditEntry.objects.filter(object_type="planning.ScoringModel").exists()


@pytest.mark.parametrize("role", ["bio", "resource_manager", "viewer"])
def test_only_cio_and_leads_open_the_comparison_page(client, cast, planning_org, role):
    c = _client(client, cast.user(role))
    assert c.get(reverse("analysis:scoring_compare")).status_code == 403
    assert (
        c.post(
            reverse("analysis:scoring_compare"), {"pair_0": "3", "pair_1": "3", "pair_2": "3"}
        ).status_code
        == 403
    )
    assert not PairwiseJudgement.objects.exists()


def test_a_lead_saves_their_comparisons(client, cast, planning_org):
    key = objective_key(planning_org.revenue.pk)
    c = _client(client, cast.lead)
    page = c.get(reverse("analysis:scoring_compare"))
    assert page.status_code == 200 and "extremely" in page.content.decode()
    # pairs in order: (revenue, need), (revenue, risk), (need, risk); -3 = the right one moderately more
    response = c.post(
        reverse("analysis:scoring_compare"), {"pair_0": "3", "pair_1": "5", "pair_2": "-3"}
    )
    assert response.status_code == 302
    stored = {
        (j.first, j.second): j.value for j in PairwiseJudgement.objects.filter(rater=cast.lead)
    }
    assert stored == pytest.approx({(key, NEED): 3, (key, RISK): 5, (NEED, RISK): 1 / 3})
    assert (
        AuditEntry.objects.filter(
            object_type="planning.ScoringModel", actor=cast.lead, action="judge"
        ).count()
        == 1
    )
    again = c.get(reverse("analysis:scoring_compare")).content.decode()
    assert 'value="-3" id="id_pair_2_5" checked' in again


def test_incomplete_comparison_is_refused(client, cast, planning_org):
    response = _client(client, cast.cio).post(reverse("analysis:scoring_compare"), {"pair_0": "3"})
    assert response.status_code == 400
    assert not PairwiseJudgement.objects.exists()


def _inconsistent(cast):
    a = objective_key(make_objective(organisation=cast.org, name="A growth").pk)
    b = objective_key(make_objective(organisation=cast.org, name="B costs").pk)
    weights.save_judgements(
        cast.cio,
        cast.org,
        cast.cio,
        {(a, b): 2, (a, NEED): 4, (a, RISK): 8, (b, NEED): 2, (b, RISK): 4, (NEED, RISK): 1 / 9},
    )


def test_consistency_warning_names_the_pair_most_out_of_line(client, cast):
    _inconsistent(cast)
    content = _client(client, cast.viewer).get(reverse("analysis:scoring")).content.decode()
    assert 'id="cr-warning"' in content and "above 0.10" in content
    assert "“Need class” against “Risk”" in content
    assert "judged 0.11 times as important, but the other judgements imply about 2." in content
    raters = content.split('id="raters"')[1].split("</table>")[0]
    assert "Cio" in raters and ">6<" in raters and "above 0.10" in raters
    own = _client(client, cast.cio).get(reverse("analysis:scoring_compare")).content.decode()
    assert "“Need class” against “Risk”" in own


def test_cio_puts_the_aggregated_weights_in_use(client, cast):
    _inconsistent(cast)
    assert _client(client, cast.lead).post(reverse("analysis:scoring_recompute")).status_code == 403
    client.logout()
    response = _client(client, cast.cio).post(reverse("analysis:scoring_recompute"))
    assert response.status_code == 302
    model = ScoringModel.objects.get(organisation=cast.org)
    assert model.method == WeightMethod.AHP and model.consistency_ratio > 0.10
    assert (
        AuditEntry.objects.filter(
            object_type="planning.ScoringModel", actor=cast.cio, action="update"
        ).count()
        == 1
    )
    content = client.get(reverse("analysis:scoring")).content.decode()
    assert "The weights in use are inconsistent" in content


# Sufficiency


@pytest.fixture
def gap(planning_org):
    d = planning_org.demands["D"]
    d.need_class, d.deadline_quarter = NeedClass.CRITICAL, 2
    d.save()
    return planning_org


def test_sufficiency_page_loads_at_once_and_fetches_the_report(client, cast, gap):
    c = _client(client, cast.cio)
    shell = c.get(reverse("analysis:sufficiency")).content.decode()
    assert "hx-get=" in shell and "compute=1" in shell and "−1876" not in shell
    partial = c.get(
        reverse("analysis:sufficiency"), {"compute": "1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and 'id="sufficiency-report"' in partial
    assert "−1876" in partial and "4.81 FTE" in partial
    assert "+1376 hours" in partial and "2027-Q2" in partial
    assert "Create a scenario with these changes" in partial
    # the recommendation says whom it covers, next to what all approved demand would need
    summary = partial[partial.index('id="gap-summary"'):partial.index("</ul>", partial.index('id="gap-summary"'))]
    assert "To fit every mandatory and critical demand</strong> (2 of the 5" in summary
    assert "the 1 hire and upgrade in the table below" in summary
    assert "All 5 approved and assessed demands</strong>" in summary
    assert "more FTE in the busiest quarter (2027-Q1)" in summary
    # computed once: the plain page now shows the report straight away
    assert "−1876" in c.get(reverse("analysis:sufficiency")).content.decode()


def test_sufficiency_report_is_recomputed_after_a_change(client, cast, gap):
    c = _client(client, cast.cio)
    assert (
        "+1376 hours" in c.get(reverse("analysis:sufficiency"), {"compute": "1"}).content.decode()
    )
    d = gap.demands["D"]
    d.need_class = NeedClass.IMPORTANT
    d.save()
    content = c.get(reverse("analysis:sufficiency")).content.decode()
    assert "+1376 hours" not in content and "hx-get=" in content


def test_viewer_sees_sufficiency_without_the_button_and_cannot_post(client, cast, gap):
    c = _client(client, cast.viewer)
    assert (
        "Create a scenario with these changes"
        not in c.get(reverse("analysis:sufficiency")).content.decode()
    )
    assert c.post(reverse("analysis:sufficiency_scenario")).status_code == 403
    assert not Scenario.objects.exists()


def test_cio_creates_the_scenario_from_the_additions(client, cast, gap):
    response = _client(client, cast.cio).post(reverse("analysis:sufficiency_scenario"))
    scenario = Scenario.objects.get(organisation=cast.org)
    assert (
        response.status_code == 302
        and response["Location"] == f"/planning/scenarios/{scenario.pk}/"
    )
    assert scenario.capacity_changes == [
        {"resource": "skill:java", "amount": 1376, "unit": "hours", "from_quarter": 1}
    ]
    assert (
        AuditEntry.objects.filter(
            object_type="planning.Scenario", actor=cast.cio, action="create"
        ).count()
        == 1
    )


def test_no_scenario_when_nothing_is_short(client, cast, planning_org):
    response = _client(client, cast.cio).post(reverse("analysis:sufficiency_scenario"))
    assert response.status_code == 302 and response["Location"] == reverse("analysis:sufficiency")
    assert not Scenario.objects.exists()


# Comparison, alignment, traceability


@pytest.fixture
def plans(cast, planning_org):
    d = planning_org.demands
    a = make_scenario(cast.org, name="Lean")
    b = make_scenario(cast.org, name="Bold")
    run_a = make_run(cast, a, {d["A"]: (0, 6.0), d["C"]: (1, 2.0)})
    run_b = make_run(cast, b, {d["A"]: (2, 6.0), d["E"]: (0, 3.0)})
    return a, b, run_a, run_b


def test_compare_page_shows_both_plans(client, cast, plans):
    a, b, _run_a, _run_b = plans
    content = (
        _client(client, cast.viewer)
        .get(reverse("analysis:compare"), {"a": a.pk, "b": b.pk})
        .content.decode()
    )
    assert "8.00" in content and "9.00" in content and "120,000" in content and "105,000" in content
    only_a = content.split('id="only-a"')[1].split("</section>")[0]
    assert "D-C" in only_a and "D-E" not in only_a


def test_compare_page_says_which_scenario_has_no_plan(client, cast, plans):
    a, _, _, _ = plans
    empty = make_scenario(cast.org, name="Unplanned")
    content = (
        _client(client, cast.cio)
        .get(reverse("analysis:compare"), {"a": a.pk, "b": empty.pk})
        .content.decode()
    )
    assert "No finished plan yet for: Unplanned" in content


def test_outsider_cannot_compare_another_organisations_scenarios(client, cast, plans):
    a, b, _, _ = plans
    content = (
        _client(client, cast.outsider)
        .get(reverse("analysis:compare"), {"a": a.pk, "b": b.pk})
        .content.decode()
    )
    assert "Lean" not in content and "compare-totals" not in content


def test_alignment_page_for_a_chosen_scenario_and_the_published_one(client, cast, plans):
    a, _b, _run_a, run_b = plans
    c = _client(client, cast.lead)
    assert (
        "No IT Strategy is published yet" in c.get(reverse("analysis:alignment")).content.decode()
    )
    content = c.get(reverse("analysis:alignment"), {"scenario": a.pk}).content.decode()
    assert 'id="alignment-matrix"' in content and "6.0" in content and "2.0" in content
    Publication.objects.create(organisation=cast.org, run=run_b, cycle="2027", version=1)
    content = c.get(reverse("analysis:alignment")).content.decode()
    assert f"run #{run_b.pk}" in content and "9.0" in content


def test_trace_pages_navigate_both_ways(client, cast, planning_org, plans):
    a, _, _run_a, _ = plans
    goal = make_goal(
        organisation=cast.org,
        department=cast.sales,
        title="Win more deals",
        contributions={planning_org.revenue: "high"},
    )
    planning_org.demands["A"].goals.add(goal)
    c = _client(client, cast.viewer)
    overview = c.get(reverse("analysis:trace"), {"scenario": a.pk}).content.decode()
    assert reverse("analysis:trace_objective", args=[planning_org.revenue.pk]) in overview
    down = c.get(
        reverse("analysis:trace_objective", args=[planning_org.revenue.pk]), {"scenario": a.pk}
    ).content.decode()
    assert "Win more deals" in down and "D-A" in down and "2027-Q1" in down
    assert reverse("analysis:trace_demand", args=[planning_org.demands["A"].pk]) in down
    up = c.get(
        reverse("analysis:trace_demand", args=[planning_org.demands["A"].pk]), {"scenario": a.pk}
    ).content.decode()
    assert "Win more deals" in up and "Grow revenue" in up and "2027-Q1" in up
    assert reverse("analysis:trace_objective", args=[planning_org.revenue.pk]) in up


def test_navigation_links_to_the_analysis_pages(client, cast):
    content = _client(client, cast.viewer).get(reverse("analysis:scoring")).content.decode()
    for name in ("analysis:scoring", "analysis:sufficiency", "analysis:alignment"):
        assert f'href="{reverse(name)}"' in content


def test_demand_value_tag_renders_the_terms_for_other_pages(cast, planning_org):
    from django.template import Context, Template

    html = Template("{% load analysis_tags %}{% demand_value demand %}").render(
        Context({"demand": planning_org.demands["A"]})
    )
    assert "Value 6.75" in html and "Objective: Grow revenue" in html and "-2.25" in html


def test_objective_trace_pages_through_many_goals(client, cast, planning_org):
    for i in range(21):
        make_goal(
            organisation=cast.org,
            department=cast.sales,
            title=f"Goal {i:02d}",
            contributions={planning_org.revenue: "low"},
        )
    url = reverse("analysis:trace_objective", args=[planning_org.revenue.pk])
    c = _client(client, cast.viewer)
    first = c.get(url).content.decode()
    assert "Goals 1–20 of 21" in first and "Goal 19" in first and "Goal 20" not in first
    assert "Goal 20" in c.get(url, {"page": 2}).content.decode()


def test_objective_trace_lists_a_goals_first_demands_and_counts_the_rest(
    client, cast, planning_org, monkeypatch
):
    from bearing.planning import analysis_views

    monkeypatch.setattr(analysis_views, "TRACE_DEMANDS_PER_GOAL", 2)
    goal = make_goal(
        organisation=cast.org,
        department=cast.sales,
        title="Big goal",
        contributions={planning_org.revenue: "high"},
    )
    for key in "ABC":
        planning_org.demands[key].goals.add(goal)
    content = (
        _client(client, cast.cio)
        .get(reverse("analysis:trace_objective", args=[planning_org.revenue.pk]))
        .content.decode()
    )
    assert "D-A" in content and "D-B" in content and "… and 1 more" in content
    assert "Demand C" not in content


def test_compare_lists_are_capped(client, cast, plans, monkeypatch):
    from bearing.planning import analysis_views

    monkeypatch.setattr(analysis_views, "COMPARE_LIST_LIMIT", 0)
    a, b, _, _ = plans
    content = (
        _client(client, cast.cio)
        .get(reverse("analysis:compare"), {"a": a.pk, "b": b.pk})
        .content.decode()
    )
    only_a = content.split('id="only-a"')[1].split("</section>")[0]
    assert "D-C" not in only_a and "… and 1 more" in only_a


def test_scoring_page_says_when_a_new_objective_made_the_weights_stale(client, cast, planning_org):
    key = objective_key(planning_org.revenue.pk)
    weights.set_direct_weights(cast.cio, cast.org, {key: 2, NEED: 1, RISK: 1})
    c = _client(client, cast.viewer)
    assert "Direct entry" in c.get(reverse("analysis:scoring")).content.decode()
    make_objective(organisation=cast.org, name="Cut costs")
    assert "miss a criterion added since" in c.get(reverse("analysis:scoring")).content.decode()
