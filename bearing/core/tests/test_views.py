"""Core pages: login, the home dashboard (counts, what needs attention, empty states), the
organisation switcher, error pages, the shared layout and the list helper."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bearing.capacity.tests.factories import make_system
from bearing.core.choices import Role
from bearing.core.listing import list_context
from bearing.core.middleware import SESSION_KEY
from bearing.core.tests.factories import make_membership, make_user
from bearing.demand.choices import DemandStatus
from bearing.demand.tests.factories import make_demand
from bearing.strategy.filters import ObjectiveFilterSet
from bearing.strategy.models import Objective
from bearing.strategy.tests.factories import make_goal, make_objective, make_session

HOME = "/"


# Login, logout, anonymous


def test_anonymous_home_redirects_to_login(client, db):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_logs_a_user_in_and_shows_errors_next_to_the_form(client, cast):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and b'name="username"' in page.content
    bad = client.post(reverse("login"), {"username": "cio", "password": "wrong"})
    assert bad.status_code == 200 and b"form-errors" in bad.content
    good = client.post(reverse("login"), {"username": "cio", "password": "pw"})
    assert good.status_code == 302 and good["Location"] == reverse("core:home")


def test_logout_is_a_post(client, cast):
    client.force_login(cast.viewer)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(HOME).status_code == 302  # logged out: home redirects to login


# Layout


def test_layout_serves_every_asset_locally_and_sends_csrf_with_htmx(client, cast):
    client.force_login(cast.cio)
    html = client.get(HOME).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert re.search(r'<script src="/static/django_htmx/htmx[^"]*\.js"', html)
    assert '<link rel="stylesheet" href="/static/bearing/bearing.css">' in html
    assert '<script src="/static/bearing/bearing.js" defer></script>' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_layout_shows_user_role_and_navigation(client, cast):
    client.force_login(cast.bio)
    html = client.get(HOME).content.decode()
    assert "Business Information Officer" in html
    for label in (
        "Objectives",
        "Departments",
        "Goals",
        "Sessions",
        "Demands",
        "Skills",
        "People",
        "Systems",
    ):
        assert f">{label}</a>" in html
    assert 'action="/logout/"' in html


def _current_links(html: str) -> list[str]:
    html = html[html.index('<nav class="site-nav"'):html.index("</nav>")]
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', html)


def test_navigation_groups_pages_and_marks_only_the_most_specific_link(client, cast):
    client.force_login(cast.cio)
    html = client.get(reverse("analysis:scoring")).content.decode()
    for group in ("Strategy", "Capacity", "Planning"):
        assert re.search(rf'class="nav-menu-label"[^>]*>{group} <span', html)
    assert "Capacity:" not in html
    assert _current_links(html) == ["Scoring"]
    assert 'class="nav-menu nav-menu-current"' in html
    assert _current_links(client.get(reverse("capacity:skill_list")).content.decode()) == ["Skills"]
    assert _current_links(client.get(HOME).content.decode()) == ["Home"]


def test_static_stylesheet_exists_and_uses_system_fonts(client, db):
    from django.contrib.staticfiles import finders

    path = finders.find("bearing/bearing.css")
    with open(path, encoding="utf-8") as handle:
        css = handle.read()
    assert "system-ui" in css and "@import" not in css and "url(http" not in css


# Home dashboard


def test_user_without_membership_sees_a_friendly_page(client, db):
    client.force_login(make_user(username="newcomer"))
    response = client.get(HOME)
    assert response.status_code == 200
    assert b"not a member of any organisation" in response.content


def test_home_counts_and_waiting_demands(client, cast):
    objective = make_objective(organisation=cast.org)
    make_goal(department=cast.sales, contributions={objective: "high"})
    make_demand(department=cast.sales, title="Submitted one", status=DemandStatus.SUBMITTED)
    make_demand(department=cast.finance, title="Assessed one", status=DemandStatus.ASSESSED)
    make_demand(department=cast.sales, title="Still a draft")
    make_demand(
        organisation=cast.other_org,
        department=cast.other_department,
        title="Globex waiting",
        status=DemandStatus.SUBMITTED,
    )
    client.force_login(cast.cio)
    response = client.get(HOME)
    counts = {c["label"]: c["count"] for c in response.context["counts"]}
    assert counts["Objectives"] == 1 and counts["Goals"] == 1 and counts["Demands"] == 3
    assert counts["Departments"] == 2
    html = response.content.decode()
    assert "Submitted one" in html and "Assessed one" in html
    assert "Awaiting assessment" in html and "Awaiting approval" in html
    assert "Still a draft" not in html and "Globex waiting" not in html
    assert response.context["waiting_count"] == 2


def test_lead_sees_only_own_departments_waiting_demands(client, cast):
    make_demand(department=cast.sales, title="Sales waiting", status=DemandStatus.SUBMITTED)
    make_demand(department=cast.finance, title="Finance waiting", status=DemandStatus.SUBMITTED)
    client.force_login(cast.lead)
    html = client.get(HOME).content.decode()
    assert "Sales waiting" in html and "Finance waiting" not in html


def test_home_lists_sessions_with_nothing_captured(client, cast):
    empty = make_session(department=cast.sales, title="Nothing captured here")
    with_goal = make_session(department=cast.sales, title="Has a goal")
    make_goal(department=cast.sales, session=with_goal)
    with_demand = make_session(department=cast.finance, title="Has a demand")
    make_demand(department=cast.finance, session=with_demand)
    client.force_login(cast.cio)
    response = client.get(HOME)
    assert [s.title for s in response.context["empty_sessions"]] == [empty.title]
    assert reverse("strategy:session_detail", args=[empty.pk]) in response.content.decode()


def test_home_lists_systems_past_or_near_end_of_support(client, cast):
    today = datetime.date.today()
    make_system(
        organisation=cast.org, name="Mainframe", end_of_support=today - datetime.timedelta(days=30)
    )
    make_system(
        organisation=cast.org, name="Old ERP", end_of_support=today + datetime.timedelta(days=90)
    )
    make_system(
        organisation=cast.org, name="New cloud", end_of_support=today + datetime.timedelta(days=800)
    )
    make_system(organisation=cast.org, name="Forever")
    client.force_login(cast.viewer)
    response = client.get(HOME)
    assert [s.name for s in response.context["ageing_systems"]] == ["Mainframe", "Old ERP"]
    html = response.content.decode()
    assert "Unsupported since" in html and "Support ends" in html


def test_empty_states_offer_the_first_item_only_to_those_who_may_create_it(client, cast):
    client.force_login(cast.cio)
    html = client.get(HOME).content.decode()
    assert "No objectives yet." in html
    assert f'<a href="{reverse("strategy:objective_create")}">Add the first one</a>' in html
    client.force_login(cast.viewer)
    html = client.get(HOME).content.decode()
    assert "No objectives yet." in html
    assert reverse("strategy:objective_create") not in html
    assert "Nothing is waiting" in html


def test_home_query_count_does_not_grow_with_data(client, cast, django_assert_max_num_queries):
    client.force_login(cast.cio)
    client.get(HOME)
    with CaptureQueriesContext(connection) as few:
        client.get(HOME)
    for i in range(20):
        make_demand(department=cast.sales, status=DemandStatus.SUBMITTED)
        make_session(department=cast.finance)
        make_system(organisation=cast.org, end_of_support=datetime.date(2000, 1, 1))
    with django_assert_max_num_queries(len(few)):
        client.get(HOME)


# Organisation switcher


def test_switcher_moves_a_member_to_another_organisation(client, cast):
    make_membership(cast.viewer, cast.other_org, Role.VIEWER)
    client.force_login(cast.viewer)
    html = client.get(HOME).content.decode()
    assert 'name="organisation"' in html and "Globex" in html
    response = client.post(reverse("core:switch_organisation"), {"organisation": cast.other_org.pk})
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert client.session[SESSION_KEY] == cast.other_org.pk
    response = client.get(HOME)
    assert response.context["organisation"] == cast.other_org


def test_switcher_refuses_an_organisation_the_user_is_not_a_member_of(client, cast):
    client.force_login(cast.viewer)
    response = client.post(
        reverse("core:switch_organisation"), {"organisation": cast.other_org.pk}, follow=True
    )
    assert SESSION_KEY not in client.session
    assert response.context["organisation"] == cast.org
    assert b"not a member of that organisation" in response.content


def test_switcher_requires_post_and_login(client, cast):
    assert (
        client.post(reverse("core:switch_organisation"), {"organisation": cast.org.pk}).status_code
        == 302
    )
    client.force_login(cast.viewer)
    assert client.get(reverse("core:switch_organisation")).status_code == 405


# Error pages


def test_404_uses_the_layout_and_shows_no_traceback(client, cast):
    client.force_login(cast.cio)
    response = client.get(reverse("strategy:objective_detail", args=[999999]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Not found" in html and 'class="site-header"' in html and "Traceback" not in html


def test_403_uses_the_layout_and_shows_no_traceback(client, cast):
    client.force_login(cast.viewer)
    response = client.get(reverse("strategy:objective_create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert (
        "You may not do that" in html and 'class="site-header"' in html and "Traceback" not in html
    )


def test_500_page_is_plain_and_standalone(db):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html and "{%" not in html


# The list helper and sort links


def _request(params):
    request = RequestFactory().get("/x/", params)
    return request


def test_list_context_sorts_by_whitelisted_keys_only(cast):
    for name in ("b", "a", "c"):
        make_objective(organisation=cast.org, name=name)
    qs = Objective.objects.filter(organisation=cast.org)
    sorts = {"name": "name"}
    ctx = list_context(_request({"sort": "-name"}), qs, sort_fields=sorts, default_sort="name")
    assert [o.name for o in ctx["object_list"]] == ["c", "b", "a"] and ctx["sort"] == "-name"
    ctx = list_context(
        _request({"sort": "organisation__memberships__user__password"}),
        qs,
        sort_fields=sorts,
        default_sort="name",
    )
    assert [o.name for o in ctx["object_list"]] == ["a", "b", "c"] and ctx["sort"] == "name"


def test_list_context_filters_paginates_and_keeps_the_query_string(cast):
    for i in range(7):
        make_objective(organisation=cast.org, name=f"Alpha {i}")
    make_objective(organisation=cast.org, name="Beta")
    request = _request({"q": "alpha", "sort": "name", "page": "2"})
    request.organisation = cast.org
    ctx = list_context(
        request,
        Objective.objects.all(),
        filterset_class=ObjectiveFilterSet,
        sort_fields={"name": "name"},
        default_sort="name",
        per_page=5,
    )
    assert ctx["paginator"].count == 7 and [o.name for o in ctx["object_list"]] == [
        "Alpha 5",
        "Alpha 6",
    ]
    assert ctx["query_string"] == "q=alpha&sort=name"


def test_list_context_invalid_filter_lists_nothing(cast):
    make_objective(organisation=cast.org)
    request = _request({"category": "no-such-category"})
    ctx = list_context(
        request,
        Objective.objects.all(),
        filterset_class=ObjectiveFilterSet,
        sort_fields={"name": "name"},
        default_sort="name",
    )
    assert ctx["paginator"].count == 0 and ctx["filterset"].errors


@pytest.mark.parametrize(
    ("current", "expected_href", "marked"),
    [
        ("", "?q=x&amp;sort=title", False),
        ("title", "?q=x&amp;sort=-title", True),
        ("-title", "?q=x&amp;sort=title", True),
    ],
)
def test_sort_link_toggles_direction_and_keeps_filters(current, expected_href, marked):
    from django.template import Context, Template

    request = _request({"q": "x", "page": "3", "sort": current})
    html = Template('{% load bearing_tags %}{% sort_link "title" "Title" %}').render(
        Context({"request": request, "sort": current})
    )
    assert f'href="{expected_href}"' in html
    assert ("sort-active" in html) is marked


# Home: planning card


def test_home_links_each_scenarios_current_plan_and_the_published_strategy(client, cast):
    from bearing.planning.models import PlanRun, Publication
    from bearing.planning.tests.factories import make_scenario

    base = make_scenario(cast.org, name="Baseline")
    make_scenario(cast.org, name="Stretch")
    run = PlanRun.objects.create(
        organisation=cast.org, scenario=base, status="succeeded", plan_status="optimal",
        objective=95.94, gap=0.0, summary={"scheduled": 33, "unscheduled": 20},
    )
    PlanRun.objects.create(organisation=cast.org, scenario=base, status="failed")
    client.force_login(cast.viewer)
    html = client.get(HOME).content.decode()
    card = html[html.index('id="planning-overview"'):html.index('id="attention-demands"')]
    assert f'href="{reverse("planning:run_roadmap", args=[run.pk])}">Baseline</a>' in card
    assert "value 95.9 (optimal, gap 0.0 %)" in card and "33 planned, 20 left out" in card
    assert "Stretch</a></span><span class=\"muted\">no plan yet" in card
    assert "No IT Strategy has been published yet" in card

    publication = Publication.objects.create(organisation=cast.org, run=run, cycle="2027–2028", version=2)
    card = client.get(HOME).content.decode()
    assert f'href="{reverse("strategy_doc:document_version", args=[publication.pk])}">IT Strategy 2027–2028, version 2</a>' in card


def test_home_planning_card_says_when_there_is_no_scenario(client, cast):
    client.force_login(cast.cio)
    html = client.get(HOME).content.decode()
    assert "No scenario yet." in html and "No IT Strategy has been published yet" in html
