"""A demand's value under the organisation's scoring model, term by term."""

from __future__ import annotations

from typing import Any

from bearing.demand.models import Demand
from bearing.engine.scoring import Score, score_demand
from bearing.planning.scoring import criterion_weights
from bearing.strategy.models import Objective

__all__ = [
    "demand_score",
    "score_rows",
]


def demand_score(demand: Demand) -> Score:
    """The demand's value under the organisation's current scoring model, with every term
    (one per objective it benefits, then need class and risk)."""
    weights, need_multipliers, risk_levels = criterion_weights(demand.organisation)
    objective_weights = {str(k): v for k, v in weights.items()}
    benefits = {
        str(b.objective_id): float(b.score)
        for b in demand.benefits.all()
        if str(b.objective_id) in objective_weights
    }
    return score_demand(
        benefits,
        objective_weights,
        demand.need_class,
        demand.risk,
        need_multipliers=need_multipliers,
        risk_levels=risk_levels,
    )


def score_rows(demand: Demand, score: Score) -> list[dict[str, Any]]:
    """The score's terms with objective names instead of ids, for the page."""
    names = dict(
        Objective.objects.filter(organisation=demand.organisation_id).values_list("pk", "name")
    )
    benefits = {b.objective_id: float(b.score) for b in demand.benefits.all()}
    weights, _, _ = criterion_weights(demand.organisation)
    rows = []
    for term in score.terms:
        row = {"kind": term.kind, "amount": term.amount, "label": term.label}
        if term.kind == "objective":
            pk = int(term.key)
            row.update(
                label=names.get(pk, term.key),
                objective_id=pk,
                benefit=benefits.get(pk),
                weight=weights.get(pk),
            )
        elif term.kind == "need":
            row["label"] = (
                f"Need class {demand.get_need_class_display().lower()} (× {score.need_multiplier:.2f})"
            )
        else:
            row["label"] = (
                f"Risk {demand.get_risk_display().lower()} ({score.risk:.0%} of the value at risk)"
            )
        rows.append(row)
    return rows
