"""Template helpers shared by every page: navigation links, sort links, role labels, quarters."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from bearing.core.choices import Role

__all__ = ["main_nav", "nav_item", "nav_url", "number", "quarter_label", "role_label", "sort_link", "try_url"]

register = template.Library()


@register.simple_tag
def nav_url(name: str, fallback: str) -> str:
    """The URL called `name`, or `fallback` while the app that owns it is not wired in yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@register.simple_tag
def try_url(name: str, *args: Any) -> str:
    """The URL called `name` with `args`, or "" when no such URL is wired in (yet)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def nav_item(
    context: template.Context, name: str, fallback: str, label: str, exact: bool = False
) -> str:
    """One `<li>` of the main navigation, marked current when the page is under its URL."""
    url = nav_url(name, fallback)
    request = context.get("request")
    path = getattr(request, "path", "")
    is_current = path == url if exact else path.startswith(url)
    current = mark_safe(' aria-current="page"') if is_current else ""
    return format_html('<li><a href="{}"{}>{}</a></li>', url, current, label)


# The main navigation: (label, URL name, fallback path, sub-links). A group's own link opens its
# first page; its sub-links appear in a dropdown (CSS only, so it works without JavaScript).
NAV: list[tuple[str, str, str, tuple[tuple[str, str, str], ...]]] = [
    ("Home", "core:home", "/", ()),
    ("Strategy", "strategy:objective_list", "/strategy/objectives/", (
        ("Objectives", "strategy:objective_list", "/strategy/objectives/"),
        ("Departments", "strategy:department_list", "/strategy/departments/"),
        ("Goals", "strategy:goal_list", "/strategy/goals/"),
        ("Sessions", "strategy:session_list", "/strategy/sessions/"),
    )),
    ("Demands", "demand:demand_list", "/demands/", ()),
    ("Capacity", "capacity:capacity", "/capacity/", (
        ("Capacity overview", "capacity:capacity", "/capacity/"),
        ("Skills", "capacity:skill_list", "/capacity/skills/"),
        ("People", "capacity:person_list", "/capacity/people/"),
        ("Systems", "capacity:system_list", "/capacity/systems/"),
    )),
    ("Planning", "planning:scenario_list", "/planning/", (
        ("Scenarios and plans", "planning:scenario_list", "/planning/"),
        ("Scoring", "analysis:scoring", "/planning/analysis/scoring/"),
        ("Sufficiency", "analysis:sufficiency", "/planning/analysis/sufficiency/"),
        ("Alignment", "analysis:alignment", "/planning/analysis/alignment/"),
    )),
    ("IT Strategy", "strategy_doc:document_latest", "/strategy-document/", ()),
]


def _most_specific(path: str, urls: list[str]) -> str | None:
    """The longest of `urls` that `path` lies under ("/" only for the home page itself)."""
    matches = [u for u in urls if (path == u if u == "/" else path.startswith(u))]
    return max(matches, key=len) if matches else None


@register.inclusion_tag("core/partials/main_nav.html", takes_context=True)
def main_nav(context: template.Context) -> dict[str, Any]:
    """The main navigation grouped under Strategy, Capacity and Planning; only the most specific
    link for the current page is marked current (Scoring, not Planning, on /planning/analysis/scoring/)."""
    request = context.get("request")
    path = getattr(request, "path", "")
    groups = []
    urls: list[str] = []
    for label, name, fallback, children in NAV:
        links = [{"label": c[0], "url": nav_url(c[1], c[2])} for c in children]
        groups.append({"label": label, "url": nav_url(name, fallback), "links": links})
        urls += [groups[-1]["url"], *(link["url"] for link in links)]
    current = _most_specific(path, urls)
    for group in groups:
        for link in group["links"]:
            link["is_current"] = link["url"] == current
        group["is_current"] = (group["url"] == current and not group["links"]) or any(
            link["is_current"] for link in group["links"]
        )
    return {"groups": groups}


@register.filter
def role_label(value: str) -> str:
    """ "cio" -> "CIO / admin"."""
    try:
        return Role(value).label
    except ValueError:
        return value


@register.simple_tag(takes_context=True)
def sort_link(context: template.Context, key: str, label: str) -> str:
    """A column heading link that sorts by `key`, toggling direction when already sorted by it;
    keeps the filters, drops the page number. Needs `sort` (the current key, e.g. "-title") in context."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        new, indicator, css = f"-{key}", "▲", " sort-active"
    elif current == f"-{key}":
        new, indicator, css = key, "▼", " sort-active"
    else:
        new, indicator, css = key, "", ""
    params["sort"] = new
    indicator_html = (
        format_html('<span class="sort-indicator" aria-hidden="true">{}</span>', indicator)
        if indicator
        else ""
    )
    return format_html(
        '<a class="sort-link{}" href="?{}">{}{}</a>', css, params.urlencode(), label, indicator_html
    )


@register.filter
def number(value: Any) -> str:
    """A number without trailing zeros, with thousands separators: 2400.00 -> "2,400"; None -> "—"."""
    if value is None or value == "":
        return "—"
    try:
        decimal_value = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if decimal_value == decimal_value.to_integral_value():
        return f"{int(decimal_value):,}"
    return f"{decimal_value.normalize():,f}"


@register.simple_tag(takes_context=True)
def quarter_label(context: template.Context, index: Any) -> str:
    """ "2027-Q3" for quarter `index` on the current organisation's calendar ("—" when unset)."""
    if index is None or index == "":
        return "—"
    organisation = context.get("organisation")
    calendar = getattr(organisation, "calendar", None) if organisation is not None else None
    if calendar is None:
        return f"Q{index}"
    return calendar.label(int(index))
