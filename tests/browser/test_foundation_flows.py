"""Issue 2 browser flows in real headless Chromium: a BIO records a session and captures a
demand from it; a lead cannot edit another department's demand; pages load with every request to
a non-local address blocked."""

from __future__ import annotations

import re

import pytest

from bearing.core.choices import Role
from bearing.core.tests.cast import make_cast
from bearing.demand.choices import DemandStatus
from bearing.demand.models import Demand
from bearing.demand.tests.factories import make_demand
from bearing.strategy.models import StrategySession
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw"  # the factories' password


@pytest.fixture
def cast():
    return make_cast()


def test_bio_records_a_session_captures_a_demand_submits_it_and_finds_it_on_the_department_list(page, cast):
    login(page, cast.bio.username, PASSWORD)
    page.goto("/strategy/sessions/new/")
    page.select_option("select[name=department]", str(cast.sales.pk))
    page.fill("input[name=title]", "Q1 sales strategy review")
    page.fill("input[name=held_on]", "2027-01-14")
    page.fill("textarea[name=attendees]", "Ana Lopez\nBen Ortiz")
    page.fill("textarea[name=notes]", "Sales wants quotes out within a day; CRM must talk to ERP.")
    page.locator("form", has=page.locator("input[name=held_on]")).locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/strategy/sessions/\d+/$"))
    session = StrategySession.objects.get(title="Q1 sales strategy review")
    assert session.department_id == cast.sales.pk

    # capture a demand directly from the meeting (htmx swaps the captured list in place)
    page.fill("#capture-demand input[name=demand-title]", "Quote-to-order integration CRM ↔ ERP")
    page.select_option("#capture-demand select[name=demand-demand_type]", "enhancement")
    page.select_option("#capture-demand select[name=demand-need_class]", "critical")
    page.fill("#capture-demand input[name=demand-cost_eur]", "85000")
    page.fill("#capture-demand input[name=demand-duration_quarters]", "2")
    page.click("#capture-demand button[type=submit]")
    page.locator("#captured-demands").get_by_text("Quote-to-order integration").wait_for()
    demand = Demand.objects.get(title__startswith="Quote-to-order integration")
    assert demand.session_id == session.pk and demand.department_id == cast.sales.pk
    assert demand.status == DemandStatus.DRAFT

    # open it and submit it
    page.locator("#captured-demands a", has_text="Quote-to-order integration").click()
    page.wait_for_url(re.compile(rf"/demands/{demand.pk}/$"))
    page.locator("#workflow form", has=page.locator("input[value=submit]")).locator("button").click()
    page.locator("#demand-status", has_text="Submitted").wait_for()
    demand.refresh_from_db()
    assert demand.status == DemandStatus.SUBMITTED

    # find it on the department's list
    page.goto(f"/demands/?department={cast.sales.pk}")
    row = page.locator("table tr", has_text="Quote-to-order integration")
    assert row.count() == 1
    assert "Submitted" in row.inner_text()
    assert page.blocked_requests == []


def test_department_lead_cannot_edit_another_departments_demand(page, cast):
    own = make_demand(organisation=cast.org, department=cast.sales, title="Sales lead scoring")
    other = make_demand(organisation=cast.org, department=cast.finance, title="Finance close automation")
    login(page, cast.lead.username, PASSWORD)

    response = page.goto(f"/demands/{other.pk}/edit/")
    assert response.status == 404
    page.goto("/demands/")
    assert page.locator("table", has_text="Finance close automation").count() == 0

    page.goto(f"/demands/{own.pk}/edit/")
    page.fill("input[name=title]", "Sales lead scoring v2")
    page.locator("form", has=page.locator("input[name=title]")).locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf"/demands/{own.pk}/$"))
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.title == "Sales lead scoring v2"
    assert other.title == "Finance close automation"


@pytest.mark.parametrize("path", ["/", "/demands/", "/strategy/sessions/", "/capacity/"])
def test_pages_load_with_every_non_local_request_blocked(page, cast, path):
    login(page, cast.cio.username, PASSWORD)
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.blocked_requests == [], f"{path} reached outside: {page.blocked_requests}"
    # the page's own assets arrived: the stylesheet applied and htmx loaded
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert page.evaluate("() => document.styleSheets.length") >= 1
    assert cast.org.memberships.filter(user=cast.cio, role=Role.CIO).exists()


def test_on_a_touch_screen_the_first_tap_on_a_menu_opens_it_and_a_second_follows_it(chromium, live_server, cast):
    """Touch screens have no hover: a tap on "Planning" used to go straight to its first page."""
    context = chromium.new_context(base_url=live_server.url, has_touch=True, viewport={"width": 1024, "height": 768})
    try:
        page = context.new_page()
        login(page, cast.cio.username, PASSWORD)
        start = page.url
        menu = page.locator(".nav-menu", has=page.locator(".nav-menu-label", has_text="Planning"))
        label = menu.locator(".nav-menu-label")
        links = menu.locator(".nav-menu-links")
        label.tap()
        assert page.url == start and links.is_visible() and label.get_attribute("aria-expanded") == "true"
        page.locator("h1").first.tap()  # a tap elsewhere closes it
        assert not links.is_visible() and label.get_attribute("aria-expanded") == "false"
        label.tap()
        target = links.locator("a").nth(1)
        href = target.get_attribute("href")
        target.tap()  # one of its links, not the label's
        page.wait_for_url(f"**{href}")
        label = page.locator(".nav-menu-label", has_text="Planning")
        label.tap()
        label.tap()  # the second tap follows the label
        page.wait_for_url(f"**{label.get_attribute('href')}")
    finally:
        context.close()


def test_with_a_mouse_a_menu_label_is_a_plain_link(page, cast):
    login(page, cast.cio.username, PASSWORD)
    label = page.locator(".nav-menu-label", has_text="Planning")
    href = label.get_attribute("href")
    label.click()
    page.wait_for_url(f"**{href}")


def test_on_a_narrow_touch_screen_the_menu_links_are_in_the_bar_and_a_label_tap_follows_it(chromium, live_server, cast):
    context = chromium.new_context(base_url=live_server.url, has_touch=True, viewport={"width": 600, "height": 900})
    try:
        page = context.new_page()
        login(page, cast.cio.username, PASSWORD)
        label = page.locator(".nav-menu-label", has_text="Planning")
        assert page.locator(".nav-menu", has=label).locator(".nav-menu-links").is_visible()  # laid out in the bar
        href = label.get_attribute("href")
        label.tap()
        page.wait_for_url(f"**{href}")
    finally:
        context.close()
