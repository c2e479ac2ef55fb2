"""Template helpers of the planning pages."""

from __future__ import annotations

from typing import Any

from django import template

__all__ = ["at", "percent"]

register = template.Library()


@register.filter
def at(sequence: Any, index: Any) -> Any:
    """`labels|at:3` -> labels[3], `mapping|at:key` -> mapping[key] ("" when absent)."""
    if isinstance(sequence, dict):
        return sequence.get(index, sequence.get(str(index), ""))
    try:
        return sequence[int(index)]
    except (IndexError, KeyError, TypeError, ValueError):
        return ""


@register.filter
def percent(value: Any, digits: int = 0) -> str:
    """0.845 -> "85 %" ("—" for None)."""
    if value is None:
        return "—"
    try:
        return f"{float(value) * 100:.{int(digits)}f} %"
    except (TypeError, ValueError, OverflowError):
        return "—"
