"""Writes of the scoring model: direct weights, each rater's pairwise judgements, and the AHP
weights aggregated from all raters.

The CIO sets direct weights and turns the raters' judgements into the weights in use; the CIO and
every department lead fill their own comparison page (Saaty's 1–9 scale). Each write is audited.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bearing.core.audit import record_change, snapshot
from bearing.core.choices import Role
from bearing.core.permissions import require_model_permission, role_in
from bearing.engine.ahp import (
    AhpError,
    AhpResult,
    Judgement,
    aggregate_raters,
    ahp_weights,
    most_inconsistent_judgement,
)
from bearing.planning.choices import WeightMethod
from bearing.planning.models import PairwiseJudgement, ScoringModel
from bearing.planning.scoring import criteria

__all__ = [
    "RATER_ROLES",
    "aggregated_result",
    "criterion_pairs",
    "get_scoring_model",
    "may_rate",
    "rater_judgements",
    "rater_result",
    "rater_summaries",
    "recompute_ahp",
    "save_judgements",
    "set_direct_weights",
    "worst_judgement",
]

# Roles that fill a pairwise comparison page.
RATER_ROLES = (Role.CIO, Role.LEAD)
_MIN, _MAX = 1 / 9, 9.0


def get_scoring_model(organisation: Any) -> ScoringModel:
    """The organisation's scoring model, created empty (direct, no stored weights) on first use."""
    model, _ = ScoringModel.objects.get_or_create(organisation=organisation)
    return model


def _model_snapshot(model: ScoringModel) -> dict[str, Any]:
    return snapshot(model)


def may_rate(user: Any, organisation: Any) -> bool:
    """True when `user` fills a comparison page in `organisation` (CIO or department lead)."""
    return role_in(user, organisation) in RATER_ROLES


def criterion_pairs(organisation: Any) -> list[tuple[tuple[str, str], tuple[str, str]]]:
    """Every pair of criteria ((key, label), (key, label)) in the page's order."""
    items = criteria(organisation)
    return [(items[i], items[j]) for i in range(len(items)) for j in range(i + 1, len(items))]


def set_direct_weights(
    actor: Any, organisation: Any, weights: Mapping[str, float], reason: str = ""
) -> ScoringModel:
    """Enter the criteria weights directly (CIO only): every criterion gets a weight >= 0, not
    all zero; stored normalised to sum 1, and the model's method becomes direct."""
    require_model_permission(actor, "change", ScoringModel, organisation)
    keys = [k for k, _ in criteria(organisation)]
    errors: dict[str, list[str]] = {}
    values: dict[str, float] = {}
    for key in keys:
        try:
            value = float(weights[key])
        except KeyError:
            errors.setdefault(key, []).append("A weight is required.")
            continue
        except (TypeError, ValueError):
            errors.setdefault(key, []).append("Enter a number.")
            continue
        if not math.isfinite(value) or value < 0:
            errors.setdefault(key, []).append("The weight must be 0 or more.")
        values[key] = value
    unknown = sorted(set(weights) - set(keys))
    if unknown:
        errors.setdefault("__all__", []).append(
            f"Not criteria of this organisation: {', '.join(unknown)}."
        )
    if not errors and sum(values.values()) <= 0:
        errors["__all__"] = ["At least one weight must be above 0."]
    if errors:
        raise ValidationError(errors)
    total = sum(values.values())
    with transaction.atomic():
        model = get_scoring_model(organisation)
        before = _model_snapshot(model)
        model.method = WeightMethod.DIRECT
        model.weights = {k: v / total for k, v in values.items()}
        model.consistency_ratio = None
        model.save()
        record_change(
            actor=actor,
            organisation=organisation,
            action="update",
            obj=model,
            before=before,
            after=_model_snapshot(model),
            reason=reason or "Direct weights",
        )
    return model


