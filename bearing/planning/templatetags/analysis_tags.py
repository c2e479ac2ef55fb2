"""Template helpers of the analysis pages: a demand's value panel for any page that shows a demand."""

from __future__ import annotations

from typing import Any

from django import template

from bearing.planning import analysis

__all__ = ["demand_value"]

register = template.Library()


@register.inclusion_tag("planning/analysis/partials/demand_score.html")
def demand_value(demand: Any) -> dict[str, Any]:
    """`{% demand_value demand %}`: the demand's value under the current scoring model with
    every term (objectives, need class, risk)."""
    score = analysis.demand_score(demand)
    return {"demand": demand, "score": score, "score_rows": analysis.score_rows(demand, score)}
