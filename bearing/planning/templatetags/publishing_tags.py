"""Filters of the published IT Strategy document (page, PDF and Markdown)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

__all__ = ["amount", "md", "share"]


@register.filter
def amount(value: Any, digits: int = 0) -> str:
    """1234567.8 -> "1,234,568"; "—" when missing."""
    try:
        return f"{float(value):,.{int(digits)}f}"
    except (TypeError, ValueError):
        return "—"


@register.filter
def share(value: Any) -> str:
    """0.873 -> "87 %"; "—" when missing."""
    try:
        return f"{float(value) * 100:.0f} %"
    except (TypeError, ValueError):
        return "—"


@register.filter
def md(value: Any) -> str:
    """Text safe inside a Markdown table cell or list item: one line, pipes and emphasis marks
    escaped."""
    text = " ".join(str(value if value is not None else "").split())
    for char in ("\\", "|", "*", "_", "`", "[", "]", "<", ">"):
        text = text.replace(char, "\\" + char)
    return text