def _check_value(value: Any, where: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({where: "Enter a judgement on the 1–9 scale."}) from None
    if not math.isfinite(number) or not _MIN - 1e-9 <= number <= _MAX + 1e-9:
        raise ValidationError({where: "A judgement lies between 1/9 and 9 (Saaty's scale)."})
    return number


def save_judgements(
    actor: Any,
    organisation: Any,
    rater: Any,
    judgements: Mapping[tuple[str, str], float] | Iterable[tuple[str, str, float]],
) -> list[PairwiseJudgement]:
    """Replace `rater`'s pairwise judgements: (first, second) -> how many times `first` is as
    important as `second` (1/9..9). The rater is the CIO or a department lead and fills only
    their own page; pairs of unknown criteria are refused."""
    if actor is not None and getattr(actor, "pk", None) != getattr(rater, "pk", None):
        raise PermissionDenied("Each rater fills only their own comparison page.")
    if not may_rate(rater, organisation):
        raise PermissionDenied("Only the CIO and department leads compare criteria.")
    if isinstance(judgements, Mapping):
        triples = [(a, b, v) for (a, b), v in judgements.items()]
    else:
        triples = [(a, b, v) for a, b, v in judgements]
    rows: dict[tuple[str, str], float] = {}
    keys = {k for k, _ in criteria(organisation)}
    for first, second, value in triples:
        where = f"{first}|{second}"
        if first not in keys or second not in keys or first == second:
            raise ValidationError({where: "Not a pair of two criteria of this organisation."})
        number = _check_value(value, where)
        if (second, first) in rows:
            raise ValidationError({where: "The pair is judged twice."})
        rows[(first, second)] = number
    with transaction.atomic():
        model = get_scoring_model(organisation)
        existing = PairwiseJudgement.objects.filter(scoring_model=model, rater=rater)
        before = {f"{j.first} vs {j.second}": j.value for j in existing}
        existing.delete()
        created = PairwiseJudgement.objects.bulk_create(
            PairwiseJudgement(scoring_model=model, rater=rater, first=a, second=b, value=v)
            for (a, b), v in rows.items()
        )
        record_change(
            actor=actor,
            organisation=organisation,
            action="judge",
            obj=model,
            before={"rater": rater.pk, "judgements": before},
            after={
                "rater": rater.pk,
                "judgements": {f"{a} vs {b}": v for (a, b), v in rows.items()},
            },
        )
    return created


def rater_judgements(organisation: Any, rater: Any) -> dict[tuple[str, str], float]:
    """(first, second) -> value of `rater`'s stored judgements, both orientations."""
    out: dict[tuple[str, str], float] = {}
    for j in PairwiseJudgement.objects.filter(
        scoring_model__organisation=organisation, rater=rater
    ):
        out[(j.first, j.second)] = j.value
        out[(j.second, j.first)] = 1.0 / j.value
    return out


def _comparisons(rows: Iterable[PairwiseJudgement], keys: set[str]) -> list[list[Any]]:
    # judgements about criteria that no longer exist (a deleted objective) are left out
    return [[j.first, j.second, j.value] for j in rows if j.first in keys and j.second in keys]


def rater_result(organisation: Any, rater: Any) -> AhpResult | None:
    """One rater's weights and consistency, or None while their judgements do not link every criterion."""
    keys = [k for k, _ in criteria(organisation)]
    rows = PairwiseJudgement.objects.filter(scoring_model__organisation=organisation, rater=rater)
    comparisons = _comparisons(rows, set(keys))
    if len(keys) < 2 or not comparisons:
        return None
    try:
        return ahp_weights(keys, comparisons)
    except AhpError:
        return None


def _raters(organisation: Any) -> list[dict[str, Any]]:
    keys = {k for k, _ in criteria(organisation)}
    by_rater: dict[int, list[PairwiseJudgement]] = {}
    for j in PairwiseJudgement.objects.filter(scoring_model__organisation=organisation).order_by(
        "rater_id", "id"
    ):
        by_rater.setdefault(j.rater_id, []).append(j)
    raters = []
    for rater_id, rows in by_rater.items():
        comparisons = _comparisons(rows, keys)
        if comparisons:
            raters.append({"name": str(rater_id), "comparisons": comparisons})
    return raters


def rater_summaries(organisation: Any) -> list[dict[str, Any]]:
    """Per rater who compared the criteria: the user, how many pairs they judged and their own
    consistency ratio (None while their judgements do not link every criterion)."""
    from django.contrib.auth import get_user_model

    keys = [k for k, _ in criteria(organisation)]
    by_rater: dict[int, list[PairwiseJudgement]] = {}
    for j in PairwiseJudgement.objects.filter(scoring_model__organisation=organisation).order_by(
        "rater_id", "id"
    ):
        by_rater.setdefault(j.rater_id, []).append(j)
    users = get_user_model().objects.in_bulk(list(by_rater))
    out = []
    for rater_id, rows in by_rater.items():
        comparisons = _comparisons(rows, set(keys))
        try:
            cr: float | None = ahp_weights(keys, comparisons).cr if comparisons else None
        except AhpError:
            cr = None
        out.append({"user": users.get(rater_id), "pairs": len(comparisons), "cr": cr})
    return sorted(out, key=lambda r: str(r["user"]))


def aggregated_result(organisation: Any) -> tuple[AhpResult | None, int, str]:
    """(group result, number of raters, problem): the geometric-mean aggregate of all raters'
    judgements; the result is None with the reason when it cannot be computed yet."""
    keys = [k for k, _ in criteria(organisation)]
    raters = _raters(organisation)
    if not raters:
        return None, 0, "No rater has compared the criteria yet."
    try:
        return aggregate_raters(keys, raters), len(raters), ""
    except AhpError as exc:
        return None, len(raters), f"The judgements cannot be aggregated yet: {exc}"


def worst_judgement(result: AhpResult | None) -> Judgement | None:
    """The judgement most out of line with the weights, when the result is inconsistent (CR > 0.10)."""
    if result is None or result.is_consistent:
        return None
    return most_inconsistent_judgement(result)


def recompute_ahp(actor: Any, organisation: Any) -> ScoringModel:
    """Aggregate every rater's judgements (geometric mean) and make the AHP weights the ones in
    use, with their consistency ratio (CIO only)."""
    require_model_permission(actor, "change", ScoringModel, organisation)
    result, _count, problem = aggregated_result(organisation)
    if result is None:
        raise ValidationError(problem)
    with transaction.atomic():
        model = get_scoring_model(organisation)
        before = _model_snapshot(model)
        model.method = WeightMethod.AHP
        model.weights = dict(result.weights)
        model.consistency_ratio = result.cr
        model.save()
        record_change(
            actor=actor,
            organisation=organisation,
            action="update",
            obj=model,
            before=before,
            after=_model_snapshot(model),
            reason="Weights from pairwise comparison (AHP)",
        )
    return model
