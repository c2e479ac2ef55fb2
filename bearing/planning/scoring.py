"""The organisation's scoring model as inputs to the engine's scoring.

Criteria are the objectives plus "need" and "risk". Objective weights (normalised among the
objectives) multiply the expected benefits. The need and risk criteria set how strongly need class
and risk act: at an equal share of the total weight (1/number of criteria) the engine's default
multipliers apply; twice that share doubles their effect, zero switches them off.
"""

from __future__ import annotations

from typing import Any

from bearing.engine.scoring import NEED_CLASS_MULTIPLIERS, RISK_LEVELS
from bearing.strategy.models import Objective

__all__ = ["NEED", "RISK", "criteria", "criterion_weights", "objective_key"]

NEED = "need"
RISK = "risk"


def objective_key(objective_id: int) -> str:
    return f"objective:{objective_id}"


def criteria(organisation: Any) -> list[tuple[str, str]]:
    """(key, label) of every criterion of the organisation's scoring model."""
    objectives = Objective.objects.filter(organisation=organisation).order_by("name")
    return [(objective_key(o.pk), o.name) for o in objectives] + [(NEED, "Need class"), (RISK, "Risk")]


def raw_weights(organisation: Any) -> dict[str, float]:
    """criterion key -> weight, normalised to sum 1: the scoring model's weights, or else the
    objectives' own weights with need and risk at an equal share."""
    keys = [k for k, _ in criteria(organisation)]
    model = getattr(organisation, "scoring_model", None) if hasattr(organisation, "pk") else None
    stored = dict(model.weights) if model is not None and model.weights else {}
    if stored and all(k in stored for k in keys):
        weights = {k: max(float(stored[k]), 0.0) for k in keys}
    else:
        objectives = {objective_key(o.pk): float(o.weight) for o in Objective.objects.filter(organisation=organisation)}
        share = 1.0 / len(keys)
        total = sum(objectives.values()) or 1.0
        weights = {k: v / total * share * len(objectives) for k, v in objectives.items()}
        weights[NEED] = share
        weights[RISK] = share
    total = sum(weights.values()) or 1.0
    return {k: v / total for k, v in weights.items()}


def criterion_weights(organisation: Any) -> tuple[dict[int, float], dict[str, float], dict[str, float]]:
    """(objective id -> weight among objectives, need multipliers, risk levels) for the engine."""
    weights = raw_weights(organisation)
    n = len(weights)
    objective_total = sum(v for k, v in weights.items() if k.startswith("objective:")) or 1.0
    objectives = {int(k.split(":")[1]): v / objective_total for k, v in weights.items() if k.startswith("objective:")}
    need_strength = weights.get(NEED, 0.0) * n
    risk_strength = weights.get(RISK, 0.0) * n
    need = {c: 1.0 + (m - 1.0) * need_strength for c, m in NEED_CLASS_MULTIPLIERS.items()}
    need = {c: max(m, 0.05) for c, m in need.items()}
    risk = {level: min(share * risk_strength, 0.95) for level, share in RISK_LEVELS.items()}
    return objectives, need, risk
