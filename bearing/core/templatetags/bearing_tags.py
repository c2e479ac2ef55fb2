"""Template helpers shared by every page: navigation links, sort links, role labels, quarters."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from bearing.core.choices import Role

__all__ = ["nav_item", "nav_url", "number", "quarter_label", "role_label", "sort_link", "try_url"]

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
