"""A demand's value: expected benefit per objective x objective weight, scaled by need and risk.

value = (sum over objectives of benefit x weight) x need multiplier x (1 - risk)

Every factor is returned as an additive term (the terms sum to the value), so the app can show a
waterfall: the contribution of each objective, then what the need class adds and the risk takes away.
Benefits are on whatever scale the organisation rates them (e.g. 0-10); weights are used as given
(AHP weights already sum to 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = [
    "NEED_CLASS_MULTIPLIERS",
    "RISK_LEVELS",
    "Score",
    "ScoreTerm",
    "ScoringError",
    "score_demand",
]

# How much more a demand of each need class is worth than an "important" one with the same benefit.
NEED_CLASS_MULTIPLIERS: dict[str, float] = {
    "mandatory": 2.0,
    "critical": 1.5,
    "important": 1.0,
    "nice_to_have": 0.6,
}

# Risk as the share of the expected benefit that may not materialise (0 = certain, 1 = none).
RISK_LEVELS: dict[str, float] = {"low": 0.1, "medium": 0.25, "high": 0.5}


class ScoringError(ValueError):
    """Scoring input that cannot be used: unknown objective, need class or risk."""


@dataclass(frozen=True)
class ScoreTerm:
    """One additive part of a score: `kind` is "objective", "need" or "risk"."""

    label: str
    amount: float
    kind: str
    key: str = ""  # objective, need class or risk level the term is about


@dataclass(frozen=True)
class Score:
    """A demand's value and the terms it is made of (`sum(t.amount for t in terms) == value`)."""

    value: float
    terms: list[ScoreTerm] = field(default_factory=list)
    base: float = 0.0  # weighted benefit before need and risk
    need_multiplier: float = 1.0
    risk: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "value": self.value,
            "base": self.base,
            "need_multiplier": self.need_multiplier,
            "risk": self.risk,
            "terms": [
                {"label": t.label, "amount": t.amount, "kind": t.kind, "key": t.key}
                for t in self.terms
            ],
        }


def _need_key(need_class: str) -> str:
    return need_class.strip().lower().replace("-", "_").replace(" ", "_")


def _risk_share(risk: str | float, levels: Mapping[str, float]) -> tuple[float, str]:
    if isinstance(risk, str):
        key = risk.strip().lower()
        if key not in levels:
            raise ScoringError(f"risk: unknown level {risk!r} (known: {', '.join(levels)})")
        return float(levels[key]), key
    if isinstance(risk, bool) or not isinstance(risk, int | float) or not 0 <= risk <= 1:
        raise ScoringError(f"risk: must be low/medium/high or a number in 0..1, got {risk!r}")
    return float(risk), ""


def _objective_terms(
    benefits: Mapping[str, float], objective_weights: Mapping[str, float]
) -> list[ScoreTerm]:
    terms = []
    for objective, benefit in benefits.items():
        if objective not in objective_weights:
            raise ScoringError(f"benefits.{objective}: no such objective")
        if isinstance(benefit, bool) or not math.isfinite(benefit):
            raise ScoringError(f"benefits.{objective}: must be a number")
        weight = objective_weights[objective]
        terms.append(
            ScoreTerm(
                f"{objective}: benefit {benefit:g} x weight {weight:.3g}",
                benefit * weight,
                "objective",
                objective,
            )
        )
    return terms


def score_demand(
    benefits: Mapping[str, float],
    objective_weights: Mapping[str, float],
    need_class: str,
    risk: str | float,
    *,
    need_multipliers: Mapping[str, float] | None = None,
    risk_levels: Mapping[str, float] | None = None,
) -> Score:
    """Score one demand from its expected benefit per objective.

    Args:
        benefits: objective -> expected benefit (organisation's scale, e.g. 0-10).
        objective_weights: objective -> weight (e.g. AHP weights).
        need_class: mandatory, critical, important or nice_to_have ("nice to have" accepted).
        risk: low/medium/high, or the share 0..1 of the benefit at risk.
        need_multipliers, risk_levels: override NEED_CLASS_MULTIPLIERS / RISK_LEVELS.
    """
    multipliers = NEED_CLASS_MULTIPLIERS if need_multipliers is None else need_multipliers
    levels = RISK_LEVELS if risk_levels is None else risk_levels
    need = _need_key(need_class)
    if need not in multipliers:
        raise ScoringError(
            f"need_class: unknown class {need_class!r} (known: {', '.join(multipliers)})"
        )
    multiplier = float(multipliers[need])
    share, level = _risk_share(risk, levels)
    terms = _objective_terms(benefits, objective_weights)
    base = sum(t.amount for t in terms)
    needed = base * multiplier
    terms.append(
        ScoreTerm(
            f"need class {need.replace('_', ' ')}: x{multiplier:g}", needed - base, "need", need
        )
    )
    risk_label = f"risk {level} ({share:.0%} of benefit at risk)" if level else f"risk {share:.0%}"
    terms.append(ScoreTerm(risk_label, -needed * share, "risk", level))
    return Score(
        value=needed * (1.0 - share),
        terms=terms,
        base=base,
        need_multiplier=multiplier,
        risk=share,
    )
