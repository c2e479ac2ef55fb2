"""Scoring: value = weighted benefit x need multiplier x (1 - risk), with additive terms."""

from __future__ import annotations

from typing import cast

import pytest

from bearing.engine.scoring import (
    NEED_CLASS_MULTIPLIERS,
    RISK_LEVELS,
    ScoringError,
    score_demand,
)

WEIGHTS = {"revenue": 0.5, "cost": 0.3, "satisfaction": 0.2}


def test_value_is_weighted_benefit_scaled_by_need_and_risk() -> None:
    # base = 8*0.5 + 5*0.3 = 5.5; critical x1.5 = 8.25; medium risk 25% -> 6.1875
    score = score_demand({"revenue": 8, "cost": 5}, WEIGHTS, "critical", "medium")
    assert score.base == pytest.approx(5.5)
    assert score.value == pytest.approx(6.1875)
    amounts = {t.key: t.amount for t in score.terms}
    assert amounts == pytest.approx(
        {"revenue": 4.0, "cost": 1.5, "critical": 2.75, "medium": -2.0625}
    )
    assert sum(t.amount for t in score.terms) == pytest.approx(score.value)


def test_terms_name_the_objective_need_and_risk() -> None:
    score = score_demand({"revenue": 2}, WEIGHTS, "nice to have", 0.5)
    assert [t.kind for t in score.terms] == ["objective", "need", "risk"]
    assert "revenue" in score.terms[0].label
    assert "nice to have" in score.terms[1].label
    # 2*0.5 = 1; x0.6 = 0.6; half at risk -> 0.3
    assert score.value == pytest.approx(0.3)
    terms = cast(list[dict[str, object]], score.to_dict()["terms"])
    assert terms[2]["amount"] == pytest.approx(-0.3)


def test_defaults_are_documented_constants() -> None:
    assert NEED_CLASS_MULTIPLIERS["important"] == 1.0
    assert NEED_CLASS_MULTIPLIERS["mandatory"] > NEED_CLASS_MULTIPLIERS["critical"]
    assert RISK_LEVELS["low"] < RISK_LEVELS["medium"] < RISK_LEVELS["high"]


def test_multipliers_and_risk_levels_can_be_overridden() -> None:
    score = score_demand(
        {"cost": 10},
        WEIGHTS,
        "important",
        "high",
        need_multipliers={"important": 3.0},
        risk_levels={"high": 0.9},
    )
    # 10*0.3 = 3; x3 = 9; 10% kept -> 0.9
    assert score.value == pytest.approx(0.9)


def test_zero_risk_and_important_leave_the_base_unchanged() -> None:
    score = score_demand({"satisfaction": 5}, WEIGHTS, "important", 0)
    assert score.value == pytest.approx(1.0)
    assert score.terms[1].amount == 0 and score.terms[2].amount == 0


@pytest.mark.parametrize(
    ("benefits", "need", "risk", "fragment"),
    [
        ({"profit": 1}, "important", "low", "no such objective"),
        ({"cost": 1}, "urgent", "low", "unknown class"),
        ({"cost": 1}, "important", "extreme", "unknown level"),
        ({"cost": 1}, "important", 1.5, "0..1"),
    ],
)
def test_rejects_unknown_inputs(
    benefits: dict[str, float], need: str, risk: str | float, fragment: str
) -> None:
    with pytest.raises(ScoringError, match=fragment):
        score_demand(benefits, WEIGHTS, need, risk)


def test_a_risk_of_one_leaves_no_value_and_a_negative_risk_is_refused() -> None:
    assert score_demand({"cost": 10}, WEIGHTS, "important", 1).value == pytest.approx(0.0)
    with pytest.raises(ScoringError, match="0..1"):
        score_demand({"cost": 10}, WEIGHTS, "important", -0.1)


@pytest.mark.parametrize("benefit", [float("nan"), float("inf"), True])
def test_rejects_a_benefit_that_is_not_a_finite_number(benefit: float) -> None:
    with pytest.raises(ScoringError, match="benefits.cost: must be a number"):
        score_demand({"cost": benefit}, WEIGHTS, "important", "low")
